"""Apply waivers to outcomes: expiry, self-granted waivers, refusal.

A waiver is self-granted when it was not in force before the change: not a
waiver of the base revision's effective policy (every `extends` merged),
whatever file it sits in now. The policy in force at a change is the base's,
so this matters where the change's own policy is in force: at the commit
stages (the index's, measured against HEAD's) and where the base opts out
with `settings.policy_source: head`. A run whose base policy cannot be read
fails closed: every waiver counts as self-granted. Policies may
refuse self-granted waivers (`settings.self_granted_waivers: refuse`, or per
stage with `settings.refuse_self_granted_in`) unless their owner is one of
`settings.waiver_granters`.
"""

from __future__ import annotations

from clearance.checks import Outcome
from clearance.evidence.context import Evidence
from clearance.policy.model import Policy, Rule, Waiver
from clearance.records import Record
from clearance.verdicts import PROBLEMS

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt
    from typing import Any


class Judgement(Record):
    verdict: str
    message: str
    waiver: dict[str, Any] | None


class WaiverJudge:
    def __init__(self, policy: Policy, evidence: Evidence, today: dt.date | str) -> None:
        self.policy = policy
        self.evidence = evidence
        self.today = today
        self._base_keys: set[tuple[str, str, str, str | None]] | None = None

    def apply(self, rule: Rule, outcome: Outcome) -> Judgement:
        waivers = [w for w in self.policy.waivers if w.rule == rule.id]
        if not waivers:
            return Judgement(outcome.verdict, outcome.message, None)
        described = [self._describe(w) for w in waivers]
        usable = [d for d in described if not d["expired"] and not d["refused"]]
        chosen = usable[0] if usable else described[0]
        if outcome.verdict not in PROBLEMS:
            return Judgement(outcome.verdict, outcome.message, {**chosen, "applied": False})
        if usable:
            text = f"waived by {chosen['owner']}: {chosen['reason']} ({outcome.message})"
            return Judgement("waived", text, {**chosen, "applied": True})
        why = "expired on " + str(chosen["expires"]) if chosen["expired"] else "self-granted"
        text = f"{outcome.message} (waiver by {chosen['owner']} not applied: {why})"
        return Judgement(outcome.verdict, text, {**chosen, "applied": False})

    def _describe(self, waiver: Waiver) -> dict[str, Any]:
        self_granted = self._self_granted(waiver)
        return {
            "owner": waiver.owner, "reason": waiver.reason, "expires": waiver.expires,
            "expired": waiver.expired_on(self.today), "self_granted": self_granted,
            "refused": self_granted and self._refuses(waiver),
            "origin": {"path": waiver.origin.path, "line": waiver.origin.line},
        }

    def _refuses(self, waiver: Waiver) -> bool:
        granters = self.policy.settings.get("waiver_granters", [])
        return self.policy.refuses_self_granted(self.evidence.stage) and waiver.owner not in granters

    def _self_granted(self, waiver: Waiver) -> bool:
        if self._base_keys is None:
            self._base_keys = self._keys_at_base()
        return waiver.key not in self._base_keys

    def _keys_at_base(self) -> set[tuple[str, str, str, str | None]]:
        """The waivers in force under the base revision's effective policy (none when it
        cannot be read: then every waiver is self-granted)."""
        base = self.evidence.base_policy
        return set() if base is None else {w.key for w in base.waivers}
