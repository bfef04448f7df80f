"""Small pieces of Prometheus's languages, as its own tools read them.

- durations (`5m`, `1h30m`, `0`): Prometheus's duration format, units from
  years down to milliseconds, each at most once and in that order;
- metric and label names in Prometheus's classic character set;
- a light check of a PromQL expression: its brackets pair up and something
  is left once comments are removed. The grammar itself (functions,
  operators, types) is not checked;
- a light check of an alert template (Go `text/template`): every `{{` is
  closed and block actions (`if`, `range`, `with`, `define`, `block`) pair
  with `{{end}}`. Function names and pipelines are not checked.
"""

from __future__ import annotations

import re

METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_DURATION = re.compile(r"(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?")
_UNIT_MS = (365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1)
_MAX_MS = 2**63 - 1
_PAIRS = {")": "(", "]": "[", "}": "{"}
_NAMES = {"(": "parenthesis", "[": "bracket", "{": "brace"}
_BLOCKS = ("if", "range", "with", "define", "block")
_TOKEN = re.compile(  # a comment, a closed string, a lone quote, a bracket, blanks, anything else
    r"""#[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`[^`]*`|["'`]|[()\[\]{}]|\s+|[^"'`#()\[\]{}\s]+""")


def duration_ms(text: str) -> int | None:
    """A duration in milliseconds; None when Prometheus would refuse it."""
    if text == "0":
        return 0
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        return None
    total = sum(int(n) * unit for n, unit in zip(match.groups(), _UNIT_MS, strict=True) if n)
    return total if total <= _MAX_MS else None


def expression_problem(expr: str) -> str | None:
    """What makes a PromQL expression unparseable at first sight, or None."""
    stack: list[str] = []
    tokens = [t for t in _TOKEN.findall(expr) if t[0] != "#" and not t.isspace()]  # no comments
    for token in tokens:
        trouble = _bracket(token, stack)
        if trouble:
            return trouble
    if stack:
        return f"unclosed left {_NAMES[stack[-1]]}"
    return None if tokens else "no expression found"


def _bracket(token: str, stack: list[str]) -> str | None:
    """Follow a token's effect on the open brackets; what is wrong with it, if anything."""
    if token in ("\"", "'", "`"):
        return "unterminated quoted string"
    if token in ("(", "[", "{"):
        stack.append(token)
    elif token in _PAIRS and (not stack or stack.pop() != _PAIRS[token]):
        return f"unexpected right {_NAMES[_PAIRS[token]]} '{token}'"
    return None


def _string_end(text: str, start: int) -> int:
    """The index of the quote closing the string opened at `start`; -1 when none does.
    Backquoted strings are raw; the others take backslash escapes and end at a newline."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and quote != "`":
            i += 2
            continue
        if char == quote:
            return i
        if char == "\n" and quote != "`":
            return -1
        i += 1
    return -1


def template_problem(text: str) -> str | None:
    """What makes an alert template fail to parse at first sight, or None."""
    open_blocks: list[str] = []
    i = text.find("{{")
    while i >= 0:
        end = _action_end(text, i + 2)
        if end < 0:
            return "unclosed action"
        word = _first_word(text[i + 2:end])
        if word in _BLOCKS:
            open_blocks.append(word)
        elif word in ("end", "else") and not open_blocks:
            return f"unexpected {{{{{word}}}}}"
        elif word == "end":
            open_blocks.pop()
        i = text.find("{{", end + 2)
    return "unexpected EOF" if open_blocks else None


def _action_end(text: str, i: int) -> int:
    """The index of the `}}` closing an action whose body starts at `i`; -1 when none does."""
    if text.startswith(("/*", "- /*"), i):
        close = text.find("*/", i)
        return -1 if close < 0 else text.find("}}", close)
    while i < len(text):
        if text.startswith("}}", i):
            return i
        if text[i] in "\"'`":
            i = _string_end(text, i)
            if i < 0:
                return -1
        i += 1
    return -1


def _first_word(action: str) -> str:
    body = action.strip()
    body = body[1:].lstrip() if body.startswith("-") else body
    match = re.match(r"[A-Za-z]+", body)
    return match.group(0) if match else ""
