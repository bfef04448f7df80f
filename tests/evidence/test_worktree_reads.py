"""Staged files are read from disk when the disk copy is the staged object, else from git."""

from __future__ import annotations

import os

import pytest

from clearance.evidence.context import Evidence, RunSpec
from helpers import Repo


def commit_run(repo: Repo) -> Evidence:
    return Evidence(RunSpec(root=str(repo.path), stage="commit"))


@pytest.fixture
def traced(repo: Repo, tmp_path, monkeypatch) -> Repo:
    monkeypatch.setenv("GIT_TRACE", str(tmp_path / "trace"))
    return repo


def git_commands(tmp_path) -> str:
    trace = tmp_path / "trace"
    return trace.read_text() if trace.exists() else ""


def test_a_file_staged_as_it_is_on_disk_needs_no_git_read(traced: Repo, tmp_path) -> None:
    traced.write("README.md", "hi\n")
    traced.commit("initial")
    traced.write("src/a.py", "print('a')\n")
    traced.stage("src/a.py")
    (tmp_path / "trace").unlink()
    assert commit_run(traced).read_many(["src/a.py"]) == {"src/a.py": b"print('a')\n"}
    assert "cat-file" not in git_commands(tmp_path)


def test_an_edit_after_staging_is_not_what_is_read(traced: Repo, tmp_path) -> None:
    traced.write("README.md", "hi\n")
    traced.commit("initial")
    traced.write("a.txt", "staged\n")
    traced.stage("a.txt")
    traced.write("a.txt", "edited after staging\n")
    assert commit_run(traced).read("a.txt") == b"staged\n"
    assert "cat-file --batch" in git_commands(tmp_path)


@pytest.mark.parametrize("kind", ["symlink", "fifo", "same size other bytes"])
def test_anything_but_the_same_regular_file_is_read_from_git(repo: Repo, kind: str) -> None:
    repo.write("README.md", "hi\n")
    repo.commit("initial")
    repo.write("secret.txt", "outside\n")
    repo.write("a.txt", "staged\n")
    repo.stage("a.txt")
    target = repo.path / "a.txt"
    target.unlink()
    if kind == "symlink":
        os.symlink(repo.path / "secret.txt", target)
    elif kind == "fifo":
        os.mkfifo(target)  # opening it for reading must not block the run
    else:
        target.write_text("stagex\n")
    assert commit_run(repo).read("a.txt") == b"staged\n"


def test_with_a_line_ending_filter_the_object_comes_from_git(repo: Repo) -> None:
    repo.git("config", "core.autocrlf", "true")
    repo.write("README.md", "hi\n")
    repo.commit("initial")
    repo.write("a.txt", "one\r\ntwo\r\n")
    repo.stage("a.txt")
    assert commit_run(repo).read("a.txt") == b"one\ntwo\n"  # as committed, not as on disk
