"""Small helpers shared by check kinds."""

from __future__ import annotations

import re

from clearance.pathmatch import as_list as as_list  # the check kinds take it from here

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

GLOBS: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
    ]
}


def regex_problems(params: dict[str, Any], *keys: str) -> list[tuple[tuple[str, ...], str]]:
    """A problem for each parameter that is not a valid regular expression."""
    problems: list[tuple[tuple[str, ...], str]] = []
    for key in keys:
        if key in params:
            try:
                re.compile(params[key])
            except re.error as e:
                problems.append(((key,), f"{key}: not a valid regular expression: {e}"))
    return problems


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def file_lines(data: bytes) -> list[str]:
    """A file's lines as git numbers them: split at `\n` only (a form feed, a vertical tab,
    NEL or U+2028 ends no line), a CR before the `\n` dropped, no empty line after the last
    `\n`."""
    lines = data.decode("utf-8", "replace").split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]
