"""A load test's results meet its thresholds: every report of `reports`
(globs of files on disk, as CI wrote them) is a Locust stats CSV (`locust
--csv`'s `*_stats.csv`) or a k6 summary (`k6 run --summary-export`, or the
`handleSummary` data as JSON), told apart by content.

`max` and `min` map figures to limits: `requests`, `failures`,
`failure_ratio` (0 to 1), `rps`, `avg`, `min`, `max` and percentiles `p50`,
`p66`, `p75`, `p80`, `p90`, `p95`, `p98`, `p99`, `p99.9`, `p99.99`, `p100`,
times in milliseconds; a figure above its `max` or below its `min` fails
(`max: {p95: 500, failure_ratio: 0.01}`). For Locust, `name` picks the row
(default `Aggregated`, the whole run); k6 is judged on the whole run
(`http_reqs`, `http_req_failed`, `http_req_duration`), and a threshold that
k6 itself marked as failed fails too unless `k6_thresholds: false`. A figure
the report does not hold (a k6 percentile not in `summaryTrendStats`), a
missing or unreadable report, or a run that made no request is an error."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.loadtest import FIGURES, LoadReport, read_report

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("load-test reports (Locust stats CSV, k6 summary JSON)",)
LIMITS: dict[str, Any] = {
    "type": "object", "minProperties": 1, "propertyNames": {"enum": list(FIGURES)},
    "additionalProperties": {"type": "number", "minimum": 0},
}
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["reports"],
    "anyOf": [{"required": ["max"]}, {"required": ["min"]}],
    "properties": {
        "reports": GLOBS,
        "name": {"type": "string", "minLength": 1},
        "max": LIMITS,
        "min": LIMITS,
        "k6_thresholds": {"type": "boolean"},
    },
}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    reports = _reports(params, evidence)
    findings = [f for report in reports for f in _judge(params, report)]
    data = {"load": {"max": params.get("max", {}), "min": params.get("min", {}),
                     "reports": [_row(r) for r in reports]}}
    if findings:
        return Outcome.failed(f"{plural(len(findings), 'threshold')} not met: "
                              + "; ".join(f.message for f in findings[:5]),
                              figure=findings[0].message, findings=tuple(findings), data=data)
    shown = "; ".join(_met(params, reports[0]))
    more = f" and {plural(len(reports) - 1, 'more report')}" if len(reports) > 1 else ""
    return Outcome.passed(f"{shown} ({reports[0].path}{more})", figure=_met(params, reports[0])[0],
                          data=data)


def _reports(params: dict[str, Any], evidence: Evidence) -> list[LoadReport]:
    globs = as_list(params["reports"])
    paths = evidence.find_inputs(globs)
    if not paths:
        raise EvidenceError(f"no load-test report matches {', '.join(globs)}",
                            hint="write the report in the job (locust --csv, k6 --summary-export) "
                                 "before clearance runs")
    return [read_report(evidence.read_input(p), p, params.get("name")) for p in paths]


def _judge(params: dict[str, Any], report: LoadReport) -> list[Finding]:
    found = []
    for bound, limits in (("max", params.get("max", {})), ("min", params.get("min", {}))):
        for figure, limit in limits.items():
            value = _figure(report, figure)
            if (value > limit) if bound == "max" else (value < limit):
                sign = ">" if bound == "max" else "<"
                found.append(Finding(report.path, message=f"{figure} {_shown(value)} {sign} {_shown(limit)}"
                                                          f"{_where(report)}"))
    if params.get("k6_thresholds", True):
        found += [Finding(report.path, message=f"k6 threshold failed: {name}")
                  for name, passed in report.thresholds.items() if not passed]
    return found


def _figure(report: LoadReport, figure: str) -> float:
    if figure not in report.figures:
        hint = "add it to summaryTrendStats" if report.tool == "k6" else "use a figure the report holds"
        raise EvidenceError(f"the {report.tool} report has no {figure} (it has "
                            f"{', '.join(report.figures)})", report.path, hint=hint)
    return report.figures[figure]


def _met(params: dict[str, Any], report: LoadReport) -> list[str]:
    met = [f"{figure} {_shown(_figure(report, figure))} <= {_shown(limit)}"
           for figure, limit in params.get("max", {}).items()]
    met += [f"{figure} {_shown(_figure(report, figure))} >= {_shown(limit)}"
            for figure, limit in params.get("min", {}).items()]
    return met


def _where(report: LoadReport) -> str:
    return f" ({report.row})" if report.row else ""


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def _row(report: LoadReport) -> dict[str, Any]:
    return {"path": report.path, "tool": report.tool, "row": report.row or None,
            "figures": report.figures, "k6_thresholds": report.thresholds}
