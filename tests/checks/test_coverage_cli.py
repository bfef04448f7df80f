"""coverage.min and coverage.patch end to end: `clearance check` in a real repository
with real coverage.py reports and c8's LCOV files, every report recorded with its digest."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coverage_helpers import CART, PRICE, measure, report_total, write_package
from helpers import Repo, Run

REPORTS = Path(__file__).parent.parent / "fixtures" / "reports"
POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: coverage-e2e, version: 1.0.0}
inputs:
  coverage:
    unit: build/coverage.xml
    data: build/.coverage
    js: ["reports/js/*.info"]
rules:
  - id: unit.total
    stages: [pr]
    check: {coverage.min: {suite: unit, min: 50}}
  - id: unit.ninety
    stages: [pr]
    check: {coverage.min: {suite: unit, min: 90}}
  - id: data.total
    stages: [pr]
    check: {coverage.min: {suite: data, min: 50}}
  - id: unit.changed-files
    stages: [pr]
    check: {coverage.min: {suite: unit, metric: line, scope: changed, min: 70}}
  - id: patch.percent
    stages: [pr]
    check: {coverage.patch: {suite: unit, min: 70}}
  - id: patch.all
    stages: [pr]
    check: {coverage.patch: {suite: unit, mode: all}}
  - id: js.lines
    stages: [pr]
    check: {coverage.min: {suite: js, metric: line, min: 80}}
  - id: missing.suite
    stages: [pr]
    check: {coverage.min: {suite: nightly, min: 80}}
"""
SHIPPING = "\n\ndef shipping(total):\n    if total >= 50:\n        return 0\n    return 5\n"


def feature(repo: Repo) -> str:
    """Base: the package. Feature: a changed uncovered line, a new half-run function,
    a changed comment and two changed, covered lines in cart.py. Returns the base."""
    write_package(repo.path)
    repo.write("clearance.yaml", POLICY)
    repo.write(".gitignore", "build/\nreports/\n__pycache__/\n")
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("shop/price.py", PRICE.replace('return "large"', 'return "big"')
               .replace("def describe", "# sizes\ndef describe") + SHIPPING)
    repo.write("shop/cart.py", CART.replace("import discount, tax", "import discount, shipping, tax")
               .replace("member), 10)", "member), 10) + shipping(subtotal)"))
    repo.commit("feature")
    (repo.path / "build").mkdir()
    measure(repo.path, branch=True, out="build")
    (repo.path / "reports/js").mkdir(parents=True)
    for name in ("lcov.info", "lcov-merged.info"):
        shutil.copy(REPORTS / "lcov" / name, repo.path / "reports/js" / name)
    for rel in ("src/discount.js", "src/shipping.js"):  # the files the LCOV reports name
        repo.write(rel, "// source\n")
    return base


def line_of(repo: Repo, path: str, text: str) -> int:
    lines = (repo.path / path).read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip() == text)


def test_coverage_rules_end_to_end(repo: Repo, cli: Callable[..., Run]) -> None:
    base = feature(repo)
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    assert run.code == 1, run.err
    doc = json.loads(run.out)
    rules: dict[str, dict[str, Any]] = {r["id"]: r for r in doc["rules"]}
    total = report_total(repo.path, out="build")

    assert (rules["unit.total"]["verdict"], rules["unit.total"]["figure"]) == ("pass", f"{total.percent} >= 50")
    assert (rules["unit.ninety"]["verdict"], rules["unit.ninety"]["figure"]) == ("fail", f"{total.percent} < 90")
    assert rules["data.total"]["figure"] == rules["unit.total"]["figure"]
    totals = rules["unit.total"]["data"]["coverage"]["totals"]
    assert (totals["statements"], totals["branches"]) == (total.statements, total.branches)

    # line coverage per changed file, from coverage.py's own JSON report
    files = json.loads((repo.path / "build/coverage.json").read_text())["files"]
    low = sorted(p for p in ("shop/cart.py", "shop/price.py")
                 if round(files[p]["summary"]["percent_statements_covered"]) < 70)
    changed = rules["unit.changed-files"]
    assert changed["verdict"] == ("fail" if low else "pass")
    assert sorted(f["file"] for f in changed["findings"]) == low

    # measured changed lines: price.py `return "big"` (not run), `def shipping`, `if total >= 50:`,
    # `return 0` (run), `return 5` (not run); cart.py's import and return (run): 5 of 7
    assert (rules["patch.percent"]["verdict"], rules["patch.percent"]["figure"]) == ("pass", "71.4 >= 70")
    uncovered = {(f["file"], f["line"]) for f in rules["patch.all"]["findings"]}
    assert uncovered == {("shop/price.py", line_of(repo, "shop/price.py", 'return "big"')),
                         ("shop/price.py", line_of(repo, "shop/price.py", "return 5"))}
    assert rules["patch.all"]["verdict"] == "fail"

    # both LCOV files of the suite merge: 21 of 25 lines (the README's lcov figure)
    assert (rules["js.lines"]["verdict"], rules["js.lines"]["figure"]) == ("pass", "84 >= 80")
    assert rules["missing.suite"]["verdict"] == "error"
    assert "no coverage suite named 'nightly'" in rules["missing.suite"]["message"]

    read = ["build/coverage.xml", "build/.coverage", "shop/cart.py", "shop/price.py",
            "reports/js/lcov.info", "reports/js/lcov-merged.info"]
    inputs = {i["path"]: i["sha256"] for i in doc["inputs"]}
    for path in read:
        assert inputs[path] == hashlib.sha256((repo.path / path).read_bytes()).hexdigest(), path
    for rule_id in ("unit.total", "unit.ninety", "patch.all"):
        assert [e["path"] for e in rules[rule_id]["evidence"]] == ["build/coverage.xml"]
