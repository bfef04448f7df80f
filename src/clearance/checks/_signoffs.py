"""How the attestation kind judges one record: who signed, when, for what, and what proves who.

A record is screened first (cheap): its attestor may attest, its `at` is not in
the future beyond `SKEW` nor older than `max_age`, and it names what it signs
(`subject`). Then `judge` says whether it is self-added (not in force at the
base revision) and what proves its attestor signed it, strongest first:

1. `github-deployment-review`: at staging and production, an approved
   deployment review by that login of a workflow run of the deployed commit,
   for the record's environment (the rule's `environment`, else the stage;
   environment names compare without case, as GitHub's do);
2. `github-review`: at pr and merge, an approving review of the pull request
   by that login, of a commit whose tree holds this very record and differs
   from the head only in the attestations folder;
3. `signature`: the commit that wrote the record's file is signed by a key the
   base revision allows for that login (evidence/signatures.py); the record
   must name a commit, or a signature could be replayed for another change;
4. `none`: the attestor's name is text the record's author typed.

Where the policy refuses self-granted sign-offs, a self-added record counts
only with a proof.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from clearance.checks._pr import same_login
from clearance.durations import duration, moment
from clearance.errors import EvidenceError
from clearance.evidence import revisions
from clearance.evidence.attestations import Attestation, in_force_at_base
from clearance.evidence.context import Evidence
from clearance.evidence.github import has_token
from clearance.policy.model import DEPLOY_STAGES
from clearance.records import Record

PR_STAGES = ("pr", "merge")
SKEW = dt.timedelta(minutes=5)
DURATION = re.compile(r"([1-9][0-9]{0,4})([hdw])")
PROOFS = ("github-deployment-review", "github-review", "signature", "none")  # strongest first


class Gate(Record):
    """What a rule asks of its sign-offs, in the run that judges them."""

    evidence: Evidence
    rule: str
    allowed: tuple[str, ...]
    now: dt.datetime
    max_age: str = ""  # e.g. 14d; "" for no expiry
    valid_for: str = "commit"  # or release
    environment: str = ""
    refuse_unproven: bool = False
    folder: str = ""
    refs: tuple[str, ...] = ()
    signers: tuple[str, str] = ("", "")  # SSH allowed signers file, OpenPGP keys file

    @property
    def deploying(self) -> bool:
        return self.evidence.stage in DEPLOY_STAGES

    @property
    def head(self) -> str | None:
        return self.evidence.head


class Proof(Record):
    kind: str  # one of PROOFS
    detail: str


class Judged(Record):
    record: Attestation
    refused: str  # why it does not count; "" when it counts
    proof: Proof
    self_added: bool
    self_added_why: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.record.to_dict(), "proof": self.proof.kind, "proof_detail": self.proof.detail,
                "verified": self.proof.kind != "none", "self_added": self.self_added,
                "self_added_reason": self.self_added_why}


def run_time(evidence: Evidence) -> dt.datetime:
    """The run's time (Evidence.now), or the clock's when the caller gave none."""
    if evidence.now:
        return moment(evidence.now)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def may_attest(who: str, allowed: Sequence[str]) -> bool:
    return not allowed or any(same_login(who, name) for name in allowed)


# -- screening -------------------------------------------------------------------------

def screen(record: Attestation, gate: Gate) -> str:
    """Why the record cannot count whatever proves it; "" when it may."""
    when = record.time
    if when > gate.now + SKEW:
        return f"is dated {record.at}, in the future (the run's time is {_shown(gate.now)})"
    if gate.max_age and gate.now - when > duration(gate.max_age):
        return (f"has expired: dated {record.at}, more than {gate.max_age} before the run "
                f"({_shown(gate.now)}; max_age {gate.max_age})")
    return _bound(record, gate)


def _shown(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _bound(record: Attestation, gate: Gate) -> str:
    """Why the record is not for the commit under evaluation; "" when it is."""
    head = gate.head
    if head is None:  # the index: nothing committed yet to name
        return ""
    target, why = _target(record, gate)
    if why:
        return why
    if gate.deploying:
        if target is None:
            return (f"names no commit: at {gate.evidence.stage} a record counts only for the "
                    f"commit under evaluation (commit: {head})")
        if record.environment and record.environment.casefold() != gate.environment.casefold():
            return f"is for environment '{record.environment}', not '{gate.environment}'"
        return _same_release(gate, target) if gate.valid_for == "release" else _same(target, head)
    if target is None:
        return _written_for_this_change(record, gate) if gate.refuse_unproven else ""
    return _covers(gate, target, head)


def _written_for_this_change(record: Attestation, gate: Gate) -> str:
    """Where self-granted sign-offs are refused (the packs: merge), a record that names no
    commit signs off only the change that writes it: one merged earlier would otherwise
    sign off every later change unseen."""
    try:
        changed = set(gate.evidence.changed_files)
    except EvidenceError as e:
        return f"names no commit, and whether this change wrote it cannot be told: {e.message}"
    if record.path in changed:
        return ""
    return ("names no commit and is not written by this change: an earlier record signs off "
            f"its own change only (name the commit it signs: commit: {gate.head})")


def _target(record: Attestation, gate: Gate) -> tuple[str | None, str]:
    """The commit a record names (by id or release tag), or why it names none that exists."""
    commit = revisions.commit_of(gate.evidence, record.commit) if record.commit else None
    if record.commit and commit is None:
        return None, f"names commit {record.commit}, which is not in the repository"
    if not record.release:
        return commit, ""
    tagged = revisions.commit_of(gate.evidence, f"refs/tags/{record.release}")
    if tagged is None:
        return None, f"names release {record.release}, a tag the repository does not have"
    if commit is not None and tagged != commit:
        return None, f"names commit {record.commit} and release {record.release}, which is {tagged}"
    return tagged, ""


def _same(target: str, head: str) -> str:
    if target == head:
        return ""
    return f"signs commit {target}, not the commit under evaluation ({head})"


def _same_release(gate: Gate, target: str) -> str:
    """valid_for: release: the commit named or a later one, with no release tag in between."""
    head = gate.head or ""
    if not revisions.is_ancestor(gate.evidence, target, head):
        return f"signs commit {target}, which is not the commit under evaluation ({head}) nor before it"
    later = revisions.tags_after(gate.evidence, target, head)
    if later:
        return (f"signs commit {target}, and release {later[0]} came after it: a sign-off holds "
                "until the next release (valid_for: release)")
    return ""


def _covers(gate: Gate, target: str, head: str) -> str:
    """At pr and merge: the commit named has the head's files, sign-off records aside."""
    changed = revisions.changed_between(gate.evidence, target, head, gate.folder)
    if not changed:
        return ""
    return (f"signs commit {target}, and the change has moved on since: {changed[0]}"
            + (f" and {len(changed) - 1} more files differ" if len(changed) > 1 else " differs"))


# -- self-added and proof ----------------------------------------------------------------

def judge(record: Attestation, gate: Gate) -> Judged:
    added, why = self_added(record, gate)
    proof = prove(record, gate)
    refused = ""
    if gate.refuse_unproven and added and proof.kind == "none":
        refused = (f"is self-added ({why}) and unverified ({proof.detail}): self-granted "
                   "sign-offs are refused at this stage")
    elif gate.refuse_unproven and gate.evidence.stage in PR_STAGES:
        refused = _by_the_author(record, gate)
    return Judged(record, refused, proof, added, why)


def _by_the_author(record: Attestation, gate: Gate) -> str:
    """Where self-granted sign-offs are refused, the pull request's author never signs off
    their own change, whatever proves who wrote the record."""
    from clearance.evidence.pull_request import pull_author

    try:
        author = pull_author(gate.evidence)
    except EvidenceError:  # no pull request known (a local run): nobody to tell apart
        return ""
    if same_login(record.by, author):
        return "is by the pull request's author: a change is not signed off by its own author here"
    return ""


def self_added(record: Attestation, gate: Gate) -> tuple[bool, str]:
    """Whether the record was not in force at the base revision, and why (fail closed)."""
    known = in_force_at_base(gate.evidence)
    if known.keys is None:
        return True, f"whether it was in force before the change cannot be told: {known.why}"
    base = known.revision[:12]
    if record.key in known.keys:
        return False, f"in force at the base revision {base}"
    if record.revision:
        return True, f"on {record.revision}, not in force at the base revision {base}"
    return True, f"added by the change under evaluation, not in force at the base revision {base}"


def prove(record: Attestation, gate: Gate) -> Proof:
    notes = []
    if has_token(gate.evidence):
        try:
            found = _github(record, gate)
        except EvidenceError as e:
            found = f"GitHub: {e.message}"
        if isinstance(found, Proof):
            return found
        notes.append(found)
    else:
        notes.append("no GitHub token to read reviews")
    signed = _signature(record, gate)
    if isinstance(signed, Proof):
        return signed
    return Proof("none", "; ".join([*notes, signed]))


def _github(record: Attestation, gate: Gate) -> Proof | str:
    if gate.deploying:
        return _deployment_review(record, gate)
    if gate.evidence.stage in PR_STAGES:
        return _pull_request_review(record, gate)
    return "GitHub reviews prove sign-offs at pr, merge, staging and production only"


def _deployment_review(record: Attestation, gate: Gate) -> Proof | str:
    from clearance.evidence.approvals import deployment_approvals

    head, where = gate.head or "", record.environment or gate.environment
    for a in deployment_approvals(gate.evidence, head):
        if same_login(a.login, record.by) and where.casefold() in {e.casefold() for e in a.environments}:
            return Proof("github-deployment-review", f"{a.login} approved the deployment of "
                         f"{head[:12]} to {where} (workflow run {a.run})")
    return f"no deployment review by {record.by} approved {head[:12]} for {where}"


def _pull_request_review(record: Attestation, gate: Gate) -> Proof | str:
    from clearance.evidence.approvals import pull_request_approvals
    from clearance.evidence.pull_request import access

    for review in pull_request_approvals(gate.evidence):
        if not (same_login(review.user, record.by) and review.commit_id):
            continue
        allowed = access(gate.evidence, review)  # as review.approved counts reviewers
        if not allowed.allowed:
            return f"{review.user}'s approval does not count: {allowed.why}"
        if _saw(record, gate, review.commit_id):
            return Proof("github-review", f"{review.user} approved the pull request at "
                         f"{review.commit_id[:12]} (review {review.id}), which holds this record")
    return f"no approving review by {record.by} of a commit holding this record"


def _saw(record: Attestation, gate: Gate, commit: str) -> bool:
    """Whether `commit` holds the record's file as read and has the head's other files."""
    head = gate.head or ""
    ids = [revisions.object_id(gate.evidence, f"{rev}:{record.path}")
           for rev in (commit, record.revision or head)]
    return (ids[0] is not None and ids[0] == ids[1]
            and not revisions.changed_between(gate.evidence, commit, head, gate.folder))


def _signature(record: Attestation, gate: Gate) -> Proof | str:
    from clearance.evidence import signatures

    if not (record.commit or record.release):
        return ("a signature is not taken: the record names no commit (a signature proves who "
                "wrote a record, not which change it signs off)")
    revision = record.revision or gate.head
    if revision is None:
        return "the record is not committed yet"
    commit = signatures.last_change(gate.evidence, revision, record.path)
    if commit is None:
        return "no commit wrote it"
    signed = signatures.verify(gate.evidence, commit, signatures.allowed_signers(
        gate.evidence, *gate.signers))
    if not signed.good:
        return f"the commit {commit[:12]} that wrote it: {signed.problem}"
    if not any(same_login(record.by, name) for name in signed.names()):
        return f"the commit {commit[:12]} that wrote it is signed by {signed.signer}, not {record.by}"
    return Proof("signature", f"the commit {commit[:12]} that wrote it carries a good "
                 f"{signed.kind.upper()} signature by allowed signer {signed.signer} ({signed.key})")
