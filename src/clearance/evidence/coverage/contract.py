"""The contract of a coverage reader, checked by mypy on every member of `READERS`.

Read by the type checker and the tests only: `FORMATS` assigns each
registered module to the protocol, and a test refuses a registry entry that
is missing here.
"""

from __future__ import annotations

from typing import Protocol

from clearance.evidence.context import Evidence
from clearance.evidence.coverage import (
    cobertura,
    coverage_json,
    coverage_sqlite,
    istanbul,
    jacoco,
    lcov,
)
from clearance.evidence.coverage.model import CoverageData
from clearance.evidence.coverage.paths import PathMapper


class CoverageReader(Protocol):
    """What every coverage format's module provides."""

    def sniff(self, head: bytes) -> str | None:
        """The format name when a report's first bytes (up to `SNIFF_BYTES`) are this
        reader's; None otherwise."""

    def read(self, evidence: Evidence, path: str, mapper: PathMapper) -> CoverageData:
        """The report's coverage, with source paths mapped to repository paths; an
        `EvidenceError` naming the file (and line) for anything it cannot read."""


FORMATS: dict[str, CoverageReader] = {
    "cobertura": cobertura,
    "coverage-json": coverage_json,
    "coverage-sqlite": coverage_sqlite,
    "lcov": lcov,
    "jacoco": jacoco,
    "kover": jacoco,
    "istanbul-summary": istanbul,
    "istanbul-final": istanbul,
}
