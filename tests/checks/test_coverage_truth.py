"""Coverage verdicts that must match the truth of the repository (issue 15): report
paths that name no file, branch coverage asked of a report without branches, files
with nothing to measure, and renamed files, each against the real tools' view."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clearance.checks import Outcome, coverage_min, coverage_patch
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from conftest import PINNED
from coverage_helpers import CART, RUNNER, coverage, measure, write_package
from helpers import Repo

REPORTS = Path(__file__).parent.parent / "fixtures" / "reports"


def diff_cover(cwd: Path, report: str, base: str, out: Path, *extra: str) -> dict[str, Any]:
    """diff-cover's JSON report of the change base...HEAD, run in `cwd`."""
    tool = Path(sys.executable).parent / "diff-cover"
    proc = subprocess.run([str(tool), report, f"--compare-branch={base}", f"--format=json:{out}",
                           "--total-percent-float", *extra],
                          cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def evidence(root: Path, base: str, suites: dict[str, Any]) -> Evidence:
    return Evidence(RunSpec(root=root, stage="pr", base=base), {"coverage": suites})


def patch(root: Path, base: str, suites: dict[str, Any], **params: Any) -> Outcome:
    return coverage_patch.run({"suite": "unit", **params}, evidence(root, base, suites))


def minimum(root: Path, base: str, suites: dict[str, Any], **params: Any) -> Outcome:
    return coverage_min.run({"suite": "unit", **params}, evidence(root, base, suites))


# -- renames ------------------------------------------------------------------------


def test_a_pure_rename_of_a_covered_module_has_no_changed_line_as_with_diff_cover(
        repo: Repo, tmp_path: Path) -> None:
    """shop/cart.py becomes shop/basket.py unchanged (the script importing it follows):
    diff-cover finds no line with coverage information; the whole module is not new."""
    write_package(repo.path)
    repo.write(".gitignore", "build/\n__pycache__/\n")
    base = repo.commit("base")
    repo.git("mv", "shop/cart.py", "shop/basket.py")
    repo.write("run_tests.py", RUNNER.replace("shop.cart", "shop.basket"))
    repo.commit("rename")
    (repo.path / "build").mkdir()
    measure(repo.path, branch=False, out="build")
    expected = diff_cover(repo.path, "build/coverage.xml", base, tmp_path / "dc.json")
    assert expected["total_num_lines"] == 0 and expected["src_stats"] == {}
    for report in ("build/coverage.xml", "build/coverage.json", "build/.coverage"):
        outcome = patch(repo.path, base, {"unit": report}, mode="all")
        assert outcome.data["coverage"]["measured"] == 0, report
        assert outcome.verdict == "pass", (report, outcome.message)


def test_a_renamed_and_edited_module_counts_only_the_edited_lines(repo: Repo, tmp_path: Path) -> None:
    write_package(repo.path)
    repo.write(".gitignore", "build/\n__pycache__/\n")
    base = repo.commit("base")
    repo.git("mv", "shop/cart.py", "shop/basket.py")
    repo.write("shop/basket.py", CART.replace("if cents <= 0:", "if cents < 1:"))
    repo.write("run_tests.py", RUNNER.replace("shop.cart", "shop.basket"))
    repo.commit("rename and edit")
    (repo.path / "build").mkdir()
    measure(repo.path, branch=False, out="build")
    expected = diff_cover(repo.path, "build/coverage.xml", base, tmp_path / "dc.json")
    assert expected["total_num_lines"] == 1
    outcome = patch(repo.path, base, {"unit": "build/coverage.xml"}, mode="all")
    data = outcome.data["coverage"]
    assert data["measured"] == expected["total_num_lines"]
    assert [(u["file"], u["line"]) for u in data["uncovered"]] == [
        (path, n) for path, stats in expected["src_stats"].items() for n in stats["violation_lines"]]


def test_a_renamed_file_is_still_a_changed_file(repo: Repo) -> None:
    """Only patch coverage follows renames: the changed files keep the new path (and the
    old one as deleted), so rules on changed files see a rename as they did."""
    write_package(repo.path)
    base = repo.commit("base")
    repo.git("mv", "shop/cart.py", "shop/basket.py")
    repo.commit("rename")
    seen = evidence(repo.path, base, {})
    assert seen.changed_files == ["shop/basket.py"]
    assert [(c.status, c.path) for c in seen.changes] == [("A", "shop/basket.py"), ("D", "shop/cart.py")]
    assert seen.changed_lines.get("shop/basket.py", set()) == set()


# -- branch coverage asked of a report without branches ------------------------------


@pytest.fixture(scope="module")
def line_only(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A change to a branching line, measured by coverage.py without --branch
    (XML, JSON, LCOV and the data file)."""
    repo = Repo(tmp_path_factory.mktemp("line-only") / "repo")
    repo.path.mkdir()
    with pytest.MonkeyPatch.context() as env:
        for name, value in PINNED.items():
            env.setenv(name, value)
        repo.git("init", "-q", "-b", "main")
        write_package(repo.path)
        repo.write(".gitignore", "build/\n__pycache__/\n")
        base = repo.commit("base")
        repo.write("shop/cart.py", CART.replace("if cents <= 0:", "if cents < 1:"))
        repo.commit("change")
    (repo.path / "build").mkdir()
    measure(repo.path, branch=False, out="build")
    coverage(repo.path, "lcov", "--data-file=build/.coverage", "-o", "build/coverage.lcov")
    return repo.path, base


@pytest.mark.parametrize("report", ["build/coverage.xml", "build/coverage.json", "build/.coverage",
                                    "build/coverage.lcov"])
def test_patch_branch_coverage_of_a_report_without_branch_data_is_an_error(
        line_only: tuple[Path, str], report: str) -> None:
    root, base = line_only
    assert patch(root, base, {"unit": report}).verdict in ("pass", "fail")  # line coverage is fine
    with pytest.raises(EvidenceError, match="suite 'unit' has no branch data"):
        patch(root, base, {"unit": report}, branch=True)


# -- files the report lists with nothing to measure -----------------------------------


@pytest.fixture(scope="module")
def empty_module(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """An edited measured line of shop/price.py, then a comment added to shop/__init__.py
    (coverage.py lists the file with no statement); measured in branch mode."""
    repo = Repo(tmp_path_factory.mktemp("empty-module") / "repo")
    repo.path.mkdir()
    with pytest.MonkeyPatch.context() as env:
        for name, value in PINNED.items():
            env.setenv(name, value)
        repo.git("init", "-q", "-b", "main")
        write_package(repo.path)
        repo.write(".gitignore", "build/\n__pycache__/\n")
        base = repo.commit("base")
        price = (repo.path / "shop/price.py").read_text(encoding="utf-8")
        repo.write("shop/price.py", price.replace('return "large"', 'return "big"'))
        middle = repo.commit("price")
        repo.write("shop/__init__.py", "# the shop package\n")
        repo.commit("package comment")
    (repo.path / "build").mkdir()
    measure(repo.path, branch=True, out="build")
    return repo.path, base, middle


def statements(root: Path) -> dict[str, int]:
    """Statements per file, from coverage.py's own JSON report."""
    files = json.loads((root / "build/coverage.json").read_text(encoding="utf-8"))["files"]
    return {path: entry["summary"]["num_statements"] for path, entry in files.items()}


@pytest.mark.parametrize("report", ["build/coverage.xml", "build/coverage.json", "build/.coverage"])
def test_a_changed_file_with_no_statement_is_unmeasured_not_at_100_percent(
        empty_module: tuple[Path, str, str], report: str) -> None:
    root, base, _ = empty_module
    counts = statements(root)
    assert counts["shop/__init__.py"] == 0 and counts["shop/price.py"] > 0
    outcome = minimum(root, base, {"unit": report}, scope="changed", min=10)
    assert outcome.verdict == "pass"
    assert outcome.message == "1 file at or above 10% combined coverage", outcome.message
    assert outcome.figure is not None and outcome.figure.endswith("(shop/price.py)")
    assert outcome.data["coverage"]["unmeasured_files"] == ["shop/__init__.py"]
    lines = patch(root, base, {"unit": report}, mode="all")
    assert lines.data["coverage"]["unmeasured_files"] == ["shop/__init__.py"]


def test_a_change_only_to_files_with_no_statement_judges_no_file(
        empty_module: tuple[Path, str, str]) -> None:
    root, _, middle = empty_module
    outcome = minimum(root, middle, {"unit": "build/coverage.json"}, scope="changed", min=90)
    assert (outcome.verdict, outcome.figure) == ("pass", None)
    assert outcome.message == "no changed file is measured by suite 'unit'"
