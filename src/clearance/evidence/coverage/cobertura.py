"""Cobertura XML: coverage.py's `coverage xml`, and other tools' (c8, nyc, ...).

`coverage > sources/source` names the folders that class filenames are
relative to; `packages/package/classes/class[@filename]/lines/line` holds
`number`, `hits` and, on branch lines, `condition-coverage="50% (1/2)"`.
Lines under `class/methods` repeat the class's lines and are skipped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from clearance.errors import EvidenceError
from clearance.evidence.coverage.model import CoverageData, FileCoverage, build
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.coverage.xmlstream import XmlEvents, local

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from clearance.evidence.context import Evidence

_CONDITION = re.compile(r"\((\d+)/(\d+)\)")


class _ClassLines:
    """The lines of the class being read."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines: set[int] = set()
        self.covered: set[int] = set()
        self.branches: dict[int, tuple[int, int]] = {}

    def add(self, element: Element, path: str) -> bool:
        """Record one `<line>`; whether it carries branch counts."""
        number = _int(element.get("number"), "number", path)
        self.lines.add(number)
        if _int(element.get("hits", "0"), "hits", path) > 0:
            self.covered.add(number)
        match = _CONDITION.search(element.get("condition-coverage", ""))
        if element.get("branch") == "true" and match:
            taken, total = int(match[1]), int(match[2])
            old = self.branches.get(number, (0, 0))
            self.branches[number] = (max(total, old[0]), max(taken, old[1]))
            return True
        return False

    def done(self, path: str) -> FileCoverage:
        return FileCoverage(path, frozenset(self.lines), frozenset(self.covered), self.branches)


class _Reader:
    """The state of one report being streamed."""

    def __init__(self, path: str, mapper: PathMapper) -> None:
        self.path = path
        self.mapper = mapper
        self.sources: list[str] = []
        self.files: list[FileCoverage] = []
        self.current: _ClassLines | None = None
        self.in_methods = False
        self.branch_measured = False

    def start(self, tag: str, element: Element) -> None:
        if tag == "coverage":
            valid = _int(element.get("branches-valid", "0"), "branches-valid", self.path)
            self.branch_measured = valid > 0
        elif tag == "class":
            self.current = _ClassLines(element.get("filename") or element.get("name") or "")
        elif tag == "methods":
            self.in_methods = True

    def end(self, tag: str, element: Element) -> None:
        if tag == "source":
            self.sources.append(element.text or "")
        elif tag == "line" and self.current is not None and not self.in_methods:
            self.branch_measured = self.current.add(element, self.path) or self.branch_measured
        elif tag == "methods":
            self.in_methods = False
        elif tag == "class" and self.current is not None:
            path = self.mapper.joined(self.sources, self.current.filename)
            self.files.append(self.current.done(path))
            self.current = None
        if tag in ("line", "methods", "class", "package"):
            element.clear()


def read(evidence: Evidence, path: str, mapper: PathMapper) -> CoverageData:
    events = XmlEvents(evidence, path, ("coverage",), "Cobertura")
    reader = _Reader(path, mapper)
    for event, element in events:
        if event == "start":
            reader.start(local(element.tag), element)
        else:
            reader.end(local(element.tag), element)
    return build(reader.files, reader.branch_measured, events.record)


def _int(value: str | None, name: str, path: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        try:
            return int(float(value or ""))
        except ValueError as e:
            raise EvidenceError(f"<line> attribute {name}={value!r} is not a number", path) from e
