"""Glob patterns over repository-relative paths.

The rules, documented in docs/policy.md:
- paths use `/` and are relative to the repository root;
- `*` matches within one path segment, `?` one character, `[abc]` a class;
- `**` as a whole segment matches zero or more segments (`docs/**`, `**/test_*.py`);
- a pattern with no `/` matches the file name at any depth (`*.md`), as in .gitignore;
- `{a,b}` matches either alternative (`**/*.{pem,key}`), as in the shell; groups may
  nest, and a `{` without a `,` inside its group stands for itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import pairwise

TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import PathLike
    from typing import Any


def as_list(value: Any) -> list[str]:
    """A glob or a list of globs as policies write them (`paths: x` or `paths: [x, y]`), as a
    list; nothing (None) is the empty list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def expand_braces(pattern: str) -> list[str]:
    """The globs a pattern stands for once its `{a,b}` groups are expanded, in order."""
    group = _brace_group(pattern)
    if group is None:
        return [pattern]
    start, end, choices = group
    head, tail = pattern[:start], pattern[end + 1:]
    return [expanded for choice in choices for expanded in expand_braces(head + choice + tail)]


def _brace_group(pattern: str) -> tuple[int, int, list[str]] | None:
    """The first `{...}` group holding a top-level `,`: its start, end and alternatives."""
    for start, char in enumerate(pattern):
        if char != "{":
            continue
        depth, commas = 0, [start]
        for end in range(start, len(pattern)):
            depth += {"{": 1, "}": -1}.get(pattern[end], 0)
            if depth == 1 and pattern[end] == ",":
                commas.append(end)
            if depth == 0:
                if len(commas) > 1:
                    cuts = [*commas, end]
                    return start, end, [pattern[a + 1:b] for a, b in pairwise(cuts)]
                break
    return None


def _translate_segment(segment: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (found := _class(segment, i)) is not None:
            piece, i = found
            out.append(piece)
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _class(segment: str, start: int) -> tuple[str, int] | None:
    """The regular expression of the class `[...]` opening at `start`, and where it closes;
    None when the `[` opens no valid class and stands for itself.

    As in shell globs: `!` first negates, a `]` first (after any `!`) is a member,
    `a-z` is a range. A class never matches `/`.
    """
    body_start = start + 1
    negate = segment[body_start:body_start + 1] == "!"
    first = body_start + negate
    end = segment.find("]", first + 1)  # a "]" in the first place is a member
    if end == -1:
        return None
    members = "".join("\\" + c if c in "\\[]^&~|" else c for c in segment[first:end])
    piece = f"[^/{members}]" if negate else f"(?!/)[{members}]"
    try:
        re.compile(piece)
    except re.error:  # a reversed range such as [z-a]
        return None
    return piece, end


def _segments(pattern: str) -> list[str]:
    """The segments of a glob, normalised: no leading `/` or `./`; `**/` before a bare name."""
    pattern = pattern.strip().lstrip("/") if pattern.startswith("/") else pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if "/" not in pattern:
        pattern = "**/" + pattern
    return pattern.rstrip("/").split("/")


@lru_cache(maxsize=1024)
def _glob_source(pattern: str) -> str:
    """One glob as the source of a regular expression anchored on both ends."""
    segments = _segments(pattern)
    parts: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:[^/]+/)*")
        else:
            parts.append(_translate_segment(segment) + ("" if last else "/"))
    return "".join(parts) + r"\Z"


@lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """Compile one glob to a regular expression anchored on both ends."""
    return re.compile(_glob_source(pattern), re.DOTALL)


def literal_tails(globs: Iterable[str]) -> tuple[str, ...]:
    """What every path that one of the globs matches ends with, one text per glob; nothing
    when a glob's matches may end in anything (`docs/**`, `*.[ch]`). A path that ends with
    none of them matches none of the globs: a monorepo's 100,000 paths are told apart with
    `str.endswith` before any regular expression runs. Read as `compile_glob` reads a glob
    (braces expanded first; its segments normalised by `_segments`, so `./` is `**`): the
    last segment's text after its last `*`, `?`, `[` or `]`."""
    tails = []
    for glob in globs:
        last = _segments(glob)[-1]  # as the expression reads it: `./` is `**`
        tail = last[max(last.rfind(c) for c in "*?[]") + 1:]
        if not tail:
            return ()
        tails.append(tail)
    return tuple(tails)


def filter_paths(patterns: Iterable[str], paths: Iterable[str]) -> list[str]:
    """The paths that match at least one glob, in their given order."""
    globs = tuple(alternative for p in patterns for alternative in expand_braces(p))
    paths = candidates(globs, paths)
    if not paths:  # nothing to match: the globs are not compiled (a gate's rules hold dozens)
        return []
    regex = compile_any(globs)
    return [p for p in paths if regex.match(p)]


def candidates(globs: Sequence[str], paths: Iterable[str]) -> list[str]:
    """The paths that may match one of the globs (braces expanded): those that end as a
    glob's matches must (`*.pem`, `.env`: a monorepo's 100,000 paths are told apart by their
    ends before any expression runs), or all of them when a glob's matches may end in
    anything."""
    tails = literal_tails(globs)
    return [p for p in paths if p.endswith(tails)] if tails else list(paths)


@lru_cache(maxsize=256)
def compile_any(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One expression matching what any of the globs matches (one match per path, not one per
    glob: a monorepo's tracked files meet a dozen globs); none matches nothing. Each glob's
    source is joined as it is: the globs are not compiled one by one first."""
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?:{_glob_source(p)})" for p in patterns), re.DOTALL)


def is_absolute(path: str) -> bool:
    """A path from the top of a file system: `/x`, `\\x`, or a drive, `C:/x` or `C:\\x`."""
    path = path.replace("\\", "/")
    return path.startswith("/") or path[1:3] == ":/"


def leaves_root(path: str) -> bool:
    """Whether a path or glob is not one below the repository root: absolute, or with a
    `..` segment anywhere in it."""
    return is_absolute(path) or ".." in path.replace("\\", "/").split("/")


def has_magic(pattern: str) -> bool:
    """Whether a pattern holds glob characters rather than naming one path (braces are
    expanded before this is asked)."""
    return any(c in pattern for c in "*?[")


def shown_path(path: str | PathLike[str], root: str | PathLike[str] | None) -> str:
    """A file as messages and results name it: relative to the repository when inside it."""
    from pathlib import Path  # not needed on the commit path

    if root is not None:
        try:
            return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return str(path)
