"""A sign-off proven by GitHub: an environment approval (deployment review) of a workflow
run of the deployed commit, or an approving review of the pull request, by the record's
attestor. `clearance check` on real git repositories; the real API client against answers
written after GitHub's REST documentation, served on 127.0.0.1 by the loopback fake.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.evidence.github_server import REPO, FakeGitHub, dumps, running

from attesting import RUN_TIME
from helpers import Repo

TOKEN = "ghp_SignoffProofT0kenNeverPrinted0123456789"
DEPLOY = """\
metadata: {name: t}
settings: {refuse_self_granted_in: [merge, production]}
rules:
  - {id: release.approved, stages: [production], check: {attestation: {by: ["@cto"]}}}
"""
MERGE = """\
metadata: {name: t}
settings: {refuse_self_granted_in: [merge]}
rules:
  - {id: review.checklist, stages: [merge], check: {attestation: {}}}
"""


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    moment = dt.datetime.fromisoformat(RUN_TIME.replace("Z", "+00:00"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with running() as fake:
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        monkeypatch.setenv("GITHUB_REPOSITORY", "owner/repo")
        monkeypatch.setenv("CLEARANCE_GITHUB_TOKEN", TOKEN)
        yield fake


def released(repo: Repo) -> tuple[str, str]:
    """The policy at the base, the release after it, and the CTO's record of it on the
    sign-off branch (unsigned: only GitHub can prove it)."""
    repo.write("clearance.yaml", DEPLOY)
    base = repo.commit("policy")
    repo.write("app.py", "x = 1\n")
    head = repo.commit("the release")
    repo.git("checkout", "-q", "-b", "clearance-signoffs")
    repo.write(".clearance/attestations/approved.yaml",
               f'rule: release.approved\nby: "@cto"\nat: 2026-01-05T10:00:00Z\ncommit: {head}\n'
               "environment: production\nnote: Go.\n")
    repo.commit("the record")
    repo.git("checkout", "-q", "main")
    return base, head


def serve_approvals(github: FakeGitHub, head: str, approvals: list[dict], run_sha: str | None = None) -> None:
    github.serve(f"{REPO}/actions/runs?head_sha={head}&per_page=100", body=dumps({
        "total_count": 1, "workflow_runs": [{
            "id": 30433642, "name": "Deploy", "head_sha": run_sha or head, "event": "push",
            "status": "waiting", "html_url": "https://github.com/owner/repo/actions/runs/30433642"}]}))
    github.serve(f"{REPO}/actions/runs/30433642/approvals", body=dumps(approvals))


def approval(login: str, environment: str = "production", state: str = "approved") -> dict:
    return {"state": state, "comment": "Ship it!", "user": {"login": login, "id": 1, "type": "User"},
            "environments": [{"id": 161088068, "name": environment,
                              "html_url": f"https://github.com/owner/repo/deployments/activity_log?environments_filter={environment}"}]}


def production(cli, repo: Repo, base: str, head: str) -> dict:
    run = cli("check", "--repo", repo.path, "--stage", "production", "--base", base, "--head", head, "-f", "json")
    assert run.code in (0, 1), run.err
    assert TOKEN not in run.out
    return next(r for r in json.loads(run.out)["rules"] if r["id"] == "release.approved")


def test_an_environment_approval_by_the_attestor_proves_the_record(repo: Repo, cli, github: FakeGitHub) -> None:
    base, head = released(repo)
    serve_approvals(github, head, [approval("octocat", "staging"), approval("CTO", "Production")])
    rule = production(cli, repo, base, head)
    assert rule["verdict"] == "pass", rule["message"]
    assert rule["attestation"]["proof"] == "github-deployment-review"
    assert rule["attestation"]["proof_detail"] == (
        f"CTO approved the deployment of {head[:12]} to production (workflow run 30433642)")
    assert f"{REPO}/actions/runs/30433642/approvals" in github.paths()
    assert all(s.headers["authorization"] == f"Bearer {TOKEN}" for s in github.seen)


@pytest.mark.parametrize(("approvals", "run_sha"), [
    ([approval("cto", "staging")], None),  # another environment
    ([approval("cto", state="rejected")], None),  # rejected
    ([approval("ada")], None),  # someone else approved
    ([approval("cto")], "0" * 40),  # a run of another commit
], ids=["other-environment", "rejected", "other-login", "other-commit"])
def test_an_approval_that_is_not_the_attestors_for_this_commit_and_environment_proves_nothing(
        repo: Repo, cli, github: FakeGitHub, approvals: list[dict], run_sha: str | None) -> None:
    base, head = released(repo)
    serve_approvals(github, head, approvals, run_sha)
    rule = production(cli, repo, base, head)
    assert rule["verdict"] == "pending"
    assert f"no deployment review by @cto approved {head[:12]} for production" in rule["message"]


def test_an_api_failure_leaves_the_record_unproven_and_says_so(repo: Repo, cli, github: FakeGitHub) -> None:
    base, head = released(repo)  # nothing served: the runs answer 404
    rule = production(cli, repo, base, head)
    assert rule["verdict"] == "pending"
    assert "GitHub: " in rule["message"] and "404" in rule["message"]


def feature_with_record(repo: Repo) -> tuple[str, str, str]:
    """Base (the policy), a commit without the record, then the head adding bob's record."""
    repo.write("clearance.yaml", MERGE)
    base = repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app.py", "x = 1\n")
    before = repo.commit("the change")
    repo.write(".clearance/attestations/review.yaml", 'rule: review.checklist\nby: "@bob"\nat: 2026-01-05\n')
    return base, before, repo.commit("bob's sign-off, written by the author")


def merge_gate(cli, repo: Repo, base: str, head: str, tmp_path: Path) -> dict:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {
        "number": 42, "title": "feat: x", "body": "", "user": {"login": "ada"},
        "head": {"sha": head, "ref": "feature"}, "base": {"sha": base, "ref": "main"}},
        "repository": {"full_name": "owner/repo"}}), encoding="utf-8")
    run = cli("check", "--repo", repo.path, "--stage", "merge", "--base", base, "--event", event, "-f", "json")
    assert run.code in (0, 1), run.err
    return next(r for r in json.loads(run.out)["rules"] if r["id"] == "review.checklist")


def review(login: str, commit: str, state: str = "APPROVED") -> dict:
    return {"id": 80, "user": {"login": login, "type": "User"}, "body": "", "state": state,
            "commit_id": commit, "submitted_at": "2026-01-05T12:00:00Z", "author_association": "MEMBER"}


def test_the_attestors_approving_review_of_the_head_proves_the_record(repo: Repo, cli, github: FakeGitHub,
                                                                    tmp_path: Path) -> None:
    base, _, head = feature_with_record(repo)
    github.serve(f"{REPO}/pulls/42/reviews?per_page=100", body=dumps([review("carol", head), review("Bob", head)]))
    rule = merge_gate(cli, repo, base, head, tmp_path)
    assert rule["verdict"] == "pass", rule["message"]
    assert rule["attestation"]["proof"] == "github-review"
    assert rule["attestation"]["self_added"] is True
    assert rule["attestation"]["proof_detail"] == (
        f"Bob approved the pull request at {head[:12]} (review 80), which holds this record")


def test_a_review_of_a_commit_without_the_record_proves_nothing(repo: Repo, cli, github: FakeGitHub,
                                                                tmp_path: Path) -> None:
    base, before, head = feature_with_record(repo)
    github.serve(f"{REPO}/pulls/42/reviews?per_page=100", body=dumps([review("bob", before)]))
    rule = merge_gate(cli, repo, base, head, tmp_path)
    assert rule["verdict"] == "pending"
    assert "no approving review by @bob of a commit holding this record" in rule["message"]


def test_a_review_still_proves_the_record_after_commits_that_only_add_sign_offs(
        repo: Repo, cli, github: FakeGitHub, tmp_path: Path) -> None:
    base, _, reviewed = feature_with_record(repo)
    repo.write(".clearance/attestations/other.yaml", 'rule: other\nby: "@carol"\nat: 2026-01-05\n')
    head = repo.commit("another sign-off")
    github.serve(f"{REPO}/pulls/42/reviews?per_page=100", body=dumps([review("bob", reviewed)]))
    assert merge_gate(cli, repo, base, head, tmp_path)["verdict"] == "pass"
    repo.write("app.py", "x = 2\n")
    moved = repo.commit("a code change after the review")
    assert merge_gate(cli, repo, base, moved, tmp_path)["verdict"] == "pending"


def test_a_changes_requested_review_proves_nothing(repo: Repo, cli, github: FakeGitHub, tmp_path: Path) -> None:
    base, _, head = feature_with_record(repo)
    github.serve(f"{REPO}/pulls/42/reviews?per_page=100", body=dumps([review("bob", head, "CHANGES_REQUESTED")]))
    assert merge_gate(cli, repo, base, head, tmp_path)["verdict"] == "pending"


# -- the adversarial review's cases -------------------------------------------------------

def test_an_approval_by_someone_without_write_access_proves_nothing(repo: Repo, cli, github: FakeGitHub,
                                                                   tmp_path: Path) -> None:
    """A sock puppet approving its own name's record: GitHub shows it as NONE (no access)."""
    base, _, head = feature_with_record(repo)
    github.serve(f"{REPO}/pulls/42/reviews?per_page=100",
                 body=dumps([{**review("bob", head), "author_association": "NONE"}]))
    rule = merge_gate(cli, repo, base, head, tmp_path)
    assert rule["verdict"] == "pending"
    assert "bob's approval does not count" in rule["message"]


def test_a_record_that_is_a_link_is_not_a_record(repo: Repo, cli, github: FakeGitHub, tmp_path: Path) -> None:
    """Through a link, the content could change while the file bob's review saw stays the same."""
    repo.write("clearance.yaml", MERGE)
    base = repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("notes.txt", 'rule: review.checklist\nby: "@bob"\nat: 2026-01-05\n')
    (repo.path / ".clearance" / "attestations").mkdir(parents=True)
    (repo.path / ".clearance" / "attestations" / "notes.yaml").symlink_to("../../notes.txt")
    head = repo.commit("a record through a link")
    github.serve(f"{REPO}/pulls/42/reviews?per_page=100", body=dumps([review("bob", head)]))
    rule = merge_gate(cli, repo, base, head, tmp_path)
    assert rule["verdict"] != "pass"
    assert "a record must be a file, not a symbolic link" in rule["message"]


def test_the_pull_request_s_author_never_signs_off_their_own_change(repo: Repo, cli, github: FakeGitHub,
                                                                   tmp_path: Path) -> None:
    """ada wrote the change (merge_gate's event names her as its author); her record in her
    own name does not count where self-granted sign-offs are refused, whatever proves it."""
    repo.write("clearance.yaml", MERGE)
    base = repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(".clearance/attestations/review.yaml", 'rule: review.checklist\nby: "@ada"\nat: 2026-01-05\n')
    head = repo.commit("ada signs off her own change")
    github.serve(f"{REPO}/pulls/42/reviews?per_page=100", body=dumps([review("ada", head)]))
    rule = merge_gate(cli, repo, base, head, tmp_path)
    assert rule["verdict"] == "pending"
    assert "is by the pull request's author" in rule["message"]
