"""The pull request has at least `min` approvals (default 1) and, with
`no_changes_requested` (default true), no reviewer's latest review requests
changes. Each reviewer's latest decisive review counts: a later COMMENTED
review does not cancel an approval, a later APPROVED replaces a change
request, a DISMISSED review cancels the reviewer's standing. Reviewers
matching `ignore_authors` (logins, globs) are left out; with `dismiss_stale`
only approvals of the head commit count.

All reviews are read through the GitHub API when a token is given. Without
one, only the review carried by a `pull_request_review` event is known: it
can show a change request (fail) or, when change requests need not be ruled
out, an approval; anything else is an `error` naming the token to set,
never a pass."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clearance.checks import Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.evidence.context import Evidence
from clearance.evidence.github_errors import TOKEN_HINT

if TYPE_CHECKING:
    from clearance.evidence.pull_request import Review, Reviews

EVIDENCE = ("GitHub event payload", "GitHub API: pull request reviews")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "min": {"type": "integer", "minimum": 0, "maximum": 100},
        "no_changes_requested": {"type": "boolean"},
        "ignore_authors": GLOBS,
        "dismiss_stale": {"type": "boolean"},
    },
}
DECISIVE = ("APPROVED", "CHANGES_REQUESTED")


@dataclass(frozen=True)
class Standing:
    """Where the reviewers stand: who approves (fresh or stale) and who requests changes."""

    approved: tuple[str, ...]
    stale: tuple[str, ...]
    changes: tuple[str, ...]


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    from clearance.evidence.pull_request import head_sha, reviews  # the HTTP client only when run

    found = reviews(evidence)
    head = head_sha(evidence) if params.get("dismiss_stale") else None
    standing = stand(found.items, as_list(params.get("ignore_authors")), head)
    outcome = judge(params, standing, found)
    return Outcome(outcome.verdict, outcome.message, figure=outcome.figure,
                   data={"reviews": _data(standing, found)})


def stand(items: tuple[Review, ...], ignored: list[str], head: str | None) -> Standing:
    """Each reviewer's latest decisive review, in the order GitHub submitted them."""
    latest: dict[str, Review] = {}
    for review in sorted(items, key=lambda r: (r.submitted_at, r.id)):
        if _ignored(review.user, ignored):
            continue
        if review.state in DECISIVE:
            latest[review.user] = review
        elif review.state == "DISMISSED":
            latest.pop(review.user, None)
    approvals = [r for r in latest.values() if r.state == "APPROVED"]
    fresh = tuple(r.user for r in approvals if head is None or r.commit_id == head)
    stale = tuple(r.user for r in approvals if r.user not in fresh)
    changes = tuple(r.user for r in latest.values() if r.state == "CHANGES_REQUESTED")
    return Standing(fresh, stale, changes)


def judge(params: dict[str, Any], standing: Standing, found: Reviews) -> Outcome:
    wanted = int(params.get("min", 1))
    strict = bool(params.get("no_changes_requested", True))
    count = len(standing.approved)
    figure = f"{plural(count, 'approval')} {'>=' if count >= wanted else '<'} {wanted}"
    if strict and standing.changes:
        return Outcome.failed(f"changes requested by {_names(standing.changes)}", figure=figure)
    if not found.complete and (strict or count < wanted):
        return Outcome("error", "only the review in the event payload is known "
                       f"({_names([r.user for r in found.items])}, {found.items[0].state}); "
                       f"cannot count approvals or rule out change requests: {TOKEN_HINT}",
                       figure=figure)
    if count < wanted:
        return Outcome.failed(_short(count, wanted, standing, found), figure=figure)
    return Outcome.passed(f"approved by {_names(standing.approved)}" if count
                          else "no approval required", figure=figure)


def _short(count: int, wanted: int, standing: Standing, found: Reviews) -> str:
    parts = [f"{plural(count, 'approval')}, {wanted} required"]
    if standing.approved:
        parts.append(f"approved by {_names(standing.approved)}")
    if standing.stale:
        parts.append(f"approvals of an earlier commit (stale): {_names(standing.stale)}")
    if found.requested:
        parts.append(f"review requested from {_names(found.requested)}")
    return "; ".join(parts)


def _ignored(user: str, globs: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(user.lower(), g.lower()) for g in globs)


def _names(users: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"@{u}" for u in users) or "nobody"


def _data(standing: Standing, found: Reviews) -> dict[str, Any]:
    return {"source": found.source, "complete": found.complete,
            "approved": list(standing.approved), "stale": list(standing.stale),
            "changes_requested": list(standing.changes), "requested": list(found.requested)}
