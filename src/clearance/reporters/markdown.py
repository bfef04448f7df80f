"""`markdown`: the compliance report as Markdown, also for job summaries and PR comments.

Rendered from `templates/report.md.j2` with the shared report context. Text
from the results document is escaped (see `templating.md_text`), so a PR body
or scenario name cannot open a link, an HTML tag or a table cell. With
`options["max_bytes"]` the output is cut to at most that many bytes (UTF-8)
at a section or line boundary, and ends with a note saying so.

`options["brief"]` gives the job summary the GitHub Action writes: the verdict,
counts, what needs attention and the checklist tables, without each rule's
detail, traceability, coverage and inputs (a summary of a few hundred lines
at most, where the full report of a large policy runs to thousands), and a link
to the full report, `options["full_report"]` (an https URL: the run's artifacts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TEMPLATE = "report.md.j2"

FILE_NAME: str | None = "report.md"


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    from clearance.reporters.context import build_context
    from clearance.reporters.templating import MarkdownText, environment

    report = build_context(doc)
    link = _https_url(options.get("full_report"))
    text: str = environment("markdown").get_template(TEMPLATE).render(
        report=report, brief=bool(options.get("brief")),
        full_report=MarkdownText(link) if link else None)
    max_bytes = options.get("max_bytes")
    if max_bytes is not None and len(text.encode("utf-8")) > int(max_bytes):
        return truncate(text, int(max_bytes), report["digest"])
    return text


def _https_url(value: object) -> str | None:
    """A URL fit for a Markdown link target: https, and nothing that ends or escapes one."""
    if not isinstance(value, str) or not value.startswith("https://"):
        return None
    if any(c in value for c in " ()<>[]`\"\'") or not value.isprintable():
        return None
    return value


def truncate(text: str, max_bytes: int, digest: str) -> str:
    """The head of `text` and a closing note, together at most `max_bytes` bytes."""
    total = len(text.encode("utf-8"))
    note = (f"\n---\n\n**This report was truncated** to fit {max_bytes} bytes (the whole report "
            f"has {total}). Render the full report from the results document (sha256 `{digest}`) "
            "with `clearance report RESULTS.json --format markdown`.\n")
    budget = max_bytes - len(note.encode("utf-8"))
    if budget <= 0:
        return _cut_bytes("**This report was truncated.**\n", max_bytes)
    kept: list[str] = []
    size = 0
    sections: list[tuple[int, int]] = []  # (line index, bytes before it) of each heading
    for line in text.splitlines(keepends=True):
        length = len(line.encode("utf-8"))
        if size + length > budget:
            break
        if line.startswith("#"):
            sections.append((len(kept), size))
        kept.append(line)
        size += length
    if sections and sections[-1][0] > 0 and sections[-1][1] >= budget // 2:
        kept = kept[:sections[-1][0]]  # end at a section boundary when that keeps enough
    return "".join(kept).rstrip("\n") + "\n" + note


def _cut_bytes(text: str, max_bytes: int) -> str:
    return text.encode("utf-8")[:max(max_bytes, 0)].decode("utf-8", "ignore")
