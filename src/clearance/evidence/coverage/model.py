"""What a coverage report says, whatever tool wrote it.

`Numbers` counts the way coverage.py does: statements (measured lines) and
branches (exits of lines that have more than one), so the combined figure is
`(covered lines + covered branches) / (statements + branches)`, and an empty
denominator is 100%. `FileCoverage` keeps the line detail that patch coverage
needs; a counts-only report (Istanbul `coverage-summary.json`) carries its
numbers in `summary` and no line detail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from clearance.evidence.inputs import InputRecord
from clearance.records import Record

METRICS = ("line", "branch", "combined")


def _percent(numerator: int, denominator: int) -> float:
    return 100.0 * numerator / denominator if denominator > 0 else 100.0


class Numbers(Record):
    """Coverage counts that add with `+` (field by field, not as tuples); percentages are
    derived."""

    statements: int = 0
    covered: int = 0
    branches: int = 0
    covered_branches: int = 0

    def __add__(self, other: Numbers) -> Numbers:  # type: ignore[override]
        return Numbers(self.statements + other.statements, self.covered + other.covered,
                       self.branches + other.branches,
                       self.covered_branches + other.covered_branches)

    @property
    def line_percent(self) -> float:
        return _percent(self.covered, self.statements)

    @property
    def branch_percent(self) -> float:
        return _percent(self.covered_branches, self.branches)

    @property
    def combined_percent(self) -> float:
        """coverage.py's total: lines and branches counted together."""
        return _percent(self.covered + self.covered_branches, self.statements + self.branches)

    def percent(self, metric: str) -> float:
        return {"line": self.line_percent, "branch": self.branch_percent,
                "combined": self.combined_percent}[metric]

    def counted(self, metric: str) -> int:
        """What the metric's percentage is a share of (0: nothing to measure)."""
        return {"line": self.statements, "branch": self.branches,
                "combined": self.statements + self.branches}[metric]

    def to_dict(self) -> dict[str, object]:
        return {"statements": self.statements, "covered": self.covered,
                "branches": self.branches, "covered_branches": self.covered_branches,
                "percent": {m: self.percent(m) for m in METRICS}}


class FileCoverage(Record):
    """One source file: measured and covered lines, branches per line.

    `line_branches` maps a line to (branches, covered branches) for lines
    that branch. `summary` is set only by counts-only readers.
    """

    path: str
    lines: frozenset[int] = frozenset()
    covered_lines: frozenset[int] = frozenset()
    line_branches: Mapping[int, tuple[int, int]] = MappingProxyType({})
    summary: Numbers | None = None

    @property
    def has_lines(self) -> bool:
        return self.summary is None

    @property
    def numbers(self) -> Numbers:
        if self.summary is not None:
            return self.summary
        total = sum(t for t, _ in self.line_branches.values())
        taken = sum(c for _, c in self.line_branches.values())
        return Numbers(len(self.lines), len(self.covered_lines), total, taken)

    @property
    def missing_lines(self) -> list[int]:
        return sorted(self.lines - self.covered_lines)

    def line_covered(self, line: int, branch: bool = False) -> bool:
        """Whether a measured line ran (and, with branch, took every branch)."""
        if line not in self.covered_lines:
            return False
        total, taken = self.line_branches.get(line, (0, 0))
        return not branch or taken >= total

    def merged(self, other: FileCoverage) -> FileCoverage:
        """Both reports of one file together: a line ran if it ran in either.

        Branch identity is not kept across reports, so a line's branches merge
        to the larger count of each side: never more than was seen in one run.
        """
        if self.summary is not None or other.summary is not None:
            mine, theirs = self.numbers, other.numbers
            return FileCoverage(self.path, summary=Numbers(
                max(mine.statements, theirs.statements), max(mine.covered, theirs.covered),
                max(mine.branches, theirs.branches),
                max(mine.covered_branches, theirs.covered_branches)))
        branches = dict(self.line_branches)
        for line, (total, taken) in other.line_branches.items():
            old_total, old_taken = branches.get(line, (0, 0))
            branches[line] = (max(total, old_total), min(max(total, old_total), max(taken, old_taken)))
        return FileCoverage(self.path, self.lines | other.lines,
                            self.covered_lines | other.covered_lines, branches)


class CoverageData:
    """The files of one or more reports, by repository path.

    A plain class, not a record: it keeps its totals once computed.
    """

    __slots__ = ("_totals", "branch_measured", "files", "reports", "unmatched")

    def __init__(self, files: Mapping[str, FileCoverage], branch_measured: bool = False,
                 reports: tuple[InputRecord, ...] = (),
                 unmatched: frozenset[str] = frozenset()) -> None:
        self.files = files
        self.branch_measured = branch_measured
        self.reports = reports
        self.unmatched = unmatched  # paths of `files` that name no repository file
        self._totals: Numbers | None = None

    @property
    def totals(self) -> Numbers:
        """Computed once: every coverage rule of a suite asks (20,000 files in a monorepo)."""
        if self._totals is None:
            self._totals = sum((f.numbers for f in self.files.values()), Numbers())
        return self._totals

    @property
    def default_metric(self) -> str:
        """combined when branches were measured, line otherwise."""
        return "combined" if self.branch_measured else "line"

    def __add__(self, other: CoverageData) -> CoverageData:
        files = dict(self.files)
        for path, cov in other.files.items():
            files[path] = files[path].merged(cov) if path in files else cov
        return CoverageData(files, self.branch_measured or other.branch_measured,
                            self.reports + other.reports, self.unmatched | other.unmatched)

    def moved(self, where: Callable[[str], str]) -> CoverageData:
        """The same coverage with each path replaced by `where(path)`; files that meet merge."""
        moved = build((cov._replace(path=where(cov.path)) for cov in self.files.values()),
                      self.branch_measured)
        return CoverageData(moved.files, self.branch_measured, self.reports, self.unmatched)


def build(files: Iterable[FileCoverage], branch_measured: bool,
          record: InputRecord | None = None) -> CoverageData:
    """Coverage data of one report; a file named twice is merged."""
    by_path: dict[str, FileCoverage] = {}
    for cov in files:
        by_path[cov.path] = by_path[cov.path].merged(cov) if cov.path in by_path else cov
    return CoverageData(by_path, branch_measured, (record,) if record else ())


def line_ranges(lines: Iterable[int]) -> str:
    """`1-3, 7, 9-10`: line numbers as compact ranges."""
    out: list[str] = []
    start = prev = None
    for line in sorted(lines):
        if prev is not None and line == prev + 1:
            prev = line
            continue
        if start is not None:
            out.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = line
    if start is not None:
        out.append(str(start) if start == prev else f"{start}-{prev}")
    return ", ".join(out)
