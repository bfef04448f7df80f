"""Cobertura XML: coverage.py's `coverage xml`, and other tools' (c8, nyc, ...).

`coverage > sources/source` names the folders that class filenames are
relative to; `packages/package/classes/class[@filename]/lines/line` holds
`number`, `hits` and, on branch lines, `condition-coverage="50% (1/2)"`.
Lines under `class/methods` repeat the class's lines and are skipped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from clearance.evidence.coverage.model import CoverageData, FileCoverage, build
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.xmlstream import TextCapture, stream_xml

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

_CONDITION = re.compile(r"\((\d+)/(\d+)\)")


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
        self.mapper = mapper
        self.sources: list[str] = []
        self.files: list[FileCoverage] = []
        self.current = _ClassLines("")
        self.in_methods = False
        self.branch_measured = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "line":  # the hot path: one call per line of the report
            if self.in_methods:
                return
            current = self.current
            number = int(attrs["number"])
            current.lines.add(number)
            hits = attrs.get("hits", "0")
            if hits != "0" and int(hits) > 0:
                current.covered.add(number)
            if "branch" in attrs and current.add_branch(number, attrs):
                self.branch_measured = True
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


def read(evidence: Evidence, path: str, mapper: PathMapper) -> CoverageData:
    reader = _Reader(mapper)
    record = stream_xml(evidence, path, reader, ("coverage",), "Cobertura",
                        "check that the step writing the coverage report succeeded")
    return build(reader.files, reader.branch_measured, record)
