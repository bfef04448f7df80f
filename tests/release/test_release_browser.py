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
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Run
from release_project import Project
from report.test_browser import CHROMIUM, IN_CI, DomCensus, chromium

FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="{page}" style="border:0;width:{width}px;height:900px"></iframe>
<script>
document.getElementById("f").addEventListener("load", function () {{
  var w = this.contentWindow;
  document.body.setAttribute("data-fit", w.document.documentElement.scrollWidth + " " + w.innerWidth);
}});
</script></body></html>
"""


@pytest.fixture(scope="module")
def dossier(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML dossier of the release with #1's results missing."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("chromium is not installed: .ci/run must install Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
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
    assert census.tags.count("script") == 0 and "iframe" not in census.tags
    assert not [a for a in census.attrs if a[0].startswith("on") or a[0] == "src"]
    assert all(v.startswith("#") for n, v in census.attrs if n == "href")
    assert "Content Security Policy" not in run.stderr, "the page broke its own CSP"


@pytest.mark.parametrize("width", [390, 1280])
def test_no_horizontal_scroll(dossier: Path, tmp_path: Path, width: int) -> None:
    frame = dossier.parent / f"frame-{width}.html"
    frame.write_text(FRAME.format(page=dossier.name, width=width), "utf-8")
    run = chromium(tmp_path, "--allow-file-access-from-files", "--virtual-time-budget=5000",
                   "--window-size=1400,900", "--dump-dom", frame.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    fit = re.search(r'data-fit="(\d+) (\d+)"', run.stdout)
    assert fit is not None, run.stdout[-2000:]
    scroll, inner = int(fit[1]), int(fit[2])
    assert inner == width and scroll <= inner, (scroll, inner)
