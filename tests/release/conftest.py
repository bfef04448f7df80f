"""One release repository for every test of `clearance release`: building it runs clearance
ten times."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import Repo
from release_project import Project, build, pinned_env


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("release")
    (root / "repo").mkdir()
    repo = Repo(root / "repo")
    with pinned_env():
        os.environ["CLEARANCE_CACHE_DIR"] = str(root / "cache")
        repo.git("init", "-q", "-b", "main")
        yield build(repo, root / "held")


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """An empty folder for the results a test lets `release` see."""
    folder = tmp_path / "results"
    folder.mkdir()
    return folder
