"""The policy in force: rules, waivers and inputs after `extends` is resolved."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

STAGES = ("commit", "commit-msg", "push", "pr", "merge", "staging", "production")
DEFAULT_STAGES = ("pr",)
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Origin:
    """Where a rule or waiver was written: file, line and column."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    params: dict[str, Any]
    origin: Origin
    title: str = ""
    checklist: str = ""
    description: str = ""
    stages: tuple[str, ...] = DEFAULT_STAGES
    severity: str = "error"
    when: dict[str, Any] = field(default_factory=dict)
    fix: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class Waiver:
    rule: str
    reason: str
    owner: str
    origin: Origin
    expires: str | None = None

    def expired_on(self, today: dt.date) -> bool:
        """A waiver holds through its expiry date and lapses the day after."""
        return self.expires is not None and dt.date.fromisoformat(self.expires) < today

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        return (self.rule, self.owner, self.reason, self.expires)


@dataclass(frozen=True)
class PolicyFile:
    path: str
    sha256: str


@dataclass(frozen=True)
class Policy:
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

    def rules_for(self, stage: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if stage in r.stages)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Policy:
        """Rebuild a policy saved with `to_dict` (the validated-policy cache)."""

        def rule(r: dict[str, Any]) -> Rule:
            return Rule(**{**r, "origin": Origin(**r["origin"]), "stages": tuple(r["stages"])})

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
