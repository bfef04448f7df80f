"""Render the results document in the formats asked and write each atomically.

`--format FMT` prints to standard output; `--format FMT=PATH` writes a file;
`--output PATH` gives the path of a single `--format`. Regular files are
written to a temporary file beside the target and renamed, so a failed or
interrupted run never leaves a partial file behind; a device, a FIFO or a
symbolic link is written through and stays what it is.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence

from clearance.errors import ClearanceError, UsageError
from clearance.reporters import REPORTERS, load, render

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TypeAlias

    Output: TypeAlias = tuple[str, Path | None]


def parse_formats(formats: Sequence[str], output: str | None) -> list[Output]:
    """(format, path or None for stdout) pairs from the command line."""
    pairs: list[Output] = []
    for item in formats or ["text"]:
        name, sep, path = item.partition("=")
        if name not in REPORTERS:
            raise UsageError(f"unknown format '{name}'", hint=f"use one of {', '.join(REPORTERS)}")
        pairs.append((name, _path(path) if sep and path else None))
    if output is not None:
        unnamed = [i for i, (_, p) in enumerate(pairs) if p is None]
        if len(unnamed) != 1:
            raise UsageError("--output goes with exactly one --format that has no =PATH")
        pairs[unnamed[0]] = (pairs[unnamed[0]][0], _path(output))
    if sum(1 for _, p in pairs if p is None) > 1:
        raise UsageError("only one format can go to standard output",
                         hint="give the others a file: --format json=results.json")
    return pairs


def _path(text: str) -> Path:
    from pathlib import Path  # only when a file is named: a commit hook writes to stdout

    return Path(text)


def write_outputs(doc: Mapping[str, Any], outputs: Sequence[Output],
                  options: Mapping[str, Any]) -> list[Path]:
    """Render and write every output; return the files written."""
    written = []
    for name, path in outputs:
        given = {**options, "color": options.get("color") and path is None}
        if path is None:
            sys.stdout.write(render(name, doc, given))
            sys.stdout.flush()
        else:
            chunks = getattr(load(name), "chunks", None)  # a format that comes in pieces
            write_atomic(path, chunks(doc, given) if chunks else render(name, doc, given))
            written.append(path)
    return written


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write a report: a regular file (or a new one) whole or not at all; anything else the
    path names (a device such as /dev/null or /dev/stdout, a FIFO, a symbolic link) is
    written through as it is, never replaced by a regular file. The text may come in pieces
    (a format's `chunks`): a regular file is written from them as they come, and what is
    written through is made whole first, so that a format that fails writes nothing there."""
    if _written_through(path):
        _write_through(path, text if isinstance(text, str) else "".join(text))
        return
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when writing: it pulls in shutil, random and compressors

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise ClearanceError(f"cannot write output: {e.strerror}", str(path)) from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for piece in (text,) if isinstance(text, str) else text:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise ClearanceError(f"cannot write output: {e.strerror}", str(path)) from e
        raise


def _written_through(path: Path) -> bool:
    """Whether the path exists as something other than a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False  # missing (or unreadable: the atomic write says why)
    import stat

    return not stat.S_ISREG(mode)


def _write_through(path: Path, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as e:
        raise ClearanceError(f"cannot write output: {e.strerror}", str(path)) from e
