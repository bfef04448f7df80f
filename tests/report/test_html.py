"""The HTML report without a browser: self-contained, no script, no request, accessible."""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from clearance.reporters import render


@pytest.fixture
def page(doc: dict[str, Any]) -> str:
    return render("html", doc, {})


def test_the_csp_forbids_scripts_and_requests_and_allows_only_its_stylesheet(page: str) -> None:
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp is not None
    directives = dict(d.strip().split(" ", 1) for d in csp.group(1).split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "'none'" and directives["base-uri"] == "'none'"
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None and page.count("<style>") == 1
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode("utf-8")).digest()).decode()
    assert directives["style-src"] == f"'sha256-{digest}'"


def test_nothing_is_loaded_or_run(page: str) -> None:
    lowered = page.lower()
    for needle in ("<script", "url(", "@import", "http://", "https://", "<link", "<iframe",
                   "<object", "<embed", "<form", "javascript:alert(1)\""):
        assert needle not in lowered, needle
    assert not re.search(r"<[^>]*\s(on[a-z]+|src)=", lowered)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith("#") for h in hrefs)


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.th_without_scope = 0
        self.tables = 0
        self.captions = 0
        self.ids: list[str] = []
        self.html_lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self.th_without_scope += tag == "th" and "scope" not in found
        self.tables += tag == "table"
        self.captions += tag == "caption"
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "html":
            self.html_lang = str(found.get("lang"))


def test_structure_for_assistive_technology(page: str) -> None:
    outline = Outline()
    outline.feed(page)
    assert outline.html_lang == "en" and "<title>Compliance report: shop-delivery" in page
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(outline.headings)), "a heading level skipped"
    assert outline.th_without_scope == 0
    assert outline.tables > 5 and outline.captions >= outline.tables - 1  # the run table has row headers
    assert len(outline.ids) == len(set(outline.ids))


def test_verdicts_are_words_not_only_colours(page: str) -> None:
    badges = re.findall(r'<span class="verdict [vr]-([a-z-]+)"><span aria-hidden="true">[^<]+</span> ([a-z ]+)</span>',
                        page)
    assert len(badges) > 20
    assert {label for _, label in badges} >= {"pass", "fail", "error", "pending", "waived", "not applicable",
                                             "passed", "failed", "not run", "not implemented", "excluded"}
    assert "<h2 id=\"other-stages-h\">Rules of other stages</h2>" in page  # the rest, in one table


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_verdict_colours_meet_wcag_aa_contrast(page: str) -> None:
    pairs = re.findall(r"\{ color: (#[0-9a-f]{6}); background: (#[0-9a-f]{6}); \}", page)
    assert len(pairs) >= 6
    for fg, bg in pairs:
        light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (fg, bg)
