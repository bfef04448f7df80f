"""Jinja environments for the report templates in `clearance/templates/`.

Both environments use `StrictUndefined`, so a template that names a key the
context lacks fails loudly instead of printing nothing. HTML templates are
autoescaped by Jinja. Markdown has no such mode, so the Markdown environment
escapes every `{{ value }}` through `finalize`: untrusted text can never open
a link, an HTML tag, a table cell or a new block; only values already marked
as `MarkdownText` (from the `code` filter) are printed as they are.
jinja2 is imported here only when a report is rendered, to keep start-up fast.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from clearance.textsafe import clean

if TYPE_CHECKING:
    from jinja2 import Environment

NO_VALUE = "\u2014"  # —
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
# Schemes that could run code, and the ones GitHub turns into links by itself
# (its autolink extension also links `www.`): an escaped colon or dot keeps them text.
_SCHEMES = re.compile(r"(?i)\b(javascript|vbscript|data|https?|ftp)(:)")
_WWW = re.compile(r"(?i)\b(www)(\.)")
# A list marker or setext underline where the value starts a line's content.
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^([-+](?=\s|$)|=)")
_LINE_BREAKS = re.compile(r"[\r\n\t]")  # HTML folds them into spaces anyway
_CODE_UNSAFE = re.compile(r"[`|\\\x00-\x1f\x7f-\x9f\u2028\u2029]")


class MarkdownText(str):
    """Text that is already Markdown; the Markdown environment prints it as it is."""

    __slots__ = ()


def md_text(value: Any) -> str:
    """Untrusted text as inert inline Markdown that is safe in a table cell too."""
    if value is None:
        return NO_VALUE
    if isinstance(value, MarkdownText):
        return str(value)
    text = clean(" ".join(str(value).split()))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _SCHEMES.sub(r"\1\\\2", text)
    text = _WWW.sub(r"\1\\\2", text)
    return _BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def md_code(value: Any) -> MarkdownText:
    """A code span, or escaped text when the value could break out of one."""
    text = "" if value is None else str(value)
    if not text.strip() or _CODE_UNSAFE.search(text):
        return MarkdownText(md_text(value))
    return MarkdownText(f"`{text}`")


def _html_finalize(value: Any) -> Any:
    """None as a dash; text with its control and bidi characters made visible."""
    if value is None:
        return NO_VALUE
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return clean(_LINE_BREAKS.sub(" ", value))
    return value


@cache
def environment(fmt: str) -> Environment:
    """The environment for `html` or `markdown` templates."""
    import jinja2

    html = fmt == "html"
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("clearance", "templates"),
        autoescape=html, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        finalize=_html_finalize if html else md_text,
    )
    if not html:
        env.filters["code"] = md_code
    return env
