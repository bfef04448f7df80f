"""The registry of check kinds.

Each kind is one module with:
- a docstring (what `clearance explain` prints),
- `SCHEMA`: the JSON Schema of its parameters,
- `EVIDENCE`: the evidence it reads, for the docs and `explain`,
- `run(params, evidence) -> Outcome`: no I/O of its own; all reading goes
  through the `Evidence` object, which records every input it touched,
- optionally `problems(params) -> list[tuple[path, message]]` for checks of
  its parameters beyond the schema (a regular expression that will not compile).

The contract is `checks/contract.py`'s `CheckKind` protocol, which mypy
checks on every built-in kind. Third-party kinds register a module under the
entry point group `clearance.checks` (`"team.kind" = "package.module"`).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from clearance.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from clearance.checks.contract import CheckKind

CHECKS: dict[str, str] = {
    "files.exist": "clearance.checks.files_exist",
    "files.absent": "clearance.checks.files_absent",
    "files.contain": "clearance.checks.files_contain",
    "changes.together": "clearance.checks.changes_together",
    "git.conflict_markers": "clearance.checks.git_conflict_markers",
    "git.mergeable": "clearance.checks.git_mergeable",
    "git.commit_message": "clearance.checks.git_commit_message",
    "command": "clearance.checks.command",
    "assert": "clearance.checks.assert_value",
    "coverage.min": "clearance.checks.coverage_min",
    "coverage.patch": "clearance.checks.coverage_patch",
    "tests.junit": "clearance.checks.tests_junit",
    "findings.sarif": "clearance.checks.findings_sarif",
    "spec.valid": "clearance.checks.spec_valid",
    "spec.scenarios_implemented": "clearance.checks.spec_scenarios_implemented",
    "spec.scenarios_passing": "clearance.checks.spec_scenarios_passing",
    "spec.rules_covered": "clearance.checks.spec_rules_covered",
    "pr.sections": "clearance.checks.pr_sections",
    "pr.checklist": "clearance.checks.pr_checklist",
    "pr.links": "clearance.checks.pr_links",
    "pr.title": "clearance.checks.pr_title",
    "review.approved": "clearance.checks.review_approved",
    "ci.checks": "clearance.checks.ci_checks",
    "attestation": "clearance.checks.attestation",
    "http.probe": "clearance.checks.http_probe",
    "deploy.status": "clearance.checks.deploy_status",
    "stage.passed": "clearance.checks.stage_passed",
    "alerts.rules": "clearance.checks.alerts_rules",
    "metrics.query": "clearance.checks.metrics_query",
    "load.thresholds": "clearance.checks.load_thresholds",
    "policy.approved": "clearance.checks.policy_approved",
}

ENTRY_POINT_GROUP = "clearance.checks"


class Finding(Record):
    """One place a check points at: `file:line: message`."""

    file: str
    line: int | None = None
    column: int | None = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column,
                "message": self.message}


class Outcome(Record):
    """What a check found: its verdict before `when` and waivers are applied."""

    verdict: str  # pass, fail, pending or error
    message: str
    figure: str | None = None
    findings: tuple[Finding, ...] = ()
    data: Mapping[str, Any] = {}

    @classmethod
    def passed(cls, message: str, **kw: Any) -> Outcome:
        return cls("pass", message, **kw)

    @classmethod
    def failed(cls, message: str, **kw: Any) -> Outcome:
        return cls("fail", message, **kw)


def _entry_points() -> dict[str, str]:
    from importlib.metadata import entry_points

    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def known_kinds() -> list[str]:
    """Every kind the registry knows: built-in and from entry points."""
    return sorted({*CHECKS, *_entry_points()})


def available(kind: str) -> bool:
    """Whether the module of a registered kind can be imported."""
    import importlib.util

    target = CHECKS.get(kind) or _entry_points().get(kind)
    return target is not None and importlib.util.find_spec(target.split(":")[0]) is not None


def load(kind: str) -> CheckKind | None:
    """The module of a check kind, or None when no module provides it."""
    target = CHECKS.get(kind) or _entry_points().get(kind)
    if target is None:
        return None
    module: CheckKind = importlib.import_module(target.split(":")[0])
    return module  # the built-in kinds meet the contract (contract.py); a plug-in must too
