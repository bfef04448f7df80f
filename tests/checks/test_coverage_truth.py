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
from clearance.evidence.coverage.paths import PathMapper, suggest_root
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


# -- report paths that name no file of the repository ---------------------------------

JS = ("src/discount.js", "src/shipping.js")
C8_REPORTS = {"lcov": "lcov/lcov.info", "cobertura": "cobertura-js/cobertura-js.xml",
              "istanbul": "istanbul/coverage-final.json"}


def js_source(rel: str) -> str:
    """A source file c8 measured, as its fixture README gives it."""
    readme = (REPORTS / "cobertura-js" / "README.md").read_text(encoding="utf-8")
    block = readme.split(f"`{rel}`:\n\n```js\n", 1)[1]
    return block.split("```", 1)[0]


@pytest.fixture
def monorepo(repo: Repo) -> tuple[Repo, str]:
    """A repository whose JavaScript package lives in web/: c8 ran there and wrote its
    reports under web/coverage/, naming files relative to web/ (`SF:src/discount.js`)."""
    repo.write("README.md", "# shop\n")
    base = repo.commit("base")
    for rel in JS:
        repo.write(f"web/{rel}", js_source(rel))
    repo.write("web/package.json", "{}\n")
    repo.commit("web package")
    for name, rel in C8_REPORTS.items():
        target = repo.path / "web" / "coverage" / name
        target.mkdir(parents=True)
        (target / Path(rel).name).write_bytes((REPORTS / rel).read_bytes())
    return repo, base


@pytest.mark.parametrize("report", ["web/coverage/lcov/lcov.info", "web/coverage/cobertura/cobertura-js.xml",
                                    "web/coverage/istanbul/coverage-final.json"])
def test_report_paths_that_name_no_repository_file_are_an_error_suggesting_the_root(
        monorepo: tuple[Repo, str], report: str) -> None:
    repo, base = monorepo
    suites = {"unit": report}
    for judge in (lambda: patch(repo.path, base, suites, mode="all"),
                  lambda: minimum(repo.path, base, suites, min=0),
                  lambda: minimum(repo.path, base, suites, min=0, scope="changed")):
        with pytest.raises(EvidenceError) as caught:
            judge()
        error = caught.value
        assert "2 of 2 files" in str(error) and "src/discount.js" in str(error), str(error)
        assert "root: web" in (error.hint or ""), error.hint


@pytest.mark.parametrize("report", ["web/coverage/lcov/lcov.info", "web/coverage/cobertura/cobertura-js.xml",
                                    "web/coverage/istanbul/coverage-final.json"])
def test_a_suite_root_maps_a_package_report_as_diff_cover_run_in_the_package(
        monorepo: tuple[Repo, str], tmp_path: Path, report: str) -> None:
    repo, base = monorepo
    # diff-cover reads the LCOV paths relative to the folder it runs in
    expected = diff_cover(repo.path / "web", "coverage/lcov/lcov.info", base, tmp_path / "dc.json")
    suites = {"unit": {"reports": report, "root": "web"}}
    outcome = patch(repo.path, base, suites, mode="all")
    data = outcome.data["coverage"]
    assert data["measured"] == expected["total_num_lines"] > 0
    assert data["covered"] == expected["total_num_lines"] - expected["total_num_violations"]
    assert sorted((u["file"], u["line"]) for u in data["uncovered"]) == sorted(
        (path, n) for path, stats in expected["src_stats"].items() for n in stats["violation_lines"])
    assert sorted(expected["src_stats"]) == [f"web/{rel}" for rel in JS]
    # c8's own table (fixture README): 76% of the lines of all files
    total = minimum(repo.path, base, suites, metric="line", min=76)
    assert (total.verdict, total.figure) == ("pass", "76 >= 76")
    assert [row["path"] for row in total.data["coverage"]["files"]] == [f"web/{rel}" for rel in JS]


@pytest.fixture
def monorepo_base(repo: Repo) -> tuple[Repo, str]:
    """shop/ (Python) at the root, web/ (JavaScript) below it."""
    write_package(repo.path)
    repo.write(".gitignore", "build/\n__pycache__/\n.coverage\n")
    for rel in JS:
        repo.write(f"web/{rel}", js_source(rel))
    return repo, repo.commit("base")


def merged_lcov(repo: Repo) -> str:
    """One LCOV file for the monorepo, concatenated from its packages' own (as
    lcov-result-merger does): coverage.py's for shop/, measured now, and c8's for web/,
    whose paths are relative to web/. Three of its five files resolve."""
    (repo.path / "build").mkdir()
    measure(repo.path, branch=False, out="build")
    coverage(repo.path, "lcov", "--data-file=build/.coverage", "-o", "build/shop.info")
    merged = (repo.path / "build/shop.info").read_bytes() + (REPORTS / "lcov/lcov.info").read_bytes()
    (repo.path / "build/lcov.info").write_bytes(merged)
    return "build/lcov.info"


def test_a_changed_file_the_report_names_under_another_prefix_is_an_error(
        monorepo_base: tuple[Repo, str]) -> None:
    repo, base = monorepo_base
    shipping = js_source("src/shipping.js")
    repo.write("web/src/shipping.js", shipping.replace("return 5;", "return 7;"))
    repo.commit("shipping")
    suites = {"unit": merged_lcov(repo)}
    for judge in (lambda: patch(repo.path, base, suites, mode="all"),
                  lambda: minimum(repo.path, base, suites, min=0, scope="changed")):
        with pytest.raises(EvidenceError) as caught:
            judge()
        assert "web/src/shipping.js" in str(caught.value) and "'src/shipping.js'" in str(caught.value)
        assert "root: web" in (caught.value.hint or "")
    assert minimum(repo.path, base, suites, min=0).verdict == "pass"  # most paths resolve


def test_changed_files_no_report_names_are_not_an_error(monorepo_base: tuple[Repo, str],
                                                        tmp_path: Path) -> None:
    """Documentation, configuration, a script outside the measured package and a comment:
    no report path names the files, or no line of them is measured, as with diff-cover."""
    repo, base = monorepo_base
    repo.write("README.md", "# shop\n")
    repo.write("web/package.json", "{}\n")
    repo.write("scripts/release.py", "print('release')\n")
    repo.write("shop/cart.py", "# the cart\n" + CART)
    repo.commit("docs and tools")
    report = merged_lcov(repo)
    expected = diff_cover(repo.path, report, base, tmp_path / "dc.json")
    assert expected["total_num_lines"] == 0
    outcome = patch(repo.path, base, {"unit": report}, mode="all")
    assert (outcome.verdict, outcome.data["coverage"]["measured"]) == ("pass", 0)
    assert outcome.data["coverage"]["unmeasured_files"] == [
        "README.md", "scripts/release.py", "web/package.json"]


def test_a_root_reads_paths_that_climb_out_of_the_folder_the_tool_ran_in(tmp_path: Path) -> None:
    """`SF:../src/x.js` written by a tool run in test/ names src/x.js: the root maps it,
    and without a root the suggestion is that folder."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src/x.js").write_text("x\n")
    mapper = PathMapper.at(tmp_path)
    assert mapper.rooted("../src/x.js", "test") == "src/x.js"
    assert mapper.rooted("../src/x.js", "") == "../src/x.js"
    assert suggest_root({"../src/x.js"}, [], "test/lcov.info", mapper.exists) == "test"
    assert suggest_root({"../src/y.js"}, [], "test/lcov.info", mapper.exists) is None
