"""Run a policy's `command` check: an argv, no shell, bounded time and output."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from clearance.errors import EvidenceError
from clearance.pathmatch import leaves_root

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


def working_directory(root: str | os.PathLike[str], cwd: str) -> Path:
    """The folder a command runs in: `cwd` below the repository root (the root when empty).

    Absolute paths and `..` are refused (validation refuses them first, with the
    policy's file and line), and so is a folder that a symbolic link leads out of the
    repository, or no folder at all."""
    top = Path(root).resolve()
    if not cwd:
        return top
    if leaves_root(cwd):
        raise EvidenceError(f"cwd '{cwd}' leaves the repository",
                            hint="give a folder relative to the repository root, without '..'")
    folder = (top / cwd).resolve()
    if folder != top and top not in folder.parents:
        raise EvidenceError(f"cwd '{cwd}' leads out of the repository through a symbolic link")
    if not folder.is_dir():
        raise EvidenceError(f"cwd '{cwd}' is not a folder of the repository",
                            hint="create it, or fix cwd in the rule")
    return folder
