"""JUnit inputs as named suites: overriding inputs.junit reaches the rules that read a suite (#15)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Repo

TESTS = "def test_adds():\n    assert 1 + 1 == 2\n\ndef test_breaks():\n    assert 1 + 1 == 3\n"


def _junit(folder: Path, name: str, failing: bool) -> Path:
    """A real JUnit report, written by pytest on a two-test module (one failing when asked)."""
    folder.mkdir(parents=True, exist_ok=True)
    module = folder / f"test_{name}.py"
    module.write_text(TESTS if failing else TESTS.split("\n\ndef test_breaks")[0] + "\n", encoding="utf-8")
    report = folder / f"{name}.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                    str(module)], cwd=folder, capture_output=True, check=False)
    module.unlink()
    return report


def _results(cli, repo: Repo, tmp_path: Path) -> dict[str, dict]:
    out = tmp_path / "results.json"
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", "main", "--format", f"json={out}")
    assert run.code in (0, 1), run.err
    return {r["id"]: r for r in json.loads(out.read_text("utf-8"))["rules"]}


@pytest.mark.parametrize("failing", [False, True])
def test_overriding_one_junit_suite_reaches_the_rule_of_that_suite(repo: Repo, cli, tmp_path: Path,
                                                                   failing: bool) -> None:
    repo.write("README.md", "# app\n")
    repo.write("clearance.yaml", "extends: [builtin:spec-driven]\n"
                                 "inputs: {junit: {unit: ['build/junit/*.xml']}}\n")
    repo.commit("base with its policy")  # the policy in force is the base's
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app.py", "print(1)\n")
    repo.commit("change")
    _junit(repo.path / "build" / "junit", "unit", failing)
    _junit(repo.path / "reports" / "junit" / "integration", "integration", failing=False)
    rules = _results(cli, repo, tmp_path)
    unit = rules["testing.unit-passing"]
    assert unit["verdict"] == ("fail" if failing else "pass"), unit["message"]
    assert [e["path"] for e in unit["evidence"]] == ["build/junit/unit.xml"]
    assert rules["testing.integration-passing"]["verdict"] == "pass"  # the pack's own suite kept
    assert rules["testing.e2e-passing"]["verdict"] == "error"  # no report where the pack looks


def test_a_suite_the_inputs_do_not_name_is_an_error_naming_the_suites(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("README.md", "# app\n")
    repo.write("clearance.yaml", "inputs: {junit: {unit: ['*.xml']}}\nrules:\n"
                                 "  - {id: smoke, check: {tests.junit: {suite: smoke}}}\n")
    repo.commit("base with its policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app.py", "print(1)\n")
    repo.commit("change")
    rule = _results(cli, repo, tmp_path)["smoke"]
    assert rule["verdict"] == "error"
    assert "no suite named 'smoke' under inputs.junit (suites: unit)" in rule["message"]


def test_a_failure_message_of_several_lines_is_shown_by_its_first_line(repo: Repo, cli, tmp_path: Path) -> None:
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "test_multi.py").write_text(
        "def test_totals():\n    raise AssertionError('totals differ\\nexpected 3\\ngot 2')\n", encoding="utf-8")
    report = repo.path / "junit.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
                    "test_multi.py"], cwd=folder, capture_output=True, check=False)
    assert "totals differ&#10;expected 3" in report.read_text("utf-8")  # pytest wrote it on lines
    repo.write("clearance.yaml", "rules:\n  - {id: unit, stages: [commit], check: {tests.junit: {reports: junit.xml}}}\n")
    repo.stage("clearance.yaml")
    run = cli("check", "--repo", repo.path, "--stage", "commit")
    assert run.code == 1
    assert "test_multi::test_totals failed: AssertionError: totals differ" in run.out
    assert "\\x0a" not in run.out and "expected 3" not in run.out
