"""The pull request of a rebased commit through the GitHub API (the loopback fake), when
no results document identifies it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evidence.github_server import dumps, running
from helpers import Run
from release_project import Project


def _record(cli: Callable[..., Run], project: Project, results: Path) -> tuple[Run, dict[str, Any]]:
    out = results.parent / "record.json"
    run = cli("release", project.range, "--repo", project.repo.path, "--results", results,
              "-f", f"json={out}")
    return run, json.loads(out.read_text("utf-8"))


def test_without_results_or_token_rebased_commits_have_no_pull_request(
        cli: Callable[..., Run], project: Project, results: Path) -> None:
    project.results(results, "pr-1", "pr-2", "deploy")
    run, record = _record(cli, project, results)
    assert run.code == 1
    unknown = [c for c in record["changes"] if c["kind"] == "direct"]
    assert [c["commits"] for c in unknown] == [[sha] for sha in project.landed[3]]
    assert {f["commit"] for f in record["flags"] if f["kind"] == "no-pull-request"} == set(project.landed[3])
    assert record["release"]["github_api"] is False


def test_the_api_names_the_pull_request_of_rebased_commits(
        cli: Callable[..., Run], project: Project, results: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    project.results(results, "pr-1", "pr-2", "deploy")
    with running() as fake:
        for sha in project.landed[3]:
            fake.serve(f"/repos/owner/repo/commits/{sha}/pulls", body=dumps([
                {"number": 3, "merged_at": "2026-01-02T03:18:05Z", "state": "closed",
                 "html_url": "https://github.com/owner/repo/pull/3",
                 "head": {"sha": project.pr_heads[3], "ref": "feature-c"}}]))
        monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        monkeypatch.setenv("GITHUB_REPOSITORY", "owner/repo")
        run, record = _record(cli, project, results)
    change = record["changes"][2]
    assert (change["pull_request"], change["kind"], change["commits"]) == (
        {"number": 3, "url": "https://github.com/owner/repo/pull/3"}, "rebase", project.landed[3])
    assert change["recognised_by"] == "the GitHub API" and change["pr_head"] == project.pr_heads[3]
    assert fake.paths() == [f"/repos/owner/repo/commits/{sha}/pulls" for sha in project.landed[3]]
    assert all(s.headers["authorization"] == "Bearer t0ken" for s in fake.seen)
    # Its results are still missing: the API names the pull request, it passes nothing.
    assert run.code == 1
    assert {(f["kind"], f["stage"]) for f in record["flags"] if f["change"] == 3} == {
        ("stage-missing", "pr"), ("stage-missing", "merge")}
