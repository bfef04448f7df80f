"""coverage.patch on a real git change and real coverage.py reports, against diff-cover."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clearance.checks import Outcome, coverage_patch
from clearance.evidence.context import Evidence, RunSpec
from coverage_helpers import CART, PRICE, measure, write_package
from helpers import Repo

SHIPPING = '''

def shipping(total):
    if total >= 50:
        return 0
    return 5
'''
OUTPUTS = ("build/coverage.xml", "build/coverage.json", "build/.coverage")


@pytest.fixture
def change(repo: Repo) -> tuple[Repo, str]:
    """A feature commit: one covered changed line, a partly covered new branch,
    uncovered new and changed lines, a changed comment; then coverage.py measures it."""
    write_package(repo.path)
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    price = PRICE.replace('return "large"', 'return "big"').replace(
        "def describe(total):", "# sizes\ndef describe(total):") + SHIPPING
    repo.write("shop/price.py", price)
    repo.write("shop/cart.py", CART.replace("from shop.price import discount, tax",
                                            "from shop.price import discount, shipping, tax")
               .replace("return tax(discount(subtotal, member), 10)",
                        "return tax(discount(subtotal, member), 10) + shipping(subtotal)"))
    repo.commit("feature")
    (repo.path / "build").mkdir()
    measure(repo.path, branch=True, out="build")
    return repo, base


def diff_cover(repo: Repo, base: str, tmp_path: Path, *extra: str) -> dict[str, Any]:
    out = tmp_path / f"diff-cover{len(extra)}.json"
    tool = Path(sys.executable).parent / "diff-cover"
    proc = subprocess.run([str(tool), "build/coverage.xml", f"--compare-branch={base}",
                           f"--format=json:{out}", "--total-percent-float", *extra],
                          cwd=repo.path, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def patch(repo: Repo, base: str, report: str, **params: Any) -> Outcome:
    evidence = Evidence(RunSpec(root=repo.path, stage="pr", base=base), {"coverage": {"unit": report}})
    return coverage_patch.run({"suite": "unit", **params}, evidence)


@pytest.mark.parametrize("branch", [False, True])
def test_patch_coverage_equals_diff_cover(change: tuple[Repo, str], tmp_path: Path, branch: bool) -> None:
    repo, base = change
    expected = diff_cover(repo, base, tmp_path, *(["--branch-coverage"] if branch else []))
    for report in OUTPUTS:
        outcome = patch(repo, base, report, mode="all", branch=branch)
        data = outcome.data["coverage"]
        assert data["measured"] == expected["total_num_lines"], report
        assert data["measured"] - data["covered"] == expected["total_num_violations"], report
        assert round(data["percent"], 2) == expected["total_percent_covered"], report
        assert int(data["percent"]) == int(expected["total_percent_covered"])
        violations = sorted((path, line) for path, stats in expected["src_stats"].items()
                            for line in stats["violation_lines"])
        assert sorted((f.file, f.line) for f in outcome.findings) == violations, report


def test_percent_mode_figure_and_threshold(change: tuple[Repo, str], tmp_path: Path) -> None:
    repo, base = change
    percent = diff_cover(repo, base, tmp_path)["total_percent_covered"]
    failing = patch(repo, base, OUTPUTS[0], min=int(percent) + 1)
    assert failing.verdict == "fail"
    assert failing.figure == f"{percent:.1f} < {int(percent) + 1}"
    assert failing.findings
    passing = patch(repo, base, OUTPUTS[0], min=int(percent))
    assert passing.verdict == "pass"
    assert passing.figure == f"{percent:.1f} >= {int(percent)}"
    assert not passing.findings


def test_mode_all_fails_on_one_uncovered_line_even_above_the_minimum(change: tuple[Repo, str]) -> None:
    repo, base = change
    outcome = patch(repo, base, OUTPUTS[0], mode="all")
    assert outcome.verdict == "fail"
    assert ("shop/price.py", PRICE.splitlines().index('        return "large"') + 2) in {
        (f.file, f.line) for f in outcome.findings}


def test_a_change_no_report_measures_passes_and_says_so(repo: Repo) -> None:
    write_package(repo.path)
    base = repo.commit("base")
    repo.write("README.md", "# shop\n")
    repo.write("shop/price.py", "# prices\n" + PRICE.replace("def tax", "\ndef tax"))
    repo.commit("docs")
    (repo.path / "build").mkdir()
    measure(repo.path, branch=False, out="build")
    outcome = patch(repo, base, OUTPUTS[0], mode="all")
    assert outcome.verdict == "pass"
    assert outcome.message == "no changed line is measured by suite 'unit'"
