"""A person signed off a manual gate: an attestation record whose `rule` is
`id` is committed under `.clearance/attestations/` (or `inputs.attestations`),
or the PR body's task item `item` is ticked. Otherwise the verdict is
`pending`, saying how to attest.

Records are matched by `id`, which defaults to the id of the rule this check
serves. `by` limits who may attest (GitHub logins, `@` and case aside); it
defaults to the policy's `attestors` for the rule, or for `*`; a ticked item counts as attested by the
PR author (`pull_request.user.login` of the event payload) at the PR's
`updated_at`, so with `by` it needs the event payload. A struck-through item
is not applicable but does not attest: the gate stays pending (waive it if it
does not apply). The latest record wins. `data.attestation` says who attested,
when, with what note, and where (file:line or PR body:line).
"""

from __future__ import annotations

from collections.abc import Sequence

from clearance.checks import Finding, Outcome
from clearance.checks._pr import TITLES, same_login, shorten
from clearance.errors import EvidenceError
from clearance.evidence.attestations import Attestation, Attestations, attestations
from clearance.evidence.context import Evidence
from clearance.evidence.prbody import MissingPrError, pull_request

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# At the pull-request gates the change is the PR itself, so a record it adds was
# written by its author. At staging and production the range holds merged commits,
# where records come from today; binding them to the deployed commit and reading
# those written after it is the sign-offs issue's (#17) to settle.
REVIEW_STAGES = ("pr", "merge")

EVIDENCE = ("attestation records", "PR body", "event payload: pull_request.user, updated_at")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "item": {"type": "string", "minLength": 1},
        "by": TITLES,
    },
}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    params = {**_defaults(evidence), **params}
    allowed: Sequence[str] = params.get("by", [])
    reasons: list[str] = []
    found = attestations(evidence) if "id" in params else None
    if found is not None:
        added = _added_by_change(evidence)
        refuse = evidence.spec.refuse_self_granted and evidence.stage in REVIEW_STAGES
        record = _record(found, params["id"], allowed, reasons, added, refuse)
        if record is not None:
            known = None if added is None else record.path in added  # None: no base to tell
            return _attested({**record.to_dict(), "self_added": known})
    if "item" in params:
        ticked = _ticked(evidence, params["item"], allowed, reasons)
        if ticked is not None:
            return _attested(ticked)
    if found is not None and found.problems:
        findings = tuple(Finding(p.path, p.line, None, p.message) for p in found.problems)
        return Outcome("error", f"no usable attestation, and {len(findings)} record(s) "
                       f"cannot be read: {findings[0].message}", findings=findings)
    return Outcome("pending", f"not attested ({'; '.join(reasons)}): {_how(params, found)}")


def _defaults(evidence: Evidence) -> dict[str, Any]:
    """`id` from the rule being evaluated; `by` from the policy's `attestors`."""
    defaults: dict[str, Any] = {}
    if evidence.rule_id:
        defaults["id"] = evidence.rule_id
    attestors = evidence.attestors.get(evidence.rule_id or "", evidence.attestors.get("*"))
    if attestors:
        defaults["by"] = list(attestors)
    return defaults


def _attested(attestation: dict[str, Any]) -> Outcome:
    when = f" on {attestation['at']}" if attestation["at"] else ""
    return Outcome.passed(f"attested by {shorten(attestation['by'], 60)}{when} "
                          f"({attestation['source']})", data={"attestation": attestation})


def _added_by_change(evidence: Evidence) -> set[str] | None:
    """Files the change under evaluation adds or edits: records there are self-added. None
    when the change cannot be read (no base): then every record counts as self-added."""
    try:
        return set(evidence.changed_files)
    except EvidenceError:
        return None


def _self_added(record: Attestation, added: set[str] | None) -> bool:
    return added is None or record.path in added


def _record(found: Attestations, rule: str, allowed: Sequence[str], reasons: list[str],
            added: set[str] | None, refuse_added: bool) -> Attestation | None:
    """The latest usable record. A record the change itself adds names its attestor in
    text the change's author wrote; where self-granted sign-offs are refused, it does not count."""
    mine = [r for r in found.records if r.rule == rule]
    usable = [r for r in mine if _may_attest(r.by, allowed)]
    if refuse_added:
        own = [r for r in usable if _self_added(r, added)]
        usable = [r for r in usable if r not in own]
        if own and not usable:
            why = ("is added by the change under evaluation" if added is not None
                   else "cannot be told apart from the change, which cannot be read (no base revision)")
            reasons.append(f"the record {own[0].source} {why} "
                           "(self-granted sign-offs are refused at this stage)")
            return None
    if not mine:
        reasons.append(f"no record for '{rule}' under {found.folder}/")
    elif not usable:
        reasons.append(f"records by {', '.join(r.by for r in mine)}, who may not attest")
    return max(usable, key=lambda r: r.at) if usable else None


def _ticked(evidence: Evidence, name: str, allowed: Sequence[str],
            reasons: list[str]) -> dict[str, Any] | None:
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
    if allowed and not (pr.author and _may_attest(pr.author, allowed)):
        reasons.append(f"item ticked by {pr.author or 'an unknown PR author'}, who may not attest")
        return None
    return {"by": pr.author or "PR author", "at": pr.updated_at, "note": item.text,
            "source": f"{pr.name}:{item.line}"}


def _may_attest(who: str, allowed: Sequence[str]) -> bool:
    return not allowed or any(same_login(who, name) for name in allowed)


def _how(params: dict[str, Any], found: Attestations | None) -> str:
    ways = []
    if "item" in params:
        ways.append(f"tick '{shorten(params['item'], 60)}' in the PR body")
    if found is not None:
        ways.append(f"commit {found.folder}/{params['id']}.yaml with rule: {params['id']}, "
                    "by, at and note")
    return "to attest, " + " or ".join(ways)
