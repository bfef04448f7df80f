"""The compliance report's view by control: each audit control a rule names, with the verdict
of every rule evidencing it (docs/controls.md)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from clearance.reporters import render

FIXTURE = Path(__file__).parent / "fixtures" / "results-all-verdicts.json"


def mapped() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    doc = json.loads(FIXTURE.read_text("utf-8"))
    doc = copy.deepcopy(doc)
    in_stage = [r for r in doc["rules"] if r["in_stage"]]
    first, second = in_stage[0], in_stage[1]
    first["controls"] = ["SOC2:CC8.1", "ISO27001:A.8.32"]
    second["controls"] = ["ISO27001:A.8.32"]
    return doc, [first, second]


def test_markdown_lists_each_control_with_its_rules_and_verdicts() -> None:
    doc, (first, second) = mapped()
    text = render("markdown", doc, {})
    rows = [line for line in text.splitlines() if line.startswith(("| ISO27001:", "| SOC2:"))]
    assert [row.split(" | ")[0] for row in rows] == ["| ISO27001:A.8.32", "| SOC2:CC8.1"]
    assert f"`{first['id']}` {first['verdict']}" in rows[0] and f"`{second['id']}` {second['verdict']}" in rows[0]
    assert f"`{second['id']}`" not in rows[1]
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert any(t.type == "table_open" for t in tokens)


def test_html_has_the_section_and_a_contents_entry_only_when_a_rule_names_a_control() -> None:
    doc, (first, _) = mapped()
    page = render("html", doc, {})
    assert '<section id="controls"' in page and 'href="#controls"' in page
    assert f"<code>{first['id']}</code> {first['verdict']}" in page
    plain = render("html", json.loads(FIXTURE.read_text("utf-8")), {})
    assert '<section id="controls"' not in plain and 'href="#controls"' not in plain
