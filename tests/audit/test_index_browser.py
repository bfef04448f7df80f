"""The auditor's index in headless Chromium, as the report is checked (tests/report/test_browser.py).

The page of the stored runs, with a sample, is loaded from disk and its DOM read back: every
run and the sampled changes are there, it holds no script, event handler or link out of the
page, and Chromium logs no Content-Security-Policy violation (nothing was requested). Its
width is measured in an iframe of 390 and 1280 CSS pixels inside a test page whose own script
reads the frame's `scrollWidth`; the index itself stays as rendered, with its CSP.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit.stored import RUNS, store
from browser import DomCensus, assert_fits, assert_self_contained, chromium, need_chromium


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_chromium()
    from clearance.cli import main

    folder = tmp_path_factory.mktemp("index")
    store(folder / "stored")
    html = folder / "index.html"
    code = main(["report", "--index", str(folder / "stored"), "--sample", "3", "--seed", "5",
                 "-f", f"html={html}", "-f", f"json={folder / 'index.json'}"])
    assert code == 0
    return html


def test_the_index_renders_without_script_or_request(page: Path, tmp_path: Path) -> None:
    run = chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    census = DomCensus.of(run.stdout)
    assert "Auditor's index" in census.words
    assert f"{len(RUNS)} runs of 8 changes in 4 repositories" in census.words
    index = json.loads((page.parent / "index.json").read_text("utf-8"))
    for row in index["runs"]:
        assert any(row["path"] in r and row["stage"] in r.split() for r in census.rows), row["path"]
    for change in index["sample"]["changes"]:
        assert f"{change['repository']} {change['change']}" in census.words
    assert_self_contained(census, run)


@pytest.mark.parametrize("width", [390, 1280])
def test_no_horizontal_scroll(page: Path, tmp_path: Path, width: int) -> None:
    assert_fits(tmp_path, page, width)
