"""The contract of a check kind, checked by mypy on every member of `CHECKS`.

A check kind is a module (see `clearance.checks`). This module is read by the
type checker and by the tests, never on the way to a verdict: `KINDS` below
assigns each registered module to the protocol, so mypy refuses a kind whose
`run` takes other arguments or returns something else, and a test refuses a
registry entry that is missing here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from clearance.checks import (
    Outcome,
    alerts_rules,
    assert_value,
    attestation,
    changes_together,
    ci_checks,
    command,
    coverage_min,
    coverage_patch,
    deploy_status,
    files_absent,
    files_contain,
    files_exist,
    findings_sarif,
    git_commit_message,
    git_conflict_markers,
    git_mergeable,
    http_probe,
    load_thresholds,
    metrics_query,
    policy_approved,
    pr_checklist,
    pr_links,
    pr_sections,
    pr_title,
    review_approved,
    spec_rules_covered,
    spec_scenarios_implemented,
    spec_scenarios_passing,
    spec_valid,
    stage_passed,
    tests_junit,
)
from clearance.evidence.context import Evidence

Problems = Sequence[tuple[tuple[str | int, ...], str]]  # (key path, message)


class CheckKind(Protocol):
    """What every check kind's module provides."""

    @property
    def SCHEMA(self) -> Mapping[str, Any]:
        """The JSON Schema (Draft 2020-12) of the kind's parameters."""

    @property
    def EVIDENCE(self) -> tuple[str, ...]:
        """What it reads, for `explain` and the docs; `CHANGED_LINES` has git start early."""

    def run(self, params: dict[str, Any], evidence: Evidence) -> Outcome:
        """The verdict, reading evidence only through `evidence` (no I/O of its own)."""


class CheckKindWithProblems(CheckKind, Protocol):
    """A kind that checks its parameters beyond the schema (a regular expression that does
    not compile): `(key path, message)` for each problem, reported by `validate`."""

    def problems(self, params: dict[str, Any]) -> Problems: ...


KINDS: dict[str, CheckKind] = {
    "files.exist": files_exist,
    "files.absent": files_absent,
    "files.contain": files_contain,
    "changes.together": changes_together,
    "git.conflict_markers": git_conflict_markers,
    "git.mergeable": git_mergeable,
    "git.commit_message": git_commit_message,
    "command": command,
    "assert": assert_value,
    "coverage.min": coverage_min,
    "coverage.patch": coverage_patch,
    "tests.junit": tests_junit,
    "findings.sarif": findings_sarif,
    "spec.valid": spec_valid,
    "spec.scenarios_implemented": spec_scenarios_implemented,
    "spec.scenarios_passing": spec_scenarios_passing,
    "spec.rules_covered": spec_rules_covered,
    "pr.sections": pr_sections,
    "pr.checklist": pr_checklist,
    "pr.links": pr_links,
    "pr.title": pr_title,
    "review.approved": review_approved,
    "ci.checks": ci_checks,
    "attestation": attestation,
    "http.probe": http_probe,
    "deploy.status": deploy_status,
    "stage.passed": stage_passed,
    "alerts.rules": alerts_rules,
    "metrics.query": metrics_query,
    "load.thresholds": load_thresholds,
    "policy.approved": policy_approved,
}
WITH_PROBLEMS: tuple[CheckKindWithProblems, ...] = (
    assert_value, ci_checks, command, files_contain, findings_sarif, git_commit_message, http_probe,
    pr_title, spec_rules_covered, spec_scenarios_implemented, spec_scenarios_passing,
    metrics_query,
)
