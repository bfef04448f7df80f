"""`html`: the compliance report as one self-contained HTML file.

Rendered from `templates/report.html.j2` with the shared report context and
Jinja's autoescaping. The stylesheet is inlined; a Content-Security-Policy
meta element forbids every script and every request, and allows only that
stylesheet, by its sha256. The page reads the same printed or saved as PDF.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"

FILE_NAME: str | None = "report.html"


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    from markupsafe import Markup

    from clearance.reporters.context import build_context
    from clearance.reporters.templating import environment

    env = environment("html")
    style = env.get_template(STYLESHEET).render()
    text: str = env.get_template(TEMPLATE).render(
        report=build_context(doc), style=Markup(style), style_hash=style_hash(style))
    return text


def style_hash(style: str) -> str:
    """The CSP source that allows exactly this inline stylesheet."""
    digest = hashlib.sha256(style.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")
