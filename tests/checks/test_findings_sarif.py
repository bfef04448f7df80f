"""findings.sarif over ruff's checked-in logs (figures from their README) and hand-written logs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clearance.checks import Finding, findings_sarif
from clearance.evidence.context import Evidence, RunSpec

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports" / "sarif"


def check(root: Path, params: dict[str, Any], sarif: Any = "out/*.sarif") -> Any:
    return findings_sarif.run(params, Evidence(RunSpec(root=root, stage="pr"), {"sarif": sarif}))


@pytest.fixture
def ruff_root(tmp_path: Path) -> Path:
    """The ruff fixtures, their paths moved under this repository's `src/`."""
    (tmp_path / "out").mkdir()
    for name in ("ruff.sarif", "ruff-clean.sarif"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        text = text.replace("file:///tmp/clearance-fixture-sarif/", (tmp_path / "src").as_uri() + "/")
        (tmp_path / "out" / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_ruff_errors_fail_at_their_lines(ruff_root: Path) -> None:
    outcome = check(ruff_root, {}, sarif={"lint": "out/ruff.sarif", "clean": "out/ruff-clean.sarif"})
    assert outcome.verdict == "fail"
    assert outcome.figure == "3 results at level >= error"
    assert outcome.findings == (
        Finding("src/messy.py", 1, 8, "[F401] `os` imported but unused"),
        Finding("src/messy.py", 2, 8, "[F401] `sys` imported but unused"),
        Finding("src/messy.py", 7, 12, "[F821] Undefined name `undefined_name`"),
    )
    assert outcome.data["sarif"]["by_rule"] == {"F401": 2, "F821": 1}
    assert outcome.data["sarif"]["reports"] == ["out/ruff-clean.sarif", "out/ruff.sarif"]


def test_tool_from_the_inputs_mapping(ruff_root: Path) -> None:
    inputs = {"lint": "out/ruff.sarif", "clean": "out/ruff-clean.sarif"}
    assert check(ruff_root, {"tool": "clean"}, sarif=inputs).figure == "0 results at level >= error"
    assert check(ruff_root, {"tool": "clean"}, sarif=inputs).verdict == "pass"
    assert check(ruff_root, {"tool": "lint"}, sarif=inputs).verdict == "fail"


def test_rules_filter(ruff_root: Path) -> None:
    outcome = check(ruff_root, {"reports": "out/ruff.sarif", "rules": ["F821"]})
    assert outcome.figure == "1 result at level >= error"
    assert [f.line for f in outcome.findings] == [7]
    assert check(ruff_root, {"reports": "out/ruff.sarif", "rules": ["E501"]}).verdict == "pass"


def graded_log(root: Path) -> None:
    results = [{"ruleId": f"R-{level}", "level": level, "message": {"text": level},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.py"},
                                                    "region": {"startLine": n + 1}}}]}
               for n, level in enumerate(["error", "warning", "warning", "note", "none"])]
    results.append({"ruleId": "R-pass", "kind": "pass", "message": {"text": "fine"}})
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "grader"}}, "results": results}]}
    (root / "out").mkdir()
    (root / "out" / "g.sarif").write_text(json.dumps(log), encoding="utf-8")


@pytest.mark.parametrize(("level", "count"), [("error", 1), ("warning", 3), ("note", 4)])
def test_level_threshold(tmp_path: Path, level: str, count: int) -> None:
    graded_log(tmp_path)
    params = {} if level == "error" else {"level": level}
    outcome = check(tmp_path, params)
    assert outcome.figure == f"{count} result{'s' if count > 1 else ''} at level >= {level}"
    assert len(outcome.findings) == count
    assert outcome.data["sarif"]["results"] == 6


def test_results_without_location_point_at_the_log(tmp_path: Path) -> None:
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}},
                                         "results": [{"ruleId": "X", "level": "error",
                                                      "message": {"text": "whole project"}}]}]}
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "t.sarif").write_text(json.dumps(log), encoding="utf-8")
    assert check(tmp_path, {}).findings == (Finding("out/t.sarif", None, None, "[X] whole project"),)


def test_reports_and_tool_together_are_a_policy_problem() -> None:
    assert findings_sarif.problems({"reports": "a", "tool": "b"}) == [
        (("tool",), "give either `reports` or `tool`, not both")]
    assert findings_sarif.problems({"tool": "b"}) == []


def test_suppressed_results_do_not_count(tmp_path: Path) -> None:
    results = [{"ruleId": "S1", "level": "error", "message": {"text": "waved off"},
                "suppressions": [{"kind": "inSource", "justification": "test data"}]},
               {"ruleId": "S2", "level": "error", "message": {"text": "still open"},
                "suppressions": [{"kind": "external", "status": "underReview"}]}]
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "semgrep"}}, "results": results}]}
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "s.sarif").write_text(json.dumps(log), encoding="utf-8")
    outcome = check(tmp_path, {})
    assert [f.message for f in outcome.findings] == ["[S2] still open"]
    assert outcome.data["sarif"]["suppressed"] == 1
