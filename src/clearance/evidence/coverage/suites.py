"""Named coverage suites: `inputs.coverage: {unit: GLOBS, integration: GLOBS}`.

Every report that a suite's globs match is read and the reports merge into
one `CoverageData` (a line ran if it ran in any report). A suite is read once
per run; every rule that asks for it lists its report files as evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clearance.errors import EvidenceError
from clearance.evidence.coverage import read_report
from clearance.evidence.coverage.model import CoverageData
from clearance.pathmatch import as_list

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence


def suite_globs(evidence: Evidence, name: str) -> list[str]:
    suites = evidence.inputs_config.get("coverage") or {}
    if name not in suites:
        known = ", ".join(sorted(suites)) or "none"
        raise EvidenceError(f"no coverage suite named '{name}' (suites: {known})",
                            hint="name its report files under inputs.coverage in the policy")
    return as_list(suites[name])


def coverage_suite(evidence: Evidence, name: str) -> CoverageData:
    """The merged reports of one suite, read at most once per run."""
    data = evidence.memo(f"coverage:{name}", lambda: _read_suite(evidence, name))
    for record in data.reports:
        evidence.note(record)
    return data


def _read_suite(evidence: Evidence, name: str) -> CoverageData:
    globs = suite_globs(evidence, name)
    paths = evidence.find_inputs(globs)
    if not paths:
        raise EvidenceError(f"no coverage report matches {', '.join(globs)} (suite '{name}')",
                            hint="run the tests with coverage before this check, or fix the globs")
    data = CoverageData({})
    for path in paths:
        data = data + read_report(evidence, path)
    return data
