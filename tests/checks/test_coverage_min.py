"""coverage.min against coverage.py's own `--fail-under`, on real coverage.py data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from clearance.checks import Outcome, coverage_min
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from coverage_helpers import coverage, measure, write_package

OUTPUTS = ("coverage.xml", "coverage.json", ".coverage")
# (mode, fail_under, precision): around the branch-mode total of 24/39 (61.538...)
# and the line-mode total of 19/27 (70.370...), both sides of each boundary.
CASES = [
    ("branch", 61, 0), ("branch", 62, 0), ("branch", 63, 0), ("branch", 100, 0), ("branch", 0, 0),
    ("branch", 61.54, 0), ("branch", 61.55, 0), ("branch", 61.5, 1), ("branch", 61.6, 1),
    ("branch", 61.53, 2), ("line", 70, 0), ("line", 71, 0), ("line", 70.4, 0), ("line", 70.3, 1),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    write_package(root)
    for mode in ("branch", "line"):
        (root / mode).mkdir()
        measure(root, branch=mode == "branch", out=mode)
    return root


def check(root: Path, report: str, **params: Any) -> Outcome:
    evidence = Evidence(RunSpec(root=root, stage="pr"), {"coverage": {"unit": report}})
    return coverage_min.run({"suite": "unit", **params}, evidence)


@pytest.mark.parametrize(("mode", "fail_under", "precision"), CASES)
def test_fails_exactly_where_coverage_report_fail_under_fails(
        project: Path, mode: str, fail_under: float, precision: int) -> None:
    proc = coverage(project, "report", f"--data-file={mode}/.coverage", f"--fail-under={fail_under}",
                    f"--precision={precision}", check=False)
    assert proc.returncode in (0, 2), proc.stderr
    expected = "fail" if proc.returncode == 2 else "pass"
    printed = re.search(r"total of (\S+) is less than", proc.stdout)
    for output in OUTPUTS:
        outcome = check(project, f"{mode}/{output}", min=fail_under, precision=precision)
        assert outcome.verdict == expected, (output, outcome.figure)
        if printed:
            assert outcome.figure == f"{printed[1]} < {fail_under:g}"


def test_figure_and_data_hold_the_suite_totals(project: Path) -> None:
    outcome = check(project, "branch/coverage.xml", min=90)
    assert outcome.verdict == "fail"
    assert outcome.figure == "62 < 90"
    totals = json.loads((project / "branch/coverage.json").read_text())["totals"]
    data = outcome.data["coverage"]
    assert data["metric"] == "combined"
    assert data["totals"]["statements"] == totals["num_statements"]
    assert data["totals"]["covered"] == totals["covered_lines"]
    assert data["totals"]["branches"] == totals["num_branches"]
    assert data["totals"]["covered_branches"] == totals["covered_branches"]
    assert data["totals"]["percent"]["combined"] == pytest.approx(totals["percent_covered"])
    assert data["totals"]["percent"]["line"] == pytest.approx(totals["percent_statements_covered"])
    assert data["totals"]["percent"]["branch"] == pytest.approx(totals["percent_branches_covered"])
    assert [row["path"] for row in data["files"]] == ["shop/__init__.py", "shop/cart.py", "shop/price.py"]


@pytest.mark.parametrize("metric", ["line", "branch"])
def test_a_metric_other_than_the_total(project: Path, metric: str) -> None:
    totals = json.loads((project / "branch/coverage.json").read_text())["totals"]
    percent = totals[f"percent_{'statements' if metric == 'line' else 'branches'}_covered"]
    below = check(project, "branch/.coverage", metric=metric, min=round(percent, 1) + 0.1, precision=1)
    above = check(project, "branch/.coverage", metric=metric, min=round(percent, 1), precision=1)
    assert (below.verdict, above.verdict) == ("fail", "pass")


def test_branch_metric_without_branch_data_is_an_error(project: Path) -> None:
    with pytest.raises(EvidenceError, match="no branch data"):
        check(project, "line/coverage.xml", metric="branch", min=50)


def test_scope_file_names_every_file_below_the_minimum(project: Path) -> None:
    files = json.loads((project / "branch/coverage.json").read_text())["files"]
    percents = {path: entry["summary"]["percent_covered"] for path, entry in files.items()}
    minimum = 60
    outcome = check(project, "branch/coverage.json", min=minimum, scope="file")
    assert outcome.verdict == "fail"
    assert sorted(f.file for f in outcome.findings) == sorted(
        p for p, pc in percents.items() if round(pc) < minimum)
    assert outcome.findings[0].file == "shop/price.py"
    lowest = min(percents.values())
    assert check(project, "branch/coverage.json", min=round(lowest), scope="file").verdict == "pass"


def test_no_report_matching_the_suite_is_an_error(project: Path) -> None:
    with pytest.raises(EvidenceError, match=r"no coverage report matches missing/\*\.xml"):
        check(project, "missing/*.xml", min=50)
