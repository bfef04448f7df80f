"""Load-test results: Locust's `--csv` stats and k6's end-of-test summary, as one set of figures.

Figures, whatever the tool (times in milliseconds, as both tools write them):
`requests`, `failures`, `failure_ratio` (0 to 1), `rps`, `avg`, `min`, `max`,
and percentiles `p50` ... `p99.99` as the report holds them.

Locust (`locust --csv PREFIX` writes `PREFIX_stats.csv`): one row per request
name plus the `Aggregated` row; columns `Request Count`, `Failure Count`,
`Average Response Time`, `Min Response Time`, `Max Response Time`,
`Requests/s` and one column per percentile (`50%`, `95%`, `99.9%`, ...).
Locust rewrites this file every second during the run, so its last write
may lag the summary Locust prints at exit by up to a second.

k6 (`k6 run --summary-export FILE`, or `JSON.stringify(data)` from
`handleSummary`): `metrics.NAME` holds the aggregates of a metric, directly
(`--summary-export`) or under `values` (`handleSummary`). Read are
`http_reqs` (`count`, `rate`), `http_req_failed` (a rate: `value` or `rate`
is the failure ratio, `passes` the failed requests, as k6 counts a non-zero
sample as a pass) and `http_req_duration` (`avg`, `min`, `med`, `max`,
`p(90)`, `p(95)` and whatever `summaryTrendStats` adds). The thresholds k6
evaluated are kept: `--summary-export` writes `true` for a threshold that
failed (k6 issue #1498), `handleSummary` writes `{"ok": false}`.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from clearance.errors import EvidenceError

PERCENTILES = ("50", "66", "75", "80", "90", "95", "98", "99", "99.9", "99.99", "100")
FIGURES = ("requests", "failures", "failure_ratio", "rps", "avg", "min", "max",
           *(f"p{p}" for p in PERCENTILES))
LOCUST_COLUMNS = {"requests": "Request Count", "failures": "Failure Count",
                  "avg": "Average Response Time", "min": "Min Response Time",
                  "max": "Max Response Time", "rps": "Requests/s",
                  **{f"p{p}": f"{p}%" for p in PERCENTILES}}
K6_DURATION = {"avg": "avg", "min": "min", "max": "max", "p50": "med",
               **{f"p{p}": f"p({p})" for p in PERCENTILES if p != "50"}}


class LoadReport:
    """One report's figures (only those it holds) and, for k6, its thresholds (name: passed).

    A plain class rather than a record: the readers fill it in as they go.
    """

    __slots__ = ("figures", "path", "row", "thresholds", "tool")

    def __init__(self, path: str, tool: str, row: str) -> None:
        self.path = path
        self.tool = tool
        self.row = row
        self.figures: dict[str, float] = {}
        self.thresholds: dict[str, bool] = {}


def read_report(data: bytes, path: str, row: str | None) -> LoadReport:
    """The figures of a Locust stats CSV or a k6 summary, told apart by their content."""
    text = data.decode("utf-8-sig", "replace")
    start = text.lstrip()[:1]
    if start == "{":
        if row is not None:
            raise EvidenceError("a k6 summary is judged on the whole run: name applies to Locust "
                                "reports only", path)
        return _k6(text, path)
    if text.startswith("Type,Name,"):
        return _locust(text, path, row or "Aggregated")
    raise EvidenceError("neither a Locust stats CSV (Type,Name,...) nor a k6 JSON summary", path,
                        hint="point reports at locust --csv's *_stats.csv or k6's --summary-export file")


def _locust(text: str, path: str, row: str) -> LoadReport:
    rows = list(csv.DictReader(io.StringIO(text)))
    found = next((r for r in rows if r.get("Name") == row), None)
    if found is None:
        names = ", ".join(sorted({r.get("Name") or "" for r in rows}))
        raise EvidenceError(f"no row named {row!r} (rows: {names})", path)
    if not _number(found.get("Request Count"), f"Request Count of row {row!r}", path):
        raise EvidenceError(f"row {row!r} counts no request: the load test made none", path)
    report = LoadReport(path, "locust", row)
    for figure, column in LOCUST_COLUMNS.items():
        if column in found:
            report.figures[figure] = _number(found[column], f"{column} of row {row!r}", path)
    report.figures["failure_ratio"] = report.figures.get("failures", math.nan) / report.figures["requests"]
    return report


def _k6(text: str, path: str) -> LoadReport:
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise EvidenceError(f"not valid JSON: {e}", path) from e
    metrics = doc.get("metrics") if isinstance(doc, dict) else None
    if not isinstance(metrics, dict):
        raise EvidenceError("a k6 summary has a 'metrics' object; this file has none", path)
    report = LoadReport(path, "k6", "")
    requests, failed, duration = (_values(metrics, name) for name in
                                  ("http_reqs", "http_req_failed", "http_req_duration"))
    pairs = [("requests", requests, "count"), ("rps", requests, "rate"),
             ("failures", failed, "passes"),
             ("failure_ratio", failed, "rate" if "rate" in failed else "value"),
             *((figure, duration, key) for figure, key in K6_DURATION.items())]
    for figure, values, key in pairs:
        if key in values:
            report.figures[figure] = _number(values[key], key, path)
    if not report.figures.get("requests"):
        raise EvidenceError("http_reqs counts no request: the load test made none", path)
    report.thresholds = _k6_thresholds(metrics)
    return report


def _values(metrics: dict[str, Any], name: str) -> dict[str, Any]:
    entry = metrics.get(name)
    if not isinstance(entry, dict):
        return {}
    values = entry.get("values", entry)
    return values if isinstance(values, dict) else {}


def _k6_thresholds(metrics: dict[str, Any]) -> dict[str, bool]:
    """Each threshold k6 evaluated, `metric: expression` -> whether it passed."""
    passed = {}
    for name, entry in metrics.items():
        thresholds = entry.get("thresholds") if isinstance(entry, dict) else None
        for expression, result in (thresholds or {}).items():
            ok = result.get("ok") if isinstance(result, dict) else result is False
            passed[f"{name}: {expression}"] = ok is True
    return passed


def _number(value: Any, what: str, path: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as e:
        raise EvidenceError(f"{what} is not a number: {value!r}", path) from e
    if math.isnan(number):
        raise EvidenceError(f"{what} is not a number: {value!r}", path)
    return number
