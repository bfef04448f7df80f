"""Running attestation rules with a known base policy, and writing records, for tests.

`gate(...)` evaluates a policy's rules the way a run does (the engine, real git),
with the policy in force at the base given as `policy/trusted.Policies` (what
the loader hands the evidence once it reads the base revision), so that which
records were in force before the change is known.
"""

from __future__ import annotations

from pathlib import Path

from clearance.engine import evaluate
from clearance.evidence.context import Evidence, RunSpec
from clearance.policy.loader import load_policy
from clearance.policy.model import Policy
from clearance.policy.trusted import Policies
from clearance.results import RuleResult

RUN_TIME = "2026-01-06T00:00:00Z"


def policy(folder: Path, text: str, name: str = "policy.yaml") -> Policy:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load_policy([str(path)], folder)


def gate(root: Path, stage: str, in_force: Policy, rule: str, *, base_policy: Policy | None = None,
         known_base: bool = True, now: str = RUN_TIME, **spec: object) -> RuleResult:
    """The result of one rule, with `base_policy` (default: the policy in force) as the base's."""
    policies = Policies(in_force=in_force, source="base",
                        base=(base_policy or in_force) if known_base else None)
    run = RunSpec(root=root, stage=stage, refuse_self_granted=in_force.refuses_self_granted(stage),
                  **spec)  # type: ignore[arg-type]
    evidence = Evidence(run, in_force.inputs, in_force.attestors, policies=policies, now=now)
    return next(r for r in evaluate(in_force, evidence, now[:10]) if r.rule.id == rule)


def record_text(rule: str, by: str, at: str = "2026-01-05T10:00:00Z", **subject: str) -> str:
    lines = [f"rule: {rule}", f'by: "{by}"', f"at: {at}", *(f"{k}: {v}" for k, v in subject.items())]
    return "\n".join(lines) + "\nnote: done\n"
