"""Coverage numbers, the fail_under comparison, format detection and path mapping."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from coverage.results import display_covered, should_fail_under

from clearance.errors import EvidenceError
from clearance.evidence.coverage import sniff
from clearance.evidence.coverage.model import CoverageData, FileCoverage, Numbers, line_ranges
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.coverage.threshold import Threshold, display

TOTALS = [0.0, 0.004, 0.5, 49.5, 50.5, 61.538461, 61.55, 87.249, 87.25, 89.95, 99.4, 99.5, 99.96,
          99.999, 100.0]
MINIMUMS = [0, 50, 61.54, 61.55, 87.25, 90, 99.5, 99.95, 100]


@pytest.mark.parametrize("minimum", MINIMUMS)
def test_threshold_agrees_with_coverage_py(minimum: float) -> None:
    for total, precision in itertools.product(TOTALS, [0, 1, 2]):
        expected = should_fail_under(total, minimum, precision)
        assert Threshold(minimum, precision).below(total) == expected, (total, precision)


def test_display_agrees_with_coverage_py() -> None:
    for total, precision in itertools.product(TOTALS, [0, 1, 2]):
        assert display(total, precision) == display_covered(total, precision), (total, precision)


def test_numbers_add_and_count_as_coverage_py() -> None:
    a, b = Numbers(10, 7, 4, 1), Numbers(5, 5, 2, 2)
    total = a + b
    assert total == Numbers(15, 12, 6, 3)
    assert total.line_percent == pytest.approx(80.0)
    assert total.branch_percent == pytest.approx(50.0)
    assert total.combined_percent == pytest.approx(100 * 15 / 21)
    assert Numbers().combined_percent == 100.0


def test_reports_of_one_file_merge_without_overstating_branches() -> None:
    unit = FileCoverage("a.py", frozenset({1, 2, 3}), frozenset({1, 2}), {2: (2, 1)})
    it = FileCoverage("a.py", frozenset({1, 2, 3}), frozenset({1, 3}), {2: (2, 1)})
    merged = (CoverageData({"a.py": unit}, True) + CoverageData({"a.py": it}, True)).files["a.py"]
    assert merged.covered_lines == {1, 2, 3}
    assert merged.line_branches[2] == (2, 1)
    assert merged.line_covered(2) and not merged.line_covered(2, branch=True)


def test_line_ranges() -> None:
    assert line_ranges([12, 1, 2, 3, 7, 10, 11]) == "1-3, 7, 10-12"
    assert line_ranges([]) == ""


@pytest.mark.parametrize(("head", "fmt"), [
    (b'<?xml version="1.0" ?>\n<!DOCTYPE coverage SYSTEM "x.dtd">\n<coverage>', "cobertura"),
    (b'<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">'
     b"<report name='x'>", "jacoco"),
    (b'{"meta": {"format": 3}, "files": {}}', "coverage-json"),
    (b'{"total": {"lines": {}}}', "istanbul-summary"),
    (b'{"/src/a.js": {"path": "/src/a.js"}}', "istanbul-final"),
    (b"TN:\nSF:src/a.js\n", "lcov"),
    (b"SQLite format 3\x00rest", "coverage-sqlite"),
])
def test_format_is_detected_from_content(head: bytes, fmt: str) -> None:
    assert sniff(head, "report") == fmt


@pytest.mark.parametrize(("head", "problem"), [
    (b"", "empty"),
    (b"  \n", "empty"),
    (b"<testsuites><testsuite/></testsuites>", "root element is <testsuites>"),
    (b"hello world", "not a coverage report"),
])
def test_unknown_content_is_an_error(head: bytes, problem: str) -> None:
    with pytest.raises(EvidenceError, match=problem) as raised:
        sniff(head, "build/report.xml")
    assert raised.value.path == "build/report.xml"


def test_a_data_file_that_is_not_sqlite_says_so() -> None:
    with pytest.raises(EvidenceError, match=r"not a coverage\.py data file"):
        sniff(b"!coverage.py: This is a private format", "build/.coverage")


def test_paths_map_to_the_repository(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "src/pkg").mkdir(parents=True)
    (root / "src/pkg/mod.py").write_text("x = 1\n")
    mapper = PathMapper.at(root)
    assert mapper.repo_path(f"{root}/src/pkg/mod.py") == "src/pkg/mod.py"
    assert mapper.repo_path("src\\pkg\\mod.py") == "src/pkg/mod.py"
    assert mapper.repo_path("./src/pkg/../pkg/mod.py") == "src/pkg/mod.py"
    assert mapper.repo_path("/ci/build/checkout/src/pkg/mod.py") == "src/pkg/mod.py"
    assert mapper.repo_path("/ci/elsewhere/other.py") == "/ci/elsewhere/other.py"
    assert mapper.joined([f"{root}/src"], "pkg/mod.py") == "src/pkg/mod.py"
    assert mapper.joined(["/ci/build/checkout/src"], "pkg/mod.py") == "src/pkg/mod.py"
    assert mapper.joined([str(root)], "lib/gone.py") == "lib/gone.py"
