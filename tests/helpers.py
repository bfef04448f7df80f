"""Test helpers importable from any test module: `from helpers import Repo`."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Repo:
    """A real git repository for one test."""

    path: Path

    def git(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True,
                              check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout

    def write(self, rel: str, text: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def stage(self, *paths: str) -> None:
        self.git("add", *(["--", *paths] if paths else ["-A"]))

    def commit(self, message: str = "change", *paths: str) -> str:
        self.stage(*paths)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def snapshot(self) -> dict[str, str]:
        """Index, working tree status and every ref: to compare before and after a run."""
        return {
            "index": self.git("ls-files", "--stage", "-z"),
            "status": self.git("status", "--porcelain=v1", "-z", "--untracked-files=all"),
            "refs": self.git("for-each-ref", "--format=%(refname) %(objectname)"),
            "head": self.git("rev-parse", "HEAD", check=False),
            "diff": self.git("diff", "--binary"),
            "cached": self.git("diff", "--cached", "--binary"),
        }


@dataclass
class Run:
    code: int
    out: str
    err: str
