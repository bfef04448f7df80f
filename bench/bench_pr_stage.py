"""The PR stage on large inputs, patch coverage against diff-cover, and growth with size.

Inputs at scale 10 (the budget of docs/design.md): a 200,000-line Cobertura report
over 500 files, a 500-file diff, 20,000 JUnit cases, 100 feature files with
their tests, and a 1 MB PR body. Prints wall time and peak memory of one
`clearance check --stage pr`, the time of the patch-coverage rule alone against
`diff-cover` on the same inputs (a ratio measured in the same run), and how the
PR-stage time grows from scale 1 to scale 10.
Targets: under 2 s and 200 MB at scale 10; at least 2x faster than diff-cover;
growth close to linear.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from _common import (
    CHECK_OK,
    GIT_ENV,
    cobertura,
    compile_package,
    git,
    main,
    peak_rss_mb,
    peers_line,
    versions,
    wall,
)

LINES_PER_FILE = 400

POLICY = """\
metadata: {name: bench}
inputs:
  coverage: {unit: build/coverage.xml}
  junit: [build/junit.xml]
  features: ["features/**/*.feature"]
  tests: ["tests/**/*.py"]
rules:
  - {id: cov.min, stages: [pr], check: {coverage.min: {suite: unit, metric: line, min: 50}}}
  - {id: cov.patch, stages: [pr], check: {coverage.patch: {suite: unit, min: 50}}}
  - {id: junit, stages: [pr], check: {tests.junit: {min_tests: 1}}}
  - {id: spec.valid, stages: [pr], check: {spec.valid: {}}}
  - {id: spec.impl, stages: [pr], check: {spec.scenarios_implemented: {}}}
  - {id: spec.pass, stages: [pr], check: {spec.scenarios_passing: {}}}
  - {id: pr.sections, stages: [pr], check: {pr.sections: {required: [Summary, Testing]}}}
  - {id: pr.checklist, stages: [pr], check: {pr.checklist: {all: true}}}
  - {id: markers, stages: [pr], check: {git.conflict_markers: {}}}
  - {id: docs, stages: [pr], check: {changes.together: {if: "src/**", then: "docs/**"}}}
"""
PATCH_ONLY = """\
metadata: {name: bench-patch}
inputs: {coverage: {unit: build/coverage.xml}}
rules:
  - {id: cov.patch, stages: [pr], check: {coverage.patch: {suite: unit, min: 50}}}
"""


def source(i: int, changed: bool) -> str:
    lines = [f"value_{i}_{n} = {n}" for n in range(LINES_PER_FILE)]
    if changed:
        lines[::20] = [f"value_{i}_{n} = {n} + 1" for n in range(0, LINES_PER_FILE, 20)]
    return "\n".join(lines) + "\n"


def junit(cases: int, scenarios: list[str]) -> str:
    rows = [f'<testcase classname="tests.test_features" name="test_{name.lower().replace(" ", "_")}" '
            'time="0.01"/>' for name in scenarios]
    rows += [f'<testcase classname="tests.test_m{i % 500}" name="test_case_{i}" time="0.001"/>'
             for i in range(cases - len(rows))]
    return ('<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="pytest" '
            f'tests="{cases}">\n' + "\n".join(rows) + "\n</testsuite></testsuites>\n")


def features(repo: Path, count: int) -> list[str]:
    names = []
    for f in range(count):
        scenarios = [f"Feature {f} case {s}" for s in range(5)]
        names += scenarios
        body = "".join(f"  Scenario: {s}\n    Given a thing\n    Then it works\n\n" for s in scenarios)
        path = repo / "features" / f"f{f}.feature"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Feature: Feature {f}\n\n{body}")
    tests = "".join(f"def test_{n.lower().replace(' ', '_')}():\n    pass\n\n" for n in names)
    (repo / "tests").mkdir(exist_ok=True)
    (repo / "tests" / "test_features.py").write_text(tests)
    return names


def pr_body(size: int) -> str:
    head = "## Summary\n\nA large change.\n\n## Testing\n\n- [x] unit tests\n- [x] integration tests\n\n"
    filler = "## Notes\n\n" + ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20 + "\n\n")
    return head + filler * max(1, (size - len(head)) // len(filler))


def build(root: Path, scale: int) -> tuple[Path, str]:
    repo = root / f"repo{scale}"
    (repo / "src").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    files = 50 * scale
    for i in range(files):
        (repo / "src" / f"m{i}.py").write_text(source(i, False))
    scenarios = features(repo, 10 * scale)
    (repo / "clearance.yaml").write_text(POLICY)
    (repo / "patch.yaml").write_text(PATCH_ONLY)
    (repo / ".gitignore").write_text("build/\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    for i in range(files):
        (repo / "src" / f"m{i}.py").write_text(source(i, True))
    git(repo, "commit", "-q", "-am", "change every file")
    (repo / "build").mkdir()
    classes = ((f"m{i}.py", f"src/m{i}.py") for i in range(files))
    report = cobertura(repo, "src", classes, range(1, LINES_PER_FILE + 1))
    (repo / "build" / "coverage.xml").write_text(report)
    (repo / "build" / "junit.xml").write_text(junit(2000 * scale, scenarios))
    (repo / "build" / "body.md").write_text(pr_body(100_000 * scale))
    return repo, base


def check(repo: Path, base: str, policy: str) -> list[str]:
    return [sys.executable, "-m", "clearance", "check", "--stage", "pr", "--base", base,
            "--policy", policy, "--pr-body", "build/body.md", "-f", "json=build/out.json"]


def median(argv: list[str], repo: Path, runs: int) -> float:
    return statistics.median(wall(argv, repo, GIT_ENV, CHECK_OK) for _ in range(runs))


def run() -> int:
    compile_package()
    peers = versions("python", "git", "diff-cover")
    with tempfile.TemporaryDirectory(prefix="clearance-bench-") as tmp:
        repos = {s: build(Path(tmp), s) for s in (1, 2, 5, 10)}
        repo, base = repos[10]
        cold, _ = peak_rss_mb(check(repo, base, "clearance.yaml"), repo, GIT_ENV, CHECK_OK)  # fills the cache
        _, peak = peak_rss_mb(check(repo, base, "clearance.yaml"), repo, GIT_ENV, CHECK_OK)
        warm = median(check(repo, base, "clearance.yaml"), repo, 3)
        summary = json.loads((repo / "build" / "out.json").read_text())["summary"]
        print("PR stage at scale 10: 200,000-line Cobertura, 500-file diff, 20,000 JUnit cases, "
              f"100 feature files (500 scenarios), 1 MB PR body; {peers_line(peers)}")
        print(f"  wall {warm:.2f} s median of 3 (target < 2 s); first run, policy cache cold, {cold:.2f} s")
        print(f"  peak memory {peak:.0f} MB (target < 200 MB)")
        print(f"  verdicts: {summary['counts']}")
        ours = median(check(repo, base, "patch.yaml"), repo, 3)
        diff_cover = shutil.which("diff-cover", path=str(Path(sys.executable).parent))
        if diff_cover:
            argv = [diff_cover, "build/coverage.xml", f"--compare-branch={base}", "--json-report",
                    "build/dc.json"]
            theirs = statistics.median(wall(argv, repo, GIT_ENV) for _ in range(3))
            dc = json.loads((repo / "build" / "dc.json").read_text())["total_percent_covered"]
            ours_pc = json.loads((repo / "build" / "out.json").read_text())["rules"][0]["figure"]
            print(f"  patch coverage: clearance {ours:.2f} s, diff-cover {theirs:.2f} s, "
                  f"speed-up {theirs / ours:.1f}x over diff-cover {peers['diff-cover']} (target >= 2x); "
                  f"figures {ours_pc} vs {dc}%")
        else:
            print("  patch coverage: diff-cover is not installed beside this Python (pip install diff-cover)")
        times = {s: median(check(*repos[s], "clearance.yaml"), repos[s][0], 3) for s in repos}
        print("  growth of the PR-stage time with input size (1x = 50 files, 2,000 cases):")
        for s, t in times.items():
            print(f"    {s:>2}x  {t:.2f} s  ratio to 1x {t / times[1]:.2f}  (linear would be {s})")
        marginal = (times[10] - times[5]) / (times[2] - times[1]) if times[2] > times[1] else float("nan")
        print(f"  marginal cost 5x->10x over 1x->2x, per unit of size: {marginal / 5:.2f} (1.0 = linear)")
    return 0


if __name__ == "__main__":
    main(run)
