"""How the action's inputs become `clearance check` arguments and an `inputs:` policy overlay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from clearance.action import (
    append_summary,
    check_arguments,
    formats,
    overlay,
    overlay_inputs,
    policies,
    step_outputs,
)
from clearance.errors import UsageError
from clearance.policy.loader import load_policy
from frontends.support import write_policy
from helpers import Repo


def test_coverage_lines_name_their_suite() -> None:
    inputs = overlay_inputs({"INPUT_COVERAGE": "unit: build/unit.xml\n\nunit: build/more.xml\nit: build/it.xml\n"})
    assert inputs == {"coverage": {"unit": ["build/unit.xml", "build/more.xml"], "it": ["build/it.xml"]}}
    with pytest.raises(UsageError, match=r"'build/unit\.xml' is not a 'NAME: GLOB' line"):
        overlay_inputs({"INPUT_COVERAGE": "build/unit.xml"})


def test_junit_and_sarif_globs() -> None:
    assert overlay_inputs({"INPUT_JUNIT": "a/*.xml\n b/*.xml \n"}) == {"junit": ["a/*.xml", "b/*.xml"]}
    assert overlay_inputs({"INPUT_SARIF": "ruff.sarif"}) == {"sarif": ["ruff.sarif"]}
    assert overlay_inputs({"INPUT_SARIF": "ruff: ruff.sarif\nmypy: m/*.sarif"}) == {
        "sarif": {"ruff": ["ruff.sarif"], "mypy": ["m/*.sarif"]}}
    with pytest.raises(UsageError):
        overlay_inputs({"INPUT_SARIF": "ruff: ruff.sarif\nother.sarif"})
    assert overlay_inputs({"INPUT_JUNIT": "  \n"}) == {}


def test_the_overlay_follows_the_policy_in_force_and_overrides_its_inputs(repo: Repo, tmp_path: Path) -> None:
    write_policy(repo, {"inputs": {"junit": ["old/*.xml"], "coverage": {"unit": "u.xml", "it": "i.xml"}},
                        "rules": []})
    env = {"RUNNER_TEMP": str(tmp_path), "INPUT_JUNIT": "new/*.xml", "INPUT_COVERAGE": "unit: new.xml"}
    argv, _ = check_arguments(env)
    assert "--policy" not in argv  # discovered at the revision the policy is read from
    extra = Path(argv[argv.index("--overlay") + 1])
    assert extra.parent == tmp_path
    assert YAML(typ="safe").load(extra.read_text()) == {
        "inputs": {"junit": ["new/*.xml"], "coverage": {"unit": ["new.xml"]}}}
    merged = load_policy([str(repo.path / "clearance.yaml"), str(extra)], repo.path).inputs
    assert merged["junit"] == ["new/*.xml"] and merged["coverage"] == {"unit": ["new.xml"], "it": "i.xml"}


def test_without_glob_inputs_there_is_no_overlay(repo: Repo, tmp_path: Path) -> None:
    assert overlay({"RUNNER_TEMP": str(tmp_path)}) is None
    assert policies({}) == []
    assert policies({"INPUT_POLICY": "a.yaml\nb.yaml\n"}) == ["a.yaml", "b.yaml"]


def test_glob_inputs_apply_over_a_pyproject_policy_too(repo: Repo, tmp_path: Path, cli) -> None:
    repo.write("pyproject.toml", "[tool.clearance]\nrules = [{id = 'unit', stages = ['commit'], "
                                 "check = {'tests.junit' = {}}}]\n")
    repo.write("new.xml", '<testsuite name="u" tests="1"><testcase classname="t" name="a"/></testsuite>')
    repo.commit("policy and a report")
    extra = overlay({"RUNNER_TEMP": str(tmp_path), "INPUT_JUNIT": "new.xml"})
    assert extra is not None
    run = cli("check", "--repo", repo.path, "--overlay", extra, "-f", "json")
    [rule] = json.loads(run.out)["rules"]
    assert (rule["verdict"], [e["path"] for e in rule["evidence"]]) == ("pass", ["new.xml"])


def test_command_line(tmp_path: Path) -> None:
    env = {"RUNNER_TEMP": str(tmp_path), "INPUT_STAGE": "merge", "INPUT_BASE": " main ", "INPUT_HEAD": "",
           "INPUT_FAIL_ON": "warning", "INPUT_FORMATS": "sarif, junit json sarif"}
    argv, reports = check_arguments(env)
    out = tmp_path / "clearance-merge"
    assert argv == ["check", "--stage", "merge", "--fail-on", "warning", "--base", "main",
                    "--format", "github", "--format", f"json={out / 'results.json'}",
                    "--format", f"sarif={out / 'clearance.sarif'}", "--format", f"junit={out / 'junit.xml'}"]
    assert list(reports) == ["json", "sarif", "junit"]
    with pytest.raises(UsageError, match="unknown format 'pdf'"):
        formats("sarif pdf")


def test_outputs_when_clearance_could_not_run(tmp_path: Path) -> None:
    values = step_outputs(None, {"json": tmp_path / "missing.json"}, 2)
    assert values == {"verdict": "error", "blocking": "", "counts": "{}", "exit-code": "2",
                      "reports": json.dumps({})}


def test_the_job_summary_stays_below_one_mebibyte(sample_doc: dict[str, Any], tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("x" * ((1 << 20) - 6000) + "\n", encoding="utf-8")
    append_summary(summary, sample_doc)
    size = summary.stat().st_size
    assert (1 << 20) - 6000 < size <= (1 << 20) - 4096
    assert "truncated" in summary.read_text("utf-8")[(1 << 20) - 6000:]
    full = tmp_path / "fresh.md"
    append_summary(full, sample_doc)
    assert "code.no-conflict-markers" in full.read_text("utf-8")


def test_the_policy_source_input_reaches_the_command_line(tmp_path: Path) -> None:
    env = {"RUNNER_TEMP": str(tmp_path), "INPUT_STAGE": "pr", "INPUT_POLICY_SOURCE": "head"}
    argv, _ = check_arguments(env)
    assert argv[argv.index("--policy-source") + 1] == "head"
    assert "--policy-source" not in check_arguments({"RUNNER_TEMP": str(tmp_path), "INPUT_STAGE": "pr"})[0]
