"""The Markdown and HTML reports of the all-verdicts document, byte for byte.

A mismatch leaves the rendered report in tests/report/actual/ and fails; refresh
the golden files from there with tests/regold.py and review the diff (README.md).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from clearance.policy.schema import load_schema
from clearance.reporters import render
from regold import compare, main

GOLDEN = Path(__file__).parent / "golden"


def test_fixture_is_a_valid_results_document(doc: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(load_schema("results-v1.json")).validate(doc)


def test_fixture_holds_every_case(doc: dict[str, Any]) -> None:
    rules = doc["rules"]
    in_stage = Counter(r["verdict"] for r in rules if r["in_stage"])
    assert set(in_stage) == {"pass", "fail", "waived", "not-applicable", "pending", "error"}
    assert doc["summary"]["counts"] == {v: in_stage.get(v, 0) for v in doc["summary"]["counts"]}
    assert any(not r["in_stage"] for r in rules)
    waivers = [r["waiver"] for r in rules if r["waiver"]]
    assert any(w["applied"] and not w["self_granted"] for w in waivers)
    assert any(w["expired"] and not w["applied"] for w in waivers)
    assert any(w["self_granted"] for w in waivers)
    assert any(r["attestation"] for r in rules)
    assert any("traceability" in r["data"] for r in rules)
    assert any("coverage" in r["data"] for r in rules)
    assert any("checklist" in r["data"] for r in rules)


def test_fixture_is_written_as_clearance_writes_json(doc: dict[str, Any], doc_path: Path) -> None:
    """So that `sha256sum` of the fixture equals the digest its reports print."""
    assert render("json", doc, {}) == doc_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt, name", [("markdown", "report.md"), ("html", "report.html")])
def test_report_matches_golden(doc: dict[str, Any], fmt: str, name: str) -> None:
    compare(render(fmt, doc, {}), GOLDEN / name)


def test_rendering_twice_gives_the_same_bytes(doc: dict[str, Any]) -> None:
    copy = json.loads(json.dumps(doc))
    for fmt in ("markdown", "html"):
        assert render(fmt, doc, {}) == render(fmt, copy, {})


def test_a_mismatch_keeps_the_output_in_actual_and_fails_without_touching_the_gold(tmp_path: Path) -> None:
    gold = tmp_path / "golden" / "report.md"
    gold.parent.mkdir()
    gold.write_text("old\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"report\.md differs"):
        compare("new\n", gold)
    assert gold.read_text(encoding="utf-8") == "old\n"
    assert (tmp_path / "actual" / "report.md").read_text(encoding="utf-8") == "new\n"
    compare("old\n", gold)  # a later match removes the stale copy
    assert list((tmp_path / "actual").iterdir()) == []


def test_a_missing_golden_file_fails(tmp_path: Path) -> None:
    (tmp_path / "golden").mkdir()
    with pytest.raises(AssertionError, match="missing"):
        compare("text\n", tmp_path / "golden" / "new.txt")
    assert not (tmp_path / "golden" / "new.txt").exists()


def test_regold_copies_actual_over_golden_and_empties_actual(tmp_path: Path) -> None:
    gold = tmp_path / "golden" / "report.md"
    gold.parent.mkdir()
    gold.write_text("old\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        compare("new\n", gold)
    assert main([str(tmp_path / "actual")]) == 0
    assert gold.read_text(encoding="utf-8") == "new\n"
    assert not (tmp_path / "actual").exists()
    compare("new\n", gold)
