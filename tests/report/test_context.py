"""The report context: checklist order and groups, what needs attention, figures, and
tolerance of rule data it does not know."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from clearance.reporters import render
from clearance.reporters.context import OTHER_GROUP, build_context, split_checklist
from clearance.reporters.sections import coverage_tables, percent, pr_checklist


def test_split_checklist() -> None:
    assert split_checklist("Step 1: Pre-Deployment Validation \u203a Testing \u203a All unit tests passing "
                           "(90%+ coverage)") == ("Step 1: Pre-Deployment Validation \u203a Testing",
                                                  "All unit tests passing (90%+ coverage)")
    assert split_checklist("Step 1\u203aDocs\u203a  Updated ") == ("Step 1 \u203a Docs", "Updated")
    assert split_checklist("Just an item") == ("", "Just an item")
    assert split_checklist("") == ("", "")


def test_groups_keep_the_source_order_and_other_rules_come_last(doc: dict[str, Any]) -> None:
    """The stage's rules by checklist section; the rules of other stages apart, in one list."""
    context = build_context(doc)
    groups = context["groups"]
    assert [g["name"] for g in groups] == [
        "Step 1: Pre-Deployment Validation \u203a Testing",
        "Step 1: Pre-Deployment Validation \u203a Specification",
        "Step 1: Pre-Deployment Validation \u203a Security",
        "Step 2: Pull Request \u203a PR description",
        "Step 2: Pull Request",
        "Step 2: Pull Request \u203a Sign-off",
        OTHER_GROUP,
    ]
    ids = [r["id"] for g in groups for r in g["items"]]
    assert sorted(ids) == sorted(r["id"] for r in doc["rules"] if r["in_stage"])
    assert [r["id"] for r in context["other_stages"]] == [r["id"] for r in doc["rules"] if not r["in_stage"]]
    assert context["other_stages"] and all(r["verdict"] == "other-stage" for r in context["other_stages"])
    assert groups[0]["counts"] == "1 fail, 1 pass, 1 waived"
    assert [r["id"] for r in groups[-1]["items"]] == ["code.no-conflict-markers", "git.conventional-commits"]


def test_an_interleaved_group_stays_together_at_its_first_place(doc: dict[str, Any]) -> None:
    moved = next(r for r in doc["rules"] if r["id"] == "security.sarif")  # alone in its section
    moved["checklist"] = doc["rules"][0]["checklist"]  # it joins Testing
    groups = build_context(doc)["groups"]
    assert groups[0]["items"][-1]["id"] == "security.sarif"
    assert "Step 1: Pre-Deployment Validation \u203a Security" not in [g["name"] for g in groups]


def test_attention_lists_blocking_rules_first_then_by_verdict(doc: dict[str, Any]) -> None:
    attention = build_context(doc)["attention"]
    assert [(r["id"], r["verdict"], r["blocking"]) for r in attention] == [
        ("testing.unit-coverage", "fail", True),
        ("spec.scenarios-passing", "fail", True),
        ("security.sarif", "error", True),
        ("release.qa-signoff", "pending", True),
        ("pr.checklist", "fail", False),
    ]


def test_waivers_say_what_became_of_them(doc: dict[str, Any]) -> None:
    waivers = {r["id"]: r["waiver"] for r in build_context(doc)["waivers"]}
    assert waivers["testing.patch-coverage"]["status"] == "applied"
    assert waivers["testing.patch-coverage"]["notes"] == []
    assert waivers["security.sarif"]["status"] == "expired on 2025-12-31: not applied"
    assert waivers["docs.with-code"]["notes"] == ["self-granted: added by the change under evaluation"]
    record = copy.deepcopy(doc["rules"][7])
    record["waiver"].update(applied=False, refused=True)
    record["waiver"]["expires"] = None
    record["id"] = "x.refused"
    doc["rules"].append(record)
    waiver = build_context(doc)["waivers"][-1]["waiver"]
    assert waiver["status"].startswith("refused") and waiver["expires"] == "no expiry"


def test_anchors_are_unique_and_plain(doc: dict[str, Any]) -> None:
    for rule_id in ("Testing.Unit-Coverage", "testing.unit-coverage"):
        doc["rules"].append({**doc["rules"][0], "id": rule_id})
    anchors = [r["anchor"] for g in build_context(doc)["groups"] for r in g["items"]]
    assert len(set(anchors)) == len(anchors)
    assert {"rule-testing.unit-coverage", "rule-testing.unit-coverage-2",
            "rule-testing.unit-coverage-3"} <= set(anchors)


def test_the_context_is_built_once_per_document(doc: dict[str, Any]) -> None:
    first = build_context(doc)
    assert build_context(copy.deepcopy(doc)) is first
    doc["run"]["branch"] = "other"
    assert build_context(doc) is not first


@pytest.mark.parametrize("value, shown", [
    (87.44, "87.4%"), (99.96, "99.9%"), (100.0, "100.0%"), (0, "0.0%"), (None, "\u2014"),
    ("90", "\u2014"), (True, "\u2014"),
])
def test_percent(value: Any, shown: str) -> None:
    assert percent(value) == shown


def test_suites_read_by_several_rules_show_once(doc: dict[str, Any]) -> None:
    twin = copy.deepcopy(doc["rules"][0])
    twin["id"] = "testing.unit-branches"
    twin["data"]["coverage"].update(metric="branch", min=70)
    tables = coverage_tables([doc["rules"][0], twin, doc["rules"][2]])
    assert len(tables["suites"]) == 1 and len(tables["patches"]) == 1
    assert [(c["rule"], c["metric"], c["min"]) for c in tables["suites"][0]["checks"]] == [
        ("testing.unit-coverage", "line", "90%"), ("testing.unit-branches", "branch", "70%")]
    total = tables["suites"][0]["totals"]
    assert (total["statements"], total["missing"], total["line"], total["branch"]) == ("100", "13", "87.0%", "72.7%")


def test_pr_checklist_items_in_any_known_shape() -> None:
    items = pr_checklist({"items": ["plain", {"text": "a", "checked": True}, {"text": "b", "state": "unchecked",
                                                                             "line": 3, "required": True}, 7]})
    assert [(i["text"], i["mark"], i["detail"]) for i in items] == [
        ("plain", "[?]", ""), ("a", "[x]", ""), ("b", "[ ]", "required; line 3")]


GARBAGE: list[Any] = [
    {"coverage": "x", "traceability": "x", "checklist": "x", "junit": "x"},
    {"coverage": {"totals": 5, "files": "no", "inputs": 3}, "traceability": [1, None, {"tests": "x"}]},
    {"coverage": {"totals": {"percent": "x"}, "files": [1, {"path": None, "statements": "3"}]}},
    {"coverage": {"measured": "x", "files": [{"path": 1}], "uncovered": [None, {"line": "x"}]}},
    {"traceability": [{"scenario": None, "tags": "x", "tests": [{"file": 1, "line": None}],
                       "cases": "x", "result": "weird"}], "junit": {"tests": 3}},
    {"checklist": [None, {"state": "odd"}], "checklist_truncated": 4},
]


@pytest.mark.parametrize("data", GARBAGE)
def test_unknown_data_shapes_still_render(doc: dict[str, Any], data: dict[str, Any]) -> None:
    doc["rules"][0]["data"] = data
    for fmt in ("markdown", "html"):
        assert "Compliance report" in render(fmt, doc, {})
