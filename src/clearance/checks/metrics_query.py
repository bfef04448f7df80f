"""A PromQL query against a Prometheus-compatible HTTP API (`endpoint`, the
API root: Prometheus, Thanos, Mimir, VictoriaMetrics; `${NAME}` filled from
the environment; the host must be listed under `settings.network`) returns
values that meet a threshold.

With `op` and `value`, every series must hold `VALUE OP value` (`error_rate
< 0.01`; `up == 1` for every target), and at least `min_series` series
(default 1) must come back: a query that returns no series is an error,
never a pass. With `absent: true`, the query must return no series at all
(`ALERTS{alertstate="firing", service="checkout"}`), and each series it
returns is listed. `range: {last: 15m, step: 1m}` asks `query_range` over
the last 15 minutes and judges every sample. `headers` (values may use
`${NAME}`) carry credentials or a tenant; they are never recorded.

The query, the series and their values are kept in the results. A host not
allowed, a DNS or TLS failure, a timeout, Prometheus's own error answer (a
bad query) or an answer that holds no numbers is an error."""

from __future__ import annotations

import math
import operator

from clearance.checks import Outcome
from clearance.checks._common import plural
from clearance.evidence.context import Evidence
from clearance.evidence.prometheus import Query, QueryResult, Series, json_number, run_query
from clearance.evidence.promql import duration_ms

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

EVIDENCE = ("a Prometheus-compatible HTTP API (a host of settings.network)",)
OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
    ">=": operator.ge, ">": operator.gt,
}
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["endpoint", "query"],
    "properties": {
        "endpoint": {"type": "string", "minLength": 1},
        "query": {"type": "string", "minLength": 1},
        "op": {"enum": list(OPS)},
        "value": {"type": "number"},
        "absent": {"const": True},
        "min_series": {"type": "integer", "minimum": 1},
        "range": {
            "type": "object", "additionalProperties": False, "required": ["last", "step"],
            "properties": {"last": {"type": "string"}, "step": {"type": "string"}},
        },
        "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 300},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "dependentRequired": {"op": ["value"], "value": ["op"]},
}
SHOWN = 5  # series named in a message
KEPT = 100  # series kept in the results


def problems(params: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    found: list[tuple[tuple[str | int, ...], str]] = []
    if "op" not in params and not params.get("absent"):
        found.append(((), "give op and value to compare the values with, or absent: true"))
    if params.get("absent") and ("op" in params or "min_series" in params):
        found.append((("absent",), "absent: true expects no series: leave out op, value and min_series"))
    for key in ("last", "step"):
        text = params.get("range", {}).get(key)
        if text is not None and not duration_ms(text):
            found.append((("range", key), f"range.{key}: {text!r} is not a Prometheus duration "
                                          "above zero (e.g. 15m, 30s)"))
    return found


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    window = params.get("range", {})
    query = Query(params["endpoint"], params["query"], window.get("last"), window.get("step"),
                  float(params.get("timeout", 10)), params.get("headers"))
    result = run_query(evidence, query)
    data = {"metrics": _data(params, result)}
    note = _warnings(result)
    if params.get("absent"):
        return _absent(result, data, note)
    return _compare(params, result, data, note)


def _absent(result: QueryResult, data: dict[str, Any], note: str) -> Outcome:
    count = len(result.series)
    if not count:
        return Outcome.passed(f"the query returns no series{note}", figure="0 series", data=data)
    shown = ", ".join(s.shown() for s in result.series[:SHOWN])
    more = f" and {count - SHOWN} more" if count > SHOWN else ""
    return Outcome.failed(f"{plural(count, 'series')} where none is expected: {shown}{more}{note}",
                          figure=f"{count} series, expected 0", data=data)


def _compare(params: dict[str, Any], result: QueryResult, data: dict[str, Any],
             note: str) -> Outcome:
    op, limit = params["op"], params["value"]
    count, minimum = len(result.series), params.get("min_series", 1)
    if not count:
        return Outcome("error", f"the query returned no series: nothing to compare{note}",
                       figure="0 series", data=data)
    if count < minimum:
        return Outcome.failed(f"{plural(count, 'series')}, fewer than {minimum}{note}",
                              figure=f"{count} < {minimum} series", data=data)
    wrong = [(s, v) for s in result.series if (v := _worst(s.samples, op, limit)) is not None]
    if wrong:
        return _failed(wrong, count, op, limit, data, note)
    values = [v for s in result.series for _, v in s.samples]
    return Outcome.passed(f"every value of {plural(count, 'series')} is {op} {_number(limit)}{note}",
                          figure=f"{_number(_extreme(values, op))} {op} {_number(limit)}", data=data)


def _failed(wrong: list[tuple[Series, float]], count: int, op: str, limit: float,
            data: dict[str, Any], note: str) -> Outcome:
    """The series that miss the threshold, the first few named with their worst value."""
    shown = ", ".join(f"{s.shown()} = {_number(v)}" for s, v in wrong[:SHOWN])
    more = f" and {len(wrong) - SHOWN} more" if len(wrong) > SHOWN else ""
    worst = _extreme([v for _, v in wrong], op)
    return Outcome.failed(f"{len(wrong)} of {plural(count, 'series')} not {op} {_number(limit)}: "
                          f"{shown}{more}{note}",
                          figure=f"{_number(worst)}, not {op} {_number(limit)}", data=data)


def _worst(samples: tuple[tuple[float, float], ...], op: str, limit: float) -> float | None:
    """The sample value furthest from meeting the threshold; None when every one meets it."""
    wrong = [v for _, v in samples if not OPS[op](v, limit)]
    return _extreme(wrong, op) if wrong else None


def _extreme(values: list[float], op: str) -> float:
    if any(math.isnan(v) for v in values):
        return math.nan
    if op in ("<", "<="):
        return max(values)
    return min(values) if op in (">", ">=") else values[0]


def _number(value: float) -> str:
    shown = json_number(value)
    return shown if isinstance(shown, str) else f"{shown:.6g}"


def _warnings(result: QueryResult) -> str:
    if not result.warnings:
        return ""
    return f" (the server warns: {'; '.join(result.warnings)})"


def _data(params: dict[str, Any], result: QueryResult) -> dict[str, Any]:
    return {
        "endpoint": params["endpoint"], "query": params["query"], "range": params.get("range"),
        "op": params.get("op"), "value": params.get("value"), "absent": params.get("absent", False),
        "result_type": result.result_type, "series_count": len(result.series),
        "series": [_row(s, result.result_type) for s in result.series[:KEPT]],
        "warnings": list(result.warnings), "source": result.source,
    }


def _row(series: Series, result_type: str) -> dict[str, Any]:
    values = [v for _, v in series.samples]
    if result_type != "matrix":
        return {"labels": series.labels, "value": json_number(values[0])}
    finite = [v for v in values if not math.isnan(v)] or values
    return {"labels": series.labels, "samples": len(values), "min": json_number(min(finite)),
            "max": json_number(max(finite)), "last": json_number(values[-1])}
