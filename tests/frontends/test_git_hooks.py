"""Plain git hooks and `clearance install-hooks`: real commits and pushes, core.hooksPath, worktrees."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from clearance.commands.install_hooks import HOOKS
from frontends.support import CONFLICT, ROOT, clean_env, run, write_policy
from helpers import Repo, Run

POLICY = {
    "metadata": {"name": "hooks", "version": "1"},
    "rules": [
        {"id": "code.no-conflict-markers", "title": "No conflict markers", "stages": ["commit", "push"],
         "check": {"git.conflict_markers": {}}, "fix": "Delete the marker lines."},
        {"id": "git.subject", "title": "Conventional subjects", "stages": ["commit-msg"],
         "check": {"git.commit_message": {"pattern": "^(feat|fix|chore): "}}},
    ],
}
MARKER_LINE = "app.py:2: code.no-conflict-markers conflict marker <<<<<<<"


def _git(repo: Repo, *args: str) -> tuple[int, str]:
    """git with this interpreter's scripts (`clearance`) first on PATH, as an installed tool."""
    env = clean_env(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = run(["git", *args], repo.path, env)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture
def project(repo: Repo) -> Repo:
    write_policy(repo, POLICY)
    repo.write("app.py", "a = 1\n")
    repo.commit("chore: start")
    return repo


@pytest.mark.parametrize("hook", HOOKS)
def test_top_level_hooks_are_the_packaged_ones(hook: str) -> None:
    shipped, top = ROOT / "src" / "clearance" / "hooks" / hook, ROOT / "hooks" / hook
    assert top.read_bytes() == shipped.read_bytes(), f"copy src/clearance/hooks/{hook} to hooks/"
    assert os.access(top, os.X_OK) and os.access(shipped, os.X_OK)
    assert top.read_text("utf-8").startswith("#!/bin/sh\n")


@pytest.mark.parametrize("hook", HOOKS)
def test_hooks_are_posix_sh(hook: str) -> None:
    dash = shutil.which("dash") or shutil.which("sh")
    assert dash is not None
    proc = run([dash, "-n", ROOT / "hooks" / hook], ROOT, clean_env())
    assert proc.returncode == 0, proc.stderr


def test_plain_hooks_refuse_then_accept_real_commits(project: Repo, cli: Callable[..., Run]) -> None:
    installed = cli("install-hooks", "--repo", project.path)
    assert installed.code == 0 and installed.out.count(": installed") == 3
    project.write("app.py", CONFLICT)
    project.stage("app.py")
    code, out = _git(project, "commit", "-m", "feat: b")
    assert code != 0 and MARKER_LINE in out and "fix: Delete the marker lines" in out, out
    project.write("app.py", "a = 1\nb = 2\n")
    project.stage("app.py")
    code, out = _git(project, "commit", "-m", "b")
    assert code != 0 and "git.subject 'b' does not match" in out, out
    code, out = _git(project, "commit", "-m", "feat: b")
    assert code == 0, out


def test_pre_push_checks_the_commits_the_remote_lacks(project: Repo, cli: Callable[..., Run],
                                                       tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    assert run(["git", "init", "-q", "--bare", remote], tmp_path, clean_env()).returncode == 0
    project.git("remote", "add", "origin", str(remote))
    assert _git(project, "push", "-q", "origin", "main")[0] == 0  # before the hook is installed
    assert cli("install-hooks", "--repo", project.path, "--hook", "pre-push").code == 0
    project.write("app.py", CONFLICT)
    project.commit("fix: oops", "app.py")
    code, out = _git(project, "push", "origin", "main")
    assert code != 0 and MARKER_LINE in out, out
    code, out = _git(project, "push", "origin", "HEAD:refs/heads/topic")  # a new branch
    assert code != 0 and MARKER_LINE in out, out  # measured from the commit the remote has
    project.write("app.py", "a = 3\n")
    project.commit("fix: resolved", "app.py")
    code, out = _git(project, "push", "origin", "main", "HEAD:refs/heads/topic")
    assert code == 0 and out.count("push stage passed") == 2, out
    assert project.git("ls-remote", str(remote)).count("refs/heads/") == 2


def test_an_existing_hook_is_kept_unless_forced_then_backed_up_and_restored(
        project: Repo, cli: Callable[..., Run]) -> None:
    own = project.write(".git/hooks/pre-commit", "#!/bin/sh\necho mine\n")
    result = cli("install-hooks", "--repo", project.path)
    assert result.code == 1 and "a hook is already there; left alone" in result.out
    assert own.read_text() == "#!/bin/sh\necho mine\n"
    assert (project.path / ".git/hooks/commit-msg").is_file()
    result = cli("install-hooks", "--repo", project.path, "--force")
    assert result.code == 0 and "kept as" in result.out
    backup = project.path / ".git/hooks/pre-commit.clearance-backup"
    assert backup.read_text() == "#!/bin/sh\necho mine\n"
    assert own.read_text() == (ROOT / "hooks/pre-commit").read_text()
    again = cli("install-hooks", "--repo", project.path)
    assert again.code == 0 and again.out.count("already installed") == 3
    removed = cli("install-hooks", "--repo", project.path, "--uninstall")
    assert removed.code == 0 and "restored pre-commit.clearance-backup" in removed.out
    assert own.read_text() == "#!/bin/sh\necho mine\n" and not backup.exists()
    assert not (project.path / ".git/hooks/commit-msg").exists()


def test_backups_never_overwrite_each_other(project: Repo, cli: Callable[..., Run]) -> None:
    hooks = project.path / ".git/hooks"
    (hooks / "pre-commit.clearance-backup").write_text("older\n")
    (hooks / "pre-commit").write_text("newer\n")
    assert cli("install-hooks", "--repo", project.path, "--force").code == 0
    assert (hooks / "pre-commit.clearance-backup").read_text() == "older\n"
    assert (hooks / "pre-commit.clearance-backup.2").read_text() == "newer\n"


def test_core_hooks_path_is_respected(project: Repo, cli: Callable[..., Run]) -> None:
    project.git("config", "core.hooksPath", ".githooks")
    assert cli("install-hooks", "--repo", project.path).code == 0
    assert (project.path / ".githooks/pre-commit").is_file()
    assert not (project.path / ".git/hooks/pre-commit").exists()
    project.write("app.py", CONFLICT)
    project.stage("app.py")
    code, out = _git(project, "commit", "-m", "feat: b")
    assert code != 0 and MARKER_LINE in out


def test_a_linked_worktree_installs_into_the_shared_hooks(project: Repo, cli: Callable[..., Run],
                                                            tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    project.git("worktree", "add", "-q", "-b", "topic", str(tree))
    assert cli("install-hooks", "--repo", tree, "--hook", "pre-commit").code == 0
    assert (project.path / ".git/hooks/pre-commit").is_file()
    worktree = Repo(tree)
    worktree.write("app.py", CONFLICT)
    worktree.stage("app.py")
    code, out = _git(worktree, "commit", "-m", "feat: b")
    assert code != 0 and MARKER_LINE in out
