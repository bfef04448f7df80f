"""The commit under evaluation and the branch at the commit stage, from one git call."""

from __future__ import annotations

from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.git import EMPTY_TREE
from helpers import Repo


def commit_run(repo: Repo) -> Evidence:
    return Evidence(RunSpec(root=str(repo.path), stage="commit"))


def test_on_a_branch_base_is_head_and_the_branch_is_named(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    head = repo.commit("initial")
    repo.git("checkout", "-q", "-b", "feature/login")
    evidence = commit_run(repo)
    assert (evidence.base, evidence.branch) == (head, "feature/login")


def test_before_the_first_commit_base_is_the_empty_tree_and_the_branch_still_named(repo: Repo) -> None:
    repo.git("symbolic-ref", "HEAD", "refs/heads/trunk")
    repo.write("a.txt", "a\n")
    repo.stage("a.txt")
    evidence = commit_run(repo)
    assert (evidence.base, evidence.branch) == (EMPTY_TREE, "trunk")
    assert [c.path for c in evidence.changes] == ["a.txt"]


def test_on_a_detached_head_there_is_no_branch(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    first = repo.commit("initial")
    repo.commit("second")
    repo.git("checkout", "-q", "--detach", first)
    evidence = commit_run(repo)
    assert (evidence.base, evidence.branch) == (first, None)


def test_a_file_named_like_the_revision_does_not_confuse_it(repo: Repo) -> None:
    repo.write("HEAD", "not a revision\n")
    head = repo.commit("initial")
    evidence = commit_run(repo)
    assert (evidence.base, evidence.branch) == (head, repo.git("branch", "--show-current").strip())
