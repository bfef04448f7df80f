"""coverage.py's three outputs (XML, JSON, the .coverage data file), written by
the real coverage.py, read back: the totals are what `coverage report` prints."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest

from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.coverage import read_report
from clearance.evidence.coverage.model import CoverageData
from clearance.evidence.coverage.threshold import display
from coverage_helpers import Total, coverage, measure, report_total, write_package

OUTPUTS = ("coverage.xml", "coverage.json", ".coverage")
MODES = {"branch": "branch", "line": "line"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package measured twice: branch mode in branch/, line mode in line/."""
    root = tmp_path_factory.mktemp("project")
    write_package(root)
    for mode in MODES:
        (root / mode).mkdir()
        measure(root, branch=mode == "branch", out=mode)
    return root


@cache
def printed_total(root: Path, mode: str, *args: str) -> Total:
    return report_total(root, *args, out=mode)


def read(root: Path, rel: str) -> CoverageData:
    return read_report(Evidence(RunSpec(root=root, stage="pr"), {}), rel)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("mode", MODES)
def test_totals_equal_coverage_report(project: Path, mode: str, output: str) -> None:
    data = read(project, f"{mode}/{output}")
    totals = data.totals
    printed = printed_total(project, mode)
    assert totals.statements == printed.statements
    assert totals.statements - totals.covered == printed.missing
    assert (totals.branches if mode == "branch" else None) == printed.branches
    assert data.default_metric == ("combined" if mode == "branch" else "line")
    percent = totals.percent(data.default_metric)
    assert display(percent, 0) == printed.percent
    assert display(percent, 2) == printed_total(project, mode, "--precision=2").percent


@pytest.mark.parametrize("output", OUTPUTS)
def test_per_file_rows_equal_coverage_report(project: Path, output: str) -> None:
    data = read(project, f"branch/{output}")
    assert sorted(data.files) == ["shop/__init__.py", "shop/cart.py", "shop/price.py"]
    for row in _report_rows(project, "branch"):
        numbers = data.files[row["name"]].numbers
        assert (numbers.statements, numbers.statements - numbers.covered, numbers.branches) == (
            row["stmts"], row["miss"], row["branch"])
        assert data.files[row["name"]].missing_lines == row["missing"]


def test_exclusions_from_the_repository_config_apply_to_the_data_file(project: Path) -> None:
    # .coveragerc excludes `def __repr__`; the pragma excludes debug_repr: neither counts
    data = read(project, "branch/.coverage")
    price = data.files["shop/price.py"]
    source = (project / "shop/price.py").read_text().splitlines()
    excluded = {n for n, text in enumerate(source, 1) if "__repr__" in text or "debug_repr" in text}
    assert excluded and not excluded & price.lines


@pytest.mark.parametrize("output", OUTPUTS)
def test_reports_measured_in_another_checkout_map_to_repository_paths(
        project: Path, tmp_path: Path, output: str) -> None:
    moved = tmp_path / "elsewhere"
    shutil.copytree(project, moved)
    data = read(moved, f"branch/{output}")
    assert sorted(data.files) == ["shop/__init__.py", "shop/cart.py", "shop/price.py"]
    assert data.totals == read(project, f"branch/{output}").totals


def _report_rows(root: Path, mode: str) -> list[dict[str, object]]:
    """Name, Stmts, Miss, Branch and the missing lines of `coverage report -m`."""
    text = coverage(root, "report", "-m", f"--data-file={mode}/.coverage").stdout
    rows = []
    for line in text.splitlines():
        if not line.startswith("shop/"):
            continue
        name, stmts, miss, branch, _part, _cover, *missing = line.split(maxsplit=6)
        rows.append({"name": name, "stmts": int(stmts), "miss": int(miss), "branch": int(branch),
                     "missing": _lines(missing[0] if missing else "")})
    return rows


def _lines(text: str) -> list[int]:
    out: list[int] = []
    for item in re.split(r",\s*", text.strip()):
        if not item or "->" in item:
            continue
        first, _, last = item.partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out
