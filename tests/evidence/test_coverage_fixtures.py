"""The checked-in reports written by real tools (c8, JaCoCo) against the figures
recorded in each fixture's README."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.coverage import read_report
from clearance.evidence.coverage.model import CoverageData

REPORTS = Path(__file__).parent.parent / "fixtures" / "reports"
JS_SOURCES = ("src/discount.js", "src/shipping.js")
JAVA = "src/main/java/com/example/shop/"


def evidence_at(root: Path, **inputs: object) -> Evidence:
    return Evidence(RunSpec(root=root, stage="pr"), inputs)


@pytest.fixture
def js_root(tmp_path: Path) -> Path:
    """The fixtures in a repository that also holds the JavaScript sources they measured."""
    root = tmp_path / "repo"
    shutil.copytree(REPORTS, root / "reports")
    for rel in JS_SOURCES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("// source\n")
    return root


def read(root: Path, rel: str, **inputs: object) -> CoverageData:
    return read_report(evidence_at(root, **inputs), rel)


def test_lcov_totals_and_lines_match_the_readme(js_root: Path) -> None:
    data = read(js_root, "reports/lcov/lcov.info")
    totals = data.totals
    assert (totals.statements, totals.covered, totals.branches, totals.covered_branches) == (25, 19, 6, 4)
    assert totals.line_percent == pytest.approx(76.0)
    assert totals.branch_percent == pytest.approx(400 / 6)
    discount, shipping = data.files["src/discount.js"], data.files["src/shipping.js"]
    assert discount.missing_lines == [7, 8]
    assert shipping.missing_lines == [7, 10, 11, 12]
    assert discount.line_branches[6] == (1, 0)
    assert shipping.line_branches[7] == (1, 0)


def test_lcov_records_of_one_file_merge_as_lcov_merges_them(js_root: Path) -> None:
    data = read(js_root, "reports/lcov/lcov-merged.info")
    totals = data.totals
    assert (totals.covered, totals.statements) == (21, 25)
    assert (totals.covered_branches, totals.branches) == (4, 7)
    discount = data.files["src/discount.js"].numbers
    shipping = data.files["src/shipping.js"].numbers
    assert (discount.covered, discount.statements, discount.branches) == (11, 11, 4)
    assert (shipping.covered, shipping.statements) == (10, 14)


def test_istanbul_summary_counts_with_absolute_keys_mapped(js_root: Path) -> None:
    data = read(js_root, "reports/istanbul/coverage-summary.json")
    assert sorted(data.files) == sorted(JS_SOURCES)
    totals = data.totals
    assert (totals.statements, totals.covered, totals.branches, totals.covered_branches) == (25, 19, 6, 4)
    discount = data.files["src/discount.js"].numbers
    assert (discount.statements, discount.covered, discount.branches, discount.covered_branches) == (
        11, 9, 3, 2)
    assert not data.files["src/shipping.js"].has_lines


def test_istanbul_absolute_paths_of_another_checkout_stay_as_written(tmp_path: Path) -> None:
    shutil.copytree(REPORTS / "istanbul", tmp_path / "istanbul")
    data = read(tmp_path, "istanbul/coverage-summary.json")
    assert sorted(data.files) == ["/tmp/clearance-fixture-js/src/discount.js",
                                  "/tmp/clearance-fixture-js/src/shipping.js"]


def test_istanbul_final_lines_and_branches(js_root: Path) -> None:
    data = read(js_root, "reports/istanbul/coverage-final.json")
    totals = data.totals
    assert (totals.statements, totals.covered, totals.branches, totals.covered_branches) == (25, 19, 6, 4)
    assert data.files["src/discount.js"].missing_lines == [7, 8]
    assert data.files["src/shipping.js"].missing_lines == [7, 10, 11, 12]


def test_cobertura_from_c8_joins_the_source_folder(js_root: Path) -> None:
    data = read(js_root, "reports/cobertura-js/cobertura-js.xml")
    assert sorted(data.files) == sorted(JS_SOURCES)
    totals = data.totals
    assert (totals.statements, totals.covered, totals.branches, totals.covered_branches) == (25, 19, 6, 4)
    discount = data.files["src/discount.js"]
    assert discount.missing_lines == [7, 8]
    assert dict(discount.line_branches) == {1: (1, 1), 3: (1, 1), 6: (1, 0)}
    assert data.files["src/shipping.js"].missing_lines == [7, 10, 11, 12]


def test_the_formats_of_one_c8_run_agree_line_by_line(js_root: Path) -> None:
    reports = ["lcov/lcov.info", "istanbul/coverage-final.json", "cobertura-js/cobertura-js.xml"]
    seen = [read(js_root, f"reports/{r}") for r in reports]
    for data in seen[1:]:
        for path in JS_SOURCES:
            assert data.files[path].lines == seen[0].files[path].lines
            assert data.files[path].covered_lines == seen[0].files[path].covered_lines


def test_jacoco_counters_and_package_paths(tmp_path: Path) -> None:
    shutil.copy(REPORTS / "jacoco" / "jacoco.xml", tmp_path / "jacoco.xml")
    data = read(tmp_path, "jacoco.xml")
    totals = data.totals
    assert (totals.covered, totals.statements) == (11, 13)
    assert (totals.covered_branches, totals.branches) == (1, 2)
    price = data.files[JAVA + "Price.java"]
    assert sorted(price.lines) == [3, 5, 6, 8]
    assert price.missing_lines == [3, 8]
    assert dict(price.line_branches) == {5: (2, 1)}
    cart = data.files[JAVA + "Cart.java"]
    assert sorted(cart.lines) == [3, 7, 8, 11, 15, 16, 17, 18, 19]
    assert cart.missing_lines == []


def test_jacoco_source_roots_come_from_the_policy(tmp_path: Path) -> None:
    shutil.copy(REPORTS / "jacoco" / "jacoco.xml", tmp_path / "jacoco.xml")
    (tmp_path / "shop/src/main/java/com/example/shop").mkdir(parents=True)
    (tmp_path / "shop/src/main/java/com/example/shop/Price.java").write_text("class Price {}\n")
    data = read(tmp_path, "jacoco.xml", coverage_roots=["src/main/kotlin", "shop/src/main/java"])
    assert "shop/src/main/java/com/example/shop/Price.java" in data.files
    # Cart.java is in no root: the first root is assumed
    assert "src/main/kotlin/com/example/shop/Cart.java" in data.files


def test_every_fixture_read_is_recorded_with_its_digest(js_root: Path) -> None:
    import hashlib

    evidence = evidence_at(js_root)
    rel = "reports/cobertura-js/cobertura-js.xml"
    data = read_report(evidence, rel)
    digest = hashlib.sha256((js_root / rel).read_bytes()).hexdigest()
    assert evidence.records[rel].sha256 == digest
    assert [r.sha256 for r in data.reports] == [digest]
