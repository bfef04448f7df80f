"""LCOV tracefiles (`lcov`, c8, nyc, Jest, grcov, ...), streamed line by line.

A record runs from `SF:path` to `end_of_record`; `DA:line,count` measures a
line, `BRDA:line,block,branch,taken` a branch (`-` means never reached).
`LF`/`LH`/`BRF`/`BRH` are derived and ignored. The same `SF` may appear in
several records (concatenated tracefiles): they merge as lcov merges them,
lines by number (counts added) and branches by (line, block, branch).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from clearance.errors import EvidenceError
from clearance.evidence.coverage.model import CoverageData, FileCoverage, build
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.coverage.sniff import content
from clearance.evidence.inputs import HashingReader, open_stream

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

CHUNK = 1 << 16


class _SourceFile:
    """Line and branch counts of one source file, over all its records."""

    def __init__(self) -> None:
        self.hits: dict[int, int] = {}
        self.branches: dict[tuple[int, str, str], int] = {}

    def line(self, fields: list[str]) -> None:
        number, count = int(fields[0]), int(float(fields[1]))
        self.hits[number] = self.hits.get(number, 0) + count

    def branch(self, fields: list[str]) -> None:
        key = (int(fields[0]), fields[1], fields[2])
        taken = 0 if fields[3] == "-" else int(float(fields[3]))
        self.branches[key] = self.branches.get(key, 0) + taken

    def coverage(self, path: str) -> FileCoverage:
        per_line: dict[int, tuple[int, int]] = {}
        for (line, _, _), taken in self.branches.items():
            total, hit = per_line.get(line, (0, 0))
            per_line[line] = (total + 1, hit + (taken > 0))
        lines = frozenset(self.hits)
        covered = frozenset(n for n, c in self.hits.items() if c > 0)
        return FileCoverage(path, lines, covered, per_line)


def sniff(head: bytes) -> str | None:
    """`lcov` for a tracefile: its first record line is `TN:`, `SF:` or `VER:`."""
    return "lcov" if content(head).startswith((b"TN:", b"SF:", b"VER:")) else None


def read(evidence: Evidence, path: str, mapper: PathMapper) -> CoverageData:
    stream = open_stream(evidence.files, path)
    try:
        sources = _parse(_lines(stream), path)
        record = stream.finish()
    finally:
        stream.close()
    evidence.note(record)
    files = [source.coverage(mapper.repo_path(name)) for name, source in sources.items()]
    has_branches = any(s.branches for s in sources.values())
    return build(files, has_branches, record)


def _parse(lines: Iterator[tuple[int, str]], path: str) -> dict[str, _SourceFile]:
    sources: dict[str, _SourceFile] = {}
    current: _SourceFile | None = None
    for number, line in lines:
        key, _, value = line.partition(":")
        if key == "SF":
            current = sources.setdefault(value, _SourceFile())
        elif key == "end_of_record":
            current = None
        elif key in ("DA", "BRDA"):
            _record(current, key, value, path, number)
    if current is not None:
        raise EvidenceError("the last record has no end_of_record; the file may be truncated", path)
    if not sources:
        raise EvidenceError("not an LCOV tracefile: no SF: record", path)
    return sources


def _record(current: _SourceFile | None, key: str, value: str, path: str, number: int) -> None:
    if current is None:
        raise EvidenceError(f"{key} outside a record (no SF: before it)", path, number)
    fields = value.split(",")
    try:
        if key == "DA":
            current.line(fields)
        else:
            current.branch(fields)
    except (ValueError, IndexError, OverflowError) as e:
        raise EvidenceError(f"malformed {key} line: {value[:80]!r}", path, number) from e


def _lines(stream: HashingReader) -> Iterator[tuple[int, str]]:
    """(line number, text) of a text file read in chunks."""
    pending = b""
    number = 0
    while chunk := stream.read(CHUNK):
        parts = (pending + chunk).split(b"\n")
        pending = parts.pop()
        for part in parts:
            number += 1
            yield number, part.decode("utf-8", "replace").strip()
    if pending:
        yield number + 1, pending.decode("utf-8", "replace").strip()
