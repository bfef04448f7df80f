"""A person signed off a manual gate, for what is being evaluated, provably.

The sign-off is an attestation record whose `rule` is `id` (default: the
rule's id) under `.clearance/attestations/` (or `inputs.attestations`). A
record counts when:

- its `by` may attest: `by`, else the policy's `attestors` for the rule or
  `*` (GitHub logins, `@` and case aside);
- its `at` is not in the future (5 minutes of clock skew allowed) and, with
  `max_age` (`14d`, `36h`, `2w`), not older than that at the run's time;
- it signs what is evaluated. At staging and production it names the
  commit under evaluation (`commit: SHA`, or `release: TAG` of that commit;
  with `valid_for: release` also an earlier commit with no release tag
  since), and its `environment`, when given, is the rule's `environment`
  (default: the stage). Such records are written after the deployed commit,
  so they are also read from the sign-off refs `refs` (default: the branch
  `clearance-signoffs`, local or origin's). At pr and merge a record naming a
  commit counts when that commit has the head's files, records aside;
- where the policy refuses self-granted sign-offs
  (`settings.refuse_self_granted_in`), a self-added record (not in force at
  the base revision) counts only when GitHub or a signature proves its
  attestor signed it: an approved deployment review or pull request review
  by that login, or a commit signed by a key the base revision allows
  (`allowed_signers`, `allowed_keys`; see docs/attestations.md).

A ticked PR-body task item `item` is the PR author's own word: it counts only
with `accept: [author-tick]`, as the author's sign-off (with `by`, the author
must be listed). A struck-through item is not applicable but does not attest.

Otherwise the verdict is `pending`, saying what each record lacks and how to
attest. `data.attestation` says who attested, when, for what, where, its
`proof` (github-deployment-review, github-review, signature, author-tick or
none) and whether it is `self_added`; `data.ignored_signoffs` lists the
records that did not count, each with the reason.
"""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._pr import TITLES, shorten
from clearance.checks._signoffs import DURATION, Gate, Judged, may_attest, run_time
from clearance.evidence.attestations import (
    DEFAULT_REFS,
    Attestation,
    Attestations,
    attestations,
    records_folder,
)
from clearance.evidence.context import Evidence
from clearance.evidence.prbody import MissingPrError, pull_request
from clearance.evidence.signatures import OPENPGP_KEYS, SSH_SIGNERS
from clearance.policy.model import DEPLOY_STAGES, ENVIRONMENTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

AUTHOR_TICK = "author-tick"
RELATIVE = r"^(?![/\\]|[A-Za-z]:)(?!(.*[/\\])?\.\.([/\\]|$))"
MAX_IGNORED = 20

EVIDENCE = ("attestation records (the snapshot, sign-off refs, the base revision)", "PR body",
            "event payload: pull_request.user, updated_at", "allowed signers of the base revision",
            "GitHub API: deployment reviews, pull request reviews")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "item": {"type": "string", "minLength": 1},
        "by": TITLES,
        "accept": {"type": "array", "items": {"enum": [AUTHOR_TICK]}, "uniqueItems": True},
        "max_age": {"type": "string", "pattern": f"^{DURATION.pattern}$"},
        "valid_for": {"enum": ["commit", "release"]},
        "environment": {"type": "string", "minLength": 1},
        "refs": {"type": "array", "items": {"type": "string", "pattern": "^refs/[A-Za-z0-9._/-]+$"}},
        "allowed_signers": {"type": "string", "minLength": 1, "pattern": RELATIVE},
        "allowed_keys": {"type": "string", "minLength": 1, "pattern": RELATIVE},
    },
}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    params = {**_defaults(evidence), **params}
    gate = _gate(params, evidence)
    reasons: list[str] = []
    ignored: list[dict[str, Any]] = []
    found = attestations(evidence, gate.refs) if "id" in params else None
    if found is not None:
        judged = _choose(found, gate, reasons, ignored)
        if judged is not None:
            return _attested(judged.to_dict(), ignored)
    if "item" in params:
        ticked = _ticked(evidence, params, gate, reasons, ignored)
        if ticked is not None:
            return _attested(ticked, ignored)
    data = {"ignored_signoffs": ignored[:MAX_IGNORED]} if ignored else {}
    if found is not None and found.problems:
        findings = tuple(Finding(p.path, p.line, None, p.message) for p in found.problems)
        return Outcome("error", f"no usable attestation, and {len(findings)} record(s) "
                       f"cannot be read: {findings[0].message}", findings=findings, data=data)
    return Outcome("pending", f"not attested ({'; '.join(reasons)}): {_how(params, gate)}", data=data)


def _defaults(evidence: Evidence) -> dict[str, Any]:
    """`id` from the rule being evaluated; `by` from the policy's `attestors`."""
    defaults: dict[str, Any] = {}
    if evidence.rule_id:
        defaults["id"] = evidence.rule_id
    attestors = evidence.attestors.get(evidence.rule_id or "", evidence.attestors.get("*"))
    if attestors:
        defaults["by"] = list(attestors)
    return defaults


def _gate(params: dict[str, Any], evidence: Evidence) -> Gate:
    refs = tuple(params.get("refs", DEFAULT_REFS)) if evidence.stage in DEPLOY_STAGES else ()
    return Gate(evidence, params.get("id", ""), tuple(params.get("by", ())), run_time(evidence),
                params.get("max_age", ""), params.get("valid_for", "commit"),
                params.get("environment", ENVIRONMENTS.get(evidence.stage, evidence.stage)),
                evidence.spec.refuse_self_granted,
                records_folder(evidence), refs,
                (params.get("allowed_signers", SSH_SIGNERS), params.get("allowed_keys", OPENPGP_KEYS)))


def _attested(attestation: dict[str, Any], ignored: list[dict[str, Any]]) -> Outcome:
    when = f" on {attestation['at']}" if attestation["at"] else ""
    text = f"attested by {shorten(attestation['by'], 60)}{when} ({attestation['source']}): "
    text += _strength(attestation)
    if ignored:
        text += f"; {len(ignored)} other sign-off(s) ignored"
    data: dict[str, Any] = {"attestation": attestation}
    if ignored:
        data["ignored_signoffs"] = ignored[:MAX_IGNORED]
    return Outcome.passed(text, data=data)


def _strength(a: dict[str, Any]) -> str:
    if a["proof"] == AUTHOR_TICK:
        return "the PR author's own tick (accept: author-tick)"
    if a["verified"]:
        return f"proven by {a['proof']}: {a['proof_detail']}"
    added = f"self-added ({a['self_added_reason']}), " if a["self_added"] else ""
    return f"{added}unverified ({a['proof_detail']})"


def _choose(found: Attestations, gate: Gate, reasons: list[str],
            ignored: list[dict[str, Any]]) -> Judged | None:
    """The latest record that counts; what each later one lacks goes to `reasons`."""
    mine = [r for r in found.records if r.rule == gate.rule]
    if not mine:
        reasons.append(f"no record for '{gate.rule}' under {found.folder}/{_on_refs(found)}")
        return None
    barred = _barred(mine, gate, reasons, ignored)
    for record in sorted((r for r in mine if r not in barred), key=lambda r: r.time, reverse=True):
        judged, why = _judged(record, gate)
        if judged is not None:
            return judged
        reasons.append(f"the record {record.source} {why}")
        ignored.append(_ignored(record, why))
    return None


def _barred(mine: list[Attestation], gate: Gate, reasons: list[str],
            ignored: list[dict[str, Any]]) -> list[Attestation]:
    """The records by someone who may not attest, each said why."""
    barred = [r for r in mine if not may_attest(r.by, gate.allowed)]
    if barred:
        reasons.append(f"records by {', '.join(r.by for r in barred)}, who may not attest")
    attestors = ", ".join(gate.allowed)
    ignored.extend(_ignored(r, f"{r.by} may not attest (attestors: {attestors})") for r in barred)
    return barred


def _judged(record: Attestation, gate: Gate) -> tuple[Judged | None, str]:
    """The record judged when it counts, else None and why not."""
    from clearance.checks._signoffs import judge, screen

    why = screen(record, gate)
    if why:
        return None, why
    judged = judge(record, gate)
    return (None, judged.refused) if judged.refused else (judged, "")


def _on_refs(found: Attestations) -> str:
    return f" (the snapshot, {', '.join(found.refs)})" if found.refs else ""


def _ignored(record: Attestation, reason: str) -> dict[str, Any]:
    return {"by": record.by, "at": record.at, "source": record.source, "reason": reason}


def _ticked(evidence: Evidence, params: dict[str, Any], gate: Gate, reasons: list[str],
            ignored: list[dict[str, Any]]) -> dict[str, Any] | None:
    name = params["item"]
    try:
        pr = pull_request(evidence)
    except MissingPrError:
        reasons.append("no PR body was given")
        return None
    states = {i.state: i for i in pr.body.items if i.matches(name)}
    item = states.get("checked")
    if item is None:
        state = ("struck through (not applicable)" if "not-applicable" in states
                 else "not ticked" if states else "not in the PR body")
        reasons.append(f"item '{shorten(name, 60)}' is {state}")
        return None
    tick: dict[str, Any] = {
        "by": pr.author or "PR author", "at": pr.updated_at, "note": item.text,
        "source": f"{pr.name}:{item.line}", "subject": {}, "proof": AUTHOR_TICK,
        "proof_detail": "ticked in the PR body by its author", "verified": False,
        "self_added": True, "self_added_reason": "the PR author's own word"}
    why = _tick_refused(pr.author, params, gate)
    if why:
        reasons.append(f"item '{shorten(name, 60)}' {why}")
        ignored.append({"by": tick["by"], "at": tick["at"], "source": tick["source"], "reason": why})
        return None
    return tick


def _tick_refused(author: str | None, params: dict[str, Any], gate: Gate) -> str:
    if AUTHOR_TICK not in params.get("accept", ()):
        return (f"is ticked, but a tick is the PR author's own word ({author or 'an unknown PR author'}) "
                "and this rule does not take it (accept: [author-tick])")
    if gate.allowed and not (author and may_attest(author, gate.allowed)):
        return f"is ticked by {author or 'an unknown PR author'}, who may not attest"
    return ""


def _how(params: dict[str, Any], gate: Gate) -> str:
    ways = []
    if "item" in params and AUTHOR_TICK in params.get("accept", ()):
        ways.append(f"tick '{shorten(params['item'], 60)}' in the PR body")
    if "id" in params:
        ways.append(_how_record(params["id"], gate))
    return "to attest, " + " or ".join(ways) if ways else "nothing this rule accepts can attest it"


def _how_record(rule: str, gate: Gate) -> str:
    path = f"{gate.folder}/{rule}.yaml"
    who = gate.allowed[0] if gate.allowed else "LOGIN"
    if not gate.deploying:
        proof = (", approved by its attestor in a GitHub review of the pull request or signed by "
                 f"an allowed signer (clearance attest {rule} --commit HEAD --by {who} --sign)"
                 if gate.refuse_unproven else "")
        return f"commit {path} with rule: {rule}, by, at and note{proof}"
    head = gate.head or "HEAD"
    ref = gate.refs[0] if gate.refs else "refs/heads/clearance-signoffs"
    where = f"commit {path} with rule: {rule}, commit: {head}, by, at and note to {ref}"
    if not gate.refuse_unproven:
        return f"{where} (clearance attest {rule} --commit {head} --by {who} --ref {ref})"
    return (f"{where}, signed by an allowed signer (clearance attest {rule} --commit {head} "
            f"--by {who} --sign --ref {ref}), or have its attestor approve the deployment on GitHub")
