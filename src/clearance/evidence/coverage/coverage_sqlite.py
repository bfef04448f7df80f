"""coverage.py's `.coverage` data file, read through coverage.py's own API.

The data file holds what ran (lines, or arcs in branch mode), not what could
have run, so the statements and branches come from coverage.py's analysis of
the source files, exactly as `coverage report` makes it:

1. the data file is copied to a temporary folder and opened with
   `coverage.CoverageData` there (coverage.py would otherwise add its schema
   to an SQLite file that lacks it: a run never writes to the repository);
2. each measured file is mapped to a repository path; its source must be in
   the working tree (it is recorded as an input with its digest);
3. the executed lines or arcs are put, under that path, into the in-memory
   data of a `coverage.Coverage` configured from the repository's coverage
   configuration (`.coveragerc`, `.coveragerc.toml`, `setup.cfg`, `tox.ini`,
   `pyproject.toml`, the first that has coverage settings), so exclusions
   such as `# pragma: no cover` count as they did; plugins are not loaded;
4. `Coverage.analysis2` gives statements and missing lines, and
   `Coverage.branch_stats` (coverage.py 7.7+) the branches per line.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearance.errors import EvidenceError
from clearance.evidence.coverage.model import CoverageData, FileCoverage, build
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.inputs import InputRecord, record_for

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

CONFIG_FILES = (".coveragerc", ".coveragerc.toml", "setup.cfg", "tox.ini", "pyproject.toml")
Measured = dict[str, list[Any]]


def sniff(head: bytes) -> str | None:
    """`coverage-sqlite` for an SQLite database: coverage.py's `.coverage` data file."""
    return "coverage-sqlite" if head.startswith(b"SQLite format 3\0") else None


def read(evidence: Evidence, path: str, mapper: PathMapper) -> CoverageData:
    raw = evidence.read_input(path)
    arcs, measured = _measured(raw, path)
    cov = _analyser(mapper.root)
    records = [record_for(path, raw, "file")]
    files = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, executed in sorted(measured.items()):
            repo_path = mapper.repo_path(name)
            records.append(_source_record(evidence, repo_path, path))
            files.append(_analyse(cov, evidence, repo_path, executed, arcs, path))
    data = build(files, arcs)
    return CoverageData(data.files, arcs, tuple(records))


def _measured(raw: bytes, path: str) -> tuple[bool, Measured]:
    """Whether arcs were measured, and the lines or arcs run per recorded file."""
    import sqlite3
    import tempfile

    import coverage
    from coverage.exceptions import CoverageException

    with tempfile.TemporaryDirectory(prefix="clearance-") as folder:
        copy = Path(folder) / ".coverage"
        copy.write_bytes(raw)
        _check_schema(copy, path)
        data = coverage.CoverageData(basename=str(copy))
        try:
            data.read()
            arcs = data.has_arcs()
            get = data.arcs if arcs else data.lines
            return arcs, {name: list(get(name) or []) for name in data.measured_files()}
        except CoverageException as e:
            detail = re.sub(r"^Couldn't use data file '[^']*': ", "", str(e))
            raise EvidenceError(f"not a coverage.py data file: {detail}", path) from e
        except (sqlite3.Error, UnicodeDecodeError) as e:  # damage below coverage.py's own checks
            raise EvidenceError(f"not a coverage.py data file: {e}", path) from e


def _check_schema(copy: Path, path: str) -> None:
    """Refuse an SQLite file without coverage.py's tables (coverage.py would add them)."""
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as db:
            found = db.execute("select count(*) from sqlite_master where name = 'coverage_schema'")
            ours = found.fetchone()[0] == 1
    except (sqlite3.Error, UnicodeDecodeError) as e:  # a damaged file: text that is not UTF-8
        raise EvidenceError(f"not a coverage.py data file: {e}", path) from e
    if not ours:
        raise EvidenceError("not a coverage.py data file: an SQLite database without coverage.py's "
                            "tables", path)


def _analyser(root: Path) -> Any:
    """A coverage.Coverage with in-memory data and the repository's configuration."""
    import coverage
    from coverage.exceptions import ConfigError

    cov = None
    for name in CONFIG_FILES:
        if (root / name).is_file():
            try:
                cov = coverage.Coverage(data_file=None, config_file=str(root / name))
                break
            except ConfigError:
                continue
    cov = cov or coverage.Coverage(data_file=None, config_file=False)
    cov.set_option("run:relative_files", False)
    cov.set_option("run:plugins", [])
    if not hasattr(cov, "branch_stats"):
        raise EvidenceError("reading a .coverage file needs coverage.py 7.7 or later",
                            hint="pip install 'coverage>=7.7'")
    return cov


def _source_record(evidence: Evidence, repo_path: str, report: str) -> InputRecord:
    """Read (and record) a measured source file: the analysis depends on it."""
    try:
        return record_for(repo_path, evidence.read_input(repo_path), "file")
    except EvidenceError as e:
        raise EvidenceError(f"measured file '{repo_path}' cannot be read ({e.message}); coverage.py "
                            "needs the source to count its statements", report) from e


def _analyse(cov: Any, evidence: Evidence, repo_path: str, executed: list[Any], arcs: bool,
             report: str) -> FileCoverage:
    from coverage.exceptions import CoverageException

    source = str(evidence.files.resolve(repo_path))
    data = cov.get_data()
    if arcs:
        data.add_arcs({source: executed})
    else:
        data.add_lines({source: executed})
    try:
        _, statements, _, missing, _ = cov.analysis2(source)
        stats = cov.branch_stats(source) if arcs else {}
    except CoverageException as e:
        raise EvidenceError(f"coverage.py cannot analyse '{repo_path}': {e}", report) from e
    lines = frozenset(statements)
    return FileCoverage(repo_path, lines, lines - frozenset(missing), stats)
