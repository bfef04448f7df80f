"""A coverage suite's line, branch or combined coverage is at least `min`.

`suite` names a suite of `inputs.coverage`; its report files (any format,
detected from content) are read and merged. `metric`: `line`, `branch` or
`combined` (lines and branches counted together, coverage.py's total);
by default `combined` when the reports measured branches, `line` otherwise,
which is the figure `coverage report` prints. `scope`: `total` (default), `file`
(every file must reach `min`) or `changed` (every changed file in the report
must); a file with nothing to measure for the metric (no statement, or no
branch for `branch`) is not judged and is listed as unmeasured. The
comparison is coverage.py's `fail_under`: it fails when `round(percent,
precision) < min`, at `precision` decimals (default 0, raised to the decimals
`min` is written with), and `min: 100` needs a true 100%."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import plural
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.coverage.model import CoverageData, FileCoverage, line_ranges
from clearance.evidence.coverage.suites import coverage_suite, require_changed_files
from clearance.evidence.coverage.threshold import Threshold, display, number

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("coverage reports of the suite", "changed files (scope: changed)")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["suite", "min"],
    "properties": {
        "suite": {"type": "string", "minLength": 1},
        "metric": {"enum": ["line", "branch", "combined"]},
        "min": {"type": "number", "minimum": 0, "maximum": 100},
        "scope": {"enum": ["total", "file", "changed"]},
        "precision": {"type": "integer", "minimum": 0, "maximum": 10},
    },
}
MAX_FINDINGS = 200


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    suite = params["suite"]
    data = coverage_suite(evidence, suite)
    metric = params.get("metric") or data.default_metric
    if metric == "branch" and not data.branch_measured:
        raise EvidenceError(f"suite '{suite}' has no branch data",
                            hint="measure branches (coverage run --branch) or use metric: line")
    threshold = Threshold(params["min"], params.get("precision", 0))
    scope = params.get("scope", "total")
    rows = evidence.memo(f"coverage-rows:{suite}", lambda: [_row(data.files[p]) for p in sorted(data.files)])
    report = {"coverage": _report(suite, metric, scope, threshold, data, rows)}
    if scope == "total":
        return _total(data, metric, threshold, suite, report)
    files = list(data.files.values())
    if scope == "changed":
        changed = set(evidence.changed_files)
        require_changed_files(evidence, suite, data, changed)
        files = [f for f in files if f.path in changed]
    return _per_file(files, metric, threshold, report)


def _total(data: CoverageData, metric: str, threshold: Threshold, suite: str,
           report: dict[str, Any]) -> Outcome:
    percent = data.totals.percent(metric)
    shown = f"{display(percent, threshold.digits)}%"
    what = f"{metric} coverage of suite '{suite}'"
    if threshold.below(percent):
        return Outcome.failed(f"{what} is {shown}, below {number(threshold.minimum)}%",
                              figure=threshold.figure(percent), data=report)
    return Outcome.passed(f"{what} is {shown}", figure=threshold.figure(percent), data=report)


def _per_file(files: list[FileCoverage], metric: str, threshold: Threshold,
              report: dict[str, Any]) -> Outcome:
    """Each file with something to measure against the minimum; the others listed apart."""
    judged = [f for f in files if f.numbers.counted(metric)]
    rows = sorted(judged, key=lambda f: (f.numbers.percent(metric), f.path))
    cov = report["coverage"]
    cov["unmeasured_files"] = sorted({f.path for f in files} - {f.path for f in judged})
    if not rows:
        what = "changed file" if cov["scope"] == "changed" else "file"
        return Outcome.passed(f"no {what} is measured by suite '{cov['suite']}'", data=report)
    low = [f for f in rows if threshold.below(f.numbers.percent(metric))]
    worst = rows[0].numbers.percent(metric)
    figure = f"{threshold.figure(worst)} ({rows[0].path})"
    if not low:
        return Outcome.passed(f"{plural(len(rows), 'file')} at or above {number(threshold.minimum)}% "
                              f"{metric} coverage", figure=figure, data=report)
    findings = tuple(_finding(f, metric, threshold) for f in low[:MAX_FINDINGS])
    return Outcome.failed(f"{len(low)} of {plural(len(rows), 'file')} below "
                          f"{number(threshold.minimum)}% {metric} coverage",
                          figure=figure, findings=findings, data=report)


def _finding(cov: FileCoverage, metric: str, threshold: Threshold) -> Finding:
    message = f"{metric} coverage {threshold.figure(cov.numbers.percent(metric))}"
    if cov.has_lines and cov.missing_lines:
        message += f"; lines not run: {line_ranges(cov.missing_lines)}"
    return Finding(cov.path, message=message)


def _report(suite: str, metric: str, scope: str, threshold: Threshold,
            data: CoverageData, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The suite's totals and per-file rows, for reports (the rows are made once per suite and
    shared by its rules: a monorepo's report of 20,000 files made them for each rule again)."""
    return {
        "suite": suite, "metric": metric, "scope": scope, "min": threshold.minimum,
        "precision": threshold.digits, "branch_measured": data.branch_measured,
        "inputs": [r.path for r in data.reports],
        "totals": data.totals.to_dict(),
        "unmatched_files": sorted(data.unmatched),
        "files": rows,
    }


def _row(cov: FileCoverage) -> dict[str, Any]:
    row: dict[str, Any] = {"path": cov.path, **cov.numbers.to_dict()}
    row["missing_lines"] = line_ranges(cov.missing_lines) if cov.has_lines else None
    return row
