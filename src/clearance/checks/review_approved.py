"""The pull request has at least `min` approvals (default 1) from people who may
approve and, with `no_changes_requested` (default true), none of them has a
change request outstanding.

Who may approve, as GitHub's branch protection counts reviews: a reviewer
with write access or higher. The review's `author_association` must be
OWNER, MEMBER or COLLABORATOR, and with a token the collaborator permission
endpoint must confirm it (admin, maintain or write count; triage, read and
none do not); when that endpoint answers 403 or 404 the association alone
decides, and the review says so. Never counted: the pull request's author,
a bot (a login ending in `[bot]`, or user type Bot) unless its login is
listed under `bots` (a listed bot needs no permission check: an app's access
is not a collaborator's), and logins matching `ignore_authors` (globs). A
change request from someone who may not approve does not block either, as
on GitHub.

Each reviewer's latest decisive review counts: a later COMMENTED review
does not cancel an approval, a later APPROVED replaces a change request, a
DISMISSED review cancels the reviewer's standing. With `dismiss_stale` only
approvals of the head commit count.

With `require_code_owner`, the owners come from the CODEOWNERS file of the
base revision (never the change's own; teams resolved to their members
through the API, which needs a token; e-mail owners cannot be resolved and
approve nothing). Only approvals by an owner of at least one changed file
count towards `min`, and every changed file (deleted ones too) that has
owners needs an approval by one of its own owners. A file without owners
needs none, but an approval by someone who owns no changed file never
counts: when no changed file has an owner, only `min: 0` can pass.

The rule's data lists every review with `counted` (true or false) and
`why`; the message says how many decisive reviews were ignored and why.

All reviews are read through the GitHub API when a token is given. Without
one, only the review carried by a `pull_request_review` event is known, its
`author_association` unconfirmed: it can show a change request (fail) or,
when change requests need not be ruled out, an approval; anything else is an
`error` naming the token to set, never a pass."""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING, Any

from clearance.checks import Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.evidence.context import Evidence
from clearance.evidence.github_errors import TOKEN_HINT
from clearance.records import Record

if TYPE_CHECKING:
    from clearance.evidence.codeowners import ChangeOwners
    from clearance.evidence.pull_request import Access, Review, Reviews

EVIDENCE = ("GitHub event payload", "GitHub API: pull request reviews",
            "GitHub API: collaborator permissions", "CODEOWNERS at the base revision",
            "GitHub API: team members")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "min": {"type": "integer", "minimum": 0, "maximum": 100},
        "no_changes_requested": {"type": "boolean"},
        "ignore_authors": GLOBS,
        "dismiss_stale": {"type": "boolean"},
        "bots": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "require_code_owner": {"type": "boolean"},
    },
}
DECISIVE = ("APPROVED", "CHANGES_REQUESTED")
NOT_DECISIONS = {"PENDING": "pending: not submitted", "DISMISSED": "dismissed",
                 "COMMENTED": "a comment: neither approves nor requests changes"}
NOT_OWNER = "not a code owner of the changed files"


class Standing(Record):
    """Where the reviewers stand: who approves (fresh or stale) and who requests changes;
    `latest` holds each reviewer's standing review."""

    approved: tuple[str, ...]
    stale: tuple[str, ...]
    changes: tuple[str, ...]
    latest: tuple[Review, ...] = ()
    not_owners: tuple[str, ...] = ()  # approvers left out by `require_code_owner`


class Vetting(Record):
    """Who may approve: the PR's author, and each decisive reviewer's access."""

    author: str
    access: dict[str, Access]

    def allows(self, review: Review) -> bool:
        found = self.access.get(review.user)
        return found is not None and found.allowed


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    from clearance.evidence.pull_request import head_sha, reviews  # the HTTP client only when run

    found = reviews(evidence)
    head = head_sha(evidence) if params.get("dismiss_stale") else None
    vetting = vet(params, evidence, found.items)
    standing = stand(tuple(r for r in found.items if vetting.allows(r)), [], head)
    owners = None
    if params.get("require_code_owner"):
        from clearance.evidence.codeowners import change_owners

        owners = change_owners(evidence)
        standing = owned(standing, owners)
    listing = [_entry(r, vetting, standing) for r in _ordered(found.items)]
    outcome = judge(params, standing, found, owners, _ignored_note(ignored_reviews(listing)))
    return Outcome(outcome.verdict, outcome.message, figure=outcome.figure,
                   data={"reviews": _data(standing, found, vetting, owners, listing)})


# -- who may approve -----------------------------------------------------------

def vet(params: dict[str, Any], evidence: Evidence, items: tuple[Review, ...]) -> Vetting:
    """The access of every reviewer with a decisive review (the API only for those who
    are not ruled out first as the author, a bot or an ignored login)."""
    from clearance.evidence.pull_request import access, pull_author

    author = pull_author(evidence)
    bots = {b.lower() for b in as_list(params.get("bots"))}
    globs = as_list(params.get("ignore_authors"))
    found: dict[str, Access] = {}
    for review in _ordered(items):
        if review.state in DECISIVE and review.user not in found:
            found[review.user] = (_refusal(review, author, bots, globs)
                                  or access(evidence, review))
    return Vetting(author, found)


def _refusal(review: Review, author: str, bots: set[str], globs: list[str]) -> Access | None:
    """Access decided without the API: the author, ignored logins and bots; None otherwise."""
    from clearance.evidence.pull_request import Access

    login = review.user.lower()
    if login == author.lower():
        return Access(False, "the pull request's author")
    if _ignored(review.user, globs):
        return Access(False, "matches ignore_authors")
    if review.is_bot:
        return (Access(True, "a bot listed under bots") if login in bots
                else Access(False, "a bot not listed under bots"))
    return None


def owned(standing: Standing, owners: ChangeOwners) -> Standing:
    """The standing with approvals by people who own no changed file left out."""
    keep = tuple(u for u in standing.approved if owners.is_owner(u))
    left = tuple(u for u in standing.approved if u not in keep)
    return standing._replace(approved=keep, not_owners=left)


# -- where each reviewer stands ----------------------------------------------------

def stand(items: tuple[Review, ...], ignored: list[str], head: str | None) -> Standing:
    """Each reviewer's latest decisive review, in the order GitHub submitted them."""
    latest: dict[str, Review] = {}
    for review in _ordered(items):
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
    return Standing(fresh, stale, changes, tuple(latest.values()))


def _ordered(items: tuple[Review, ...]) -> list[Review]:
    return sorted(items, key=lambda r: (r.submitted_at, r.id))


def _entry(review: Review, vetting: Vetting, standing: Standing) -> dict[str, Any]:
    counted, why = _why(review, vetting, standing)
    return {"id": review.id, "user": review.user, "state": review.state,
            "submitted_at": review.submitted_at or None, "commit_id": review.commit_id,
            "author_association": review.association or None, "counted": counted, "why": why}


def _why(review: Review, vetting: Vetting, standing: Standing) -> tuple[bool, str]:
    """Whether this review counts, and why."""
    if review.state not in DECISIVE:
        return False, NOT_DECISIONS.get(review.state, f"state {review.state}")
    access = vetting.access[review.user]
    if not access.allowed:
        return False, access.why
    if review not in standing.latest:
        return False, "not the reviewer's latest decision"
    if review.user in standing.stale:
        return False, "approval of an earlier commit (stale)"
    if review.user in standing.not_owners:
        return False, NOT_OWNER
    return True, access.why


# -- the verdict -------------------------------------------------------------------

def judge(params: dict[str, Any], standing: Standing, found: Reviews,
          owners: ChangeOwners | None = None, ignored: str = "") -> Outcome:
    wanted = int(params.get("min", 1))
    strict = bool(params.get("no_changes_requested", True))
    count = len(standing.approved)
    word = "code owner approval" if owners is not None else "approval"
    figure = f"{plural(count, word)} {'>=' if count >= wanted else '<'} {wanted}"
    missing = owners.unapproved(standing.approved) if owners is not None else {}
    if strict and standing.changes:
        return Outcome.failed(f"changes requested by {_names(standing.changes)}{ignored}",
                              figure=figure)
    if not found.complete and (strict or count < wanted or missing):
        return Outcome("error", "only the review in the event payload is known "
                       f"({_names([r.user for r in found.items])}, {found.items[0].state}); "
                       f"cannot count approvals or rule out change requests: {TOKEN_HINT}",
                       figure=figure)
    if count < wanted:
        return Outcome.failed(_short(count, wanted, standing, found, owners) + ignored,
                              figure=figure)
    if missing:
        return Outcome.failed(f"no approval by a code owner of {_files(missing)}{ignored}",
                              figure=figure)
    said = f"approved by {_names(standing.approved)}" if count else "no approval required"
    return Outcome.passed(said + ignored, figure=figure)


def _short(count: int, wanted: int, standing: Standing, found: Reviews,
           owners: ChangeOwners | None) -> str:
    word = "code owner approval" if owners is not None else "approval"
    parts = [f"{plural(count, word)}, {wanted} required"]
    if standing.approved:
        parts.append(f"approved by {_names(standing.approved)}")
    if standing.stale:
        parts.append(f"approvals of an earlier commit (stale): {_names(standing.stale)}")
    if owners is not None and not owners.files:
        parts.append(_no_owners(owners))
    if found.requested:
        parts.append(f"review requested from {_names(found.requested)}")
    return "; ".join(parts)


def _no_owners(owners: ChangeOwners) -> str:
    source = owners.codeowners.source
    if source is None:
        return "the base revision has no CODEOWNERS file"
    return f"no changed file has a code owner in {source} at the base"


def ignored_reviews(listing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The decisive reviews that did not count because of who gave them (not those
    superseded by the reviewer's own later review, nor stale approvals)."""
    apart = ("not the reviewer's latest decision", "approval of an earlier commit (stale)")
    return [e for e in listing
            if e["state"] in DECISIVE and not e["counted"] and e["why"] not in apart]


def _ignored_note(ignored: list[dict[str, Any]]) -> str:
    """`; 2 reviews ignored: @x (why), @y (why)`; empty when none was ignored."""
    if not ignored:
        return ""
    reasons = {e["user"]: e["why"] for e in ignored}
    shown = ", ".join(f"@{user} ({why})" for user, why in reasons.items())
    return f"; {plural(len(ignored), 'review')} ignored: {shown}"


def _ignored(user: str, globs: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(user.lower(), g.lower()) for g in globs)


def _names(users: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"@{u}" for u in users) or "nobody"


def _files(missing: dict[str, tuple[str, ...]], shown: int = 5) -> str:
    parts = [f"{path} ({' '.join(owners)})" for path, owners in list(missing.items())[:shown]]
    more = len(missing) - shown
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


def _data(standing: Standing, found: Reviews, vetting: Vetting, owners: ChangeOwners | None,
          listing: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": found.source, "complete": found.complete,
        "approved": list(standing.approved), "stale": list(standing.stale),
        "changes_requested": list(standing.changes), "requested": list(found.requested),
        "pull_author": vetting.author, "reviews": listing,
        "ignored": len(ignored_reviews(listing))}
    if owners is not None:
        data["code_owners"] = {
            "source": owners.codeowners.source, "revision": owners.codeowners.revision,
            "files": {path: list(names) for path, names in owners.files.items()},
            "unapproved": sorted(owners.unapproved(standing.approved)),
            "unresolved": list(owners.resolved.unresolved)}
    return data
