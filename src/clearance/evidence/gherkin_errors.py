"""Gherkin parse errors, one per root cause, with a hint that fits.

Gherkin's parser reports every line after a misplaced Background or an
unknown docstring fence as an error of its own. `parse` reports the first
error's root cause once (a tagged Background, a second Background, behave's
`\'\'\'` docstrings), mends it in a copy of the text with the line numbers
kept, and parses again, so that an independent error further down is still
found. An error of another kind is reported as the parser gives it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from clearance.records import Record

Node = Mapping[str, Any]
_PREFIX = re.compile(r"^\(\d+:\d+\): ")
_GOT = re.compile(r"got '(.*)'$")
_LANGUAGE = re.compile(r"^\s*#\s*language\s*:\s*([a-zA-Z\-_]+)\s*$", re.MULTILINE)
_ONE_BACKGROUND = " (a Feature or Rule has at most one Background, before its scenarios)"
_TAGGED_BACKGROUND = ("Gherkin takes no tags on a Background (behave accepts them); move the tags "
                      "to the Feature or to the scenarios")
_SINGLE_QUOTES = ("docstring fenced with ''' (behave accepts it); Gherkin fences docstrings with "
                  '\"\"\" or ```, so write ``` (or \"\"\" when the text holds no \"\"\" line)')
MAX_REPAIRS = 50


class ParseError(Record):
    """One error in one feature file, as the parser reported it."""

    file: str
    line: int | None
    column: int | None
    message: str

    @property
    def where(self) -> str:
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)


def parse(path: str, text: str) -> tuple[Node | None, list[ParseError]]:
    """The document, or one error per root cause.

    Gherkin's parser reports every line after a misplaced Background or an
    unknown docstring fence as an error of its own. When the first error has
    a known cause, it is reported once with its hint, the cause is mended in
    a copy of the text (line numbers kept) and the copy parsed again, so that
    an independent error further down is still found. An error of another
    kind is reported as the parser gives it, with the errors after it.
    """
    errors: list[ParseError] = []
    for _ in range(MAX_REPAIRS):
        document, found = _parse_once(path, text)
        if not found:
            return (document if not errors else None), errors
        mended = _mend(path, text, found[0])
        if mended is None:
            return None, errors + found
        error, text = mended
        errors.append(error)
    return None, errors


def _parse_once(path: str, text: str) -> tuple[Node | None, list[ParseError]]:
    from gherkin.errors import CompositeParserException, ParserException
    from gherkin.parser import Parser

    try:
        return Parser().parse(text), []
    except CompositeParserException as e:
        return None, [_error(path, err) for err in e.errors]
    except ParserException as e:
        return None, [_error(path, e)]
    except Exception as e:  # a fault inside the parser is still a finding, not a crash
        return None, [ParseError(path, None, None, f"gherkin parser failed: {type(e).__name__}: {e}")]


def _error(path: str, error: Exception) -> ParseError:
    location = getattr(error, "location", None) or {}
    message = _PREFIX.sub("", str(error.args[0]) if error.args else str(error))
    return ParseError(path, location.get("line"), location.get("column") or None, message)


def _mend(path: str, text: str, error: ParseError) -> tuple[ParseError, str] | None:
    """The error with its cause named, and the text with that cause mended; None if unknown."""
    got = _GOT.search(error.message)
    if got is None or error.line is None:
        return None
    lines = text.split("\n")
    number = error.line
    if got.group(1).startswith(("'''", "\u2018\u2018\u2018")):
        return _single_quoted_docstring(path, lines, number)
    if not _is_background(got.group(1), text):
        return None
    tags = _tag_lines_before(lines, number)
    if tags:
        written = " ".join(lines[index - 1].strip() for index in tags)
        for index in tags:
            lines[index - 1] = ""
        return (ParseError(path, tags[0], None, f"'{written}' before '{got.group(1)}': "
                           f"{_TAGGED_BACKGROUND}"), "\n".join(lines))
    lines[number - 1] = ""  # its steps then continue the scenario before it
    message = f"a second Background: got '{got.group(1)}'{_ONE_BACKGROUND}"
    return ParseError(path, number, error.column, message), "\n".join(lines)


def _is_background(line: str, text: str) -> bool:
    """Whether an unexpected line starts with a Background keyword of the file's language."""
    from gherkin.dialect import Dialect

    header = _LANGUAGE.search(text)
    dialect = Dialect.for_name(header.group(1) if header else "en")
    keyword = line.split(":", 1)[0].strip()
    return dialect is not None and ":" in line and keyword in dialect.background_keywords


def _tag_lines_before(lines: list[str], number: int) -> list[int]:
    """The 1-based numbers of the tag lines right above line `number` (comments and blanks skipped)."""
    found: list[int] = []
    index = number - 2
    while index >= 0:
        stripped = lines[index].strip()
        if stripped.startswith("@"):
            found.insert(0, index + 1)
        elif stripped and not stripped.startswith("#"):
            break
        index -= 1
    return found


def _single_quoted_docstring(path: str, lines: list[str], number: int) -> tuple[ParseError, str]:
    """behave's `'''` docstring fences, made Gherkin's ``` in the copy."""
    for index, line in enumerate(lines):
        if line.strip().startswith("'''"):
            lines[index] = line.replace("'''", "```", 1)  # its text may hold """ lines of its own
    return ParseError(path, number, None, _SINGLE_QUOTES), "\n".join(lines)
