"""Helpers for the benchmarks: running and timing child processes, peak memory, git repos.

Every command a benchmark runs has its exit status checked: a command that
fails (git, a peer such as diff-cover, clearance itself) stops the benchmark
with one message naming the command, its exit code and the end of its
stderr (`BenchError`, printed by `main`), never with a traceback from a later
step that found no output. Ratios name the peer they are measured against
with its version (`versions`).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}
OK = (0,)
CHECK_OK = (0, 1)  # clearance check: 1 means a rule blocks, which the benchmarks expect
STDERR_TAIL = 2000  # characters of a failed command's stderr shown


class BenchError(Exception):
    """A command a benchmark ran failed: what was run, its exit code, the end of its stderr."""

    def __init__(self, argv: Sequence[str], code: int, stderr: str | bytes) -> None:
        text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
        tail = text[-STDERR_TAIL:].rstrip() or "(no output on stderr)"
        super().__init__(f"command failed with exit code {code}: {shlex.join(map(str, argv))}\n"
                         f"--- end of its stderr ---\n{tail}")


def checked(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None,
            ok: Collection[int] = OK, stdout: int | None = subprocess.PIPE) -> str:
    """Run a command; its stdout, or BenchError when its exit code is not in `ok`."""
    try:
        done = subprocess.run(list(argv), cwd=cwd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    except OSError as e:  # no such program, a cwd that is gone
        raise BenchError(argv, 127, str(e)) from e
    if done.returncode not in ok:
        raise BenchError(argv, done.returncode, done.stderr)
    return (done.stdout or b"").decode("utf-8", "replace")


def git(repo: Path, *args: str) -> str:
    return checked(["git", *args], repo, GIT_ENV).strip()


def compile_package() -> None:
    """Byte-compile clearance as a wheel install would (PYTHONDONTWRITEBYTECODE may be set)."""
    import clearance

    checked([sys.executable, "-m", "compileall", "-q", str(clearance.PACKAGE_DIR)], Path.cwd())


def wall(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None,
         ok: Collection[int] = OK) -> float:
    """Seconds one run of a command takes; BenchError when it fails."""
    start = time.perf_counter()
    checked(argv, cwd, env, ok, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_wall(argv: Sequence[str], cwd: Path, runs: int,
                env: dict[str, str] | None = None, ok: Collection[int] = OK) -> float:
    return statistics.median(wall(argv, cwd, env, ok) for _ in range(runs))


_PROBE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "t = time.perf_counter() - t\n"
    "print(json.dumps([t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode,\n"
    "                  p.stderr[-4000:].decode('utf-8', 'replace')]))\n"
)


def peak_rss_mb(argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None,
                ok: Collection[int] = OK) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of one run, measured in a fresh wrapper process;
    BenchError when the command fails."""
    out = checked([sys.executable, "-c", _PROBE, *argv], cwd, env)
    seconds, rss_kb, code, stderr = json.loads(out)
    if code not in ok:
        raise BenchError(argv, code, stderr)
    return float(seconds), int(rss_kb) / 1024


def self_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def versions(*peers: str) -> dict[str, str]:
    """The versions of the peers a benchmark compares with: `python`, `git`, `clearance`, or an
    installed distribution (`diff-cover`)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for peer in peers:
        if peer == "python":
            found[peer] = f"{platform.python_implementation()} {platform.python_version()}"
        elif peer == "git":
            found[peer] = checked(["git", "--version"], Path.cwd()).split()[-1]
        else:
            try:
                found[peer] = version(peer)
            except PackageNotFoundError:
                found[peer] = "not installed"
    return found


def peers_line(found: dict[str, str]) -> str:
    return "peers: " + ", ".join(f"{name} {v}" for name, v in found.items())


def main(body: Callable[[], int]) -> None:
    """Run a benchmark's body; a failed command is printed as one message and exit code 1."""
    try:
        code = body()
    except BenchError as e:
        print(f"{Path(sys.argv[0]).name}: {e}", file=sys.stderr)
        code = 1
    raise SystemExit(code)


def cobertura(root: Path, package: str, files: Iterable[tuple[str, str]], lines: range) -> str:
    """A Cobertura report as coverage.py writes one: each (class name, file name) with `lines`,
    two lines of three run; no branch data."""
    parts = ['<?xml version="1.0" ?>\n<coverage version="7.0" timestamp="0" lines-valid="0" '
             'lines-covered="0" line-rate="0.5" branches-covered="0" branches-valid="0" '
             f'branch-rate="0" complexity="0">\n<sources><source>{root}</source></sources>\n<packages>\n'
             f'<package name="{package}" line-rate="0.5" branch-rate="0" complexity="0"><classes>\n']
    for name, filename in files:
        parts.append(f'<class name="{name}" filename="{filename}" complexity="0" line-rate="0.5" '
                     'branch-rate="0"><methods/><lines>\n')
        parts.extend(f'<line number="{n}" hits="{n % 3 and 1}"/>\n' for n in lines)
        parts.append("</lines></class>\n")
    parts.append("</classes></package>\n</packages>\n</coverage>\n")
    return "".join(parts)
