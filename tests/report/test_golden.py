"""The Markdown and HTML reports of the all-verdicts document, byte for byte.

Refresh the golden files after an intended change with
`CLEARANCE_REGOLD=1 .venv/bin/python -m pytest tests/report/test_golden.py`
and review the diff (see README.md here).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from clearance.policy.schema import load_schema
from clearance.reporters import render

GOLDEN = Path(__file__).parent / "golden"
# Read at import: the suite's autouse fixture clears CLEARANCE_* variables before each test.
REGOLD = os.environ.get("CLEARANCE_REGOLD") == "1"


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
    text = render(fmt, doc, {})
    golden = GOLDEN / name
    if REGOLD:
        golden.write_text(text, encoding="utf-8", newline="\n")
    expected = golden.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the golden file; see tests/report/README.md"


def test_rendering_twice_gives_the_same_bytes(doc: dict[str, Any]) -> None:
    copy = json.loads(json.dumps(doc))
    for fmt in ("markdown", "html"):
        assert render(fmt, doc, {}) == render(fmt, copy, {})
