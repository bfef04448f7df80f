"""JaCoCo XML, and Kover's XML, which has the same shape.

`report > group* > package[@name] > sourcefile[@name] > line[@nr,@mi,@ci,@mb,@cb]`.
A line is measured when it holds instructions and covered when at least one
of them ran (JaCoCo's LINE counter); `mb + cb` are its branches, `cb` the
covered ones. Package names use `/`; the policy's `inputs.coverage_roots`
(default `src/main/java`, `src/main/kotlin`) turn them into repository paths.
The DOCTYPE names `report.dtd`: it is never fetched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clearance.errors import EvidenceError
from clearance.evidence.coverage.model import CoverageData, FileCoverage, build
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.coverage.sniff import xml_root
from clearance.evidence.xmlstream import stream_xml

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence


class _Reader:
    """The state of one report being streamed (an `XmlHandler`)."""

    def __init__(self, path: str, mapper: PathMapper) -> None:
        self.path = path
        self.mapper = mapper
        self.package = ""
        self.source = ""
        self.files: list[FileCoverage] = []
        self.lines: set[int] = set()
        self.covered: set[int] = set()
        self.branches: dict[int, tuple[int, int]] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "line":
            self._line(attrs)
        elif tag == "package":
            self.package = attrs.get("name", "")
        elif tag == "sourcefile":
            self.source = attrs.get("name", "")
            self.lines, self.covered, self.branches = set(), set(), {}

    def end(self, tag: str) -> None:
        if tag == "sourcefile":
            path = self.mapper.package_path(self.package, self.source)
            self.files.append(FileCoverage(path, frozenset(self.lines), frozenset(self.covered),
                                           self.branches))

    def _line(self, attrs: dict[str, str]) -> None:
        nr, mi, ci, mb, cb = (self._int(attrs, a) for a in ("nr", "mi", "ci", "mb", "cb"))
        if mi + ci > 0:
            self.lines.add(nr)
        if ci > 0:
            self.covered.add(nr)
        if mb + cb > 0:
            self.branches[nr] = (mb + cb, cb)

    def _int(self, attrs: dict[str, str], name: str) -> int:
        value = attrs.get(name, "0")
        try:
            return int(value)
        except ValueError as e:
            raise EvidenceError(f"<line> attribute {name}={value!r} is not a number", self.path) from e


def sniff(head: bytes) -> str | None:
    """`jacoco` for an XML report whose root is <report> (JaCoCo and Kover write the same)."""
    return "jacoco" if xml_root(head) == b"report" else None


def read(evidence: Evidence, path: str, mapper: PathMapper) -> CoverageData:
    reader = _Reader(path, mapper)
    record = stream_xml(evidence, path, reader, ("report",), "JaCoCo",
                        "check that the step writing the coverage report succeeded")
    return build(reader.files, True, record)
