"""Shared fixtures: real git repositories in tmp_path with pinned identities and dates."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clearance.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
PINNED = {
    "GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the machine's git config, GitHub variables or colour settings."""
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "PRE_COMMIT", "CLEARANCE_")) or name in (
            "SOURCE_DATE_EPOCH", "NO_COLOR", "CI", "GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE"
        ):
            monkeypatch.delenv(name, raising=False)
    for name, value in PINNED.items():
        monkeypatch.setenv(name, value)


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
        self.git("add", "--", *(paths or ["-A"]))

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


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    path = tmp_path / "repo"
    path.mkdir()
    made = Repo(path)
    made.git("init", "-q", "-b", "main")
    return made


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., Run]]:
    """Run `clearance` in-process: cli("check", "--repo", path) -> Run."""

    def run(*argv: str | Path) -> Run:
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as e:  # argparse usage errors
            code = int(e.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    yield run
