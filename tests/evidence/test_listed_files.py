"""The files a run lists (pre-commit's selection) limit the change, and its changed lines;
a listed file the change leaves as it is counts as added in whole (pre-commit's --all-files)."""

from __future__ import annotations

import pytest

from clearance.evidence.context import Evidence, RunSpec
from clearance.run import run_refs
from helpers import Repo


@pytest.fixture
def staged(repo: Repo) -> Repo:
    repo.write("old.py", "a = 1\nb = 2\nc = 3")  # no newline at the end: still 3 lines
    repo.write("kept.py", "x = 1\n")
    repo.commit("initial")
    repo.write("kept.py", "x = 1\ny = 2\n")
    repo.write("vendor/lib.py", "v = 1\n")
    repo.stage()
    return repo


def evidence(repo: Repo, *files: str, listed_only: bool = False, stage: str = "commit") -> Evidence:
    return Evidence(RunSpec(root=str(repo.path), stage=stage, files=files, listed_only=listed_only))


def test_no_file_listed_is_the_whole_change(staged: Repo) -> None:
    run = evidence(staged)
    assert sorted(run.changed_files) == ["kept.py", "vendor/lib.py"]
    assert run.changed_lines == {"kept.py": {2}, "vendor/lib.py": {1}}


def test_listed_files_limit_the_change_and_its_lines(staged: Repo) -> None:
    run = evidence(staged, "kept.py", listed_only=True)
    assert run.changed_files == ["kept.py"]
    assert run.changed_lines == {"kept.py": {2}}


def test_none_listed_with_listed_only_is_nothing(staged: Repo) -> None:
    run = evidence(staged, listed_only=True)
    assert run.changes == [] and run.changed_lines == {}


def test_a_listed_file_the_change_leaves_alone_counts_in_whole(staged: Repo) -> None:
    run = evidence(staged, "kept.py", "old.py", "gone.py", listed_only=True)
    assert [(c.status, c.path) for c in run.changes] == [("M", "kept.py"), ("A", "old.py")]
    assert run.changed_lines == {"kept.py": {2}, "old.py": {1, 2, 3}}


def test_the_head_commit_at_the_push_stage_too(staged: Repo) -> None:
    base = staged.git("rev-parse", "HEAD").strip()
    head = staged.commit("second")
    run = Evidence(RunSpec(root=str(staged.path), stage="push", base=base, head=head,
                           files=("old.py", "vendor/lib.py")))
    assert sorted(c.path for c in run.changes) == ["old.py", "vendor/lib.py"]
    assert run.changed_lines == {"old.py": {1, 2, 3}, "vendor/lib.py": {1}}


def test_pre_commits_first_push_compares_with_nothing() -> None:
    env = {"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main"}
    refs = run_refs("push", env)
    assert (refs["base"], refs["head"]) == ("0" * 40, "refs/heads/main")
    later = run_refs("push", {**env, "PRE_COMMIT_FROM_REF": "a" * 40, "PRE_COMMIT_TO_REF": "b" * 40})
    assert (later["base"], later["head"]) == ("a" * 40, "b" * 40)
