"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit framework.

The hook repository is a snapshot of this checkout's working tree committed
in a temporary repository (`source_snapshot`), used both by `pre-commit
try-repo PATH HOOK --ref SHA` and by a `.pre-commit-config.yaml` with
`repo: PATH` / `rev: SHA` for real `git commit`s: the same (repo, rev) pair,
so pre-commit pip-installs clearance once into the module's PRE_COMMIT_HOME.
(`try-repo` on the checkout itself would copy only files git already tracks.)
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from frontends.support import CONFLICT, PRE_COMMIT, ROOT, clean_env, run
from helpers import Repo, Run

POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: hooks-test, version: 1.0.0}
rules:
  - id: code.no-conflict-markers
    title: No merge conflict markers in changed files
    stages: [commit, push]
    check: {git.conflict_markers: {}}
    fix: Finish resolving the merge and delete the marker lines.
  - id: git.conventional-commits
    title: Commit subjects follow Conventional Commits
    stages: [commit-msg]
    check: {git.commit_message: {pattern: '^(feat|fix|docs|chore): '}}
    fix: "Start the subject with feat:, fix:, docs: or chore:."
"""
MARKER_LINE = "app.py:2: code.no-conflict-markers conflict marker <<<<<<<"


class Hooks:
    """pre-commit with a home of its own, and the hook repository to run.

    The environment is installed once, in the background from the moment the
    fixture is made (so that the one `try-repo` test, which installs into a
    temporary store of its own, runs meanwhile); every `run` waits for it.
    """

    def __init__(self, home: Path, source: Path, rev: str) -> None:
        self.env = clean_env(PRE_COMMIT_HOME=str(home / "cache"),
                             PATH=f"{PRE_COMMIT.parent}:{clean_env()['PATH']}")
        self.source, self.rev = source, rev
        self.config = home / "pre-commit-config.yaml"
        self.config.write_text(config_text(source, rev, list(CASES)), encoding="utf-8")
        scratch = Repo(home / "scratch")
        scratch.path.mkdir()
        scratch.git("init", "-q")
        self.install = subprocess.Popen([PRE_COMMIT, "install-hooks", "--config", self.config],
                                        cwd=scratch.path, env=self.env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def ready(self) -> None:
        out, _ = self.install.communicate(timeout=600)
        assert self.install.returncode == 0, out

    def run(self, repo: Repo, hook: str, *extra: str) -> tuple[int, str]:
        """`pre-commit run HOOK` in `repo` with the module's config (outside the repo)."""
        self.ready()
        proc = run([PRE_COMMIT, "run", hook, "--config", self.config, "--color", "never", *extra],
                   repo.path, self.env)
        return proc.returncode, proc.stdout + proc.stderr

    def git(self, repo: Repo, *args: str) -> tuple[int, str]:
        self.ready()
        proc = run(["git", *args], repo.path, self.env)
        return proc.returncode, proc.stdout + proc.stderr


def config_text(source: Path, rev: str, hook_ids: list[str]) -> str:
    hooks = "".join(f"      - id: {hook}\n" for hook in hook_ids)
    return f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n{hooks}"


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory, source_snapshot: tuple[Path, str]) -> Iterator[Hooks]:
    made = Hooks(tmp_path_factory.mktemp("pre-commit-home"), *source_snapshot)
    yield made
    if made.install.poll() is None:
        made.install.kill()
    made.install.communicate()


@pytest.fixture
def project(repo: Repo) -> Repo:
    """A repository with a clearance policy and a first commit."""
    repo.write("clearance.yaml", POLICY)
    repo.write("app.py", "a = 1\n")
    repo.commit("chore: start")
    return repo


def test_try_repo_all_files_reports_committed_markers_then_the_commit_checks_its_own(
        hooks: Hooks, project: Repo) -> None:
    """`pre-commit try-repo PATH clearance --all-files`, as pre-commit's docs test a hook repository.

    With --all-files pre-commit passes every tracked file: the staged app.py is
    checked by its staged change, the committed old.py (which the change leaves
    as it is) in whole, so its marker is reported too. A plain run passes the
    staged files only. try-repo installs into a temporary store of its own on
    every call, so it runs once; the plain runs use the module's installed store.
    """
    project.write("old.py", CONFLICT)
    project.commit("chore: a marker slipped in", "old.py")
    project.write("app.py", CONFLICT)
    project.stage("app.py")
    proc = run([PRE_COMMIT, "try-repo", hooks.source, "clearance", "--ref", hooks.rev,
                "--all-files", "--color", "never"], project.path, hooks.env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and MARKER_LINE in out and "old.py:2: code.no-conflict-markers" in out, out
    assert "  fix: Finish resolving the merge" in out
    project.write("app.py", "a = 1\nb = 2\n")
    project.stage("app.py")
    code, out = hooks.run(project, "clearance")
    assert code == 0 and "clearance (commit stage)" in out and "Passed" in out, out
    code, out = hooks.run(project, "clearance", "--all-files")
    assert code == 1 and "old.py:2: code.no-conflict-markers" in out and "app.py" not in out, out


def test_commit_hook_honours_files_exclude_and_types(hooks: Hooks, project: Repo, tmp_path: Path) -> None:
    """The user's `exclude` and `types` narrow what the commit stage checks; a change with no
    file selected still runs the hook (always_run), with nothing to check."""
    config = tmp_path / "narrowed.yaml"
    config.write_text(f"repos:\n  - repo: {hooks.source}\n    rev: {hooks.rev}\n    hooks:\n"
                      "      - id: clearance\n        exclude: ^vendor/\n        types: [python]\n",
                      encoding="utf-8")
    project.write("vendor/lib.py", CONFLICT)
    project.write("notes.txt", CONFLICT)
    project.stage("vendor/lib.py", "notes.txt")
    hooks.ready()

    def commit_stage(*extra: str) -> tuple[int, str]:
        proc = run([PRE_COMMIT, "run", "clearance", "--config", config, "--color", "never", *extra],
                   project.path, hooks.env)
        return proc.returncode, proc.stdout + proc.stderr

    code, out = commit_stage()
    assert code == 0 and "Passed" in out, out
    project.write("app.py", CONFLICT)
    project.stage("app.py")
    code, out = commit_stage()
    assert code == 1 and MARKER_LINE in out, out
    assert "vendor/lib.py" not in out and "notes.txt" not in out


def test_push_hook_checks_the_first_push_to_an_empty_remote(hooks: Hooks, project: Repo,
                                                             tmp_path: Path) -> None:
    """pre-commit runs a push of a root commit the remote lacks with no refs (as --all-files);
    clearance compares it with nothing, as the plain pre-push hook does."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.write(".pre-commit-config.yaml", config_text(hooks.source, hooks.rev, ["clearance-push"]))
    project.write("app.py", CONFLICT)
    project.commit("fix: oops")
    installed = run([PRE_COMMIT, "install", "--hook-type", "pre-push"], project.path, hooks.env)
    assert installed.returncode == 0, installed.stderr
    code, out = hooks.git(project, "push", str(remote), "HEAD:refs/heads/main")
    assert code != 0 and MARKER_LINE in out and "no base revision" not in out, out
    project.write("app.py", "a = 2\n")
    project.commit("fix: resolved")
    code, out = hooks.git(project, "push", str(remote), "HEAD:refs/heads/main")
    assert code == 0 and "clearance (push stage)" in out and "Passed" in out, out


def test_manifest_is_valid() -> None:
    proc = run([PRE_COMMIT, "validate-manifest", ROOT / ".pre-commit-hooks.yaml"], ROOT, clean_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_manifest_follows_the_conventions() -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    by_id = {h["id"]: h for h in hooks}
    assert {h["minimum_pre_commit_version"] for h in hooks} == {"3.2.0"}
    assert {h["language"] for h in hooks} == {"python"}
    assert by_id["clearance"]["stages"] == ["pre-commit"]
    assert by_id["clearance-commit-msg"]["stages"] == ["commit-msg"]
    assert by_id["clearance-push"]["stages"] == ["pre-push"]
    # the commit stage takes pre-commit's selection (files, exclude, types, --all-files), and
    # runs when none is selected too (rules on the snapshot, such as files.absent)
    assert by_id["clearance"].get("pass_filenames", True) is True and by_id["clearance"]["always_run"] is True
    assert by_id["clearance"]["entry"] == "clearance check --stage commit --listed-only"
    assert by_id["clearance-push"]["pass_filenames"] is False and by_id["clearance-push"]["always_run"] is True
    assert by_id["clearance-validate"]["files"] == r"(^|/)(clearance\.ya?ml|\.clearance\.ya?ml)$"


def _commit_stage(hooks: Hooks, repo: Repo) -> None:
    repo.write("app.py", CONFLICT)
    repo.stage("app.py")
    code, out = hooks.run(repo, "clearance")
    assert code == 1 and MARKER_LINE in out, out
    assert "  fix: Finish resolving the merge" in out
    repo.write("app.py", "a = 1\nb = 2\n")
    repo.stage("app.py")
    code, out = hooks.run(repo, "clearance")
    assert code == 0, out


def _commit_msg(hooks: Hooks, repo: Repo) -> None:
    message = repo.write("message.txt", "wip\n")
    code, out = hooks.run(repo, "clearance-commit-msg", "--hook-stage", "commit-msg",
                               "--commit-msg-filename", str(message))
    assert code == 1 and "git.conventional-commits 'wip' does not match" in out, out
    message.write_text("feat: a real subject\n", encoding="utf-8")
    code, out = hooks.run(repo, "clearance-commit-msg", "--hook-stage", "commit-msg",
                               "--commit-msg-filename", str(message))
    assert code == 0, out


def _push(hooks: Hooks, repo: Repo) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("app.py", CONFLICT)
    bad = repo.commit("fix: oops", "app.py")
    refs = ("--hook-stage", "pre-push", "--from-ref", base, "--to-ref", bad)
    code, out = hooks.run(repo, "clearance-push", *refs)
    assert code == 1 and MARKER_LINE in out, out
    repo.write("app.py", "a = 2\n")
    good = repo.commit("fix: resolved", "app.py")
    code, out = hooks.run(repo, "clearance-push", "--hook-stage", "pre-push",
                               "--from-ref", bad, "--to-ref", good)
    assert code == 0, out


def _validate(hooks: Hooks, repo: Repo) -> None:
    repo.write("clearance.yaml", POLICY.replace("git.commit_message", "git.commit_mesage"))
    repo.stage("clearance.yaml")
    code, out = hooks.run(repo, "clearance-validate")
    assert code == 1 and "clearance.yaml:13:12: rules[1].check: unknown check kind" in out, out
    repo.write("clearance.yaml", POLICY)
    repo.stage("clearance.yaml")
    code, out = hooks.run(repo, "clearance-validate")
    assert code == 0, out


CASES: dict[str, Callable[[Hooks, Repo], None]] = {
    "clearance": _commit_stage, "clearance-commit-msg": _commit_msg,
    "clearance-push": _push, "clearance-validate": _validate,
}


def test_every_hook_of_the_manifest_is_run_here() -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert sorted(h["id"] for h in hooks) == sorted(CASES)


@pytest.mark.parametrize("hook_id", list(CASES))
def test_hook_blocks_then_passes(hook_id: str, hooks: Hooks, project: Repo) -> None:
    CASES[hook_id](hooks, project)


def test_real_commits_through_the_installed_hooks(hooks: Hooks, project: Repo) -> None:
    project.write(".pre-commit-config.yaml",
                  config_text(hooks.source, hooks.rev, ["clearance", "clearance-commit-msg"]))
    project.commit("chore: use the hooks", ".pre-commit-config.yaml")
    installed = run([PRE_COMMIT, "install", "--hook-type", "pre-commit", "--hook-type", "commit-msg"],
                    project.path, hooks.env)
    assert installed.returncode == 0, installed.stderr
    project.write("app.py", CONFLICT)
    project.stage("app.py")
    code, out = hooks.git(project, "commit", "-m", "feat: add b")
    assert code != 0 and MARKER_LINE in out, out
    project.write("app.py", "a = 1\nb = 2\n")
    project.stage("app.py")
    code, out = hooks.git(project, "commit", "-m", "add b")
    assert code != 0 and ".git/COMMIT_EDITMSG:1: git.conventional-commits 'add b' does not match" in out
    assert "fix: Start the subject with feat:" in out
    code, out = hooks.git(project, "commit", "-m", "feat: add b")
    assert code == 0, out
    assert project.git("log", "-1", "--format=%s").strip() == "feat: add b"


def test_check_reads_the_one_file_a_commit_msg_hook_passes(project: Repo, cli: Callable[..., Run]) -> None:
    """pre-commit appends the message file to the entry: `clearance check --stage commit-msg FILE`."""
    message = project.write("MSG", "wip\n")
    result = cli("check", "--repo", project.path, "--stage", "commit-msg", message)
    assert result.code == 1 and f"{message}:1: git.conventional-commits 'wip' does not match" in result.out
    message.write_text("feat: fine\n", encoding="utf-8")
    assert cli("check", "--repo", project.path, "--stage", "commit-msg", message).code == 0
    explicit = cli("check", "--repo", project.path, "--stage", "commit-msg", "--message-file", message)
    assert explicit.code == 0
