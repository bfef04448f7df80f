"""`review.approved` and `ci.checks` end to end: the CLI, a real git repository,
an event payload, and the real API client against a server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from tests.evidence.github_server import (
    FIXTURES,
    HEAD,
    OLD_HEAD,
    REPO,
    FakeGitHub,
    next_page,
    rate_limited,
)

from clearance.checks.review_approved import stand
from clearance.evidence.pull_request import Review

if TYPE_CHECKING:
    from tests.conftest import Repo, Run

TOKEN = "ghp_T0kenThatMustNeverBePrinted0123456789"
REVIEWS = f"{REPO}/pulls/42/reviews"
RUNS = f"{REPO}/commits/{HEAD}/check-runs?per_page=100"
STATUS = f"{REPO}/commits/{HEAD}/status?per_page=100"
PULL = f"{REPO}/pulls/42"
POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {{name: team, version: 1.0.0}}
rules:
  - id: {rule}
    stages: [pr]
    check: {{{kind}: {params}}}
    fix: Ask for a review or fix CI.
"""


@dataclass
class Verdict:
    """The one rule's record from the JSON results, with the run around it."""

    run: Run
    rule: dict[str, Any]
    doc: dict[str, Any]

    @property
    def verdict(self) -> str:
        return str(self.rule["verdict"])


Check = Callable[..., Verdict]


@pytest.fixture
def check(repo: Repo, cli: Callable[..., Run], github: FakeGitHub,
          monkeypatch: pytest.MonkeyPatch) -> Check:
    """Run `clearance check --stage pr` with one rule of `kind`; token on by default."""
    repo.write("README.md", "hello\n")
    repo.commit("initial")
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/repo")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767409200")

    def run(kind: str, params: str = "{}", event: str = "event-pull-request.json",
            token: str | None = TOKEN, fmt: str = "json") -> Verdict:
        if token:
            monkeypatch.setenv("GITHUB_TOKEN", token)
        else:
            monkeypatch.delenv("GITHUB_TOKEN", raising=False)
        # The policy in force is the base's: commit it, and name that commit as the base.
        repo.write("clearance.yaml", POLICY.format(rule="gate", kind=kind, params=params))
        base = repo.commit("policy", "clearance.yaml")
        done = cli("check", "--repo", repo.path, "--stage", "pr", "--event", FIXTURES / event,
                   "--base", base, "--format", fmt)
        assert TOKEN not in done.out + done.err
        if fmt != "json":
            return Verdict(done, {}, {})
        doc = json.loads(done.out)
        return Verdict(done, doc["rules"][0], doc)

    return run


# -- review.approved ------------------------------------------------------------

def test_approved_pull_request_passes(check: Check, github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-approved.json")
    got = check("review.approved")
    assert (got.verdict, got.rule["figure"], got.run.code) == ("pass", "2 approvals >= 1", 0)
    assert got.rule["message"] == "approved by @bob, @dave"
    assert github.seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    records = [e for e in got.rule["evidence"] if e["source"] == "api"]
    assert [e["path"] for e in records] == [f"github:GET {REVIEWS}?per_page=100"]
    assert f"github:GET {REVIEWS}?per_page=100" in [i["path"] for i in got.doc["inputs"]]


def test_outstanding_change_request_fails(check: Check, github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-changes-requested.json")
    got = check("review.approved")
    assert (got.verdict, got.run.code) == ("fail", 1)
    assert got.rule["message"] == "changes requested by @erin"
    assert got.rule["data"]["reviews"]["changes_requested"] == ["erin"]


def test_change_requests_may_be_allowed(check: Check, github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-changes-requested.json")
    got = check("review.approved", "{no_changes_requested: false}")
    assert (got.verdict, got.rule["figure"]) == ("pass", "1 approval >= 1")


def test_too_few_approvals_fail_and_name_requested_reviewers(check: Check,
                                                              github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-approved.json")
    got = check("review.approved", "{min: 3}")
    assert (got.verdict, got.rule["figure"]) == ("fail", "2 approvals < 3")
    assert "review requested from @carol" in got.rule["message"]


def test_ignored_authors_do_not_count(check: Check, github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-approved.json")
    got = check("review.approved", "{min: 2, ignore_authors: ['Dav*']}")
    assert (got.verdict, got.rule["figure"]) == ("fail", "1 approval < 2")


def test_stale_approval_does_not_count_when_asked(check: Check, github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-stale.json")
    got = check("review.approved", "{dismiss_stale: true}")
    assert (got.verdict, got.rule["figure"]) == ("fail", "0 approvals < 1")
    assert "approvals of an earlier commit (stale): @bob" in got.rule["message"]
    assert check("review.approved").verdict == "pass"


def test_reviews_on_two_pages_are_all_read(check: Check, github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-page1.json", headers=next_page(REVIEWS, 2))
    github.serve(f"{REVIEWS}?per_page=100&page=2", "reviews-page2.json")
    got = check("review.approved", "{min: 2}")
    assert (got.verdict, got.rule["figure"]) == ("pass", "2 approvals >= 2")
    reads = [p for p in github.paths() if "/collaborators/" not in p]  # then who may approve
    assert reads == [f"{REVIEWS}?per_page=100", f"{REVIEWS}?per_page=100&page=2"]
    assert len([e for e in got.rule["evidence"] if e["source"] == "api"]) == 2


def test_rate_limit_is_an_error_naming_the_reset_time(check: Check, github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "error-rate-limit.json", status=403,
                 headers=rate_limited())
    got = check("review.approved")
    assert (got.verdict, got.run.code) == ("error", 1)
    assert "rate limit exhausted (1000 requests, resource 'core')" in got.rule["message"]
    assert "resets at 2026-01-03T03:00:00Z" in got.rule["message"]


def test_rate_limit_in_the_text_output(check: Check, github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "error-rate-limit.json", status=403,
                 headers=rate_limited())
    got = check("review.approved", fmt="text")
    assert got.run.code == 1
    assert "gate error: GitHub API rate limit exhausted" in got.run.out
    assert "2026-01-03T03:00:00Z" in got.run.out


def test_bad_credentials_are_an_error(check: Check, github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "error-bad-credentials.json", status=401)
    got = check("review.approved")
    assert got.verdict == "error"
    assert "refused the token (401)" in got.rule["message"]
    assert "Bad credentials" in got.rule["message"]


def test_no_token_and_no_review_in_the_event_is_an_error(check: Check,
                                                         github: FakeGitHub) -> None:
    got = check("review.approved", token=None)
    assert (got.verdict, got.run.code) == ("error", 1)
    assert "CLEARANCE_GITHUB_TOKEN (or GITHUB_TOKEN)" in got.rule["message"]
    assert github.seen == []


def test_review_event_without_token_shows_a_change_request(check: Check) -> None:
    got = check("review.approved", event="event-review-changes-requested.json", token=None)
    assert (got.verdict, got.rule["message"]) == ("fail", "changes requested by @erin")


def test_review_event_without_token_cannot_confirm_approval(check: Check) -> None:
    got = check("review.approved", event="event-review-approved.json", token=None)
    assert got.verdict == "error"
    assert "only the review in the event payload is known (@bob, APPROVED)" in got.rule["message"]
    relaxed = check("review.approved", "{no_changes_requested: false}",
                    event="event-review-approved.json", token=None)
    assert relaxed.verdict == "pass"


@pytest.mark.parametrize(("states", "standing"), [
    (["APPROVED", "COMMENTED"], (("u",), ())),
    (["CHANGES_REQUESTED", "APPROVED"], (("u",), ())),
    (["APPROVED", "CHANGES_REQUESTED"], ((), ("u",))),
    (["APPROVED", "DISMISSED"], ((), ())),
    (["APPROVED", "PENDING"], (("u",), ())),
])
def test_latest_decisive_review_per_user_counts(states: list[str],
                                                standing: tuple[tuple[str, ...], ...]) -> None:
    items = tuple(Review(i, "u", s, f"2026-01-0{i + 1}T00:00:00Z", HEAD)
                  for i, s in enumerate(states))
    found = stand(items, [], None)
    assert (found.approved, found.changes) == standing


def test_stale_approvals_are_told_apart() -> None:
    items = (Review(1, "a", "APPROVED", "2026-01-01T00:00:00Z", OLD_HEAD),
             Review(2, "b", "APPROVED", "2026-01-02T00:00:00Z", HEAD))
    found = stand(items, [], HEAD)
    assert (found.approved, found.stale) == (("b",), ("a",))


# -- ci.checks ------------------------------------------------------------------

def serve_ci(github: FakeGitHub, runs: str, status: str = "status-success.json") -> None:
    github.serve(RUNS, runs)
    github.serve(STATUS, status)


def test_successful_checks_pass(check: Check, github: FakeGitHub) -> None:
    serve_ci(github, "check-runs-success.json")
    got = check("ci.checks", "{ignore: [clearance]}")
    assert (got.verdict, got.rule["figure"], got.run.code) == ("pass", "4/4 succeeded", 0)
    assert set(github.paths()) == {RUNS, STATUS}
    assert all(s.headers["authorization"] == f"Bearer {TOKEN}" for s in github.seen)


def test_the_running_job_itself_keeps_all_pending_unless_ignored(check: Check,
                                                                 github: FakeGitHub) -> None:
    serve_ci(github, "check-runs-success.json")
    got = check("ci.checks", "{all: true}")
    assert got.verdict == "pending"
    assert "still running: clearance (check run: in_progress)" in got.rule["message"]


def test_failing_checks_fail_with_a_finding_each(check: Check, github: FakeGitHub) -> None:
    serve_ci(github, "check-runs-failure.json")
    got = check("ci.checks", "{required: ['test (*)', lint, build]}")
    assert (got.verdict, got.rule["figure"], got.run.code) == ("fail", "1/3 succeeded", 1)
    assert [f["message"] for f in got.rule["findings"]] == [
        "test (3.12) (check run: failure)", "lint (check run: timed_out)"]
    assert got.rule["findings"][0]["file"].startswith("https://github.com/owner/repo/actions/")


def test_required_checks_still_running_are_pending(check: Check, github: FakeGitHub) -> None:
    serve_ci(github, "check-runs-in-progress.json")
    got = check("ci.checks", "{required: [build, 'test*', e2e]}")
    assert (got.verdict, got.run.code) == ("pending", 1)
    assert got.rule["message"] == ("still running: test (3.12) (check run: in_progress), "
                                   "e2e (check run: queued)")


def test_only_required_checks_count(check: Check, github: FakeGitHub) -> None:
    serve_ci(github, "check-runs-in-progress.json")
    got = check("ci.checks", "{required: [build, ci/legacy-*]}")
    assert (got.verdict, got.rule["figure"]) == ("pass", "2/2 succeeded")


def test_a_required_check_never_reported_is_pending(check: Check, github: FakeGitHub) -> None:
    serve_ci(github, "check-runs-success.json", "status-empty.json")
    got = check("ci.checks", "{required: [build, security-scan]}")
    assert got.verdict == "pending"
    assert got.rule["message"] == "not reported yet: security-scan"


def test_ci_rate_limit_is_an_error(check: Check, github: FakeGitHub) -> None:
    github.serve(RUNS, "error-rate-limit.json", status=403, headers=rate_limited())
    got = check("ci.checks")
    assert got.verdict == "error"
    assert "resets at 2026-01-03T03:00:00Z" in got.rule["message"]


def test_ci_without_token_is_an_error_with_a_hint(check: Check, github: FakeGitHub) -> None:
    got = check("ci.checks", "{required: [build]}", token=None)
    assert got.verdict == "error"
    assert "CLEARANCE_GITHUB_TOKEN (or GITHUB_TOKEN)" in got.rule["message"]
    assert github.seen == []


def test_mergeable_true_passes(check: Check, github: FakeGitHub) -> None:
    github.serve(PULL, "pull.json")
    got = check("ci.checks", "{mergeable: true, all: false}")
    assert (got.verdict, got.rule["figure"]) == ("pass", "mergeable: true")
    assert github.paths() == [PULL]


def test_null_mergeable_is_an_error_asking_to_rerun(check: Check, github: FakeGitHub) -> None:
    github.serve(PULL, "pull-mergeable-null.json")
    got = check("ci.checks", "{mergeable: true, all: false}")
    assert (got.verdict, got.run.code) == ("error", 1)
    assert "mergeable: null" in got.rule["message"]
    assert "re-run the check in a minute" in got.rule["message"]


def test_null_mergeable_in_the_event_without_token_is_an_error(check: Check) -> None:
    got = check("ci.checks", "{mergeable: true, all: false}", token=None)
    assert got.verdict == "error"
    assert "from the event" in got.rule["message"]


def test_conflicts_fail_even_when_checks_are_pending(check: Check, github: FakeGitHub) -> None:
    github.serve(PULL, "pull-conflict.json")
    serve_ci(github, "check-runs-in-progress.json")
    got = check("ci.checks", "{mergeable: true, required: [e2e]}")
    assert got.verdict == "fail"
    assert got.rule["message"].startswith("GitHub reports the pull request not mergeable "
                                          "(mergeable_state: dirty)")
    assert "still running: e2e" in got.rule["message"]


def test_a_policy_checking_nothing_is_refused(check: Check) -> None:
    got = check("ci.checks", "{all: false}", fmt="text")
    assert got.run.code == 2
    assert "nothing to check" in got.run.err
