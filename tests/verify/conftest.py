"""A real results document: `clearance check` on a real repository, written as clearance writes it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import Repo, Run

POLICY = """\
metadata: {name: verify-me, version: 1.0.0}
rules:
  - {id: readme, stages: [pr], check: {files.contain: {paths: [README.md], pattern: "^# Shop"}}}
  - {id: meta, stages: [pr], check: {assert: {file: build/meta.json, schema: {type: object, required: [sha]}}}}
  - {id: changelog, stages: [pr], check: {files.exist: {paths: [CHANGELOG.md]}}}
  - {id: later, stages: [production], check: {files.exist: {paths: [README.md]}}}
"""


class Made:
    """The repository, the results file and the document in it."""

    def __init__(self, repo: Repo, path: Path, run: Run) -> None:
        self.repo, self.path, self.run = repo, path, run
        self.doc: dict[str, Any] = json.loads(path.read_text("utf-8"))

    def edited(self, change: Callable[[dict[str, Any]], object], name: str = "edited.json") -> Path:
        doc = json.loads(self.path.read_text("utf-8"))
        change(doc)
        target = self.path.with_name(name)
        target.write_text(json.dumps(doc), encoding="utf-8")
        return target


@pytest.fixture
def made(repo: Repo, cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Made:
    repo.write("clearance.yaml", POLICY)
    base = repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature/cart")
    repo.write("README.md", "# Shop\n")
    repo.commit("readme")
    repo.write("build/meta.json", '{"sha": "abc"}\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767323045")
    out = tmp_path / "results.json"
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", f"json={out}")
    assert run.code == 1, run.err  # changelog fails
    return Made(repo, out, run)
