"""Coverage reports: one reader per format, found through `READERS`.

Each reader module meets `CoverageReader` (coverage/contract.py, checked by
mypy): `sniff(head) -> format | None` says whether a report's first bytes
are its own, and `read(evidence, path, mapper) -> CoverageData` reads the
file through the evidence layer (so the file is recorded with its digest),
maps source paths to repository paths and raises `EvidenceError` naming the
file for anything it cannot read. `read_report` asks the readers in
`READERS` order when the format is not given. See docs/coverage.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from clearance.errors import EvidenceError
from clearance.evidence.coverage.model import CoverageData, FileCoverage, Numbers
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.coverage.sniff import SNIFF_BYTES, content, xml_root

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence
    from clearance.evidence.coverage.contract import CoverageReader

READERS: dict[str, str] = {  # format -> module; sniffed in this order
    "cobertura": "clearance.evidence.coverage.cobertura",
    "coverage-json": "clearance.evidence.coverage.coverage_json",
    "coverage-sqlite": "clearance.evidence.coverage.coverage_sqlite",
    "lcov": "clearance.evidence.coverage.lcov",
    "jacoco": "clearance.evidence.coverage.jacoco",
    "kover": "clearance.evidence.coverage.jacoco",
    "istanbul-summary": "clearance.evidence.coverage.istanbul",
    "istanbul-final": "clearance.evidence.coverage.istanbul",
}
_UNKNOWN = ("not a coverage report clearance can read (Cobertura or JaCoCo XML, coverage.py or "
            "Istanbul JSON, LCOV, or a .coverage data file)")


def reader(fmt: str) -> CoverageReader:
    """The module that reads a format named in `READERS`."""
    module: CoverageReader = importlib.import_module(READERS[fmt])
    return module


def read_report(evidence: Evidence, path: str, fmt: str | None = None) -> CoverageData:
    """Read one report file, detecting its format unless it is given."""
    fmt = fmt or detect(evidence, path)
    if fmt not in READERS:
        raise EvidenceError(f"unknown coverage format '{fmt}'", path,
                            hint=f"one of {', '.join(sorted(READERS))}")
    roots = evidence.inputs_config.get("coverage_roots")
    data = reader(fmt).read(evidence, path, PathMapper.at(evidence.files.root, roots))
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
    """The format a report's first bytes show: the first reader that claims them."""
    for fmt in READERS:
        found = reader(fmt).sniff(head)
        if found:
            return found
    if not content(head):
        raise EvidenceError("the file is empty", path or None,
                            hint="check that the step writing the report succeeded")
    root = xml_root(head)
    if root is not None:
        raise EvidenceError(f"{_UNKNOWN}: the XML root element is <{root.decode('ascii', 'replace')}>",
                            path or None)
    if path.rsplit("/", 1)[-1].startswith(".coverage"):
        raise EvidenceError("not a coverage.py data file: it is not an SQLite database", path,
                            hint="point the suite at the .coverage file that `coverage run` wrote")
    raise EvidenceError(_UNKNOWN, path or None)


__all__ = ["READERS", "CoverageData", "FileCoverage", "Numbers", "PathMapper", "detect",
           "read_report", "reader", "sniff"]
