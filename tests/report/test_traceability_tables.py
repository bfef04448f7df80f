"""One traceability matrix per feature set, not one per spec rule (issue #14)."""

from __future__ import annotations

from typing import Any

from clearance.reporters.sections import traceability_tables


def row(file: str, line: int, result: str, cases: list[dict[str, Any]] | None = None,
        **extra: Any) -> dict[str, Any]:
    found = {"feature": "Checkout", "file": file, "line": line, "rule": None, "scenario": f"S{line}",
             "tags": [], "tests": [], "result": result, **extra}
    if cases is not None:
        found["cases"] = cases
    return found


def rule(rule_id: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": rule_id, "title": rule_id.title(), "data": {"traceability": rows}}


def test_rules_over_the_same_features_share_one_matrix_with_the_results_that_decided() -> None:
    case = {"name": "Apply a discount code - #1.2", "classname": "Checkout", "outcome": "failed",
            "report": "reports/junit.xml"}
    implemented = rule("spec.implemented", [row("f.feature", 3, "not-run"), row("f.feature", 9, "not-run")])
    passing = rule("spec.passing", [
        row("f.feature", 3, "passed", [{"name": "S3", "classname": "Checkout", "outcome": "passed",
                                       "report": "reports/junit.xml"}]),
        row("f.feature", 9, "failed", [case], runner="cucumber-js",
            examples=[{"number": "1.1", "name": "x", "line": 12, "result": "passed"},
                      {"number": "1.2", "name": "y", "line": 13, "result": "failed"}]),
    ])
    other = rule("spec.other", [row("g.feature", 1, "passed", [])])
    tables = traceability_tables([implemented, passing, other])
    assert [t["rule"] for t in tables] == ["spec.implemented, spec.passing", "spec.other"]
    first = tables[0]["rows"]
    assert [r["result"] for r in first] == ["passed", "failed"]  # the rule that read the results
    assert first[1]["cases"] == [{"name": case["name"], "outcome": "failed", "report": "reports/junit.xml",
                                  "source": "cucumber-js"}]
    assert [(e["number"], e["result"]) for e in first[1]["examples"]] == [("1.1", "passed"), ("1.2", "failed")]
    assert tables[0]["counts"].count("1 ") == 2


def test_a_scenario_without_a_name_says_so() -> None:
    tables = traceability_tables([rule("spec.passing", [row("f.feature", 36, "passed", [], scenario="",
                                                            unnamed=True)])])
    assert tables[0]["rows"][0]["scenario"] == "(no name)"
