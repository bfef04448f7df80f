"""Patch coverage: the changed lines that a report measures, and which ran.

The changed lines (added or modified, new side of `git diff base...head`, or
of the index at the commit stages) are intersected with each file's measured
lines; changed lines a report does not measure (blank lines, comments, files
not in the report) do not count, as with diff-cover. With `branch`, a line
counts as covered only when every branch leaving it was taken, as with
`diff-cover --branch-coverage`.
"""

from __future__ import annotations

from collections.abc import Mapping

from clearance.errors import EvidenceError
from clearance.evidence.coverage.model import CoverageData, FileCoverage
from clearance.records import Record

_NOT_RUN = "changed line not run by the tests"


class UncoveredLine(Record):
    path: str
    line: int
    reason: str


class PatchFile(Record):
    path: str
    measured: int
    covered: int


class PatchCoverage(Record):
    files: tuple[PatchFile, ...]
    uncovered: tuple[UncoveredLine, ...]
    unmeasured_files: tuple[str, ...]

    @property
    def measured(self) -> int:
        return sum(f.measured for f in self.files)

    @property
    def covered(self) -> int:
        return sum(f.covered for f in self.files)

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.measured if self.measured else 100.0


def patch_coverage(data: CoverageData, changed: Mapping[str, set[int]],
                   branch: bool = False) -> PatchCoverage:
    files: list[PatchFile] = []
    uncovered: list[UncoveredLine] = []
    unmeasured: list[str] = []
    for path in sorted(changed):
        cov = data.files.get(path)
        if cov is None or not _measured(cov):  # absent, or listed with no measured line
            unmeasured.append(path)
            continue
        lines = sorted(changed[path] & _measured(cov))
        if branch and cov.line_branches:
            missed = [UncoveredLine(path, n, _reason(cov, n)) for n in lines if not cov.line_covered(n, True)]
        else:  # a measured line is then covered when it ran
            ran = cov.covered_lines
            missed = [UncoveredLine(path, n, _NOT_RUN) for n in lines if n not in ran]
        if lines:
            files.append(PatchFile(path, len(lines), len(lines) - len(missed)))
        uncovered.extend(missed)
    return PatchCoverage(tuple(files), tuple(uncovered), tuple(unmeasured))


def _measured(cov: FileCoverage) -> frozenset[int]:
    if not cov.has_lines:
        raise EvidenceError(f"the report has no per-line data for '{cov.path}' (a summary report)",
                            hint="use coverage-final.json, LCOV or an XML report for patch coverage")
    return cov.lines


def _reason(cov: FileCoverage, line: int) -> str:
    if line not in cov.covered_lines:
        return _NOT_RUN
    total, taken = cov.line_branches.get(line, (0, 0))
    return f"changed line: {taken} of {total} branches taken"
