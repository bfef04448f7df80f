"""Run a policy's `command` check: an argv, no shell, bounded time and output."""

from __future__ import annotations

import subprocess
from pathlib import Path

from clearance.errors import EvidenceError

MAX_OUTPUT = 1 << 20


def run_command(argv: list[str], cwd: Path, timeout: float) -> tuple[int, bytes]:
    """(exit code, combined output, cut to its last MiB)."""
    try:
        proc = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, check=False)
    except FileNotFoundError as e:
        raise EvidenceError(f"command not found: {argv[0]}", hint="install it or fix argv") from e
    except subprocess.TimeoutExpired as e:
        raise EvidenceError(f"command timed out after {timeout:g} s: {argv[0]}") from e
    except OSError as e:
        raise EvidenceError(f"cannot run {argv[0]}: {e.strerror}") from e
    output = (proc.stdout + proc.stderr)[-MAX_OUTPUT:]
    return proc.returncode, output
