"""`deploy.status` end to end: the CLI at the production stage, a real repository whose
policy is in the base commit, and the Deployments API through the loopback server with
answers written from GitHub's REST documentation (tests/fixtures/github/README.md)."""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable, Iterator

import pytest
from tests.checks.github_stage import PROXY_VARS, TOKEN, Stage, Verdict, served
from tests.evidence.github_server import FIXTURES, REPO, FakeGitHub, rate_limited, running

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.deployments import deployment_of, environment_approvals
from helpers import Repo, Run

STATUSES = f"{REPO}/deployments/1002/statuses?per_page=100"


def listing(head: str, environment: str = "production") -> str:
    return f"{REPO}/deployments?sha={head}&environment={environment}&per_page=100"


def epoch(moment: str) -> str:
    return str(calendar.timegm(time.strptime(moment, "%Y-%m-%dT%H:%M:%SZ")))


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    with running() as fake:
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        monkeypatch.setenv("GITHUB_REPOSITORY", "owner/repo")
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-01-03T12:00:00Z"))
        yield fake


@pytest.fixture
def deployed(repo: Repo, cli: Callable[..., Run], github: FakeGitHub) -> Callable[..., Verdict]:
    """Commit a policy with one deploy.status rule, serve the deployments and statuses
    answers for the head commit, and run the production stage."""

    def run(statuses: str | None = "deployment-statuses-success.json", params: str = "",
            deployments: str = "deployments-production.json", fmt: str = "json",
            status: int = 200, headers: dict[str, str] | None = None) -> Verdict:
        stage = Stage(repo, cli)
        head = stage.commit("deploy.status", "{environment: production" + params + "}", "production")
        served(github, listing(head), deployments, head, status=status, headers=headers)
        if statuses:
            served(github, STATUSES, statuses, head)
        return stage.check("production", fmt)

    return run


def test_a_successful_deployment_of_the_head_passes(deployed: Callable[..., Verdict],
                                                     github: FakeGitHub) -> None:
    got = deployed()
    assert (got.verdict, got.run.code, got.rule["figure"]) == ("pass", 0, "success")
    head = got.doc["run"]["head"]
    assert got.rule["message"] == (f"deployment #1002 of {head[:12]} to production succeeded at "
                                   "2026-01-03T11:26:00Z")
    data = got.rule["data"]
    assert (data["deployment"]["id"], data["deployment"]["run_id"], data["status"]["id"]) == (1002, 7100, 5003)
    assert github.paths() == [listing(head), STATUSES]  # the older deployment is not read
    assert github.seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert [e["path"] for e in got.rule["evidence"]] == [f"github:GET {listing(head)}",
                                                         f"github:GET {STATUSES}"]


def test_a_failed_deployment_fails(deployed: Callable[..., Verdict]) -> None:
    got = deployed("deployment-statuses-failure.json")
    assert (got.verdict, got.run.code, got.rule["figure"]) == ("fail", 1, "failure")
    assert got.rule["message"].endswith("to production failed (Deployment failed: readiness probe "
                                        "timed out.)")


def test_a_failed_production_deployment_blocks_the_cli_with_a_fail_report(
        deployed: Callable[..., Verdict]) -> None:
    got = deployed("deployment-statuses-failure.json", fmt="markdown")
    assert got.run.code == 1
    headline = got.run.out.split("\n\n")[1]
    assert headline.startswith("**") and "FAIL**: 1 blocking of 1 rules" in headline
    assert "PASS" not in got.run.out
    text = deployed("deployment-statuses-failure.json", fmt="text")
    assert text.run.code == 1
    assert "gate deployment #1002 of " in text.run.out
    assert text.run.out.endswith("clearance: production stage blocked: 1 failed\n")


def test_a_deployment_in_progress_is_pending(deployed: Callable[..., Verdict]) -> None:
    got = deployed("deployment-statuses-in-progress.json")
    assert (got.verdict, got.run.code, got.rule["figure"]) == ("pending", 1, "in_progress")
    assert got.rule["message"].endswith("to production is in progress")


def test_a_deployment_without_a_status_is_pending(deployed: Callable[..., Verdict]) -> None:
    got = deployed("deployment-statuses-empty.json")
    assert (got.verdict, got.rule["figure"]) == ("pending", "no status")


def test_a_replaced_deployment_is_not_a_pass(deployed: Callable[..., Verdict]) -> None:
    got = deployed("deployment-statuses-inactive.json")
    assert (got.verdict, got.rule["figure"]) == ("fail", "inactive")
    assert "a later deployment to the environment replaced it" in got.rule["message"]


@pytest.mark.parametrize("deployments", ["deployments-empty.json", "deployments-other-commit.json"])
def test_no_deployment_of_the_head_fails(deployed: Callable[..., Verdict], github: FakeGitHub,
                                         deployments: str) -> None:
    got = deployed(None, deployments=deployments)
    assert (got.verdict, got.run.code, got.rule["figure"]) == ("fail", 1, "no deployment")
    assert got.rule["message"] == f"no deployment of {got.doc['run']['head'][:12]} to production"
    assert len(github.seen) == 1


@pytest.mark.parametrize(("max_age", "verdict", "figure"), [
    ("1h", "pass", "34m <= 1h"), ("30m", "fail", "34m > 30m"), ("2d", "pass", "34m <= 2d")])
def test_max_age_is_measured_at_the_time_of_the_run(deployed: Callable[..., Verdict], max_age: str,
                                                    verdict: str, figure: str) -> None:
    got = deployed(params=f", max_age: {max_age}")
    assert (got.verdict, got.rule["figure"]) == (verdict, figure)


def test_a_rate_limit_is_an_error(deployed: Callable[..., Verdict]) -> None:
    got = deployed(None, deployments="error-rate-limit.json", status=403, headers=rate_limited())
    assert (got.verdict, got.run.code) == ("error", 1)
    assert "rate limit exhausted (1000 requests, resource 'core')" in got.rule["message"]


def test_without_a_token_it_is_an_error_and_nothing_is_requested(
        deployed: Callable[..., Verdict], github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    got = deployed()
    assert (got.verdict, got.run.code) == ("error", 1)
    assert "CLEARANCE_GITHUB_TOKEN (or GITHUB_TOKEN)" in got.rule["message"]
    assert github.seen == []


def _evidence(repo: Repo, github: FakeGitHub, statuses: bytes | None = None) -> tuple[Evidence, str]:
    """The production deployment of a real head commit, as the sign-off kinds read it."""
    repo.write("a.txt", "a\n")
    head = repo.commit("deployed")
    served(github, listing(head, "Production"), "deployments-production.json", head)
    if statuses is None:
        served(github, STATUSES, "deployment-statuses-success.json", head)
    else:
        github.serve(STATUSES, body=statuses)
    served(github, f"{REPO}/actions/runs/7100/approvals", "run-approvals.json", head)
    spec = RunSpec(root=repo.path, stage="production", head=head, github_token=TOKEN,
                   github_api=github.url, github_repository="owner/repo")
    return Evidence(spec), head


def test_the_environment_approvals_of_the_deploying_run(repo: Repo, github: FakeGitHub) -> None:
    evidence, head = _evidence(repo, github)
    found = deployment_of(evidence, "Production", head)
    assert found is not None
    assert (found.id, found.environment, found.run_id, found.latest and found.latest.state) == (
        1002, "production", 7100, "success")
    approvals = environment_approvals(evidence, found)
    assert [(a.user, a.state, a.comment) for a in approvals] == [
        ("lead", "approved", "Release notes reviewed; ship it.")]


def test_a_deployment_made_outside_actions_has_no_approvals_to_read(repo: Repo,
                                                                    github: FakeGitHub) -> None:
    elsewhere = (FIXTURES / "deployment-statuses-success.json").read_bytes().replace(
        b"https://github.com/owner/repo/actions/runs/7100/job/9106", b"https://deploy.example.com/logs/42")
    evidence, head = _evidence(repo, github, elsewhere)
    found = deployment_of(evidence, "Production", head)
    assert found is not None and found.run_id is None
    with pytest.raises(EvidenceError, match="names no GitHub Actions run"):
        environment_approvals(evidence, found)
