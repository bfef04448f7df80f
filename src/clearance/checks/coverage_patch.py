"""The changed lines are covered by the suite's tests (patch coverage).

The changed lines (added or modified: `git diff base...head`, or the index
at the commit stages) that the suite's reports measure are the patch; lines
no report measures (blank lines, comments, files not measured) do not count,
as with diff-cover, which computes the same percentage. `mode: percent`
(default) needs at least `min` percent (default 80) of them covered,
compared as coverage.py compares `fail_under` at `precision` decimals
(default 1); `mode: all` needs every one covered, so that one uncovered line
cannot hide behind an average: each is reported as file:line. With
`branch: true` a line counts as covered only when all its branches were
taken (diff-cover's `--branch-coverage`); a suite whose reports hold no
branch data is then an error, not line coverage."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import plural
from clearance.errors import EvidenceError
from clearance.evidence.context import CHANGED_LINES, Evidence
from clearance.evidence.coverage.patch import PatchCoverage, patch_coverage
from clearance.evidence.coverage.suites import coverage_suite, require_changed_files
from clearance.evidence.coverage.threshold import Threshold, display, number

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("coverage reports of the suite", CHANGED_LINES)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["suite"],
    "properties": {
        "suite": {"type": "string", "minLength": 1},
        "mode": {"enum": ["percent", "all"]},
        "min": {"type": "number", "minimum": 0, "maximum": 100},
        "branch": {"type": "boolean"},
        "precision": {"type": "integer", "minimum": 0, "maximum": 10},
    },
}
DEFAULT_MIN = 80
MAX_FINDINGS = 200


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    suite = params["suite"]
    data = coverage_suite(evidence, suite)
    branch = bool(params.get("branch", False))
    if branch and not data.branch_measured:
        raise EvidenceError(f"suite '{suite}' has no branch data: branch: true cannot be judged",
                            hint="measure branches (coverage run --branch) or drop branch: true")
    changed = evidence.changed_lines
    require_changed_files(evidence, suite, data, (path for path, lines in changed.items() if lines))
    patch = patch_coverage(data, changed, branch)
    report = {"coverage": _report(suite, params, patch)}
    if patch.measured == 0:
        return Outcome.passed(f"no changed line is measured by suite '{suite}'", data=report)
    if params.get("mode", "percent") == "all":
        return _all(patch, report)
    threshold = Threshold(params.get("min", DEFAULT_MIN), params.get("precision", 1))
    return _percent(patch, threshold, report)


def _all(patch: PatchCoverage, report: dict[str, Any]) -> Outcome:
    lines = plural(patch.measured, "measured changed line")
    if not patch.uncovered:
        return Outcome.passed(f"all {lines} covered", figure="0 uncovered", data=report)
    return Outcome.failed(f"{len(patch.uncovered)} of {lines} not covered",
                          figure=f"{len(patch.uncovered)} uncovered > 0",
                          findings=_findings(patch), data=report)


def _percent(patch: PatchCoverage, threshold: Threshold, report: dict[str, Any]) -> Outcome:
    shown = f"{display(patch.percent, threshold.digits)}%"
    counts = f"{patch.covered} of {plural(patch.measured, 'measured changed line')}"
    if threshold.below(patch.percent):
        return Outcome.failed(f"patch coverage {shown} ({counts}), below {number(threshold.minimum)}%",
                              figure=threshold.figure(patch.percent), findings=_findings(patch),
                              data=report)
    return Outcome.passed(f"patch coverage {shown} ({counts})",
                          figure=threshold.figure(patch.percent), data=report)


def _findings(patch: PatchCoverage) -> tuple[Finding, ...]:
    return tuple(Finding(u.path, u.line, message=u.reason) for u in patch.uncovered[:MAX_FINDINGS])


def _report(suite: str, params: dict[str, Any], patch: PatchCoverage) -> dict[str, Any]:
    return {
        "suite": suite, "mode": params.get("mode", "percent"), "branch": bool(params.get("branch")),
        "measured": patch.measured, "covered": patch.covered, "percent": patch.percent,
        "files": [{"path": f.path, "measured": f.measured, "covered": f.covered} for f in patch.files],
        "uncovered": [{"file": u.path, "line": u.line, "reason": u.reason} for u in patch.uncovered],
        "unmeasured_files": list(patch.unmeasured_files),
    }
