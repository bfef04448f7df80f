"""The PR stage in a monorepo: 100,000 tracked files, the fullstack pack, a diff of 500 and 5,000 files.

Builds one repository of FILES tracked files (a Kotlin service, a web app,
docs and data), a clearance.yaml extending `builtin:spec-driven-fullstack`
with its unit coverage read from a Cobertura report of COVERED files, and two
branches off the same base changing SMALL and LARGE of the covered files.
Then measures, on that repository in the same run:
- `git status` and `git diff --stat base...head` (what any tool pays to see the change),
- diff-cover on the same report and base (patch coverage, its peer),
- `clearance check --stage pr` with the fullstack pack, wall time and peak memory,
for both diff sizes, and prints how each grows from the small diff to the large one:
the PR stage should grow no faster than `git diff` does.

Not part of `make test`; `python bench/bench_monorepo.py --files 20000` for a quick look.
"""

from __future__ import annotations

import argparse
import json
import os
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

FILES, COVERED, SMALL, LARGE, RUNS = 100_000, 20_000, 500, 5_000, 3
LINES = 30  # per covered source file
KOTLIN = "service/src/main/kotlin"
POLICY = """\
extends: [builtin:spec-driven-fullstack]
inputs:
  coverage: {unit: build/coverage.xml}
  coverage_roots: []
rules:  # the report has no branch data; and the percentage diff-cover gives
  - {id: testing.all-branches, check: {coverage.patch: {branch: false}}}
  - {id: backend.all-branches, check: {coverage.patch: {branch: false}}}
  - {id: bench.patch, stages: [pr], check: {coverage.patch: {suite: unit, min: 50}}}
"""


def kotlin(i: int, changed: bool) -> str:
    body = [f"package app.m{i // 100}", "", f"class Service{i} {{"]
    body += [f"    fun f{n}(x: Int) = x + {n + (1 if changed and n % 5 == 0 else 0)}"
             for n in range(LINES - 4)]
    return "\n".join([*body, "}"]) + "\n"


def kotlin_path(i: int) -> str:
    return f"{KOTLIN}/app/m{i // 100}/Service{i}.kt"


def other_path(i: int) -> str:
    kind = i % 4
    if kind == 0:
        return f"web/src/components/c{i // 400}/Component{i}.tsx"
    if kind == 1:
        return f"docs/pages/p{i // 400}/page{i}.md"
    if kind == 2:
        return f"data/fixtures/f{i // 400}/fixture{i}.json"
    return f"service/src/test/kotlin/app/t{i // 400}/Service{i}Test.kt"


def write(repo: Path, path: str, text: str) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def build(repo: Path, files: int, covered: int, sizes: tuple[int, ...]) -> str:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for i in range(covered):
        write(repo, kotlin_path(i), kotlin(i, False))
    for i in range(files - covered):
        write(repo, other_path(i), f"item {i}\n")
    write(repo, "clearance.yaml", POLICY)
    write(repo, ".gitignore", "build/\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    for size in sizes:
        git(repo, "checkout", "-q", "-b", f"diff{size}", base)
        for i in range(size):
            write(repo, kotlin_path(i * (covered // size)), kotlin(i * (covered // size), True))
        git(repo, "commit", "-q", "-am", f"change {size} files")
    classes = ((f"Service{i}.kt", kotlin_path(i)) for i in range(covered))
    write(repo, "build/coverage.xml", cobertura(repo, "app", classes, range(4, LINES)))
    return base


def median(argv: list[str], repo: Path, ok: tuple[int, ...] = (0,), runs: int = RUNS) -> float:
    return statistics.median(wall(argv, repo, GIT_ENV, ok) for _ in range(runs))


def measure(repo: Path, base: str, size: int) -> dict[str, float]:
    git(repo, "checkout", "-q", f"diff{size}")
    check = [sys.executable, "-m", "clearance", "check", "--stage", "pr", "--base", base,
             "-f", f"json=build/out{size}.json"]
    peak_rss_mb(check, repo, GIT_ENV, CHECK_OK)  # fills the policy cache
    found = {
        "git status": median(["git", "status", "--porcelain"], repo),
        "git diff --stat": median(["git", "diff", "--stat", f"{base}...HEAD"], repo),
        "clearance": median(check, repo, CHECK_OK),
        "clearance MB": peak_rss_mb(check, repo, GIT_ENV, CHECK_OK)[1],
    }
    tool = shutil.which("diff-cover", path=os.path.dirname(sys.executable))
    if tool:
        found["diff-cover"] = median([tool, "build/coverage.xml", f"--compare-branch={base}",
                                      "--json-report", f"build/dc{size}.json"], repo, runs=1)  # 30 s
    return found


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=FILES)
    parser.add_argument("--covered", type=int, default=COVERED)
    args = parser.parse_args()
    covered = min(args.covered, args.files)
    sizes = (covered * SMALL // COVERED, covered * LARGE // COVERED)
    compile_package()
    peers = versions("python", "git", "diff-cover")
    with tempfile.TemporaryDirectory(prefix="clearance-bench-") as tmp:
        repo = Path(tmp) / "repo"
        base = build(repo, args.files, covered, sizes)
        results = {size: measure(repo, base, size) for size in sizes}
        summary = json.loads((repo / "build" / f"out{sizes[1]}.json").read_text())["summary"]["counts"]
        patch = {r["id"]: r.get("figure") for r in
                 json.loads((repo / "build" / f"out{sizes[1]}.json").read_text())["rules"]
                 if r["kind"] == "coverage.patch"}
        theirs = (repo / "build" / f"dc{sizes[1]}.json")
        dc = json.loads(theirs.read_text())["total_percent_covered"] if theirs.exists() else None
    print(f"PR stage in a monorepo: {args.files:,} tracked files, builtin:spec-driven-fullstack, "
          f"Cobertura coverage of {covered:,} files, median of {RUNS} (diff-cover: one run); "
          f"{peers_line(peers)}")
    print(f"  {'diff of':>10} " + "".join(f"{s:>10,} files" for s in sizes) + "    growth")
    names = [("git status", f"git {peers['git']}"), ("git diff --stat", f"git {peers['git']}"),
             ("diff-cover", f"diff-cover {peers['diff-cover']}"), ("clearance", "clearance check")]
    for name, label in names:
        if name not in results[sizes[0]]:
            continue
        small, large = results[sizes[0]][name], results[sizes[1]][name]
        print(f"  {name:<16}" + "".join(f"{results[s][name]:13.2f} s" for s in sizes)
              + f"    {large / small:5.2f}x  ({label})")
    print("  clearance peak  " + "".join(f"{results[s]['clearance MB']:12.0f} MB" for s in sizes))
    growth = (results[sizes[1]]["clearance"] / results[sizes[0]]["clearance"]) / (
        results[sizes[1]]["git diff --stat"] / results[sizes[0]]["git diff --stat"])
    print(f"  clearance's growth over git diff's growth: {growth:.2f} (target <= 1)")
    if "diff-cover" in results[sizes[1]]:
        ratio = results[sizes[1]]["diff-cover"] / results[sizes[1]]["clearance"]
        print(f"  at {sizes[1]:,} files: diff-cover {peers['diff-cover']} / clearance = {ratio:.2f}x; "
              f"patch coverage {patch} vs diff-cover {dc}%")
    print(f"  verdicts at {sizes[1]:,} files: {summary}")
    return 0


if __name__ == "__main__":
    main(run)
