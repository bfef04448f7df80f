"""What the first bytes of a report look like, for the readers' own `sniff` rules."""

from __future__ import annotations

import re

SNIFF_BYTES = 4096
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_JSON_KEY = re.compile(rb'\A\s*\{\s*"((?:[^"\\]|\\.)*)"')


def content(head: bytes) -> bytes:
    """The first bytes without a UTF-8 byte order mark and leading white space."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")


def xml_root(head: bytes) -> bytes | None:
    """The local name of the root element of an XML document (`coverage`, `report`); None
    when the head is not XML or the root lies past it."""
    text = content(head)
    if not text.startswith(b"<"):
        return None
    for match in _XML_ROOT.finditer(text):
        if text[match.start() + 1:match.start() + 2] in (b"?", b"!"):
            continue  # the XML declaration, a comment or a DOCTYPE
        return match[1].rsplit(b":", 1)[-1]
    return None


def is_xml(head: bytes) -> bool:
    return content(head).startswith(b"<")


def first_json_key(head: bytes) -> bytes | None:
    """The first key of a JSON object (`meta` for coverage.py, `total` for an Istanbul
    summary); None when the head is not a JSON object."""
    text = content(head)
    if not text.startswith(b"{"):
        return None
    match = _JSON_KEY.match(text)
    return match[1] if match else b""
