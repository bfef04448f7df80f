"""Reviews, check results and mergeability of the pull request under evaluation.

Without a token only the event payload is read:
- `pull_request` events: the number, head and base sha, requested reviewers,
  and `mergeable` when GitHub had computed it (usually `null` there);
- `pull_request_review` events: the one review that triggered the run, not
  the others, so approvals cannot be counted and change requests by other
  reviewers cannot be ruled out;
- no check runs or commit statuses at all.
With a token (see docs/github.md) the REST API gives every review, the
current `mergeable` state, every check run and every commit status of the
head commit. Nothing is fetched before a check asks for it.
"""

from __future__ import annotations

import re
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.github import api_get, has_token, repo_path
from clearance.evidence.github_errors import TOKEN_HINT
from clearance.records import Record

SHA = re.compile(r"[0-9a-f]{40}")
REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
WRITE_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")
WRITE_PERMISSIONS = ("admin", "maintain", "write")  # `maintain` is reported as `write`
_STATUS = re.compile(r"\((\d{3})\)")
CHECK_OK = ("success", "neutral", "skipped")
STATUS_BAD = ("failure", "error")


class Review(Record):
    """One submitted review; `state` is upper case (API) whatever the source.

    `association` is the review's `author_association` (OWNER, MEMBER,
    COLLABORATOR, CONTRIBUTOR, NONE, ...), `user_type` its `user.type`
    (`User`, `Bot`); both empty when the payload does not say.
    """

    id: int
    user: str
    state: str
    submitted_at: str
    commit_id: str | None
    association: str = ""
    user_type: str = ""

    @property
    def is_bot(self) -> bool:
        """A bot account: a login ending in `[bot]`, or GitHub's user type `Bot`."""
        return self.user.lower().endswith("[bot]") or self.user_type == "Bot"


class Access(Record):
    """Whether a reviewer may approve (write access or higher) and how that is known."""

    allowed: bool
    why: str


class Reviews(Record):
    """The reviews known; `complete` is False when only the event's one is known."""

    items: tuple[Review, ...]
    complete: bool
    source: str
    requested: tuple[str, ...] = ()


class CiResult(Record):
    """A check run or a commit status, classified as success, failure or pending."""

    name: str
    source: str  # "check run" or "status"
    state: str  # success, failure or pending
    detail: str  # the conclusion, status or state GitHub gave
    url: str | None = None


class Mergeable(Record):
    value: bool | None
    state: str | None
    source: str


# -- the event payload -------------------------------------------------------

def event(evidence: Evidence) -> dict[str, Any] | None:
    """The event payload (recorded as evidence), or None when no event was given."""
    if evidence.spec.event_file is None:
        return None
    from clearance.evidence.event import event_payload

    return event_payload(evidence)[0]


def _pull(evidence: Evidence) -> dict[str, Any]:
    payload = event(evidence) or {}
    pull = payload.get("pull_request")
    return pull if isinstance(pull, dict) else {}


def pull_number(evidence: Evidence) -> int:
    number = _pull(evidence).get("number")
    if isinstance(number, int) and not isinstance(number, bool) and number > 0:
        return number
    raise EvidenceError("no pull request in the event payload",
                        hint="run on a pull_request or pull_request_review event, "
                             "or pass --event FILE with such a payload")


def repository(evidence: Evidence) -> str:
    name = evidence.spec.github_repository
    if not name:
        repo = (event(evidence) or {}).get("repository")
        name = repo.get("full_name") if isinstance(repo, dict) else None
    if isinstance(name, str) and REPOSITORY.fullmatch(name):
        return name
    raise EvidenceError(f"no valid GitHub repository name (OWNER/REPO): {name!r}",
                        hint="set GITHUB_REPOSITORY=owner/repo")


def head_sha(evidence: Evidence) -> str:
    """The commit whose reviews and checks count: the PR head, else the evaluated one."""
    head = _pull(evidence).get("head")
    sha = head.get("sha") if isinstance(head, dict) else None
    if not isinstance(sha, str):
        after = (event(evidence) or {}).get("after")  # a push event
        sha = after if isinstance(after, str) and after.strip("0") else None
    if not (isinstance(sha, str) and SHA.fullmatch(sha)):
        spec_head = evidence.spec.head or ""
        sha = spec_head if SHA.fullmatch(spec_head) else evidence.head
    if sha is None:
        raise EvidenceError("no head commit at this stage", hint="run at the pr or merge stage")
    return sha


def requested_reviewers(evidence: Evidence) -> tuple[str, ...]:
    """Logins and team slugs whose review is requested, from the event payload."""
    pull = _pull(evidence)
    people = [u.get("login") for u in pull.get("requested_reviewers") or [] if isinstance(u, dict)]
    teams = [t.get("slug") for t in pull.get("requested_teams") or [] if isinstance(t, dict)]
    return tuple(n for n in people if isinstance(n, str)) + tuple(
        f"team:{t}" for t in teams if isinstance(t, str))


# -- reviews ---------------------------------------------------------------

def reviews(evidence: Evidence) -> Reviews:
    """Every review through the API with a token, else the event's review."""
    requested = requested_reviewers(evidence)
    if has_token(evidence):
        path = repo_path(repository(evidence), "pulls", pull_number(evidence), "reviews")
        found = api_get(evidence, path, paged=True)
        items = tuple(r for r in (_review(x) for x in found) if r is not None)
        return Reviews(items, True, "api", requested)
    review = (event(evidence) or {}).get("review")
    parsed = _review(review) if isinstance(review, dict) else None
    if parsed is None:
        raise EvidenceError("no review data: the event payload holds no review and no "
                            "GitHub token was given", hint=TOKEN_HINT)
    return Reviews((parsed,), False, "event", requested)


def _review(raw: Any) -> Review | None:
    if not isinstance(raw, dict):
        return None
    user = raw.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    state = raw.get("state")
    if not isinstance(login, str) or not isinstance(state, str):
        return None
    commit, number = raw.get("commit_id"), raw.get("id")
    association = raw.get("author_association")
    kind = user.get("type") if isinstance(user, dict) else None
    return Review(id=number if isinstance(number, int) else 0, user=login,
                  state=state.upper(), submitted_at=str(raw.get("submitted_at") or ""),
                  commit_id=commit if isinstance(commit, str) else None,
                  association=association.upper() if isinstance(association, str) else "",
                  user_type=kind if isinstance(kind, str) else "")


def pull_author(evidence: Evidence) -> str:
    """The login of the pull request's author: the event payload's, else the API's."""
    login = _login(_pull(evidence).get("user"))
    if login is None and has_token(evidence):
        pull = api_get(evidence, repo_path(repository(evidence), "pulls", pull_number(evidence)))
        login = _login(pull.get("user")) if isinstance(pull, dict) else None
    if login is None:
        raise EvidenceError("the pull request's author is not known, so their own approval "
                            "cannot be told apart", hint=TOKEN_HINT)
    return login


def _login(user: Any) -> str | None:
    login = user.get("login") if isinstance(user, dict) else None
    return login if isinstance(login, str) and login else None


# -- who may approve -------------------------------------------------------

def access(evidence: Evidence, review: Review) -> Access:
    """Write access or higher, as branch protection counts reviews: `author_association`
    OWNER, MEMBER or COLLABORATOR, confirmed by the collaborator permission endpoint when
    a token is given; a 403 or 404 from it leaves the association to decide, and says so."""
    said = review.association or "missing"
    if review.association not in WRITE_ASSOCIATIONS:
        return Access(False, f"author_association {said}: no write access")
    if not has_token(evidence):
        return Access(True, f"author_association {said} (no token to confirm the permission)")
    path = repo_path(repository(evidence), "collaborators", review.user, "permission")
    try:
        answer = api_get(evidence, path)
    except EvidenceError as e:
        code = http_status(e)
        if code not in (403, 404):
            raise
        return Access(True, f"author_association {said}; the permission endpoint answered "
                            f"{code}, so it is not confirmed")
    level = answer.get("permission") if isinstance(answer, dict) else None
    if level in WRITE_PERMISSIONS:
        return Access(True, f"permission {level}")
    return Access(False, f"permission {level or 'missing'}: no write access")


def http_status(error: EvidenceError) -> int | None:
    """The HTTP status a GitHub API error names (`... (404)`), or None (a network error,
    a rate limit)."""
    match = _STATUS.search(error.message)
    return int(match.group(1)) if match else None


# -- checks and statuses ---------------------------------------------------

def ci_results(evidence: Evidence) -> tuple[CiResult, ...]:
    """Every check run and commit status of the head commit (needs a token)."""
    if not has_token(evidence):
        raise EvidenceError("check runs and commit statuses are not in the event payload",
                            hint=TOKEN_HINT)
    sha = head_sha(evidence)
    repo = repository(evidence)
    runs = api_get(evidence, repo_path(repo, "commits", sha, "check-runs"), "check_runs", True)
    status = api_get(evidence, repo_path(repo, "commits", sha, "status"), "statuses", True)
    found = [_check_run(r) for r in runs.get("check_runs", [])]
    found += [_status(s) for s in status.get("statuses", [])]
    return tuple(r for r in found if r is not None)


def _check_run(raw: Any) -> CiResult | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        return None
    status, conclusion = str(raw.get("status") or ""), raw.get("conclusion")
    if status != "completed":
        state, detail = "pending", status or "unknown"
    else:
        detail = str(conclusion or "unknown")
        state = "success" if detail in CHECK_OK else "failure"
    return CiResult(raw["name"], "check run", state, detail, _url(raw.get("html_url")))


def _status(raw: Any) -> CiResult | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("context"), str):
        return None
    detail = str(raw.get("state") or "unknown")
    state = ("success" if detail == "success" else "failure" if detail in STATUS_BAD
             else "pending")
    return CiResult(raw["context"], "status", state, detail, _url(raw.get("target_url")))


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith("https://") else None


# -- mergeability ----------------------------------------------------------

def mergeable(evidence: Evidence) -> Mergeable:
    """GitHub's `mergeable` of the PR: the API's current one with a token, else the event's."""
    if has_token(evidence):
        path = repo_path(repository(evidence), "pulls", pull_number(evidence))
        pull = api_get(evidence, path)
        source = "api"
    else:
        pull_number(evidence)
        pull, source = _pull(evidence), "event"
    if not isinstance(pull, dict):
        raise EvidenceError("GitHub API answer for the pull request is not an object")
    value = pull.get("mergeable")
    state = pull.get("mergeable_state")
    return Mergeable(value if isinstance(value, bool) else None,
                     state if isinstance(state, str) else None, source)
