"""The HTML dossier in headless Chromium, as the report is checked (tests/report/test_browser.py).

The flagged record (pull request #1 without results) is rendered, loaded from disk, and
its DOM read back: it names #1 and every change, holds no script, event handler or link
out of the page, and Chromium logs no Content-Security-Policy violation (nothing was
requested). Its width is measured in an iframe of 390 and 1280 CSS pixels, inside a
test page whose own script reads the frame's `scrollWidth` (the dossier itself stays as
rendered, with its CSP; Chromium's headless window is at least 500 pixels wide).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from browser import DomCensus, assert_fits, assert_self_contained, chromium, need_chromium
from helpers import Run
from release_project import Project


@pytest.fixture(scope="module")
def dossier(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML dossier of the release with #1's results missing."""
    need_chromium()
    from clearance.cli import main

    folder = tmp_path_factory.mktemp("dossier")
    project.results(folder / "results", "pr-2", "pr-3", "deploy")
    page = folder / "release.html"
    code = main(["release", project.range, "--repo", str(project.repo.path),
                 "--results", str(folder / "results"), "-f", f"html={page}",
                 "-f", f"json={folder / 'record.json'}"])
    assert code == 1
    return page


def test_the_dossier_renders_without_script_or_request(dossier: Path, tmp_path: Path,
                                                       cli: Callable[..., Run]) -> None:
    run = chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", dossier.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    census = DomCensus.of(run.stdout)
    assert "Release record:" in census.words and "FLAGGED" in census.words
    assert "stage-missing #1" in census.words and "no pr results" in census.words
    record = json.loads((dossier.parent / "record.json").read_text("utf-8"))
    for change in record["changes"]:
        assert any(r.startswith(f"{change['index']} #{change['pull_request']['number']} ")
                   for r in census.rows), census.rows
    assert_self_contained(census, run)


@pytest.mark.parametrize("width", [390, 1280])
def test_no_horizontal_scroll(dossier: Path, tmp_path: Path, width: int) -> None:
    assert_fits(tmp_path, dossier, width)
