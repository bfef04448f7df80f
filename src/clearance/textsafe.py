"""Make untrusted text safe for a terminal: no control or bidi characters."""

from __future__ import annotations

# C0 controls but TAB, DEL and the C1 controls, the bidi embeddings and overrides
# (U+202A to U+202E) and isolates (U+2066 to U+2069), each mapped to its escape.
_UNSAFE = [*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0),
           *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES = {c: f"\\x{c:02x}" if c < 256 else f"\\u{c:04x}" for c in _UNSAFE}


def clean(text: str) -> str:
    """Replace control characters (ESC, CR, LF, C1, bidi overrides) by visible escapes."""
    return text.translate(_ESCAPES)
