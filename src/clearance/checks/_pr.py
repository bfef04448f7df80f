"""Helpers shared by the check kinds that read the pull request."""

from __future__ import annotations

from collections.abc import Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TITLES: dict[str, Any] = {"type": "array", "minItems": 1,
                          "items": {"type": "string", "minLength": 1}}
TITLE_OR_TITLES: dict[str, Any] = {"oneOf": [{"type": "string", "minLength": 1}, TITLES]}
MAX_LISTED = 500


def shorten(text: str, limit: int = 120) -> str:
    """Untrusted text cut to a length fit for a one-line message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def listing(names: Sequence[str], limit: int = 8) -> str:
    """`a, b, c and 4 more`."""
    shown = [shorten(n, 60) for n in names[:limit]]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def same_login(a: str, b: str) -> bool:
    """GitHub logins compare without a leading @ and without case."""
    return a.strip().lstrip("@").casefold() == b.strip().lstrip("@").casefold()
