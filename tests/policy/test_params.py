"""One threshold feeds every rule that compares it: `params` overridden by name (#15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coverage_helpers import coverage, measure, write_package
from helpers import Repo

UNIT_RULES = ("testing.unit-coverage", "ci.coverage-unit", "pipeline.coverage-unit")


def _project(repo: Repo, threshold: int) -> None:
    repo.write("README.md", "# shop\n")
    repo.write("clearance.yaml", "extends: [builtin:spec-driven]\n"
                                 f"params: {{unit_coverage: {threshold}}}\n"
                                 "inputs: {coverage: {unit: coverage.xml}}\n")
    repo.commit("base")  # the policy in force at the pull request is the base's
    repo.git("checkout", "-q", "-b", "feature")
    write_package(repo.path)
    measure(repo.path, branch=False, out=".")
    repo.commit("shop")


@pytest.mark.parametrize("threshold", [70, 71])
def test_overriding_a_pack_threshold_moves_every_rule_that_compares_it(repo: Repo, cli, tmp_path: Path,
                                                                        threshold: int) -> None:
    _project(repo, threshold)
    oracle = coverage(repo.path, "report", f"--fail-under={threshold}", check=False).returncode
    expected = "fail" if oracle == 2 else "pass"
    out = tmp_path / "results.json"
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", "main", "--format", f"json={out}")
    assert run.code in (0, 1), run.err
    rules = {r["id"]: r for r in json.loads(out.read_text("utf-8"))["rules"]}
    assert {rid: rules[rid]["verdict"] for rid in UNIT_RULES} == dict.fromkeys(UNIT_RULES, expected)
    assert all(f"{threshold}%" in rules[rid]["title"] and "90" not in rules[rid]["title"]
               for rid in UNIT_RULES)
    assert all(rules[rid]["figure"].endswith(f" {threshold}") for rid in UNIT_RULES)


def test_a_reference_to_no_param_is_refused_at_its_place(tmp_path: Path, cli) -> None:
    policy = tmp_path / "clearance.yaml"
    line = "      coverage.min: {suite: unit, min: {param: nope}}"
    policy.write_text(f"rules:\n  - id: cov\n    check:\n{line}\n", encoding="utf-8")
    run = cli("validate", policy)
    assert run.code == 2
    assert run.err.splitlines() == [
        f"clearance: {policy}:4:{line.index('{param') + 1}: no param named 'nope' "
        "(define it under params: in this file or one it extends)"]


def test_a_param_of_the_wrong_type_is_refused_by_the_kind_schema(tmp_path: Path, cli) -> None:
    policy = tmp_path / "clearance.yaml"
    policy.write_text("extends: [builtin:spec-driven]\nparams: {unit_coverage: ninety}\n", encoding="utf-8")
    run = cli("validate", policy)
    assert run.code == 2
    assert "testing.unit-coverage" in run.err and "ninety" in run.err
