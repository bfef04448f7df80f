"""The GitHub REST client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
from tests.evidence.github_server import (
    FIXTURES,
    HEAD,
    REPO,
    FakeGitHub,
    next_page,
    rate_limited,
)

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.github import MAX_PAGES, GitHubClient, api_get
from clearance.evidence.pull_request import ci_results, mergeable, reviews

TOKEN = "ghs_s3cretT0kenValue0123456789abcdefABCDEF"
REVIEWS = f"{REPO}/pulls/42/reviews"


def make_evidence(tmp_path: Path, github: FakeGitHub, token: str | None = TOKEN,
                  event: str | None = "event-pull-request.json") -> Evidence:
    spec = RunSpec(root=tmp_path, stage="pr", github_token=token, github_api=github.url,
                   github_repository="owner/repo",
                   event_file=FIXTURES / event if event else None)
    return Evidence(spec)


def client(github: FakeGitHub, timeout: float = 15.0, waits: list[float] | None = None,
           max_wait: float = 60.0) -> GitHubClient:
    """A client that records the waits GitHub asks for instead of sleeping through them."""
    sleep = (waits if waits is not None else []).append
    return GitHubClient(github.url, TOKEN, timeout=timeout, max_wait=max_wait, sleep=sleep)


def failure(github: FakeGitHub, path: str = "/repos/owner/repo/pulls/42",
            waits: list[float] | None = None, max_wait: float = 60.0) -> EvidenceError:
    with pytest.raises(EvidenceError) as caught:
        client(github, timeout=2, waits=waits, max_wait=max_wait).fetch(path)
    assert TOKEN not in str(caught.value)
    return caught.value


# -- requests ------------------------------------------------------------------

def test_sends_the_documented_headers_and_the_token(github: FakeGitHub) -> None:
    github.serve(f"{REPO}/pulls/42", "pull.json")
    fetched = client(github).fetch(f"{REPO}/pulls/42")
    assert fetched.data["mergeable"] is True
    headers = github.seen[0].headers
    assert headers["accept"] == "application/vnd.github+json"
    assert headers["x-github-api-version"] == "2022-11-28"
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["user-agent"].startswith("clearance/")
    body = (FIXTURES / "pull.json").read_bytes()
    [record] = fetched.records
    assert (record.path, record.size, record.source) == (f"github:GET {REPO}/pulls/42", len(body), "api")


def test_follows_next_links_and_records_every_page(github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-page1.json", headers=next_page(REVIEWS, 2))
    github.serve(f"{REVIEWS}?per_page=100&page=2", "reviews-page2.json")
    fetched = client(github).fetch(REVIEWS, paged=True)
    assert len(fetched.data) == 102
    assert [r.path for r in fetched.records] == [
        f"github:GET {REVIEWS}?per_page=100", f"github:GET {REVIEWS}?per_page=100&page=2"]
    assert all(s.headers["authorization"] == f"Bearer {TOKEN}" for s in github.seen)


def test_joins_the_named_list_of_each_page(github: FakeGitHub) -> None:
    path = f"{REPO}/commits/{HEAD}/check-runs"
    github.serve(f"{path}?per_page=100", "check-runs-success.json", headers=next_page(path, 2))
    github.serve(f"{path}?per_page=100&page=2", "check-runs-failure.json")
    data = client(github).fetch(path, "check_runs", paged=True).data
    assert [r["name"] for r in data["check_runs"]][-3:] == ["build", "test (3.12)", "lint"]
    assert len(data["check_runs"]) == 7


def test_pagination_is_bounded(github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-page2.json", headers=next_page(REVIEWS, 1))
    github.serve(f"{REVIEWS}?per_page=100&page=1", "reviews-page2.json",
                 headers=next_page(REVIEWS, 1))
    with pytest.raises(EvidenceError, match=f"more than {MAX_PAGES} pages"):
        client(github).fetch(REVIEWS, paged=True)
    assert len(github.seen) == MAX_PAGES


def test_does_not_follow_a_next_link_to_another_host(github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-page2.json",
                 headers={"Link": '<https://evil.example/steal?page=2>; rel="next"'})
    with pytest.raises(EvidenceError, match="another host"):
        client(github).fetch(REVIEWS, paged=True)
    assert len(github.seen) == 1


# -- failures ------------------------------------------------------------------

def test_primary_rate_limit_names_the_limit_and_the_reset_time(github: FakeGitHub) -> None:
    github.serve(f"{REPO}/pulls/42", "error-rate-limit.json", status=403, headers=rate_limited())
    error = failure(github)
    assert "rate limit exhausted (1000 requests, resource 'core')" in error.message
    assert "resets at 2026-01-03T03:00:00Z" in error.message
    assert error.hint == "re-run the job once the limit has reset"


@pytest.mark.parametrize(("status", "headers", "fixture"), [
    (429, {"retry-after": "60"}, "error-secondary-rate-limit.json"),
    (403, {"retry-after": "60"}, "error-secondary-rate-limit.json"),
])
def test_secondary_rate_limit_says_when_to_retry(github: FakeGitHub, status: int,
                                                 headers: dict[str, str], fixture: str) -> None:
    github.serve(f"{REPO}/pulls/42", fixture, status=status, headers=headers)
    error = failure(github)
    assert "secondary rate limit" in error.message
    assert "retry after 60 s" in error.message


def test_secondary_rate_limit_is_recognised_by_its_message(github: FakeGitHub) -> None:
    github.serve(f"{REPO}/pulls/42", "error-secondary-rate-limit.json", status=403)
    assert "secondary rate limit hit" in failure(github).message


@pytest.mark.parametrize(("status", "fixture", "said", "hint"), [
    (401, "error-bad-credentials.json", "refused the token (401)", "CLEARANCE_GITHUB_TOKEN"),
    (403, "error-forbidden.json", "forbade GET", "pull-requests: read"),
    (404, None, "found nothing at GET /repos/owner/repo/pulls/42 (404)", "GITHUB_REPOSITORY"),
    (502, None, "failed on GET /repos/owner/repo/pulls/42 (502)", "re-run"),
    (301, None, "redirects are not followed", "GITHUB_API_URL"),
])
def test_http_errors_say_what_to_do(github: FakeGitHub, status: int, fixture: str | None,
                                    said: str, hint: str) -> None:
    if status != 404:
        github.serve(f"{REPO}/pulls/42", fixture, status=status, body=None if fixture else b"{}",
                     headers={"Location": "https://elsewhere.example/"} if status == 301 else None)
    error = failure(github)
    assert said in error.message
    assert hint in (error.hint or "")


# -- retries -------------------------------------------------------------------

PULL = f"{REPO}/pulls/42"


def test_a_502_then_the_answer_is_read_after_a_second(github: FakeGitHub) -> None:
    github.first(PULL, 502)
    github.serve(PULL, "pull.json")
    waits: list[float] = []
    fetched = client(github, waits=waits).fetch(PULL)
    assert fetched.data["mergeable"] is True
    assert (github.paths(), waits) == ([PULL, PULL], [1.0])
    assert len(fetched.records) == 1


def test_a_secondary_rate_limit_waits_as_retry_after_says(github: FakeGitHub) -> None:
    github.first(PULL, 403, {"Retry-After": "1"},
                 (FIXTURES / "error-secondary-rate-limit.json").read_bytes())
    github.serve(PULL, "pull.json")
    waits: list[float] = []
    assert client(github, waits=waits).fetch(PULL).data["mergeable"] is True
    assert (len(github.seen), waits) == (2, [1.0])


def test_an_exhausted_limit_waits_until_its_reset(github: FakeGitHub) -> None:
    reset = int(time.time()) + 5
    github.first(PULL, 429, rate_limited(reset=reset))
    github.serve(PULL, "pull.json")
    waits: list[float] = []
    assert client(github, waits=waits).fetch(PULL).data["mergeable"] is True
    [wait] = waits
    assert 5 <= wait <= 7


def test_three_502s_are_an_error_naming_the_endpoint_and_the_status(github: FakeGitHub) -> None:
    github.first(PULL, 502, times=3)
    github.serve(PULL, "pull.json")
    waits: list[float] = []
    error = failure(github, waits=waits)
    assert "GET /repos/owner/repo/pulls/42 (502)" in error.message
    assert "after 3 attempts" in error.message
    assert (len(github.seen), waits) == (3, [1.0, 2.0])


@pytest.mark.parametrize("headers", [{"Retry-After": "120"}, rate_limited(reset=2 ** 32)])
def test_a_wait_longer_than_the_cap_is_not_retried(github: FakeGitHub, headers: dict[str, str]) -> None:
    github.first(PULL, 403, headers)
    github.serve(PULL, "pull.json")
    waits: list[float] = []
    assert "rate limit" in failure(github, waits=waits, max_wait=30).message
    assert (len(github.seen), waits) == (1, [])


@pytest.mark.parametrize("status", [401, 403, 404, 422])
def test_other_client_errors_are_not_retried(github: FakeGitHub, status: int) -> None:
    github.serve(PULL, "error-forbidden.json", status=status)
    failure(github)
    assert len(github.seen) == 1


def test_the_default_client_really_sleeps_the_asked_wait(github: FakeGitHub) -> None:
    github.first(PULL, 503, {"Retry-After": "0"})
    github.first(PULL, 503, {"Retry-After": "1"})
    github.serve(PULL, "pull.json")
    started = time.monotonic()
    assert GitHubClient(github.url, TOKEN).fetch(PULL).data["mergeable"] is True
    assert 1 <= time.monotonic() - started < 5
    assert len(github.seen) == 3


def test_invalid_json_is_an_error(github: FakeGitHub) -> None:
    github.serve(f"{REPO}/pulls/42", body=b"<html>Unicorn!</html>")
    assert "invalid JSON" in failure(github).message


def test_a_page_without_its_list_is_an_error(github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "pull.json")
    with pytest.raises(EvidenceError, match="holds no list"):
        client(github).fetch(REVIEWS, paged=True)


def test_a_slow_answer_times_out(github: FakeGitHub) -> None:
    github.serve(f"{REPO}/pulls/42", "pull.json", delay=1.0)
    with pytest.raises(EvidenceError, match=r"did not answer GET .* within 0.2 s"):
        client(github, timeout=0.2).fetch(f"{REPO}/pulls/42")


def test_an_unreachable_server_is_an_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(EvidenceError, match="cannot reach the GitHub API") as caught:
        GitHubClient(f"http://127.0.0.1:{port}", TOKEN, timeout=2).fetch(f"{REPO}/pulls/42")
    assert TOKEN not in str(caught.value)


def test_the_token_is_not_in_the_client_repr() -> None:
    assert TOKEN not in repr(GitHubClient("https://api.github.com", TOKEN))


@pytest.mark.parametrize(("url", "said"), [
    ("http://api.example.com", "plain http"),
    ("file:///etc/passwd", "not an http(s) URL"),
    ("https://user:secret@api.github.com", "must not hold credentials"),
])
def test_refuses_unsafe_api_urls(url: str, said: str) -> None:
    with pytest.raises(EvidenceError, match=re.escape(said)):
        GitHubClient(url, TOKEN)


# -- through the Evidence object ------------------------------------------------

def test_no_token_means_no_request(tmp_path: Path, github: FakeGitHub) -> None:
    evidence = make_evidence(tmp_path, github, token=None)
    with pytest.raises(EvidenceError, match="no GitHub token") as caught:
        api_get(evidence, f"{REPO}/pulls/42")
    assert "CLEARANCE_GITHUB_TOKEN" in (caught.value.hint or "")
    with pytest.raises(EvidenceError, match="not in the event payload"):
        ci_results(evidence)
    assert github.seen == []


def test_each_path_is_fetched_once_and_noted_for_every_rule(tmp_path: Path,
                                                             github: FakeGitHub) -> None:
    github.serve(f"{REPO}/pulls/42", "pull.json")
    evidence = make_evidence(tmp_path, github)
    assert mergeable(evidence).value is True
    evidence.start_rule()
    assert mergeable(evidence).value is True
    assert len(github.seen) == 1
    assert f"github:GET {REPO}/pulls/42" in [r.path for r in evidence.touched]


def test_an_error_is_remembered_not_retried(tmp_path: Path, github: FakeGitHub) -> None:
    github.serve(f"{REPO}/pulls/42", "error-rate-limit.json", status=403,
                 headers=rate_limited(reset=int(time.time()) + 3600))
    evidence = make_evidence(tmp_path, github)
    for _ in range(2):
        with pytest.raises(EvidenceError, match="rate limit"):
            mergeable(evidence)
    assert len(github.seen) == 1


def test_reviews_through_the_api_are_complete(tmp_path: Path, github: FakeGitHub) -> None:
    github.serve(f"{REVIEWS}?per_page=100", "reviews-approved.json")
    found = reviews(make_evidence(tmp_path, github))
    assert (found.complete, found.source, found.requested) == (True, "api", ("carol",))
    assert [(r.user, r.state) for r in found.items][:2] == [
        ("bob", "APPROVED"), ("dave", "CHANGES_REQUESTED")]


def test_a_review_event_without_a_token_gives_one_review(tmp_path: Path,
                                                         github: FakeGitHub) -> None:
    found = reviews(make_evidence(tmp_path, github, None, "event-review-approved.json"))
    assert (found.complete, found.source) == (False, "event")
    assert [(r.user, r.state, r.commit_id) for r in found.items] == [("bob", "APPROVED", HEAD)]


def test_a_pull_request_event_without_a_token_has_no_reviews(tmp_path: Path,
                                                             github: FakeGitHub) -> None:
    with pytest.raises(EvidenceError, match="no review data") as caught:
        reviews(make_evidence(tmp_path, github, None))
    assert "GITHUB_TOKEN" in (caught.value.hint or "")


def test_mergeable_from_the_event_without_a_token(tmp_path: Path, github: FakeGitHub) -> None:
    found = mergeable(make_evidence(tmp_path, github, None))
    assert (found.value, found.state, found.source) == (None, "unknown", "event")
    assert github.seen == []


def test_check_runs_and_statuses_of_the_head_commit(tmp_path: Path, github: FakeGitHub) -> None:
    github.serve(f"{REPO}/commits/{HEAD}/check-runs?per_page=100", "check-runs-in-progress.json")
    github.serve(f"{REPO}/commits/{HEAD}/status?per_page=100", "status-success.json")
    found = ci_results(make_evidence(tmp_path, github))
    assert [(r.name, r.source, r.state, r.detail) for r in found] == [
        ("build", "check run", "success", "success"),
        ("test (3.12)", "check run", "pending", "in_progress"),
        ("e2e", "check run", "pending", "queued"),
        ("ci/legacy-deploy-preview", "status", "success", "success"),
    ]
