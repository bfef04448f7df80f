"""Output in UTF-8 whatever the console's encoding: a PR title with an emoji, and Python
encoding piped output as cp1252 (Windows without UTF-8 mode), in real subprocesses."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from frontends.support import clean_env, parse_github_output, run, write_policy
from helpers import Repo

TITLE = "fix: rocket \U0001f680 launch"


@pytest.fixture
def titled_pr(repo: Repo, tmp_path: Path) -> tuple[Repo, Path]:
    """A repository whose PR title, read from the event, fails `pr.title`."""
    write_policy(repo, {"metadata": {"name": "utf8", "version": "1.0.0"}, "rules": [
        {"id": "pr.title", "title": "Conventional title", "stages": ["pr"],
         "check": {"pr.title": {"pattern": "^feat: "}}}]})
    head = repo.commit("chore: start")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {
        "number": 1, "title": TITLE, "body": "", "head": {"sha": head, "ref": "topic"},
        "base": {"sha": head, "ref": "main"}}}), encoding="utf-8")
    return repo, event


def cp1252_env(**extra: str) -> dict[str, str]:
    env = clean_env(PYTHONIOENCODING="cp1252", **extra)
    env.pop("PYTHONUTF8", None)
    return env


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_check_prints_the_title_in_utf8_under_cp1252(titled_pr: tuple[Repo, Path], fmt: str) -> None:
    repo, event = titled_pr
    proc = run([sys.executable, "-m", "clearance", "check", "--stage", "pr", "--event", event,
                "--format", fmt], repo.path, cp1252_env())
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1
    assert f"'{TITLE}' does not match" in proc.stdout


def test_the_action_writes_its_outputs_under_cp1252(titled_pr: tuple[Repo, Path], tmp_path: Path) -> None:
    repo, event = titled_pr
    outputs = tmp_path / "github-output"
    outputs.write_text("", encoding="utf-8")
    proc = run([sys.executable, "-m", "clearance.action"], repo.path, cp1252_env(
        GITHUB_EVENT_PATH=str(event), RUNNER_TEMP=str(tmp_path), GITHUB_OUTPUT=str(outputs),
        INPUT_FORMATS="", INPUT_SUMMARY="false"))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1
    assert TITLE in proc.stdout
    written = parse_github_output(outputs.read_text("utf-8"))
    assert (written["verdict"], written["exit-code"]) == ("fail", "1")


def test_an_action_usage_error_is_annotated_under_cp1252(repo: Repo, tmp_path: Path) -> None:
    outputs = tmp_path / "github-output"
    outputs.write_text("", encoding="utf-8")
    proc = run([sys.executable, "-m", "clearance.action"], repo.path, cp1252_env(
        RUNNER_TEMP=str(tmp_path), GITHUB_OUTPUT=str(outputs), INPUT_FORMATS="pdf\U0001f680"))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2
    assert "::error title=clearance could not run::formats: unknown format 'pdf\U0001f680'" in proc.stdout
    assert parse_github_output(outputs.read_text("utf-8"))["verdict"] == "error"
