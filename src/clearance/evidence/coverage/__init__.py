"""Coverage reports: one reader per format, found through `READERS`.

Each reader module has `read(evidence, path, mapper) -> CoverageData`; it
reads the file through the evidence layer (so the file is recorded with its
digest), maps source paths to repository paths and raises `EvidenceError`
naming the file for anything it cannot read. `read_report` detects the format
from the content when it is not given. See docs/coverage.md.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING

from clearance.errors import EvidenceError
from clearance.evidence.coverage.model import CoverageData, FileCoverage, Numbers
from clearance.evidence.coverage.paths import PathMapper

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

READERS: dict[str, str] = {
    "cobertura": "clearance.evidence.coverage.cobertura",
    "coverage-json": "clearance.evidence.coverage.coverage_json",
    "coverage-sqlite": "clearance.evidence.coverage.coverage_sqlite",
    "lcov": "clearance.evidence.coverage.lcov",
    "jacoco": "clearance.evidence.coverage.jacoco",
    "kover": "clearance.evidence.coverage.jacoco",
    "istanbul-summary": "clearance.evidence.coverage.istanbul",
    "istanbul-final": "clearance.evidence.coverage.istanbul",
}
SNIFF_BYTES = 4096
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_JSON_KEY = re.compile(rb'\A\s*\{\s*"((?:[^"\\]|\\.)*)"')
_XML_FORMATS = {b"coverage": "cobertura", b"report": "jacoco"}
_UNKNOWN = ("not a coverage report clearance can read (Cobertura or JaCoCo XML, coverage.py or "
            "Istanbul JSON, LCOV, or a .coverage data file)")


def read_report(evidence: Evidence, path: str, fmt: str | None = None) -> CoverageData:
    """Read one report file, detecting its format unless it is given."""
    fmt = fmt or detect(evidence, path)
    if fmt not in READERS:
        raise EvidenceError(f"unknown coverage format '{fmt}'", path,
                            hint=f"one of {', '.join(sorted(READERS))}")
    module = importlib.import_module(READERS[fmt])
    roots = evidence.inputs_config.get("coverage_roots")
    data: CoverageData = module.read(evidence, path, PathMapper.at(evidence.files.root, roots))
    if not data.files:
        raise EvidenceError("the report holds no measured file", path,
                            hint="check that the tests ran under coverage")
    if data.totals.statements == 0:
        raise EvidenceError("the report measures no line: 0 of 0 is no evidence of coverage", path,
                            hint="check that the tests ran under coverage and the report lists lines")
    return data


def detect(evidence: Evidence, path: str) -> str:
    """The format of a report, from its first bytes."""
    real = evidence.files.resolve(path)
    try:
        with real.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as e:
        raise EvidenceError(f"cannot read file: {e.strerror}", path) from e
    return sniff(head, path)


def sniff(head: bytes, path: str = "") -> str:
    """The format a report's first bytes show."""
    if head.startswith(b"SQLite format 3\0"):
        return "coverage-sqlite"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise EvidenceError("the file is empty", path or None,
                            hint="check that the step writing the report succeeded")
    if text.startswith(b"<"):
        return _sniff_xml(text, path)
    if text.startswith(b"{"):
        return _sniff_json(text)
    if re.match(rb"(TN|SF|VER):", text):
        return "lcov"
    if path.rsplit("/", 1)[-1].startswith(".coverage"):
        raise EvidenceError("not a coverage.py data file: it is not an SQLite database", path,
                            hint="point the suite at the .coverage file that `coverage run` wrote")
    raise EvidenceError(_UNKNOWN, path or None)


def _sniff_xml(text: bytes, path: str) -> str:
    for match in _XML_ROOT.finditer(text):
        start = match.start()
        if text[start + 1:start + 2] in (b"?", b"!"):
            continue
        name = match[1].rsplit(b":", 1)[-1]
        if name in _XML_FORMATS:
            return _XML_FORMATS[name]
        raise EvidenceError(f"{_UNKNOWN}: the XML root element is <{name.decode('ascii', 'replace')}>",
                            path or None)
    return "cobertura"  # the root is past the sniffed bytes: let the parser say what it is


def _sniff_json(text: bytes) -> str:
    match = _JSON_KEY.match(text)
    key = match[1] if match else b""
    if key == b"meta":
        return "coverage-json"
    if key == b"total":
        return "istanbul-summary"
    return "istanbul-final"


__all__ = ["READERS", "CoverageData", "FileCoverage", "Numbers", "PathMapper", "detect",
           "read_report", "sniff"]
