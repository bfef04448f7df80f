"""The patch-coverage report in the results document (`data.coverage` and the
findings of a `coverage.patch` rule), through `clearance check` on a real change
measured by the real coverage.py; diff-cover and coverage.py's own JSON report
are the oracles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coverage_helpers import CART, PRICE, measure, write_package
from helpers import Repo

# The identity and dates the `repo` fixture pins (tests/conftest.py), for the module's shared repository.
PINNED = {"GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
          "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com",
          "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
          "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
REPORTS = ("build/coverage.xml", "build/coverage.json", "build/.coverage")


def policy(suite_report: str, **params: Any) -> str:
    check = json.dumps({"coverage.patch": {"suite": "unit", **params}})
    return (f"metadata: {{name: patch}}\ninputs: {{coverage: {{unit: {suite_report}}}}}\n"
            f"rules:\n  - id: patch\n    stages: [pr]\n    check: {check}\n")


def run_patch(cli, repo: Repo, base: str, report: str, **params: Any) -> dict[str, Any]:
    """The `patch` rule record of a PR-stage run, with the policy given on the command line."""
    policy_file = repo.path.parent / f"policy-{len(params)}-{Path(report).name}.yaml"
    policy_file.write_text(policy(report, **params), encoding="utf-8")
    run = cli("check", "--repo", repo.path, "--policy", policy_file, "--stage", "pr",
              "--base", base, "-f", "json", "--no-cache")
    assert run.code in (0, 1), run.err
    record: dict[str, Any] = next(r for r in json.loads(run.out)["rules"] if r["id"] == "patch")
    assert record["verdict"] in ("pass", "fail"), record["message"]
    return record


def diff_cover(repo: Repo, base: str, out: Path, *extra: str) -> dict[str, Any]:
    tool = Path(sys.executable).parent / "diff-cover"
    proc = subprocess.run([str(tool), "build/coverage.xml", f"--compare-branch={base}",
                           f"--format=json:{out}", "--total-percent-float", *extra],
                          cwd=repo.path, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def commit_change(repo: Repo, files: dict[str, str]) -> str:
    """Commit the package as the base, then `files` as the change; measure the result."""
    write_package(repo.path)
    repo.write(".gitignore", "build/\n__pycache__/\n.coverage\n")
    base = repo.commit("base")
    for rel, text in files.items():
        repo.write(rel, text)
    repo.commit("change")
    (repo.path / "build").mkdir()
    measure(repo.path, branch=True, out="build")
    return base


def test_nothing_measured_passes_with_an_empty_report(repo: Repo, cli, tmp_path: Path) -> None:
    """A README and a comment in a measured file: diff-cover finds no line to measure."""
    base = commit_change(repo, {"README.md": "# shop\n", "shop/cart.py": "# the cart\n" + CART})
    expected = diff_cover(repo, base, tmp_path / "dc.json")
    assert expected["src_stats"] == {} and expected["total_num_lines"] == 0
    for report, params in ((r, p) for r in REPORTS
                           for p in ({"mode": "all"}, {"min": 100}, {"min": 100, "branch": True})):
        record = run_patch(cli, repo, base, report, **params)
        assert record["verdict"] == "pass"
        data = record["data"]["coverage"]
        assert data["measured"] == data["covered"] == 0
        assert data["percent"] == expected["total_percent_covered"]
        assert data["files"] == [] and data["uncovered"] == [] and record["findings"] == []
        assert data["unmeasured_files"] == ["README.md"]  # cart.py is in the report


def branch_arcs(repo: Repo, path: str) -> dict[int, tuple[int, int]]:
    """Per line: (branches, branches taken), from coverage.py's own JSON report."""
    files = json.loads((repo.path / "build" / "coverage.json").read_text(encoding="utf-8"))["files"]
    stats = files[path]
    lines: dict[int, tuple[int, int]] = {}
    for arcs, taken in ((stats["executed_branches"], 1), (stats["missing_branches"], 0)):
        for start, _ in arcs:
            total, done = lines.get(start, (0, 0))
            lines[start] = (total + 1, done + taken)
    return lines


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Repo, str]]:
    """A changed covered line, a changed half-taken `if`, a changed line never run,
    a comment-only change to a measured file and a file no report measures.
    Built and measured once for the module; the tests only read it."""
    repo = Repo(tmp_path_factory.mktemp("mixed") / "repo")
    repo.path.mkdir()
    price = (PRICE.replace("    if member:", "    if member:  # members only")
             .replace("return total * 9 // 10", "return total * 90 // 100")
             .replace('return "large"', 'return "big"'))
    with pytest.MonkeyPatch.context() as env:
        for name, value in PINNED.items():
            env.setenv(name, value)
        repo.git("init", "-q", "-b", "main")
        base = commit_change(repo, {"shop/price.py": price, "shop/cart.py": "# the cart\n" + CART,
                                    "NOTES.txt": "notes\n"})
    yield repo, base


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("branch", [False, True])
def test_the_report_lists_measured_files_uncovered_lines_and_unmeasured_files(
        mixed: tuple[Repo, str], cli, tmp_path: Path, report: str, branch: bool) -> None:
    repo, base = mixed
    expected = diff_cover(repo, base, tmp_path / "dc.json", *(["--branch-coverage"] if branch else []))
    record = run_patch(cli, repo, base, report, mode="all", branch=branch)
    data = record["data"]["coverage"]
    assert data["files"] == [
        {"path": path, "measured": len(stats["covered_lines"]) + len(stats["violation_lines"]),
         "covered": len(stats["covered_lines"])}
        for path, stats in sorted(expected["src_stats"].items())]
    assert data["files"], "the change has measured lines"
    assert data["measured"] == expected["total_num_lines"]
    assert data["covered"] == expected["total_num_lines"] - expected["total_num_violations"]
    assert data["unmeasured_files"] == ["NOTES.txt"]
    assert (data["mode"], data["branch"], data["suite"]) == ("all", branch, "unit")
    violations = [(path, n) for path, stats in sorted(expected["src_stats"].items())
                  for n in stats["violation_lines"]]
    assert [(u["file"], u["line"]) for u in data["uncovered"]] == violations
    assert [(f["file"], f["line"]) for f in record["findings"]] == violations
    assert record["verdict"] == "fail"


def test_reasons_in_branch_mode_say_how_many_branches_ran(mixed: tuple[Repo, str], cli) -> None:
    repo, base = mixed
    arcs = branch_arcs(repo, "shop/price.py")
    source = (repo.path / "shop" / "price.py").read_text(encoding="utf-8").splitlines()
    half = source.index("    if member:  # members only") + 1
    never = source.index('        return "big"') + 1
    total, taken = arcs[half]
    assert (total, taken) == (2, 1)  # coverage.py: only the member branch ran
    for report in REPORTS:
        record = run_patch(cli, repo, base, report, mode="all", branch=True)
        reasons = {(u["file"], u["line"]): u["reason"] for u in record["data"]["coverage"]["uncovered"]}
        assert reasons[("shop/price.py", half)] == f"changed line: {taken} of {total} branches taken", report
        assert reasons[("shop/price.py", never)] == "changed line not run by the tests", report
        messages = {(f["file"], f["line"]): f["message"] for f in record["findings"]}
        assert messages == reasons
        without = run_patch(cli, repo, base, report, mode="all")
        assert ("shop/price.py", half) not in {(u["file"], u["line"]) for u in without["data"]["coverage"]["uncovered"]}
        assert {u["reason"] for u in without["data"]["coverage"]["uncovered"]} == {"changed line not run by the tests"}


def test_a_summary_report_is_refused_for_patch_coverage_naming_the_file(repo: Repo, cli) -> None:
    """c8's json-summary has totals per file but no lines (tests/fixtures/reports/istanbul)."""
    fixtures = Path(__file__).parent.parent / "fixtures" / "reports" / "istanbul"
    repo.write("src/discount.js", "// discount\n")
    repo.write("src/shipping.js", "// shipping\n")
    base = repo.commit("sources")
    repo.write("src/shipping.js", "// shipping, free above 50\n")
    repo.write("reports/coverage-summary.json", (fixtures / "coverage-summary.json").read_bytes())
    repo.commit("change and report")
    policy_file = repo.path.parent / "summary.yaml"
    policy_file.write_text(policy("reports/coverage-summary.json", mode="all"), encoding="utf-8")
    run = cli("check", "--repo", repo.path, "--policy", policy_file, "--stage", "pr", "--base", base, "-f", "json")
    rule = next(r for r in json.loads(run.out)["rules"] if r["id"] == "patch")
    assert (run.code, rule["verdict"]) == (1, "error")
    assert "'src/shipping.js'" in rule["message"]
    # the hint names the reports that have lines
    assert rule["message"].endswith("(use coverage-final.json, LCOV or an XML report for patch coverage)")


def test_the_rule_record_gives_the_comparison_made(mixed: tuple[Repo, str], cli, tmp_path: Path) -> None:
    repo, base = mixed
    percent = diff_cover(repo, base, tmp_path / "dc.json")["total_percent_covered"]
    assert percent < 99
    record = run_patch(cli, repo, base, REPORTS[0], min=99)
    assert record["verdict"] == "fail"
    assert record["figure"] == f"{percent:.1f} < 99"
