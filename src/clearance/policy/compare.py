"""What a change does to the policy in force, rule by rule.

Both sides are effective policies (every `extends` merged), so a rule moved
to another file is no change, and a weakened pack parameter shows up on every
rule that uses it. Each change says whether it weakens the gate (a reviewer
must look hard), tightens it, or only changes it.
"""

from __future__ import annotations

from clearance.policy.model import Origin, Policy, Rule, Waiver
from clearance.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

WEAKENS, TIGHTENS, CHANGES = "weakens", "tightens", "changes"
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
# Settings that decide who judges, who approves and what is granted: any change to them is
# read as weakening the gate (whichever way it goes, a reviewer must look hard).
TRUST_SETTINGS = ("policy_source", "policy_owners", "waiver_granters", "self_granted_waivers",
                  "refuse_self_granted_in", "max_waiver_days", "commands", "network")
LOWER_IS_STRICTER = ("max", "max_", "limit", "budget", "timeout")  # parameter names, by prefix


class PolicyChange(Record):
    """One difference between the base's policy and the change's."""

    effect: str  # weakens, tightens or changes
    what: str
    rule: str | None = None
    origin: Origin | None = None  # where the change's policy says it (None: removed)

    def to_dict(self) -> dict[str, Any]:
        return {"effect": self.effect, "what": self.what, "rule": self.rule,
                "origin": None if self.origin is None else
                {"path": self.origin.path, "line": self.origin.line}}


def compare(base: Policy, head: Policy) -> list[PolicyChange]:
    """Every difference, rules first (in the base's order, then added ones), then the
    settings, inputs, attestors, waivers and files."""
    found: list[PolicyChange] = []
    heads = {r.id: r for r in head.rules}
    for rule in base.rules:
        other = heads.get(rule.id)
        if other is None:
            found.append(PolicyChange(WEAKENS, f"rule '{rule.id}' removed", rule.id))
        else:
            found += _rule(rule, other)
    bases = {r.id for r in base.rules}
    found += [PolicyChange(TIGHTENS, f"rule '{r.id}' added", r.id, r.origin)
              for r in head.rules if r.id not in bases]
    found += _section("settings", base.settings, head.settings)
    found += _section("inputs", base.inputs, head.inputs)
    found += _section("attestors", base.attestors, head.attestors)
    found += _waivers(base.waivers, head.waivers)
    found += _files(base, head)
    return found


def _rule(old: Rule, new: Rule) -> list[PolicyChange]:
    found: list[PolicyChange] = []

    def note(effect: str, what: str) -> None:
        found.append(PolicyChange(effect, f"rule '{old.id}': {what}", old.id, new.origin))

    if SEVERITY_RANK.get(new.severity, 0) != SEVERITY_RANK.get(old.severity, 0):
        lower = SEVERITY_RANK.get(new.severity, 0) < SEVERITY_RANK.get(old.severity, 0)
        note(WEAKENS if lower else TIGHTENS,
             f"severity {'lowered' if lower else 'raised'} from {old.severity} to {new.severity}")
    gone = [s for s in old.stages if s not in new.stages]
    if gone:
        note(WEAKENS, f"no longer runs at stage {', '.join(gone)}")
    more = [s for s in new.stages if s not in old.stages]
    if more:
        note(TIGHTENS, f"now also runs at stage {', '.join(more)}")
    if new.when != old.when:
        # A `when` narrows where a rule applies: added or changed, it may skip the change.
        effect = TIGHTENS if not new.when else WEAKENS
        note(effect, f"when {_shown(old.when) if old.when else '(always)'} -> "
                     f"{_shown(new.when) if new.when else '(always)'}")
    if new.kind != old.kind:
        note(CHANGES, f"check kind {old.kind} -> {new.kind}")
    else:
        found += [PolicyChange(effect, f"rule '{old.id}': {what}", old.id, new.origin)
                  for effect, what in _params(old.params, new.params)]
    dropped = [c for c in old.controls if c not in new.controls]
    if dropped:  # an auditor's view of the rule changes
        note(CHANGES, f"no longer evidences {', '.join(dropped)}")
    added = [c for c in new.controls if c not in old.controls]
    if added:
        note(CHANGES, f"now evidences {', '.join(added)}")
    for field in ("title", "fix", "checklist", "description"):
        if getattr(old, field) != getattr(new, field):
            note(CHANGES, f"{field} reworded")
    return found


def _params(old: dict[str, Any], new: dict[str, Any], at: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for key in sorted(set(old) | set(new), key=str):
        name = f"{at}{key}"
        if key not in new:
            found.append((CHANGES, f"parameter {name} removed (was {_shown(old[key])})"))
        elif key not in old:
            found.append((CHANGES, f"parameter {name} set to {_shown(new[key])}"))
        elif isinstance(old[key], dict) and isinstance(new[key], dict):
            found += _params(old[key], new[key], f"{name}.")
        elif _number(old[key]) and _number(new[key]) and old[key] != new[key]:
            stricter_when_lower = str(key).startswith(LOWER_IS_STRICTER)
            lowered = new[key] < old[key]
            effect = TIGHTENS if lowered == stricter_when_lower else WEAKENS
            found.append((effect, f"threshold {name} {'lowered' if lowered else 'raised'} "
                                  f"from {_shown(old[key])} to {_shown(new[key])}"))
        elif old[key] != new[key]:
            found.append((CHANGES, f"parameter {name} {_shown(old[key])} -> {_shown(new[key])}"))
    return found


def _section(name: str, old: Any, new: Any) -> list[PolicyChange]:
    return [PolicyChange(WEAKENS if name == "settings" and key in TRUST_SETTINGS else CHANGES,
                         f"{name}.{key}: {_shown(old.get(key))} -> {_shown(new.get(key))}")
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]


def _waivers(old: tuple[Waiver, ...], new: tuple[Waiver, ...]) -> list[PolicyChange]:
    found = []
    before = {(w.rule, w.owner, w.reason): w for w in old}
    for waiver in new:
        earlier = before.pop((waiver.rule, waiver.owner, waiver.reason), None)
        if earlier is None:
            found.append(PolicyChange(WEAKENS, f"waiver of '{waiver.rule}' by {waiver.owner} added"
                                      f" (expires {waiver.expires or 'never'})", waiver.rule,
                                      waiver.origin))
        elif earlier.expires != waiver.expires:
            later = waiver.expires is None or (earlier.expires is not None
                                                and waiver.expires > earlier.expires)
            found.append(PolicyChange(
                WEAKENS if later else TIGHTENS,
                f"waiver of '{waiver.rule}' by {waiver.owner} "
                f"{'extended' if later else 'shortened'} from {earlier.expires or 'never'} to "
                f"{waiver.expires or 'never'}", waiver.rule, waiver.origin))
    found += [PolicyChange(TIGHTENS, f"waiver of '{w.rule}' by {w.owner} removed", w.rule)
              for w in before.values()]
    return found


def _files(base: Policy, head: Policy) -> list[PolicyChange]:
    old = {f.path: f.sha256 for f in base.files}
    new = {f.path: f.sha256 for f in head.files}
    found = [PolicyChange(CHANGES, f"policy file {path} no longer read (extends removed)")
             for path in old if path not in new]
    found += [PolicyChange(CHANGES, f"policy file {path} now read (extends added)")
              for path in new if path not in old]
    return found


def changed_files(base: Policy, head: Policy | None) -> list[str]:
    """The policy files of the repository that the change adds, removes or edits."""
    old = {f.path: f.sha256 for f in base.files}
    new = {f.path: f.sha256 for f in head.files} if head is not None else {}
    paths = [p for p in (*old, *new) if old.get(p) != new.get(p) and not p.startswith("builtin:")]
    return list(dict.fromkeys(paths))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return "(unset)" if value is None else str(value)
