"""The policy in force: rules, waivers and inputs after `extends` is resolved."""

from __future__ import annotations

import datetime as dt

from clearance.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Named tuples rather than dataclasses: they are built as fast and cost no import
# of `dataclasses` (and `inspect`) at start-up, which a commit hook pays for.
STAGES = ("commit", "commit-msg", "push", "pr", "merge", "staging", "production", "verify")
DEFAULT_STAGES = ("pr",)
COMMIT_STAGES = ("commit", "commit-msg")  # the index is under evaluation, not a commit
DEPLOY_STAGES = ("staging", "production", "verify")  # a deployed commit is under evaluation
# The environment a deploy stage judges: `verify` checks production after the deployment.
ENVIRONMENTS = {"staging": "staging", "production": "production", "verify": "production"}


class Origin(Record):
    """Where a rule or waiver was written: file, line and column."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class Rule(Record):
    id: str
    kind: str
    params: dict[str, Any]
    origin: Origin
    title: str = ""
    checklist: str = ""
    description: str = ""
    stages: tuple[str, ...] = DEFAULT_STAGES
    severity: str = "error"
    when: dict[str, Any] = {}  # noqa: RUF012 - never mutated; a tuple field needs a plain default
    fix: str = ""
    controls: tuple[str, ...] = ()  # FRAMEWORK:ID of the audit controls it evidences


class Waiver(Record):
    rule: str
    reason: str
    owner: str
    origin: Origin
    expires: str | None = None
    granted: str | None = None  # YYYY-MM-DD: when it was granted (settings.max_waiver_days)

    def expired_on(self, today: dt.date | str) -> bool:
        """A waiver holds through its expiry date and lapses the day after (`today`: a date
        or `YYYY-MM-DD`)."""
        if self.expires is None:
            return False
        day = dt.date.fromisoformat(today) if isinstance(today, str) else today
        return dt.date.fromisoformat(self.expires) < day

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        return (self.rule, self.owner, self.reason, self.expires)


class PolicyFile(Record):
    path: str
    sha256: str


class Policy(Record):
    name: str
    version: str
    source: str
    rules: tuple[Rule, ...]
    waivers: tuple[Waiver, ...]
    inputs: dict[str, Any]
    settings: dict[str, Any]
    attestors: dict[str, list[str]]
    files: tuple[PolicyFile, ...]
    digest: str

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def refuses_self_granted(self, stage: str) -> bool:
        """Whether waivers and sign-offs the change itself adds are refused at this stage
        (`settings.self_granted_waivers: refuse`, or the stage in `refuse_self_granted_in`)."""
        settings = self.settings
        return (settings.get("self_granted_waivers") == "refuse"
                or stage in settings.get("refuse_self_granted_in", []))

    def rules_for(self, stage: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if stage in r.stages)

    def to_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = _plain(self)
        return plain

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Policy:
        """Rebuild a policy saved with `to_dict` (the validated-policy cache)."""

        def rule(r: dict[str, Any]) -> Rule:
            return Rule(**{**r, "origin": Origin(**r["origin"]), "stages": tuple(r["stages"]),
                           "controls": tuple(r.get("controls", ()))})

        def waiver(w: dict[str, Any]) -> Waiver:
            return Waiver(**{**w, "origin": Origin(**w["origin"])})

        return cls(
            **{
                **data,
                "rules": tuple(rule(r) for r in data["rules"]),
                "waivers": tuple(waiver(w) for w in data["waivers"]),
                "files": tuple(PolicyFile(**f) for f in data["files"]),
            }
        )


def _plain(value: Any) -> Any:
    """A named tuple as JSON-ready data, recursively."""
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
