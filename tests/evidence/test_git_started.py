"""Git commands started ahead: the matching call takes their output; the rest are reaped."""

from __future__ import annotations

import os

import pytest

from clearance.evidence.git import HEAD_AND_BRANCH, Git
from helpers import Repo


def test_the_first_matching_call_takes_the_started_output(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("initial")
    repo.write("b.txt", "b\n")
    repo.stage("b.txt")
    git = Git(repo.path)
    args = Git.changes_args()
    git.start(*args)
    git.started[args].wait()  # it has read the index as it stood
    repo.write("c.txt", "c\n")
    repo.stage("c.txt")
    assert [c.path for c in git.changes()] == ["b.txt"]  # the started run's answer
    assert [c.path for c in git.changes()] == ["b.txt", "c.txt"]  # a new run
    assert git.started == {}


def test_close_reaps_what_was_never_asked_for(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("initial")
    git = Git(repo.path)
    git.start(*HEAD_AND_BRANCH)
    pid = git.started[HEAD_AND_BRANCH].pid
    git.close()
    assert git.started == {}
    with pytest.raises(ChildProcessError):
        os.waitpid(pid or 0, os.WNOHANG)


def test_without_git_the_start_is_quiet_and_the_call_explains(repo: Repo, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    git = Git(repo.path)
    git.start(*HEAD_AND_BRANCH)
    assert git.started == {}
    from clearance.errors import GitError

    with pytest.raises(GitError, match="cannot run git"):
        git.head_and_branch()


def test_a_gate_asks_git_for_each_ref_once(repo: Repo, tmp_path, cli, monkeypatch) -> None:
    """The policy's reader and the evidence both resolve the base and the head (#21)."""
    repo.write("a.txt", "a\n")
    base = repo.commit("initial")
    repo.write("b.txt", "b\n")
    repo.commit("second")
    trace = tmp_path / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base,
              "--policy", "builtin:spec-driven")
    assert run.code == 1, run.err  # the pack's PR rules ran and found no spec
    asked = _revs_asked(trace)
    assert sorted(asked) == sorted(["'HEAD^{commit}'", f"'{base}^{{commit}}'"])


def test_a_push_gate_starts_the_refs_pre_commit_names(repo: Repo, tmp_path, cli, monkeypatch) -> None:
    """The refs come from pre-commit's environment: those are started and asked once, and no
    HEAD is resolved that nobody reads (#21)."""
    repo.write("a.txt", "a\n")
    base = repo.commit("initial")
    repo.write("b.txt", "b\n")
    head = repo.commit("second")
    repo.write("c.txt", "c\n")
    repo.commit("third: HEAD is past the pushed head")
    trace = tmp_path / "trace.txt"
    monkeypatch.setenv("GIT_TRACE", str(trace))
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
    run = cli("check", "--repo", repo.path, "--stage", "push", "--policy", "builtin:spec-driven")
    assert run.code in (0, 1), run.err
    asked = _revs_asked(trace)
    assert sorted(asked) == sorted([f"'{head}^{{commit}}'", f"'{base}^{{commit}}'"])


def _revs_asked(trace) -> list[str]:
    """The refs git was asked to resolve, as GIT_TRACE logged each `rev-parse --verify`."""
    return [line.split("rev-parse --verify --quiet ", 1)[1]
            for line in trace.read_text().splitlines() if "rev-parse --verify --quiet" in line]
