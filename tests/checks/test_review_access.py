"""`review.approved` counts only reviews by people who may approve (#17): write access
or higher, never the pull request's author, never an unlisted bot, and with
`require_code_owner` only code owners of the changed files as the base revision's
CODEOWNERS names them.

End to end: `clearance check --stage pr` on a real git repository (base and head
commits), the event payload of PR owner/repo#42 by `ada`, and the real API client
against recorded answers served on 127.0.0.1 (tests/fixtures/github/review-access).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from tests.evidence.github_server import FIXTURES, REPO, FakeGitHub, next_page, rate_limited

if TYPE_CHECKING:
    from tests.conftest import Repo, Run

TOKEN = "ghp_ReviewAccessT0kenNeverPrinted0123456789"
REVIEWS = f"{REPO}/pulls/42/reviews?per_page=100"
TEAM = "/orgs/octo-org/teams/octocats/members"
POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {{name: team, version: 1.0.0}}
rules:
  - id: gate
    stages: [pr]
    check: {{review.approved: {params}}}
"""


def permission(login: str) -> str:
    return f"{REPO}/collaborators/{login}/permission"


@dataclass
class Verdict:
    run: Run
    rule: dict[str, Any]

    @property
    def verdict(self) -> str:
        return str(self.rule["verdict"])

    @property
    def reviews(self) -> dict[str, Any]:
        return dict(self.rule["data"]["reviews"])

    def listed(self) -> list[tuple[str, str, bool]]:
        """(user, state, counted) of every review listed, in submission order."""
        return [(r["user"], r["state"], r["counted"]) for r in self.reviews["reviews"]]

    def why(self, user: str) -> str:
        return " | ".join(r["why"] for r in self.reviews["reviews"] if r["user"] == user)


Check = Callable[..., Verdict]


@pytest.fixture
def check(repo: Repo, cli: Callable[..., Run], github: FakeGitHub,
          monkeypatch: pytest.MonkeyPatch) -> Check:
    """Commit a base (the policy, `base` files) and a head (`head` files), then run the
    pr stage between them with the given event; a token unless `token=None`."""
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/repo")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767409200")

    def run(params: str = "{}", base: dict[str, str] | None = None,
            head: dict[str, str] | None = None, event: str = "event-pull-request.json",
            token: str | None = TOKEN) -> Verdict:
        if token:
            monkeypatch.setenv("GITHUB_TOKEN", token)
        else:
            monkeypatch.delenv("GITHUB_TOKEN", raising=False)
        repo.write("clearance.yaml", POLICY.format(params=params))
        for path, text in (base or {"README.md": "hello\n"}).items():
            repo.write(path, text)
        base_sha = repo.commit("base")
        for path, text in (head or {"src/app.py": "print('hi')\n"}).items():
            repo.write(path, text)
        head_sha = repo.commit("change")
        done = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base_sha,
                   "--head", head_sha, "--event", FIXTURES / event, "--format", "json")
        assert TOKEN not in done.out + done.err
        assert done.out, done.err
        [rule] = [r for r in json.loads(done.out)["rules"] if r["id"] == "gate"]
        return Verdict(done, rule)

    return run


def serve(github: FakeGitHub, reviews: str, **permissions: str) -> None:
    """The PR's reviews, and a permission answer for each login given."""
    github.serve(REVIEWS, f"review-access/{reviews}")
    for login, answer in permissions.items():
        github.serve(permission(login), f"review-access/{answer}")


# -- write access ------------------------------------------------------------------

def test_an_approval_by_someone_without_write_access_does_not_count(
        check: Check, github: FakeGitHub) -> None:
    """The bypass of #17: one APPROVED review by `author_association: NONE` passed."""
    serve(github, "reviews-association-none.json")
    got = check()
    assert (got.verdict, got.rule["figure"], got.run.code) == ("fail", "0 approvals < 1", 1)
    assert "1 review ignored: @mallory" in got.rule["message"]
    assert "NONE" in got.why("mallory")
    assert got.listed() == [("mallory", "APPROVED", False)]
    assert permission("mallory") not in github.paths()  # refused before asking GitHub


def test_an_approval_confirmed_by_the_permission_endpoint_counts(
        check: Check, github: FakeGitHub) -> None:
    serve(github, "reviews-collaborator.json", carol="permission-carol-write.json")
    got = check()
    assert (got.verdict, got.rule["figure"], got.run.code) == ("pass", "1 approval >= 1", 0)
    assert got.listed() == [("carol", "APPROVED", True)]
    assert "write" in got.why("carol")
    assert permission("carol") in github.paths()
    assert f"github:GET {permission('carol')}" in [e["path"] for e in got.rule["evidence"]]


def test_read_permission_does_not_count_though_the_association_says_collaborator(
        check: Check, github: FakeGitHub) -> None:
    serve(github, "reviews-collaborator.json", carol="permission-carol-read.json")
    got = check()
    assert (got.verdict, got.rule["figure"]) == ("fail", "0 approvals < 1")
    assert "permission read" in got.why("carol")
    assert "1 review ignored: @carol" in got.rule["message"]


@pytest.mark.parametrize("status", [403, 404])
def test_a_refused_permission_lookup_falls_back_to_the_association_and_says_so(
        check: Check, github: FakeGitHub, status: int) -> None:
    serve(github, "reviews-collaborator.json")
    github.serve(permission("carol"), body=b'{"message": "Not allowed"}', status=status)
    got = check()
    assert (got.verdict, got.rule["figure"]) == ("pass", "1 approval >= 1")
    assert "COLLABORATOR" in got.why("carol")
    assert str(status) in got.why("carol")


def test_a_rate_limited_permission_lookup_is_an_error_not_a_fallback(
        check: Check, github: FakeGitHub) -> None:
    serve(github, "reviews-collaborator.json")
    github.serve(permission("carol"), "error-rate-limit.json", status=403, headers=rate_limited())
    got = check()
    assert got.verdict == "error"
    assert "rate limit" in got.rule["message"]


# -- the author and bots -------------------------------------------------------------

def test_the_pull_request_authors_own_approval_is_ignored(check: Check,
                                                          github: FakeGitHub) -> None:
    serve(github, "reviews-author.json")
    got = check()
    assert (got.verdict, got.rule["figure"]) == ("fail", "0 approvals < 1")
    assert got.reviews["pull_author"] == "ada"
    assert "author" in got.why("ada")
    assert "1 review ignored: @ada" in got.rule["message"]
    assert permission("ada") not in github.paths()


def test_a_bot_approval_is_ignored_unless_the_bot_is_listed(check: Check,
                                                            github: FakeGitHub) -> None:
    serve(github, "reviews-bot.json")
    got = check()
    assert (got.verdict, got.rule["figure"]) == ("fail", "0 approvals < 1")
    assert "bot" in got.why("dependabot[bot]")
    listed = check('{bots: ["Dependabot[bot]"]}')
    assert (listed.verdict, listed.rule["figure"]) == ("pass", "1 approval >= 1")
    assert listed.listed() == [("dependabot[bot]", "APPROVED", True)]


def test_a_bot_is_known_by_its_user_type_too(check: Check, github: FakeGitHub) -> None:
    serve(github, "reviews-bot-type.json")
    got = check('{bots: ["dependabot[bot]"]}')
    assert (got.verdict, got.rule["figure"]) == ("fail", "0 approvals < 1")
    assert "bot" in got.why("renovate")


def test_a_bot_listed_by_a_pattern_is_not_listed(check: Check, github: FakeGitHub) -> None:
    """`bots` takes exact logins: a glob would admit any app's bot."""
    serve(github, "reviews-bot.json")
    got = check('{bots: ["*[bot]"]}')
    assert got.verdict == "fail"


# -- change requests and the listing -----------------------------------------------------

def test_only_change_requests_by_people_who_may_approve_block(check: Check,
                                                              github: FakeGitHub) -> None:
    """GitHub: a change request blocks when its author has write access or more."""
    serve(github, "reviews-change-requests.json", bob="permission-bob-write.json",
          carol="permission-carol-read.json")
    got = check()
    assert (got.verdict, got.rule["figure"]) == ("pass", "1 approval >= 1")
    assert got.reviews["changes_requested"] == []
    serve(github, "reviews-change-requests.json", bob="permission-bob-write.json",
          carol="permission-carol-write.json")
    blocked = check()
    assert blocked.verdict == "fail"
    assert blocked.rule["message"].startswith("changes requested by @carol")
    assert "@frank (author_association CONTRIBUTOR" in blocked.rule["message"]


def test_every_review_is_listed_with_whether_it_counted_and_why(check: Check,
                                                                github: FakeGitHub) -> None:
    serve(github, "reviews-mixed.json", bob="permission-bob-write.json")
    got = check()
    assert (got.verdict, got.rule["figure"]) == ("pass", "1 approval >= 1")
    assert got.listed() == [
        ("bob", "COMMENTED", False), ("mallory", "APPROVED", False), ("ada", "APPROVED", False),
        ("dependabot[bot]", "APPROVED", False), ("bob", "APPROVED", True),
        ("frank", "CHANGES_REQUESTED", False)]
    assert all(r["why"] for r in got.reviews["reviews"])
    assert got.reviews["ignored"] == 4
    message = got.rule["message"]
    assert message.startswith("approved by @bob; 4 reviews ignored: ")
    for user in ("@mallory", "@ada", "@dependabot[bot]", "@frank"):
        assert user in message
    assert [p for p in github.paths() if "/collaborators/" in p] == [permission("bob")]


def test_without_a_token_the_events_review_is_judged_by_its_association(
        check: Check, github: FakeGitHub) -> None:
    got = check("{no_changes_requested: false}", event="review-access/event-review-approved-none.json",
                token=None)
    assert got.verdict == "error"  # only the event's review is known, and it does not count
    assert "NONE" in got.why("mallory")
    trusted = check("{no_changes_requested: false}", event="event-review-approved.json", token=None)
    assert trusted.verdict == "pass"
    assert "not confirm" in trusted.why("bob") or "no token" in trusted.why("bob")
    assert github.seen == []


# -- code owners -------------------------------------------------------------------------

OWNERS_BASE = {"CODEOWNERS": "*       @bob\n/src/   @carol\n", "src/app.py": "print('v1')\n"}


def test_code_owners_come_from_the_base_not_from_the_change(check: Check,
                                                            github: FakeGitHub) -> None:
    """The change makes mallory the owner of src/; only the base's owners count."""
    serve(github, "reviews-owners.json", mallory="permission-mallory-write.json",
          bob="permission-bob-write.json", carol="permission-carol-write.json")
    head = {"CODEOWNERS": "*       @mallory\n", "src/app.py": "print('v2')\n"}
    got = check("{require_code_owner: true, min: 2}", base=OWNERS_BASE, head=head)
    assert (got.verdict, got.rule["figure"]) == ("pass", "2 code owner approvals >= 2")
    assert got.reviews["approved"] == ["carol", "bob"]
    assert "not a code owner" in got.why("mallory")
    owners = got.reviews["code_owners"]
    assert owners["source"] == "CODEOWNERS"
    assert owners["files"] == {"CODEOWNERS": ["@bob"], "src/app.py": ["@carol"]}
    assert any(e["path"].endswith(":CODEOWNERS") for e in got.rule["evidence"])


def test_each_owned_file_needs_an_approval_by_its_own_owner(check: Check,
                                                            github: FakeGitHub) -> None:
    serve(github, "reviews-owners.json", mallory="permission-mallory-write.json",
          bob="permission-bob-write.json", carol="permission-carol-write.json")
    base = {"CODEOWNERS": "/src/ @carol\n/docs/ @dave\n", "src/app.py": "v1\n",
            "docs/guide.md": "v1\n"}
    got = check("{require_code_owner: true}", base=base,
                head={"src/app.py": "v2\n", "docs/guide.md": "v2\n"})
    assert (got.verdict, got.rule["figure"]) == ("fail", "1 code owner approval >= 1")
    assert "no approval by a code owner of docs/guide.md (@dave)" in got.rule["message"]
    assert got.reviews["code_owners"]["unapproved"] == ["docs/guide.md"]


def test_the_change_adding_itself_as_owner_gets_no_approval(check: Check,
                                                            github: FakeGitHub) -> None:
    """Without the base's owner (carol) the change's own CODEOWNERS edit does not help."""
    serve(github, "reviews-owners.json", mallory="permission-mallory-write.json",
          bob="permission-bob-write.json", carol="permission-carol-read.json")
    head = {"CODEOWNERS": "*       @mallory\n", "src/app.py": "print('v2')\n"}
    got = check("{require_code_owner: true}", base=OWNERS_BASE, head=head)
    assert got.verdict == "fail"
    assert "src/app.py (@carol)" in got.rule["message"]


def test_team_owners_are_resolved_through_the_api(check: Check, github: FakeGitHub) -> None:
    serve(github, "reviews-team-member.json", dave="permission-dave-admin.json")
    github.serve(f"{TEAM}?per_page=100", "review-access/team-octocats-page1.json",
                 headers=next_page(TEAM, 2))
    github.serve(f"{TEAM}?per_page=100&page=2", "review-access/team-octocats-page2.json")
    base = {"CODEOWNERS": "*.py @octo-org/octocats\n", "src/app.py": "v1\n"}
    got = check("{require_code_owner: true}", base=base, head={"src/app.py": "v2\n"})
    assert (got.verdict, got.rule["figure"]) == ("pass", "1 code owner approval >= 1")
    assert f"{TEAM}?per_page=100&page=2" in github.paths()
    team_requests = [s for s in github.seen if s.path.startswith(TEAM)]
    assert team_requests and all(s.headers["authorization"] == f"Bearer {TOKEN}"
                                 for s in team_requests)


def test_a_team_owner_without_a_token_is_an_error_naming_the_token(check: Check,
                                                                   github: FakeGitHub) -> None:
    base = {"CODEOWNERS": "* @octo-org/octocats\n"}
    got = check("{require_code_owner: true, no_changes_requested: false}", base=base,
                event="event-review-approved.json", token=None)
    assert got.verdict == "error"
    assert "@octo-org/octocats" in got.rule["message"]
    assert "GITHUB_TOKEN" in got.rule["message"]
    assert github.seen == []


def test_user_owners_need_no_token(check: Check, github: FakeGitHub) -> None:
    got = check("{require_code_owner: true, no_changes_requested: false}",
                base={"CODEOWNERS": "* @bob\n"}, event="event-review-approved.json", token=None)
    assert (got.verdict, got.rule["figure"]) == ("pass", "1 code owner approval >= 1")
    assert github.seen == []


@pytest.mark.parametrize(("base", "said"), [
    ({"CODEOWNERS": "/docs/ @bob\n"}, "no changed file has a code owner in CODEOWNERS"),
    ({"README.md": "no owners file\n"}, "the base revision has no CODEOWNERS file"),
])
def test_without_an_owner_of_the_changed_files_no_approval_counts(
        check: Check, github: FakeGitHub, base: dict[str, str], said: str) -> None:
    serve(github, "reviews-owners.json", bob="permission-bob-write.json",
          carol="permission-carol-write.json", mallory="permission-mallory-write.json")
    got = check("{require_code_owner: true}", base=base)
    assert (got.verdict, got.rule["figure"]) == ("fail", "0 code owner approvals < 1")
    assert said in got.rule["message"]
