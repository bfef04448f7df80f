"""A run never changes the repository: working tree, index, refs, the whole .git, byte for byte."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from helpers import Repo

POLICY = """\
metadata: {name: readonly}
inputs: {junit: [build/junit.xml]}
rules:
  - {id: markers, stages: [commit, pr], check: {git.conflict_markers: {}}}
  - {id: merge, stages: [pr], check: {git.mergeable: {}}}
  - {id: junit, stages: [pr], check: {tests.junit: {}}}
  - {id: meta, stages: [commit, pr], check: {assert: {file: build/meta.json, schema: true}}}
"""


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under the root (the .git folder included) with its digest."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture
def repo_state(repo: Repo) -> tuple[Repo, str]:
    repo.write("clearance.yaml", POLICY)
    repo.write("app.txt", "one\n")
    base = repo.commit("initial")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app.txt", "one\ntwo\n")
    repo.commit("feature")
    repo.write("staged.txt", "staged\n")
    repo.stage("staged.txt")
    repo.write("app.txt", "one\ntwo\nunstaged edit\n")
    repo.write("untracked.txt", "left alone\n")
    return repo, base


CASES = {
    "pass": ("", 0),
    "fail": ("<<<<<<< conflict\n", 1),
    "error": (None, 1),
}


@pytest.mark.parametrize("outcome", sorted(CASES))
@pytest.mark.parametrize("stage", ["commit", "pr"])
def test_the_repository_is_byte_identical_after_a_run(repo_state, cli, tmp_path, outcome, stage) -> None:
    repo, base = repo_state
    content, code = CASES[outcome]
    if content is not None:
        repo.write("build/junit.xml", '<testsuite><testcase name="a"/></testsuite>')
        repo.write("build/meta.json", "{}")
        repo.write("staged.txt", "staged\n" + content)
        repo.stage("staged.txt")
        if stage == "pr":
            repo.commit("more")
    before = tree_digest(repo.path)
    snapshot = repo.snapshot()
    outputs = tmp_path / "out"
    argv = ["check", "--repo", repo.path, "--stage", stage, "--base", base, "-f", "text"]
    argv += [f"-f={fmt}={outputs / fmt}" for fmt in ("json", "sarif", "junit", "github", "markdown", "html")]
    run = cli(*argv)
    assert run.code == code, run.out
    if outcome == "error":
        verdicts = {r["verdict"] for r in json.loads((outputs / "json").read_text())["rules"] if r["in_stage"]}
        assert "error" in verdicts
    assert tree_digest(repo.path) == before
    assert repo.snapshot() == snapshot
