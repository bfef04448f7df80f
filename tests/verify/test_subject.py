"""run.subject: the pull request, the workflow run, the environment and the release of a run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import Repo, Run

CLI = Callable[..., Run]
POLICY = "rules:\n  - {id: readme, stages: [pr, staging, production], check: {files.exist: {paths: [README.md]}}}\n"


@pytest.fixture
def change(repo: Repo) -> tuple[Repo, str, str]:
    repo.write("clearance.yaml", POLICY)
    base = repo.commit("policy")
    repo.write("README.md", "hi\n")
    head = repo.commit("readme")
    return repo, base, head


def _subject(cli: CLI, repo: Repo, *argv: str) -> dict[str, Any]:
    run = cli("check", "--repo", repo.path, "-f", "json", *argv)
    assert run.code == 0, run.err
    subject: dict[str, Any] = json.loads(run.out)["run"]["subject"]
    return subject


def test_a_pull_request_run_in_a_workflow(change: tuple[Repo, str, str], cli: CLI, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    repo, base, head = change
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {
        "number": 17, "html_url": "https://github.com/acme/shop/pull/17",
        "base": {"sha": base}, "head": {"sha": head, "ref": "feature"}}}))
    for name, value in {"GITHUB_RUN_ID": "9001", "GITHUB_RUN_ATTEMPT": "2", "GITHUB_REPOSITORY": "acme/shop",
                        "GITHUB_SERVER_URL": "https://github.example.com"}.items():
        monkeypatch.setenv(name, value)
    assert _subject(cli, repo, "--stage", "pr", "--event", event) == {
        "pull_request": {"number": 17, "url": "https://github.com/acme/shop/pull/17"},
        "workflow_run": {"id": 9001, "url": "https://github.example.com/acme/shop/actions/runs/9001",
                         "attempt": 2},
        "environment": None, "release": None,
    }


def test_a_deployment_stage_names_its_environment_and_the_tag_at_the_commit(
        change: tuple[Repo, str, str], cli: CLI) -> None:
    repo, base, head = change
    repo.git("tag", "v2.0.0", head)
    assert _subject(cli, repo, "--stage", "production", "--base", base) == {
        "pull_request": None, "workflow_run": None, "environment": "production", "release": "v2.0.0"}
    assert _subject(cli, repo, "--stage", "staging", "--base", base, "--environment", "eu-staging",
                    "--release", "v2.0.0-rc1") == {
        "pull_request": None, "workflow_run": None, "environment": "eu-staging", "release": "v2.0.0-rc1"}


def test_an_event_without_a_pull_request_names_none(change: tuple[Repo, str, str], cli: CLI,
                                                    tmp_path: Path) -> None:
    repo, base, _ = change
    event = tmp_path / "push.json"
    event.write_text(json.dumps({"ref": "refs/heads/main", "pull_request": {"number": "17"}}))
    assert _subject(cli, repo, "--stage", "pr", "--base", base, "--event", event)["pull_request"] is None
