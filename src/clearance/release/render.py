"""The release record in each output format, one function each, found through `FORMATS`.

`json` is the record itself (schemas/release-v1.json); `markdown` and `html` are the
dossier, rendered from the record alone through one shared context with the report's
Jinja environments (autoescaped HTML, escaped Markdown); `text` is a short summary for
the terminal. The HTML page holds no script and its Content-Security-Policy forbids
every request, allowing only its inline stylesheet by hash, as the report does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from clearance.textsafe import clean


def render_json(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


def render_markdown(record: Mapping[str, Any]) -> str:
    from clearance.release.context import build_context
    from clearance.reporters.templating import environment

    text: str = environment("markdown").get_template("release.md.j2").render(
        dossier=build_context(record))
    return text


def render_html(record: Mapping[str, Any]) -> str:
    from markupsafe import Markup

    from clearance.release.context import build_context
    from clearance.reporters.html import style_hash
    from clearance.reporters.templating import environment

    env = environment("html")
    style = env.get_template("release.css").render()
    text: str = env.get_template("release.html.j2").render(
        dossier=build_context(record), style=Markup(style), style_hash=style_hash(style))
    return text


def render_text(record: Mapping[str, Any]) -> str:
    summary, release = record["summary"], record["release"]
    lines = [f"release {release['range']}: {summary['verdict'].upper()}: {summary['changes']} "
             f"changes, {summary['commits']} commits, {summary['results']} results documents, "
             f"{summary['flags']} flagged"]
    for flag in record["flags"]:
        who = f"#{flag['pull_request']}" if flag["pull_request"] else f"change {flag['change']}"
        where = f" [{flag['stage']}]" if flag["stage"] else ""
        lines.append(clean(f"  {who} ({(flag['commit'] or '')[:12]}){where}: {flag['message']}"))
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
}
