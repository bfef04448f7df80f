"""The action's outputs: declared in action.yml, honest about what was found, and usage
errors shown as `::error` annotations. `clearance.action.main` runs in-process here."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from clearance.action import main, step_outputs
from clearance.reporters import file_names
from frontends.support import ROOT, parse_github_output, write_policy
from helpers import Repo

ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text("utf-8"))
ANNOTATION = "::error title=clearance could not run::"


def test_action_yml_declares_every_output_the_step_writes(sample_doc: dict[str, Any],
                                                          tmp_path: Path) -> None:
    reports = {name: tmp_path / file for name, file in file_names().items()}
    for path in reports.values():
        path.write_text("x", encoding="utf-8")
    written = set(step_outputs(sample_doc, reports, 1))
    declared = {re.fullmatch(r"\$\{\{ steps\.check\.outputs\.([\w-]+) \}\}", spec["value"]).group(1)
                for spec in ACTION["outputs"].values()}
    assert declared == written
    assert "text-file" in ACTION["outputs"]


def two_rules(repo: Repo, error_rule_wants: str) -> None:
    """A policy whose warning rule fails (no README) and whose error rule wants a file."""
    write_policy(repo, {"metadata": {"name": "warn", "version": "1.0.0"}, "rules": [
        {"id": "docs.readme", "title": "A README", "stages": ["pr"], "severity": "warning",
         "check": {"files.exist": {"paths": ["README.md"]}}},
        {"id": "docs.wanted", "title": "The wanted file", "stages": ["pr"],
         "check": {"files.exist": {"paths": [error_rule_wants]}}}]})
    repo.commit("chore: policy")


@pytest.fixture
def warning_only(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A repository where only a rule of severity warning fails; the action's environment."""
    two_rules(repo, "clearance.yaml")
    monkeypatch.chdir(repo.path)
    output = tmp_path / "github-output"
    output.write_text("", encoding="utf-8")
    return {"RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(output), "INPUT_FORMATS": "",
            "INPUT_BASE": "HEAD", "INPUT_HEAD": "HEAD"}


def test_verdict_reports_what_was_found_and_fail_on_decides_the_exit(
        warning_only: dict[str, str], repo: Repo) -> None:
    """(the error rule wants, fail-on) -> (verdict, blocking, exit code)."""
    table = {
        ("clearance.yaml", "error"): ("pass", "0", 0),
        ("clearance.yaml", "warning"): ("fail", "1", 1),
        ("clearance.yaml", "never"): ("pass", "0", 0),
        ("LICENSE", "error"): ("fail", "1", 1),
        ("LICENSE", "never"): ("fail", "0", 0),
    }
    got = {}
    for wanted, fail_on in table:
        two_rules(repo, wanted)
        env = {**warning_only, "INPUT_FAIL_ON": fail_on}
        Path(env["GITHUB_OUTPUT"]).write_text("", encoding="utf-8")
        code = main(env)
        outputs = parse_github_output(Path(env["GITHUB_OUTPUT"]).read_text("utf-8"))
        got[wanted, fail_on] = (outputs["verdict"], outputs["blocking"], code)
        assert outputs["exit-code"] == str(code)
    assert got == table


@pytest.mark.parametrize(("inputs", "said"), [
    ({"INPUT_FORMATS": "pdf"}, "formats: unknown format 'pdf'"),
    ({"INPUT_POLICY": "missing.yaml"}, "missing.yaml"),
    ({"INPUT_FAIL_ON": "sometimes"}, "argument --fail-on: invalid choice: 'sometimes'"),
])
def test_usage_errors_are_error_annotations(warning_only: dict[str, str], inputs: dict[str, str],
                                            said: str, capsys: pytest.CaptureFixture[str]) -> None:
    env = {**warning_only, **inputs}
    assert main(env) == 2
    out, err = capsys.readouterr()
    [annotation] = [line for line in out.splitlines() if line.startswith("::error")]
    assert annotation.startswith(ANNOTATION) and said in annotation
    assert "usage:" not in annotation and said in err
    assert parse_github_output(Path(env["GITHUB_OUTPUT"]).read_text("utf-8"))["verdict"] == "error"
