"""Headless Chromium for the tests of every page clearance writes (the report, the release
dossier, the auditor's index): Debian's chromium, run with the flags this machine's closed
network needs; the DOM it built read back; a page's width measured at a phone's and a
desktop's width.

`need_chromium()` skips when /usr/bin/chromium is absent and CI is not set; in CI a missing
browser fails the test (`.ci/run` installs Debian's `chromium`).
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Read at import: the suite's autouse fixture removes CI from the environment of each test.
IN_CI = bool(os.environ.get("CI"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def need_chromium() -> None:
    """Skip without Debian's chromium, except in CI, where its absence fails the test."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("chromium is not installed: .ci/run must install Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")


class DomCensus(HTMLParser):
    """Elements, attributes, body text and table rows of a document, for assertions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.rows: list[str] = []
        self._row: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((name, value or "") for name, value in attrs)
        self._in_body = self._in_body or tag == "body"
        if tag == "tr":
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row is not None:
            self.rows.append(" ".join(" ".join(self._row).split()))
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._in_body:
            self.text.append(data)
            if self._row is not None:
                self._row.append(data)

    @classmethod
    def of(cls, html: str) -> DomCensus:
        census = cls()
        census.feed(html)
        census.close()
        return census

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


WIDTHS = (390, 1280)
# The report forbids scripts (its CSP); a page of the test's own loads it in an iframe of
# each width and writes what the report's own document measures into its body. Chromium
# lets file pages read each other with --allow-file-access-from-files.
PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<iframe id="f" src="{src}" style="width:{width}px;height:800px;border:0"></iframe>
<script>
document.getElementById("f").addEventListener("load", function () {{
  var w = this.contentWindow, d = w.document.documentElement;
  var wide = Array.from(w.document.querySelectorAll("main *")).filter(function (e) {{
    var r = e.getBoundingClientRect(); return r.right > w.innerWidth + 0.5 && !e.closest(".scroll");
  }}).slice(0, 5).map(function (e) {{ return e.tagName + "." + e.className; }});
  document.body.setAttribute("data-measure", JSON.stringify(
    {{scrollWidth: d.scrollWidth, innerWidth: w.innerWidth, height: d.scrollHeight, wide: wide}}));
}});
</script></body></html>
"""


def measure(tmp_path: Path, report: Path, width: int) -> dict[str, Any]:
    """What a page measures of itself in an iframe `width` CSS pixels wide: `scrollWidth`,
    `innerWidth`, `height`, and the first elements of its `main` wider than the frame
    outside a `.scroll` container (the probe page sits beside the page; Chromium's own
    window is at least 500 pixels wide, an iframe can be narrower)."""
    probe = report.parent / f"probe-{width}.html"
    probe.write_text(PROBE.format(src=report.name, width=width), encoding="utf-8")
    run = chromium(tmp_path, "--allow-file-access-from-files", "--virtual-time-budget=10000",
                   "--dump-dom", probe.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r'data-measure="([^"]*)"', run.stdout)
    assert found, run.stdout[-2000:]
    measured: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return measured


def assert_self_contained(census: DomCensus, run: subprocess.CompletedProcess[str]) -> None:
    """A page that runs nothing and loads nothing: no script or frame, no event handler or
    `src`, links within the page only, and no breach of its own CSP in Chromium's log."""
    assert census.tags.count("script") == 0 and "iframe" not in census.tags
    assert not [a for a in census.attrs if a[0].startswith("on") or a[0] == "src"]
    assert all(v.startswith("#") for n, v in census.attrs if n == "href")
    assert "Content Security Policy" not in run.stderr, "the page broke its own CSP"


def assert_fits(tmp_path: Path, page: Path, width: int) -> dict[str, Any]:
    """The page at `width` CSS pixels scrolls no wider than the frame; what it measured."""
    measured = measure(tmp_path, page, width)
    assert measured["innerWidth"] == width
    assert measured["scrollWidth"] <= measured["innerWidth"], measured
    return measured
