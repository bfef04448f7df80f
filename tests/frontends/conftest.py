"""Fixtures of the front-end tests: a sample change with every verdict, this checkout as a repo."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from frontends.support import CONFLICT, snapshot_checkout, write_policy
from helpers import Repo, Run

EVIL_NAME = "::error::forged,x:y%.txt"
SAMPLE_POLICY: dict[str, Any] = {
    "metadata": {"name": "frontends", "version": "1.0.0"},
    "inputs": {"junit": ["build/test-results/*.xml"]},
    "rules": [
        {"id": "code.no-conflict-markers", "title": "No merge conflict markers",
         "checklist": "Step 4: Merge to Main › Merge Requirements › No merge conflicts",
         "stages": ["commit", "pr"], "check": {"git.conflict_markers": {}},
         "fix": "Finish the merge and delete the marker lines."},
        {"id": "docs.readme", "title": "A README", "stages": ["commit"],
         "check": {"files.exist": {"paths": ["README.md"]}}},
        {"id": "repo.no-env", "title": "No environment files", "stages": ["commit"], "severity": "warning",
         "check": {"files.absent": {"paths": ["**/.env"]}}, "fix": "Remove the .env file."},
        {"id": "docs.changelog", "title": "A changelog", "stages": ["commit"], "severity": "info",
         "check": {"files.exist": {"paths": ["CHANGELOG.md"]}}},
        {"id": "tests.passing", "title": "Tests pass", "checklist": "Testing › All tests passing",
         "stages": ["commit"], "check": {"tests.junit": {}}},
        {"id": "repo.no-keys", "title": "No private keys", "stages": ["commit"],
         "check": {"files.absent": {"paths": ["**/*.pem"]}}},
        {"id": "docs.with-code", "title": "Docs with the code", "stages": ["commit"],
         "when": {"changed": ["src/**"]}, "check": {"changes.together": {"if": "src/**", "then": ["docs/**"]}}},
        {"id": "pr.later", "title": "Only at the PR stage", "stages": ["pr"],
         "check": {"files.exist": {"paths": ["README.md"]}}},
    ],
    "waivers": [{"rule": "repo.no-keys", "reason": "test key, rotated in #12", "owner": "@lead",
                 "expires": "2099-12-31"}],
}


@pytest.fixture(scope="session")
def source_snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(path, commit) of a repository holding this checkout's working tree."""
    dest = tmp_path_factory.mktemp("clearance-source")
    return dest, snapshot_checkout(dest)


@pytest.fixture
def sample_repo(repo: Repo) -> Repo:
    """A repository with a staged change that gives every verdict at the commit stage."""
    write_policy(repo, SAMPLE_POLICY)
    repo.write("README.md", "# sample\n")
    repo.commit("base")
    repo.write("app.py", CONFLICT)
    repo.write("config/.env", "TOKEN=1\n")
    repo.write("keys/test.pem", "not a key\n")
    repo.write(EVIL_NAME, CONFLICT)
    repo.stage()
    return repo


@pytest.fixture
def sample_doc(sample_repo: Repo, cli: Callable[..., Run], tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The results document of the sample change (SOURCE_DATE_EPOCH set: reproducible)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767409200")
    out = tmp_path / "results.json"
    result = cli("check", "--repo", sample_repo.path, "--stage", "commit", "-f", f"json={out}")
    assert result.code == 1, result.err
    doc: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return doc
