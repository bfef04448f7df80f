"""Helpers of the front-end tests: this checkout, clean environments, a sample change."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from helpers import Repo

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"  # installed with clearance's test extras
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}
OPEN, MIDDLE, CLOSE = "<" * 7, "=" * 7, ">" * 7
CONFLICT = f"a = 1\n{OPEN} HEAD\nb = 2\n{MIDDLE}\nb = 3\n{CLOSE} topic\n"


def clean_env(**extra: str) -> dict[str, str]:
    """The machine's environment without GitHub, pre-commit or clearance variables."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GITHUB_", "PRE_COMMIT", "CLEARANCE_", "RUNNER_", "INPUT_"))
           and k not in ("SOURCE_DATE_EPOCH", "CI", "GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE",
                         "VIRTUAL_ENV", "PYTHONPATH")}
    return {**env, **GIT_ENV, **extra}


def snapshot_checkout(dest: Path) -> str:
    """This checkout's working tree (tracked and new, not ignored files) committed in `dest`.

    `pre-commit try-repo` on a checkout with local changes copies only the
    files git already tracks; the snapshot also holds new files, so the hooks
    run the code on disk. Returns the commit.
    """
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout
    for raw in filter(None, listed.split(b"\0")):
        rel = os.fsdecode(raw)
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    repo = Repo(dest)
    repo.git("init", "-q", "-b", "main")
    return repo.commit("snapshot of the clearance checkout")


def run(argv: list[str | Path], cwd: Path, env: dict[str, str], stdin: str | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=env, input=stdin, text=True,
                          capture_output=True, check=False, timeout=timeout)


def write_policy(repo: Repo, data: dict[str, Any]) -> None:
    """A policy file (JSON is YAML) at the repository root."""
    repo.write("clearance.yaml", json.dumps({"apiVersion": "clearance/v1", "kind": "Policy", **data},
                                            indent=2) + "\n")


def scrub(text: str, token: str | None = None) -> str:
    """Volatile parts of an output: the stop-commands token, commits, digests, times."""
    if token:
        text = text.replace(token, "TOKEN")
    text = re.sub(r"\b[0-9a-f]{64}\b", "SHA256", text)
    text = re.sub(r"\b[0-9a-f]{40}\b", "COMMIT", text)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ?", "TIME", text)


def stop_token(log: str) -> str | None:
    found = re.search(r"^::stop-commands::(\S+)$", log, re.MULTILINE)
    return found.group(1) if found else None


def outside_stop_blocks(log: str) -> list[str]:
    """The lines the runner would read as commands: those outside stop-commands blocks."""
    lines, token = [], None
    for line in log.splitlines():
        if token is not None:
            token = None if line == f"::{token}::" else token
        elif line.startswith("::stop-commands::"):
            token = line.removeprefix("::stop-commands::")
        else:
            lines.append(line)
    assert token is None, "a stop-commands block was never closed"
    return lines


def parse_github_output(text: str) -> dict[str, str]:
    """`$GITHUB_OUTPUT` as the runner reads it: `name=value` and `name<<DELIM` blocks."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            for item in lines:
                if item == delimiter:
                    break
                body.append(item)
            else:
                raise AssertionError(f"no closing delimiter for {name}")
            values[name] = "\n".join(body)
        elif line:
            name, _, value = line.partition("=")
            values[name] = value
    return values
