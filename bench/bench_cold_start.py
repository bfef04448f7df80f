"""The PR stage on a one-commit repository with no policy cache: what every CI run pays.

CI starts each job on a fresh machine, so a validated-policy cache would be
empty there, and the gates (pr, merge, the deployment stages) read none anyway:
a cache folder can be written by what the change runs (#16). Prints the median
wall time of `clearance check --stage pr` (each run with a new, empty cache
folder) against `python -c pass` measured in the same run, interleaved:
- `--policy builtin:spec-driven`, and a repository with no policy (the pack applies);
- a repository whose clearance.yaml extends the pack (its own YAML is read and validated);
- the commit stage with the pack and a cold cache, for reference (a hook's first run).
Target (issue #21): the built-in pack, cold, at most 10x `python -c pass`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from _common import CHECK_OK, GIT_ENV, compile_package, git, main, peers_line, versions, wall

RUNS = 15


def build(repo: Path, policy: str | None) -> str:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("# A project\n")
    if policy is not None:
        (repo / "clearance.yaml").write_text(policy)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "chore: initial")
    return git(repo, "rev-parse", "HEAD")


def run() -> int:
    compile_package()
    peers = versions("python", "git")
    with tempfile.TemporaryDirectory(prefix="clearance-bench-") as tmp:
        root = Path(tmp)
        bare_head = build(root / "bare", None)
        own_head = build(root / "own", "extends: [builtin:spec-driven]\nsettings: {commands: false}\n")
        check = [sys.executable, "-m", "clearance", "check", "--stage", "pr"]
        commands = {
            "floor": ([sys.executable, "-c", "pass"], root / "bare"),
            "pack": ([*check, "--base", bare_head, "--policy", "builtin:spec-driven"], root / "bare"),
            "none": ([*check, "--base", bare_head], root / "bare"),
            "own": ([*check, "--base", own_head], root / "own"),
            "commit": ([sys.executable, "-m", "clearance", "check", "--stage", "commit", "--policy",
                        "builtin:spec-driven"], root / "bare"),
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for n in range(RUNS + 1):
            for name, (argv, cwd) in commands.items():
                cache = root / f"cold-{name}-{n}"  # new and empty
                took = wall(argv, cwd, {**GIT_ENV, "CLEARANCE_CACHE_DIR": str(cache)}, CHECK_OK)
                if n:  # the first round warms the file system's caches
                    times[name].append(took)
        floor, pack, none, own, commit = (statistics.median(times[n]) for n in commands)
    print(f"PR stage, one-commit repository, no policy cache (gates read none), "
          f"median of {RUNS} interleaved runs; {peers_line(peers)}")
    print(f"  python -c pass                     {floor * 1000:7.1f} ms  "
          f"(baseline, python {peers['python']})")
    for label, took, note in (
            ("--policy builtin:spec-driven, cold", pack, "target <= 10x"),
            ("no policy (the pack applies), cold", none, "target <= 10x"),
            ("clearance.yaml extends it, cold", own, "its own YAML read and validated"),
            ("commit stage, pack, cold cache", commit, "reference: a hook's first run")):
        print(f"  {label:34} {took * 1000:7.1f} ms  ratio {took / floor:4.1f}x  ({note})")
    return 0


if __name__ == "__main__":
    main(run)
