"""Commit stage with the built-in pack: 2,000 files, 50 staged.

Prints the median wall time of `clearance check --stage commit` with a warm
and a cold policy cache, and their ratios to `python -c pass` measured in the
same run on the same machine. Target (docs/design.md): warm <= 4x.

`repo policy` is the usual hook: no `--policy`, the repository's
clearance.yaml (`extends: [builtin:spec-driven]`) found and read where the
policy in force is, in the index (#16: at most 5 ms more than the working
tree read before).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from _common import CHECK_OK, GIT_ENV, compile_package, git, main, median_wall, peers_line, versions, wall

FILES, STAGED, RUNS = 2000, 50, 21


def build(repo: Path) -> None:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for i in range(FILES):
        folder = repo / "src" / f"pkg{i % 40}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod{i}.py").write_text(f'"""Module {i}."""\n\nVALUE = {i}\n' * 20)
    (repo / "clearance.yaml").write_text("extends: [builtin:spec-driven]\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "chore: initial")
    for i in range(STAGED):
        path = repo / "src" / f"pkg{i % 40}" / f"mod{i}.py"
        path.write_text(path.read_text() + f"CHANGED = {i}\n")
    git(repo, "add", "-A")


def run() -> int:
    compile_package()
    peers = versions("python", "git")
    with tempfile.TemporaryDirectory(prefix="clearance-bench-") as tmp:
        repo = Path(tmp) / "repo"
        build(repo)
        cache = Path(tmp) / "cache"
        env = {**GIT_ENV, "CLEARANCE_CACHE_DIR": str(cache)}
        check = [sys.executable, "-m", "clearance", "check", "--stage", "commit",
                 "--policy", "builtin:spec-driven"]
        console = [os.path.join(os.path.dirname(sys.executable), "clearance"), *check[3:]]
        discovered = check[:-2]  # no --policy: the repository's own clearance.yaml
        median_wall(check, repo, 2, env, CHECK_OK)  # fill the cache
        median_wall(discovered, repo, 2, env, CHECK_OK)
        # Interleaved, so that the baseline and the runs share the machine's moments.
        commands = {"floor": [sys.executable, "-c", "pass"], "warm": check, "console": console,
                    "repo": discovered}
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(RUNS):
            for name, argv in commands.items():
                times[name].append(wall(argv, repo, env, CHECK_OK))
        floor, warm, hooked, own = (statistics.median(times[n]) for n in commands)
        cold = median_wall(check, repo, 5, {**env, "CLEARANCE_NO_CACHE": "1"}, CHECK_OK)
    print(f"commit stage, {FILES} files, {STAGED} staged, builtin:spec-driven, "
          f"median of {RUNS} interleaved runs; {peers_line(peers)}")
    print(f"  python -c pass          {floor * 1000:7.1f} ms  (baseline, python {peers['python']})")
    print(f"  warm cache (python -m)  {warm * 1000:7.1f} ms  ratio {warm / floor:4.1f}x  (target <= 4x)")
    print(f"  warm cache (console)    {hooked * 1000:7.1f} ms  ratio {hooked / floor:4.1f}x  (a hook)")
    print(f"  warm, repo policy       {own * 1000:7.1f} ms  ratio {own / floor:4.1f}x  (clearance.yaml, "
          "no --policy)")
    print(f"  cold cache (no cache)   {cold * 1000:7.1f} ms  ratio {cold / floor:4.1f}x  (median of 5)")
    return 0


if __name__ == "__main__":
    main(run)
