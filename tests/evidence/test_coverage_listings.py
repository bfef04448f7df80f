"""Coverage report paths in a large tree: each folder is listed once, and a path is told
to be a file from the listing, as `os.path.isfile` tells it, without a `stat` each (#21,
monorepo scale)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clearance.evidence.coverage.paths import PathMapper


def test_coverage_paths_are_told_from_folder_listings_without_a_stat_each(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    src = root / "src"
    (src / "pkg.py").mkdir(parents=True)  # a folder named like a file
    for i in range(50):
        (src / f"m{i}.py").write_text("x = 1\n")
    (src / "link.py").symlink_to("m0.py")
    (src / "broken.py").symlink_to("gone.py")
    (src / "folder_link.py").symlink_to("pkg.py")
    mapper = PathMapper.at(root)
    stats: list[object] = []
    real = os.stat
    monkeypatch.setattr(os, "stat", lambda path, *a, **k: stats.append(path) or real(path, *a, **k))
    for i in range(50):  # mapped from a report, then placed: each file asked about twice
        assert mapper.joined([str(root), " "], f"src/m{i}.py") == f"src/m{i}.py"
        assert mapper.exists(f"src/m{i}.py")
    assert mapper.exists("src/link.py")
    assert not any(mapper.exists(p) for p in ("src/pkg.py", "src/broken.py", "src/folder_link.py",
                                              "src", "src/gone.py", "nowhere/m0.py"))
    assert len(stats) <= 2, stats  # was one per question: 100 here, 40,000 in a monorepo


def test_a_path_that_climbs_out_of_the_repository_names_no_file(tmp_path: Path) -> None:
    """A JaCoCo `sourcefile` is joined to its package as written: `pkg/../../x` would name a
    file beside the repository (found by review)."""
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.kt").write_text("x\n")
    (tmp_path / "secret.kt").write_text("outside\n")
    mapper = PathMapper.at(root, roots=[""])
    assert mapper.exists("pkg/a.kt")
    assert not mapper.exists("pkg/../../secret.kt")
    assert not mapper.exists("../secret.kt")
