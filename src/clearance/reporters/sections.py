"""Report sections built from rules' structured `data`: coverage, traceability, PR checklist.

Check kinds write this data and may add keys over time, so every reader here
takes what it finds and skips what it does not recognise rather than fail:
a report must render for any valid results document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

NO_VALUE = "\u2014"  # —
RESULTS: dict[str, tuple[str, str]] = {
    "passed": ("\u2713", "passed"),
    "failed": ("\u2717", "failed"),
    "not-run": ("\u25cb", "not run"),
    "not-implemented": ("\u2717", "not implemented"),
    "excluded": ("\u2013", "excluded"),
}
# PR task-item state -> its mark in the report
STATES = {"checked": "[x]", "unchecked": "[ ]", "not-applicable": "[~]", "unknown": "[?]"}


def percent(value: Any) -> str:
    """`87.4%`; never rounds up to 100.0% what is short of it."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return NO_VALUE
    shown = f"{value:.1f}"
    if shown == "100.0" and value < 100:
        shown = "99.9"
    return f"{shown}%"


def count(value: Any) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else NO_VALUE


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _where(item: Mapping[str, Any], file_key: str = "file") -> str:
    where = _text(item.get(file_key))
    line = item.get("line")
    return f"{where}:{line}" if isinstance(line, int) and where else where


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _data(rules: Iterable[Mapping[str, Any]], key: str) -> Iterable[tuple[Mapping[str, Any], Any]]:
    for rule in rules:
        data = rule.get("data")
        if isinstance(data, Mapping) and key in data:
            yield rule, data[key]


# -- coverage ---------------------------------------------------------------------------------

def coverage_tables(rules: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """One table per suite measured (shared by the rules that read it) and one per patch check."""
    suites: dict[str, dict[str, Any]] = {}
    patches: list[dict[str, Any]] = []
    for rule, cov in _data(rules, "coverage"):
        if not isinstance(cov, Mapping):
            continue
        if "totals" in cov:
            key = json.dumps([cov.get("suite"), cov.get("inputs"), cov.get("totals")], sort_keys=True,
                             default=str)
            table = suites.setdefault(key, _suite(cov))
            table["checks"].append(_threshold(rule["id"], cov))
        elif "measured" in cov:
            patches.append(_patch(rule["id"], cov))
    return {"suites": list(suites.values()), "patches": patches}


def _suite(cov: Mapping[str, Any]) -> dict[str, Any]:
    totals = cov["totals"] if isinstance(cov["totals"], Mapping) else {}
    files = _dicts(cov.get("files"))
    branches = bool(cov.get("branch_measured")) or any(
        isinstance(r.get("branches"), int) and r["branches"] > 0 for r in [totals, *files])
    inputs = cov.get("inputs")
    return {
        "suite": _text(cov.get("suite")) or "(unnamed)", "branches": branches,
        "inputs": [_text(i) for i in inputs] if isinstance(inputs, list) else [],
        "checks": [], "totals": _numbers("Total", totals),
        "files": [_numbers(_text(f.get("path")), f) for f in files],
    }


def _numbers(name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    raw = row.get("percent")
    pct: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    statements, covered = row.get("statements"), row.get("covered")
    missing = statements - covered if isinstance(statements, int) and isinstance(covered, int) else None
    return {
        "name": name, "statements": count(statements), "covered": count(covered),
        "missing": count(missing), "branches": count(row.get("branches")),
        "covered_branches": count(row.get("covered_branches")),
        "line": percent(pct.get("line")), "branch": percent(pct.get("branch")),
        "combined": percent(pct.get("combined")),
        "missing_lines": _text(row.get("missing_lines")),
    }


def _threshold(rule_id: str, cov: Mapping[str, Any]) -> dict[str, str]:
    minimum = cov.get("min")
    shown = f"{minimum:g}%" if isinstance(minimum, (int, float)) else NO_VALUE
    return {"rule": rule_id, "metric": _text(cov.get("metric")) or "line",
            "scope": _text(cov.get("scope")) or "total", "min": shown}


def _patch(rule_id: str, cov: Mapping[str, Any]) -> dict[str, Any]:
    files = [{"path": _text(f.get("path")), "measured": count(f.get("measured")),
              "covered": count(f.get("covered")),
              "percent": _ratio(f.get("covered"), f.get("measured"))}
             for f in _dicts(cov.get("files"))]
    uncovered = [{"where": _where(u), "reason": _text(u.get("reason"))}
                 for u in _dicts(cov.get("uncovered"))]
    return {"rule": rule_id, "suite": _text(cov.get("suite")) or "(unnamed)",
            "mode": _text(cov.get("mode")) or "percent", "branch": bool(cov.get("branch")),
            "measured": count(cov.get("measured")), "covered": count(cov.get("covered")),
            "percent": percent(cov.get("percent")), "files": files, "uncovered": uncovered}


def _ratio(covered: Any, measured: Any) -> str:
    if isinstance(covered, int) and isinstance(measured, int) and measured > 0:
        return percent(100.0 * covered / measured)
    return NO_VALUE


# -- traceability -----------------------------------------------------------------------------

def traceability_tables(rules: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One scenario matrix per feature set, whichever spec rules traced it.

    Rules that traced the same scenarios share a table; a row shows the
    result of the first rule that read the runner's results (a row with
    `cases`), else the first rule's, with the runner evidence that decided it.
    """
    tables: dict[tuple[str, ...], dict[str, Any]] = {}
    for rule, rows in _data(rules, "traceability"):
        shaped = [_scenario(row) for row in _dicts(rows)]
        key = tuple(row["where"] for row in shaped)
        table = tables.get(key)
        if table is None:
            tables[key] = {"rules": [rule["id"]], "titles": [_text(rule.get("title"))], "rows": shaped}
            continue
        table["rules"].append(rule["id"])
        table["titles"].append(_text(rule.get("title")))
        table["rows"] = [new if new["consulted"] and not old["consulted"] else old
                         for old, new in zip(table["rows"], shaped, strict=True)]
    return [_table(table) for table in tables.values()]


def _table(table: dict[str, Any]) -> dict[str, Any]:
    tallies: dict[str, int] = {}
    for row in table["rows"]:
        tallies[row["label"]] = tallies.get(row["label"], 0) + 1
    return {"rule": ", ".join(table["rules"]), "title": "; ".join(t for t in table["titles"] if t),
            "rows": table["rows"], "counts": ", ".join(f"{n} {label}" for label, n in tallies.items())}


def _scenario(row: Mapping[str, Any]) -> dict[str, Any]:
    result = _text(row.get("result"))
    symbol, label = RESULTS.get(result, ("?", result or "unknown"))
    result = result if result in RESULTS else "unknown"
    tags = row.get("tags")
    runner = _text(row.get("runner")) or "JUnit"
    return {
        "feature": _text(row.get("feature")), "where": _where(row), "rule": _text(row.get("rule")),
        "scenario": _text(row.get("scenario")) or ("(no name)" if row.get("unnamed") else ""),
        "tags": " ".join(_text(t) for t in tags) if isinstance(tags, list) else "",
        "tests": [{"where": _where(t), "name": _text(t.get("name"))} for t in _dicts(row.get("tests"))],
        "cases": [{"name": _text(c.get("name")), "outcome": _text(c.get("outcome")),
                   "report": _text(c.get("report")), "source": runner}
                  for c in _dicts(row.get("cases"))],
        "examples": [{"number": _text(e.get("number")), "name": _text(e.get("name")),
                      "result": _text(e.get("result"))} for e in _dicts(row.get("examples"))],
        "result": result, "symbol": symbol, "label": label, "consulted": "cases" in row,
    }


# -- PR checklist -----------------------------------------------------------------------------

def pr_checklist(value: Any) -> list[dict[str, Any]]:
    """Task-list items of the PR body a rule looked at: text, state, where, required or not."""
    if isinstance(value, Mapping):
        value = value.get("items")
    items = []
    for raw in value if isinstance(value, list) else []:
        if isinstance(raw, str):
            raw = {"text": raw}
        if not isinstance(raw, Mapping):
            continue
        state, line, section = _state(raw), raw.get("line"), _text(raw.get("section"))
        detail = ["required"] if raw.get("required") else []
        detail += ["not applicable"] if state == "not-applicable" else []
        detail += [f"section {section}"] if section else []
        detail += [f"line {line}"] if isinstance(line, int) else []
        items.append({"text": _text(raw.get("text")), "state": state, "mark": STATES[state],
                      "detail": "; ".join(detail)})
    return items


def _state(item: Mapping[str, Any]) -> str:
    state = item.get("state")
    if state in STATES:
        return str(state)
    ticked = item.get("checked")
    return "unknown" if not isinstance(ticked, bool) else ("checked" if ticked else "unchecked")
