"""The change leaves the policy as it stands at the base, or a policy owner approved it.

The policy in force is read from the base revision (see docs/security.md),
so a change cannot weaken the rules that judge it. What it does to the policy
is judged here: when the change's own policy (its clearance.yaml, an
`extends` file, `[tool.clearance]`) differs from the base's, the rule lists
every difference, rule by rule (rules removed or added, severities lowered,
stages removed, `when` added or widened, thresholds lowered, parameters,
settings, inputs and attestors changed, waivers added or extended, `extends`
added or removed), each marked as weakening, tightening or changing the gate.

It passes only with an approving review of the head commit by a policy
owner: a login or team in `settings.policy_owners` (or this rule's `owners`)
as the base has them, or a code owner of every changed policy file (the
CODEOWNERS of the base revision; teams resolved through the GitHub API), who
has write access as `review.approved` counts it. The pull request's author
never approves their own change, nor does a bot. Without a token the
reviews cannot be read: `pending`, naming who must approve which commit. A
change whose own policy does not load fails. At the commit stages the index's
policy is in force and a policy edit is judged later, at the pull request:
`not-applicable` there.
"""

from __future__ import annotations

from typing import Any

from clearance.checks import Finding, Outcome
from clearance.checks._common import plural
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.policy.compare import WEAKENS, PolicyChange, changed_files, compare

EVIDENCE = ("policy at the base and head revisions", "CODEOWNERS at the base",
            "GitHub API: pull request reviews")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "owners": {"type": "array", "items": {"type": "string", "minLength": 1},
                   "description": "more policy owners (@user, @org/team) besides "
                                  "settings.policy_owners and the code owners"},
    },
}
SHOWN = 8  # changes named in the message; all of them are in the findings


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    policies = evidence.policies
    if evidence.in_commit:
        return Outcome("not-applicable", "the index's policy is in force at the commit stages; "
                       "a policy change is judged at the pull request")
    if policies is None or policies.base is None:
        return Outcome("error", "the base revision's policy is not known, so a change of the "
                       "policy cannot be told apart")
    if not policies.changed:
        return Outcome.passed(f"the change leaves the policy as at the base "
                              f"{(policies.base_revision or '')[:12]}".rstrip())
    if policies.head is None:
        return Outcome.failed(f"the change's own policy does not load: {policies.head_error}",
                              data={"policy_changes": []})
    changes = compare(policies.base, policies.head)
    files = changed_files(policies.base, policies.head)
    if not changes:
        return Outcome.passed(f"the policy files changed ({', '.join(files)}) but the policy "
                              "they make is the same", data={"policy_changes": [], "files": files})
    findings = tuple(_finding(c, files[0] if files else "policy") for c in changes)
    data: dict[str, Any] = {"policy_changes": [c.to_dict() for c in changes], "files": files}
    summary = _summary(changes)
    verdict = _approval(params, evidence, files)
    data.update({k: v for k, v in verdict.items() if k != "unread"})
    if verdict["approved_by"]:
        who = ", ".join(f"@{a}" for a in verdict["approved_by"])
        return Outcome.passed(f"{summary}; approved by policy owner {who} on "
                              f"{verdict['head'][:12]}", findings=findings, data=data)
    if not verdict["owners"]:
        return Outcome.failed(f"{summary}; nobody may approve it: the base has no "
                              "settings.policy_owners and no CODEOWNERS entry for "
                              f"{', '.join(files) or 'the policy files'}", findings=findings,
                              data=data)
    unread = f"; the reviews cannot be read: {verdict['unread']}" if verdict["unread"] else ""
    return Outcome("pending", f"{summary}; needs an approving review of {verdict['head'][:12]} "
                   f"by a policy owner: {', '.join(verdict['owners'])}"
                   + _ignored(verdict["ignored"]) + unread, findings=findings, data=data)


def _approval(params: dict[str, Any], evidence: Evidence, files: list[str]) -> dict[str, Any]:
    """Who approved the head commit, who may, and whose approvals did not count."""
    from clearance.evidence.codeowners import code_owners
    from clearance.evidence.pull_request import head_sha

    base = evidence.base_policy
    named = [*(base.settings.get("policy_owners", []) if base is not None else []),
             *params.get("owners", [])]
    named = [o if o.startswith("@") or "@" in o[1:] else f"@{o}" for o in named]
    owners_by_file = {f: code_owners(evidence).owners_of(f) for f in files} if files else {}
    everyone = list(dict.fromkeys([*named, *(o for found in owners_by_file.values() for o in found)]))
    # The approval must be of the commit whose policy was compared, whatever the event names.
    head = (evidence.policies.head_revision if evidence.policies is not None else None) \
        or head_sha(evidence)
    result: dict[str, Any] = {"head": head, "owners": everyone, "approved_by": [], "ignored": [],
                              "unread": None}
    if not everyone:
        return result
    try:
        _count(evidence, head, everyone, named, owners_by_file, result)
    except EvidenceError as e:
        result["unread"] = f"{e.message} ({e.hint})" if e.hint else e.message
    return result


def _count(evidence: Evidence, head: str, everyone: list[str], named: list[str],
           owners_by_file: dict[str, tuple[str, ...]], result: dict[str, Any]) -> None:
    """Sort the approvals of the head commit into those of policy owners and the rest."""
    from clearance.checks.review_approved import stand, vet
    from clearance.evidence.codeowners import logins_of
    from clearance.evidence.pull_request import reviews

    found = reviews(evidence)
    vetting = vet({}, evidence, found.items)  # the author, bots, and who lacks write access
    approving = stand(found.items, [], head).approved
    resolved = logins_of(evidence, everyone)
    for login in approving:
        access = vetting.access.get(login)
        if access is not None and not access.allowed:
            result["ignored"].append({"login": login, "why": access.why})
        elif resolved.owns(login, named) or (owners_by_file and all(
                resolved.owns(login, owners) for owners in owners_by_file.values())):
            result["approved_by"].append(login)
        else:
            result["ignored"].append({"login": login, "why": "not a policy owner"})


def _summary(changes: list[PolicyChange]) -> str:
    weakening = sum(1 for c in changes if c.effect == WEAKENS)
    shown = "; ".join(c.what for c in changes[:SHOWN])
    more = f"; and {len(changes) - SHOWN} more" if len(changes) > SHOWN else ""
    weak = f", {weakening} weakening the gate" if weakening else ""
    return f"the change alters the policy in force ({plural(len(changes), 'change')}{weak}: {shown}{more})"


def _finding(change: PolicyChange, file: str) -> Finding:
    """A change at its place in the change's policy (a removed rule: at the policy file)."""
    origin = change.origin
    return Finding(origin.path if origin else file, origin.line if origin else None, None,
                   f"{change.effect}: {change.what}")


def _ignored(ignored: list[dict[str, str]]) -> str:
    if not ignored:
        return ""
    return " (not counted: " + ", ".join(f"@{i['login']}, {i['why']}" for i in ignored) + ")"
