"""Markdown: untrusted text stays text wherever it lands, and `max_bytes` cuts cleanly."""

from __future__ import annotations

import html
from typing import Any

import pytest
from markdown_it import MarkdownIt

from clearance.reporters import render
from clearance.reporters.markdown import truncate
from clearance.reporters.templating import md_code, md_text


def to_html(markdown: str) -> str:
    """How GitHub-like renderers see it: CommonMark with raw HTML allowed, and tables."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


@pytest.mark.parametrize("raw, escaped", [
    ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
    ("[x](javascript:alert(1))", "\\[x\\](javascript\\:alert(1))"),
    ("a | b", "a \\| b"),
    ("`code`", "\\`code\\`"),
    ("line one\nline two\r\n\tthree", "line one line two three"),
    ("- not a list", "\\- not a list"),
    ("1. not a list", "1\\. not a list"),
    ("=== not a heading", "\\=== not a heading"),
    ("# not a heading", "\\# not a heading"),
    ("**bold** _it_ ~~s~~", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~"),
    ("AT&T &amp;", "AT\\&T \\&amp;"),
    ("esc \x1b[31m red", "esc \\\\x1b\\[31m red"),
    ("1.0.0 -3 a-b", "1.0.0 -3 a-b"),
    (None, "\u2014"),
    (42, "42"),
])
def test_md_text(raw: Any, escaped: str) -> None:
    assert md_text(raw) == escaped


@pytest.mark.parametrize("raw, shown", [
    ("docs.with-code", "`docs.with-code`"),
    ("a`b", "a\\`b"),
    ("a|b", "a\\|b"),
    ("two\nlines", "two lines"),
    (None, "\u2014"),
])
def test_md_code(raw: Any, shown: str) -> None:
    assert md_code(raw) == shown


@pytest.mark.parametrize("raw", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
    "<javascript:alert(1)>", "![i](https://evil.example/x.png)", "a | b | c",
    "text\n\n<div onclick=x>block</div>", "`` ` ``", "&lt;script&gt;",
])
def test_escaped_text_renders_as_itself(raw: str) -> None:
    out = to_html(f"| cell |\n|---|\n| {md_text(raw)} |\n\n- {md_text(raw)}\n")
    assert "<script" not in out and "<img" not in out and "<div" not in out and "href" not in out
    assert out.count("<td>") == 1
    assert html.unescape(out).count(" ".join(raw.split())) == 2


def test_the_report_renders_without_html_from_the_data(doc: dict[str, Any], hostile: tuple[str, ...]) -> None:
    out = to_html(render("markdown", doc, {}))
    assert "<script" not in out and "<img" not in out
    assert 'href="javascript' not in out and "<a " not in out
    text = html.unescape(out)
    for raw in hostile:
        assert raw in text
    assert "Empty cart | total is 0" in text


def test_tables_keep_their_columns(doc: dict[str, Any]) -> None:
    out = render("markdown", doc, {})
    for block in out.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            widths = {len(row.replace("\\|", "").split("|")) for row in rows}
            assert len(widths) == 1, block


@pytest.mark.parametrize("limit", [500, 700, 1500, 4000, 9000, 14000])
def test_max_bytes_cuts_at_a_line_and_says_so(doc: dict[str, Any], limit: int) -> None:
    full = render("markdown", doc, {})
    cut = render("markdown", doc, {"max_bytes": limit})
    assert len(cut.encode("utf-8")) <= limit
    head, sep, note = cut.partition("\n---\n\n**This report was truncated**")
    assert sep and "clearance report" in note and cut.endswith("\n")
    assert full.startswith(head) and head.endswith("\n")
    last = [line for line in head.splitlines() if line.strip()][-1]
    assert not last.startswith("#"), "a heading left without its section"


def test_max_bytes_prefers_a_section_boundary() -> None:
    text = "# Title\n\n" + "".join(f"## S{i}\n\n" + "line\n" * 20 + "\n" for i in range(5))
    cut = truncate(text, 400, "0" * 64)
    head = cut.partition("\n---\n")[0]
    assert head.rstrip().endswith("line") and text.startswith(head)
    assert text[len(head):].lstrip("\n").startswith("## S")


def test_max_bytes_counts_bytes_not_characters(doc: dict[str, Any]) -> None:
    doc["rules"][0]["message"] = "\u00e9\u2713" * 3000
    cut = render("markdown", doc, {"max_bytes": 12000})
    assert len(cut.encode("utf-8")) <= 12000 < len(render("markdown", doc, {}).encode("utf-8"))


def test_max_bytes_too_small_for_the_note() -> None:
    assert len(truncate("# x\n" * 100, 10, "0" * 64).encode("utf-8")) <= 10


def test_a_report_that_fits_is_untouched(doc: dict[str, Any]) -> None:
    full = render("markdown", doc, {})
    assert render("markdown", doc, {"max_bytes": len(full.encode("utf-8"))}) == full


def test_the_job_summary_of_the_demo_is_brief_and_links_the_full_report(demo_doc: dict[str, Any]) -> None:
    """The action's job summary (`brief`): under 300 lines for `make demo`'s pr stage, every
    rule of the stage still in a checklist table, and a link to the run's artifacts."""
    url = "https://github.com/octo/shop/actions/runs/42#artifacts"
    brief = render("markdown", demo_doc, {"brief": True, "full_report": url})
    full = render("markdown", demo_doc, {})
    assert len(brief.splitlines()) < 300 < len(full.splitlines())
    assert f"[this run's artifacts]({url})" in brief
    for rule in demo_doc["rules"]:
        assert (f"`{rule['id']}`" in brief) == rule["in_stage"], rule["id"]
    assert f"{demo_doc['summary']['other_stages']} rules of the policy belong to other stages" in brief


@pytest.mark.parametrize("url", ["http://x/y", "https://x/y)[z](javascript:alert(1)", "javascript:alert(1)"])
def test_the_link_to_the_full_report_is_an_https_url_or_none(doc: dict[str, Any], url: str) -> None:
    brief = render("markdown", doc, {"brief": True, "full_report": url})
    assert "this run's artifacts" not in brief and "javascript" not in brief
