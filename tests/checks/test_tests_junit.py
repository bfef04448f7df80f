"""tests.junit over the checked-in pytest and vitest reports (figures from their README)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from clearance.checks import Finding, tests_junit
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports" / "junit"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "reports")
    return tmp_path


def check(root: Path, params: dict[str, Any], junit: Any = "reports/*.xml") -> Any:
    evidence = Evidence(RunSpec(root=root, stage="pr"), {"junit": junit})
    return tests_junit.run(params, evidence)


def test_failures_and_errors_fail_with_each_case_listed(root: Path) -> None:
    outcome = check(root, {})
    assert outcome.verdict == "fail"
    assert outcome.figure == "3 failed of 6"  # pytest 1 failure + 1 error, vitest 1 failure
    assert outcome.findings == (
        Finding("reports/junit-pytest.xml",
                message="test_sample::test_subtraction_fails failed: assert (5 - 3) == 1"),
        Finding("reports/junit-pytest.xml", message="test_sample::test_uses_broken_fixture errored: "
                'failed on setup with "RuntimeError: database unavailable"'),
        Finding("reports/junit-vitest.xml", message="test/auth.test.js::auth > Rejected sign in failed: "
                "expected false to be true // Object.is equality"),
    )
    assert outcome.data["junit"] == {"tests": 6, "passed": 2, "failed": 2, "errors": 1, "skipped": 1,
                                     "reports": ["reports/junit-pytest.xml", "reports/junit-vitest.xml"]}


def test_reports_parameter_overrides_inputs(root: Path) -> None:
    outcome = check(root, {"reports": "reports/junit-vitest.xml"})
    assert outcome.figure == "1 failed of 2"
    assert outcome.data["junit"]["tests"] == 2


def test_allow_failures_passes_and_still_lists_them(root: Path) -> None:
    outcome = check(root, {"allow_failures": True, "reports": ["reports/junit-pytest.xml"]})
    assert outcome.verdict == "pass"
    assert outcome.figure == "2 failed of 4"
    assert len(outcome.findings) == 2


@pytest.mark.parametrize(("params", "verdict", "figure"), [
    ({"allow_failures": True, "min_tests": 5}, "fail", "4 < 5 tests"),
    ({"allow_failures": True, "min_tests": 4}, "pass", "2 failed of 4"),
    ({"allow_failures": True, "max_skipped": 0}, "fail", "1 skipped > 0"),
    ({"allow_failures": True, "max_skipped": 1}, "pass", "2 failed of 4"),
    ({"min_tests": 10, "max_skipped": 0}, "fail", "2 failed of 4"),
])
def test_min_tests_and_max_skipped(root: Path, params: dict[str, Any], verdict: str, figure: str) -> None:
    outcome = check(root, {"reports": "reports/junit-pytest.xml", **params})
    assert (outcome.verdict, outcome.figure) == (verdict, figure)


def test_every_reason_is_in_the_message(root: Path) -> None:
    outcome = check(root, {"reports": "reports/junit-pytest.xml", "min_tests": 10, "max_skipped": 0})
    assert "2 tests failed or errored" in outcome.message
    assert "4 tests, fewer than 10" in outcome.message
    assert "1 skipped, more than 0" in outcome.message


def test_all_passing(tmp_path: Path) -> None:
    (tmp_path / "ok.xml").write_text('<testsuite name="s"><testcase name="a" file="t/a.py" line="3"/>'
                                     '<testcase name="b"/></testsuite>', encoding="utf-8")
    outcome = check(tmp_path, {"min_tests": 2}, junit="ok.xml")
    assert (outcome.verdict, outcome.figure, outcome.findings) == ("pass", "0 failed of 2", ())


def test_failing_case_with_a_location_is_reported_there(tmp_path: Path) -> None:
    (tmp_path / "r.xml").write_text('<testsuite name="s"><testcase name="a" classname="c" file="t/a.py" '
                                    'line="3"><failure>boom\nmore</failure></testcase></testsuite>',
                                    encoding="utf-8")
    outcome = check(tmp_path, {}, junit="r.xml")
    assert outcome.findings == (Finding("t/a.py", 3, message="c::a failed: boom"),)


def test_many_failures_are_capped(tmp_path: Path) -> None:
    cases = "".join(f'<testcase name="t{n}"><failure message="m"/></testcase>' for n in range(250))
    (tmp_path / "r.xml").write_text(f"<testsuite>{cases}</testsuite>", encoding="utf-8")
    outcome = check(tmp_path, {}, junit="r.xml")
    assert outcome.figure == "250 failed of 250"
    assert len(outcome.findings) == tests_junit.MAX_FINDINGS + 1
    assert outcome.findings[-1].message == "and 50 more failing tests"


def test_missing_report_is_an_evidence_error(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no JUnit report matches"):
        check(tmp_path, {})
