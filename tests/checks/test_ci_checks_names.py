"""`ci.checks` names: globs match without regard to case, and the job running clearance
is left out while it runs, never once it has concluded (issue #18's cases)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from tests.checks.github_stage import PROXY_VARS, TOKEN, Stage, Verdict, served
from tests.evidence.github_server import REPO, FakeGitHub, running

from helpers import Repo, Run

RUNS = "check-runs-deploy.json"  # a deployment workflow's check runs on the head commit


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    with running() as fake:
        monkeypatch.setenv("GITHUB_API_URL", fake.url)
        monkeypatch.setenv("GITHUB_REPOSITORY", "owner/repo")
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        yield fake


@pytest.fixture
def check(repo: Repo, cli: Callable[..., Run], github: FakeGitHub) -> Callable[[str], Verdict]:
    """One `ci.checks` rule at the staging stage against the deployment workflow's runs."""

    def run(params: str) -> Verdict:
        stage = Stage(repo, cli)
        head = stage.commit("ci.checks", params, "staging")
        served(github, f"{REPO}/commits/{head}/check-runs?per_page=100", RUNS, head)
        served(github, f"{REPO}/commits/{head}/status?per_page=100", "status-empty.json", head)
        return stage.check("staging")

    return run


OWN = ["clearance-staging", "clearance-staging (ubuntu-latest)", "release / clearance-staging"]


def test_a_glob_matches_deploy_to_staging_and_leaves_the_running_job_out(
        check: Callable[[str], Verdict], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_JOB", "clearance-staging")
    got = check("{required: ['*staging*']}")
    assert (got.verdict, got.run.code, got.rule["figure"]) == ("pass", 0, "1/1 succeeded")
    assert [c["name"] for c in got.rule["data"]["checks"]] == ["Deploy to Staging"]
    assert got.rule["data"]["own_job"] == OWN


def test_without_knowing_its_own_job_the_running_job_keeps_the_rule_pending(
        check: Callable[[str], Verdict]) -> None:
    got = check("{required: ['*staging*']}")
    assert (got.verdict, got.run.code) == ("pending", 1)
    assert got.rule["data"]["own_job"] == []
    assert "still running: clearance-staging (check run: in_progress)" in got.rule["message"]


def test_the_own_job_parameter_names_it_when_the_job_has_a_display_name(
        check: Callable[[str], Verdict], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_JOB", "gate")  # the job id; its check runs show its name
    got = check("{required: ['*staging*'], own_job: Clearance-Staging}")
    assert got.verdict == "pass"
    assert got.rule["data"]["own_job"] == OWN


def test_globs_ignore_case(check: Callable[[str], Verdict]) -> None:
    got = check("{required: ['DEPLOY TO STAGING', 'Build']}")
    assert (got.verdict, got.rule["figure"]) == ("pass", "2/2 succeeded")


def test_a_concluded_production_deployment_failure_is_never_hidden(
        check: Callable[[str], Verdict], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_JOB", "deploy-production")  # even named as its own job
    got = check("{required: ['*production*']}")
    assert (got.verdict, got.run.code) == ("fail", 1)
    assert got.rule["message"] == "1 check failed: deploy-production (check run: failure)"
    assert got.rule["data"]["own_job"] == []


def test_every_check_counts_but_the_running_job(check: Callable[[str], Verdict],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_JOB", "clearance-staging")
    got = check("{all: true}")
    assert (got.verdict, got.rule["figure"]) == ("fail", "2/3 succeeded")
    assert [c["name"] for c in got.rule["data"]["checks"]] == [
        "build", "Deploy to Staging", "deploy-production"]
