"""A real repository with one release of three merged pull requests, and the results of
every stage written by real `clearance check` runs (tests of `clearance release`).

    base ── #1 squash ── #2 merge commit ── #3 rebase (two commits) = head

`clearance.yaml` is committed in the base commit, so every run reads the policy in
force from its base revision. The results of each pull request (its PR and merge
runs) go to their own folder, `held/pr-N/`, and the deployment runs of the head to
`held/deploy/`: a test copies into its results folder what it wants `release` to see.
Every run also keeps its results as a git note (`--record`, refs/notes/clearance).
Times are pinned: each step moves the clock on by a minute.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from clearance.cli import main
from helpers import Repo

POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: release-demo, version: "1"}
rules:
  - id: readme
    title: A README exists
    stages: [pr, merge, staging, production]
    controls: [SOC2:CC8.1, ISO27001:A.8.32]
    check: {files.exist: {paths: [README.md]}}
"""
START = 1767323045  # 2026-01-02T03:04:05Z
OWNER = "owner/repo"


@dataclass
class Project:
    repo: Repo
    held: Path
    base: str = ""
    head: str = ""
    clock: int = START
    pr_heads: dict[int, str] = field(default_factory=dict)
    landed: dict[int, list[str]] = field(default_factory=dict)
    check: Callable[..., int] | None = None

    @property
    def range(self) -> str:
        return f"{self.base}..{self.head}"

    def tick(self) -> None:
        self.clock += 60
        stamp = _iso(self.clock)
        os.environ.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp,
                          SOURCE_DATE_EPOCH=str(self.clock))

    def sha(self, ref: str) -> str:
        return self.repo.git("rev-parse", ref).strip()

    def results(self, into: Path, *folders: str) -> Path:
        """Copy the held results of these folders (`pr-1`, `deploy`, ...) into `into`."""
        for name in folders:
            shutil.copytree(self.held / name, into / name, dirs_exist_ok=True)
        return into


def _iso(epoch: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_check(project: Project, stage: str, base: str, head: str, out: Path,
              event: Path | None = None, *extra: str) -> None:
    project.tick()
    argv = ["check", "--repo", str(project.repo.path), "--stage", stage, "--base", base,
            "--head", head, "-f", f"json={out}", "--record", *extra]
    if event is not None:
        argv += ["--event", str(event)]
    code = main(argv)
    assert code == 0, (stage, head, code)


def _event(project: Project, number: int, branch: str, base: str) -> Path:
    path = project.held / "events" / f"{number}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    head = project.sha(branch)
    path.write_text(json.dumps({"pull_request": {
        "number": number, "html_url": f"https://github.com/{OWNER}/pull/{number}",
        "head": {"sha": head, "ref": branch}, "base": {"sha": base, "ref": "main"}}}), "utf-8")
    return path


def _pr(project: Project, number: int, branch: str, files: dict[str, str]) -> None:
    """Commit the files on `branch` (one commit each) and run the PR stage at its head."""
    repo = project.repo
    base = project.sha("main")
    repo.git("checkout", "-q", "-b", branch, "main")
    for name, text in files.items():
        project.tick()
        repo.write(name, text)
        repo.commit(f"{branch}: {name}", name)
    repo.git("checkout", "-q", "main")
    project.pr_heads[number] = project.sha(branch)
    run_check(project, "pr", base, branch, project.held / f"pr-{number}" / "pr.json",
              _event(project, number, branch, base))


def _merged(project: Project, number: int, before: str, *extra: str) -> None:
    """Run the merge stage on the branch's new head; remember the commits that landed."""
    head = project.sha("main")
    project.landed[number] = project.repo.git("rev-list", "--reverse", f"{before}..{head}",
                                              "--first-parent").split()
    run_check(project, "merge", before, head, project.held / f"pr-{number}" / "merge.json",
              None, *extra)


def build(repo: Repo, held: Path, *check_extra: str) -> Project:
    """The repository, its release and every run's results (see the module docstring)."""
    project = Project(repo, held)
    project.tick()
    repo.write("README.md", "# demo\n")
    repo.write("clearance.yaml", POLICY)
    project.base = repo.commit("base: README and policy")
    _squash_pr(project)
    _merge_commit_pr(project)
    _rebase_pr(project)
    project.head = project.sha("main")
    for stage in ("staging", "production"):
        run_check(project, stage, project.base, project.head,
                  held / "deploy" / f"{stage}.json", None, *check_extra)
    return project


def _squash_pr(project: Project) -> None:
    repo = project.repo
    _pr(project, 1, "feature-a", {"a.txt": "a\n"})
    before = project.sha("main")
    project.tick()
    repo.git("merge", "-q", "--squash", "feature-a")
    repo.git("commit", "-q", "-m", "Add a (#1)")
    _merged(project, 1, before)


def _merge_commit_pr(project: Project) -> None:
    _pr(project, 2, "feature-b", {"b1.txt": "b1\n", "b2.txt": "b2\n"})
    before = project.sha("main")
    project.tick()
    project.repo.git("merge", "-q", "--no-ff", "feature-b", "-m",
                     f"Merge pull request #2 from {OWNER.split('/')[0]}/feature-b")
    _merged(project, 2, before)


def _rebase_pr(project: Project) -> None:
    """Branched from the base, so landing it rewrites both commits (as GitHub's rebase does)."""
    repo = project.repo
    repo.git("branch", "feature-c", project.base)
    repo.git("checkout", "-q", "feature-c")
    for name in ("c1.txt", "c2.txt"):
        project.tick()
        repo.write(name, name + "\n")
        repo.commit(f"feature-c: {name}", name)
    repo.git("checkout", "-q", "main")
    project.pr_heads[3] = project.sha("feature-c")
    before = project.sha("main")
    run_check(project, "pr", before, "feature-c", project.held / "pr-3" / "pr.json",
              _event(project, 3, "feature-c", before))
    project.tick()
    repo.git("cherry-pick", f"{project.base}..feature-c")
    _merged(project, 3, before)


@contextlib.contextmanager
def pinned_env() -> Iterator[None]:
    """The test suite's pinned git identity, for a module-scoped project."""
    from conftest import PINNED

    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "PRE_COMMIT", "CLEARANCE_")) or name in ("CI", "NO_COLOR"):
            del os.environ[name]
    os.environ.update(PINNED)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
