"""`clearance report RESULTS --by-control`: each control with the rules that evidence it."""

from __future__ import annotations

import json
from pathlib import Path

from audit.stored import RUNS, results_doc


def test_markdown_and_text_list_each_control_with_its_rules(cli, tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results_doc(*RUNS[0])), "utf-8")
    markdown = cli("report", path, "--by-control")
    assert markdown.code == 0, markdown.err
    lines = markdown.out.splitlines()
    assert lines[0] == "## By control: acme/shop, pr stage, 2026-01-05T10:00:00Z"
    assert lines[4:] == [
        "| `ISO27001:A.8.25` | `code.no-conflict-markers` No merge conflict markers in changed files | pass |",
        "| `ISO27001:A.8.29` | `testing.unit-coverage` Unit tests cover at least 90% of lines | fail |",
        "| `ISO27001:A.8.32` | `release.stakeholders` Stakeholders were notified | pass |",
        "| `ISO27001:A.8.32` | `deploy.production-approval` Production deploys are approved | other stage |",
        "| `SOC2:CC8.1` | `testing.unit-coverage` Unit tests cover at least 90% of lines | fail |",
        "| `SOC2:CC8.1` | `release.stakeholders` Stakeholders were notified | pass |",
    ], markdown.out
    text = cli("report", path, "--by-control", "-f", "text").out
    assert "SOC2:CC8.1: 1 fail, 1 pass\n  fail           testing.unit-coverage" in text


def test_a_document_without_controls_says_so(cli, tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results_doc(*RUNS[0], controls=False)), "utf-8")
    assert "No rule of this policy names a control." in cli("report", path, "--by-control").out
