"""Cobertura XML: coverage.py's `coverage xml`, and other tools' (c8, nyc, ...).

`coverage > sources/source` names the folders that class filenames are
relative to; `packages/package/classes/class[@filename]/lines/line` holds
`number`, `hits` and, on branch lines, `condition-coverage="50% (1/2)"`.
Lines under `class/methods` repeat the class's lines and are skipped.

The `<line>`s of a `<lines>` element are read as a `LeafRun`: their attributes
come in batches, and the common shapes (`number`, `hits` and perhaps
`branch` without `condition-coverage`) are converted in bulk; any other line
takes the same path as a line read alone.
"""

from __future__ import annotations

import re
from itertools import compress
from typing import TYPE_CHECKING

from clearance.evidence.coverage.model import CoverageData, FileCoverage, build
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.xmlstream import CHUNK_BYTES, LeafRun, TextCapture, attributes, stream_xml

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

_CONDITION = re.compile(r"\((\d+)/(\d+)\)")
# The attribute names of a line that has no branch counts, by the length of
# expat's flat [name, value, ...] list: `branch` alone (no condition-coverage)
# adds nothing.
_PLAIN = {4: ("number", "hits"), 6: ("number", "hits", "branch")}
MAX_REMEMBERED_NUMBERS = 1 << 16  # line numbers whose int() is kept for the next files


class _ClassLines:
    """The lines of the class being read."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines: set[int] = set()
        self.covered: set[int] = set()
        self.branches: dict[int, tuple[int, int]] = {}

    def add_branch(self, number: int, attrs: dict[str, str]) -> bool:
        """Record the branch counts of a `<line branch="true">`; whether it had any."""
        if attrs["branch"] != "true":
            return False
        match = _CONDITION.search(attrs.get("condition-coverage", ""))
        if match is None:
            return False
        taken, total = int(match[1]), int(match[2])
        old = self.branches.get(number, (0, 0))
        self.branches[number] = (max(total, old[0]), max(taken, old[1]))
        return True

    def done(self, path: str) -> FileCoverage:
        return FileCoverage(path, frozenset(self.lines), frozenset(self.covered), self.branches)


class _Reader:
    """The state of one report being streamed (an `XmlHandler`)."""

    def __init__(self, mapper: PathMapper) -> None:
        self.text = TextCapture()
        self.run = LeafRun("line", ("conditions", "condition"), self._lines)
        self.mapper = mapper
        self.sources: list[str] = []
        self.files: list[FileCoverage] = []
        self.current = _ClassLines("")
        self.in_methods = False
        self.branch_measured = False
        self.known: dict[str, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "line":  # outside a <lines> run, or in a document with namespaces
            if not self.in_methods:
                self._line(attrs)
        elif tag == "lines":
            self.run.enter(tag)
        elif tag == "class":
            self.current = _ClassLines(attrs.get("filename") or attrs.get("name") or "")
        elif tag == "methods":
            self.in_methods = True
        elif tag == "source":
            self.text.begin()
        elif tag == "coverage":
            self.branch_measured = int(attrs.get("branches-valid") or "0") > 0

    def end(self, tag: str) -> None:
        if tag == "line":
            return
        if tag == "class":
            path = self.mapper.joined(self.sources, self.current.filename)
            self.files.append(self.current.done(path))
        elif tag == "methods":
            self.in_methods = False
        elif tag == "source":
            self.sources.append(self.text.finish())

    def _line(self, attrs: dict[str, str]) -> None:
        current = self.current
        number = int(attrs["number"])
        current.lines.add(number)
        hits = attrs.get("hits", "0")
        if hits != "0" and int(hits) > 0:
            current.covered.add(number)
        if "branch" in attrs and current.add_branch(number, attrs):
            self.branch_measured = True

    def _lines(self, rows: list[list[str]]) -> None:
        """A batch of `<line>` attributes from a run, in document order."""
        if self.in_methods or self._plain(rows):
            return
        lengths = list(map(len, rows))
        done = {width for width in set(lengths) & _PLAIN.keys()
                if self._plain(list(compress(rows, map(width.__eq__, lengths))))}
        for attrs, width in zip(rows, lengths, strict=True):
            if width not in done:
                self._line(attributes(attrs))

    def _plain(self, rows: list[list[str]]) -> bool:
        """Lines of one shape of `_PLAIN`, converted in bulk; False, and nothing
        recorded, for lines of other or several shapes or with a value that is not
        a number (the per-line path then reports the first)."""
        try:
            columns = list(zip(*rows, strict=True))
        except ValueError:
            return False
        names = _PLAIN.get(len(columns))
        count = len(rows)
        if names is None or any(columns[2 * i].count(name) != count for i, name in enumerate(names)):
            return False
        hits = columns[3]
        try:
            numbers = self._numbers(columns[1])
            ran = {value: int(value) > 0 for value in set(hits)}
        except ValueError:
            return False
        current = self.current
        current.lines.update(numbers)
        current.covered.update(compress(numbers, map(ran.__getitem__, hits)))
        return True

    def _numbers(self, values: tuple[str, ...]) -> list[int]:
        """`int()` of each value. Line numbers repeat from file to file, so the
        conversions are remembered, up to a bound."""
        known = self.known
        try:
            return list(map(known.__getitem__, values))
        except KeyError:
            numbers = list(map(int, values))
        if len(known) < MAX_REMEMBERED_NUMBERS:
            known.update(zip(values, numbers, strict=True))
        return numbers


def read(evidence: Evidence, path: str, mapper: PathMapper, *, chunk_bytes: int = CHUNK_BYTES,
         leaf_runs: bool = True) -> CoverageData:
    """One report, streamed `chunk_bytes` at a time; `leaf_runs` False reads each
    `<line>` alone, through `start` and `end` (see `stream_xml`)."""
    reader = _Reader(mapper)
    record = stream_xml(evidence, path, reader, ("coverage",), "Cobertura",
                        "check that the step writing the coverage report succeeded",
                        chunk_bytes=chunk_bytes, leaf_runs=leaf_runs)
    return build(reader.files, reader.branch_measured, record)


def sniff(head: bytes) -> str | None:
    """`cobertura` for an XML report whose root is <coverage>, or whose root lies past the
    first bytes (the parser then says what it is)."""
    from clearance.evidence.coverage.sniff import is_xml, xml_root

    return "cobertura" if is_xml(head) and xml_root(head) in (b"coverage", None) else None
