"""Named coverage suites: `inputs.coverage: {unit: GLOBS, web: {reports: GLOBS, root: DIR}}`.

Every report that a suite's globs match is read and the reports merge into
one `CoverageData` (a line ran if it ran in any report). A suite is read once
per run; every rule that asks for it lists its report files as evidence.

Report paths must name files of the repository. `root` is the folder the
suite's tool ran in, when its paths are relative to that folder (a package of
a monorepo). A report most of whose paths still name no file is an error, and
so is a changed file that the suite misses while one of those paths names it
under another folder; both say which `root` would map them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import TYPE_CHECKING

from clearance.errors import EvidenceError
from clearance.evidence.coverage import read_report
from clearance.evidence.coverage.model import CoverageData
from clearance.evidence.coverage.paths import PathMapper, suggest_root
from clearance.pathmatch import as_list, is_absolute

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

SHOWN = 3  # unmatched paths named in a message


def suite_config(evidence: Evidence, name: str) -> tuple[list[str], str]:
    """A suite's report globs and its root folder ("" for the repository root)."""
    suites = evidence.inputs_config.get("coverage") or {}
    if name not in suites:
        known = ", ".join(sorted(suites)) or "none"
        raise EvidenceError(f"no coverage suite named '{name}' (suites: {known})",
                            hint="name its report files under inputs.coverage in the policy")
    entry = suites[name]
    if not isinstance(entry, dict):
        return as_list(entry), ""
    root = posixpath.normpath(str(entry.get("root") or "."))
    return as_list(entry.get("reports")), "" if root == "." else root


def coverage_suite(evidence: Evidence, name: str) -> CoverageData:
    """The merged reports of one suite, read at most once per run."""
    data = evidence.memo(f"coverage:{name}", lambda: _read_suite(evidence, name))
    for record in data.reports:
        evidence.note(record)
    return data


def _read_suite(evidence: Evidence, name: str) -> CoverageData:
    globs, root = suite_config(evidence, name)
    paths = evidence.find_inputs(globs)
    if not paths:
        raise EvidenceError(f"no coverage report matches {', '.join(globs)} (suite '{name}')",
                            hint="run the tests with coverage before this check, or fix the globs")
    mapper = PathMapper.at(evidence.files.root)
    data = CoverageData({})
    for path in paths:
        data = data + _placed(evidence, name, path, mapper, root)
    return data


def _placed(evidence: Evidence, suite: str, report: str, mapper: PathMapper, root: str) -> CoverageData:
    """One report, its paths read below the suite's root; an error when most name no file."""
    data = read_report(evidence, report)
    if root:
        data = data.moved(lambda path: mapper.rooted(path, root))
    unmatched = frozenset(path for path in data.files if not mapper.exists(path))
    if 2 * len(unmatched) > len(data.files):
        found = suggest_root(unmatched, _tracked(evidence), report, mapper.exists)
        raise EvidenceError(f"{len(unmatched)} of {len(data.files)} files of the report name no file "
                            f"of the repository: {_some(unmatched)}", report,
                            hint=_hint(evidence, suite, found))
    return CoverageData(data.files, data.branch_measured, data.reports, unmatched)


def require_changed_files(evidence: Evidence, suite: str, data: CoverageData,
                          changed: Iterable[str]) -> None:
    """Raise when a changed file is missing from the suite while one of its report paths
    that name no file names it below another folder (`src/a.ts` for `web/src/a.ts`)."""
    unmatched = sorted(data.unmatched)
    pairs = [(path, other) for path in sorted(set(changed) - set(data.files))
             for other in unmatched if _names(other, path)]
    if not pairs:
        return
    shown = "; ".join(f"{path} (the report names '{other}')" for path, other in pairs[:SHOWN])
    more = f" and {len(pairs) - SHOWN} more" if len(pairs) > SHOWN else ""
    report = data.reports[0].path if data.reports else ""
    exists = PathMapper.at(evidence.files.root).exists
    found = suggest_root(data.unmatched, [path for path, _ in pairs], report, exists)
    raise EvidenceError(f"changed files missing from suite '{suite}' although its report names them "
                        f"below another folder, as paths that name no file: {shown}{more}",
                        hint=_hint(evidence, suite, found))


def _names(other: str, path: str) -> bool:
    """Whether a relative report path could name `path` below some folder."""
    if not other or is_absolute(other):
        return False
    rest = other
    while rest.startswith("../"):
        rest = rest[3:]
    return path.endswith("/" + rest) or (rest != other and path == rest)


def _hint(evidence: Evidence, suite: str, root: str | None) -> str:
    globs = suite_config(evidence, suite)[0]
    reports = globs[0] if len(globs) == 1 else f"[{', '.join(globs)}]"
    if root is None:
        return (f"paths are kept as written; if they are relative to the folder the tool ran in, "
                f"name it: inputs.coverage.{suite}: {{reports: {reports}, root: FOLDER}}")
    return (f"the paths look relative to {root}/: "
            f"inputs.coverage.{suite}: {{reports: {reports}, root: {root}}}")


def _some(paths: Iterable[str]) -> str:
    ordered = sorted(paths)
    more = f" and {len(ordered) - SHOWN} more" if len(ordered) > SHOWN else ""
    return ", ".join(ordered[:SHOWN]) + more


def _tracked(evidence: Evidence) -> list[str]:
    """The repository's files, to look for a prefix; none outside a git repository."""
    try:
        return evidence.tracked_files
    except EvidenceError:
        return []
