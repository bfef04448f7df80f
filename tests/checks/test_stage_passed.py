"""`stage.passed` end to end: the results documents are written by `clearance check` itself
at the earlier stage (staging, pr) in a real repository, then read at the later stage
(production, merge) as a workflow would after downloading the earlier job's artifact."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import Repo, Run

RESULTS = ".clearance/results"
POLICY = f"""\
metadata: {{name: team, version: 1.0.0}}
rules:
  - id: staging.built
    stages: [staging, pr]
    check: {{files.exist: {{paths: [app.txt]}}}}
  - id: production.staging-passed
    stages: [production]
    check: {{stage.passed: {{stage: staging, results: '{RESULTS}/*.json'}}}}
  - id: merge.pr-passed
    stages: [merge]
    check: {{stage.passed: {{stage: pr, results: ['{RESULTS}/*.json']}}}}
"""

Check = Callable[..., Run]


@pytest.fixture
def check(repo: Repo, cli: Callable[..., Run]) -> Check:
    """`clearance check --repo REPO --stage STAGE --base BASE --head HEAD ...`."""

    def run(stage: str, base: str, head: str, *more: str | Path) -> Run:
        return cli("check", "--repo", repo.path, "--stage", stage, "--base", base, "--head", head, *more)

    return run


def commits(repo: Repo, with_app: bool = True) -> tuple[str, str]:
    """The policy in the base commit; the head adds app.txt (or not: staging then fails)."""
    repo.write("clearance.yaml", POLICY)
    repo.write(".gitignore", ".clearance/results/\n")
    base = repo.commit("policy")
    repo.write("app.txt" if with_app else "other.txt", "the change\n")
    return base, repo.commit("change")


def results_of(check: Check, repo: Repo, stage: str, base: str, head: str, name: str) -> Path:
    path = repo.path / RESULTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    check(stage, base, head, "--format", f"json={path}")
    assert json.loads(path.read_bytes())["run"]["stage"] == stage
    return path


def rule(run: Run, rule_id: str) -> dict[str, Any]:
    return next(r for r in json.loads(run.out)["rules"] if r["id"] == rule_id)


def test_production_passes_when_staging_passed_on_the_deployed_commit(check: Check, repo: Repo) -> None:
    base, head = commits(repo)
    staging = results_of(check, repo, "staging", base, head, "staging.json")
    run = check("production", base, head, "--format", "json")
    got = rule(run, "production.staging-passed")
    assert (run.code, got["verdict"], got["figure"]) == (0, "pass", "staging: pass")
    digest = hashlib.sha256(staging.read_bytes()).hexdigest()
    assert got["data"]["document"]["sha256"] == digest
    assert got["data"]["document"]["commit"] == head
    assert {"path": f"{RESULTS}/staging.json", "sha256": digest, "source": "file"} in [
        {k: e[k] for k in ("path", "sha256", "source")} for e in got["evidence"]]


def test_production_fails_when_staging_failed(check: Check, repo: Repo) -> None:
    base, head = commits(repo, with_app=False)
    results_of(check, repo, "staging", base, head, "staging.json")
    run = check("production", base, head, "--format", "json")
    got = rule(run, "production.staging-passed")
    assert (run.code, got["verdict"], got["figure"]) == (1, "fail", "staging: fail")
    assert f"the staging stage did not pass on {head[:12]}, 1 rule blocking: staging.built;" in got["message"]


def test_staging_results_of_another_commit_do_not_count(check: Check, repo: Repo) -> None:
    base, head = commits(repo)
    repo.write("app.txt", "the next change\n")
    later = repo.commit("later change")
    results_of(check, repo, "staging", base, later, "staging.json")
    run = check("production", base, head, "--format", "json")
    got = rule(run, "production.staging-passed")
    assert (run.code, got["verdict"]) == (1, "fail")
    assert got["message"] == f"no staging results for {head[:12]}; staging results found for {later[:12]}"


def test_the_newest_results_of_the_commit_decide(check: Check, repo: Repo) -> None:
    base, head = commits(repo)
    results_of(check, repo, "staging", base, head, "a-rerun.json")  # a re-run that passed ...
    failed = json.loads((repo.path / RESULTS / "a-rerun.json").read_text())
    failed["run"]["time"] = "2020-01-01T00:00:00Z"  # ... after an earlier attempt that failed
    failed["rules"][0]["verdict"], failed["rules"][0]["blocking"] = "fail", True
    failed["summary"].update(verdict="fail", blocking=1)
    (repo.path / RESULTS / "b-first.json").write_text(json.dumps(failed))
    got = rule(check("production", base, head, "--format", "json"), "production.staging-passed")
    assert (got["verdict"], got["data"]["document"]["path"]) == ("pass", f"{RESULTS}/a-rerun.json")
    assert [d["verdict"] for d in got["data"]["read"]] == ["pass", "fail"]


def test_merge_requires_the_pull_request_stage_on_the_same_head(check: Check, repo: Repo) -> None:
    base, head = commits(repo)
    results_of(check, repo, "pr", base, head, "pr.json")
    got = rule(check("merge", base, head, "--format", "json"), "merge.pr-passed")
    assert (got["verdict"], got["figure"]) == ("pass", "pr: pass")
    staging_only = rule(check("production", base, head, "--format", "json"), "production.staging-passed")
    assert (staging_only["verdict"], staging_only["figure"]) == ("fail", "no staging results")


def test_no_results_document_is_an_error(check: Check, repo: Repo) -> None:
    base, head = commits(repo)
    run = check("production", base, head, "--format", "json")
    got = rule(run, "production.staging-passed")
    assert (run.code, got["verdict"]) == (1, "error")
    assert got["message"].startswith(f"no results document matches {RESULTS}/*.json")


def _edited(change: Callable[[dict[str, Any]], None]) -> Callable[[str], str]:
    def spoil(text: str) -> str:
        doc = json.loads(text)
        change(doc)
        return json.dumps(doc)
    return spoil


def _summary_says_pass(doc: dict[str, Any]) -> None:
    doc["summary"].update(verdict="pass", blocking=0)


@pytest.mark.parametrize(("spoil", "message"), [
    (lambda text: text[: len(text) // 2], "not valid JSON"),
    (_edited(lambda doc: doc.update(version=2)), "version 2 is not supported"),
    (_edited(lambda doc: doc["run"].update(stage="nightly")), "not a valid results document: run.stage"),
    (_edited(_summary_says_pass), "does not follow from the rule records"),
])
def test_a_document_that_cannot_be_read_is_an_error_never_a_pass(
        check: Check, repo: Repo, spoil: Callable[[str], str], message: str) -> None:
    base, head = commits(repo, with_app=False)
    path = results_of(check, repo, "staging", base, head, "staging.json")
    text = path.read_text()
    assert spoil(text) != text
    path.write_text(spoil(text))
    run = check("production", base, head, "--format", "json")
    got = rule(run, "production.staging-passed")
    assert (run.code, got["verdict"]) == (1, "error")
    assert message in got["message"]
