"""Every path or glob given names at least one file in the snapshot under
evaluation (the index at the commit stages, the head commit otherwise)."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list
from clearance.evidence.context import Evidence
from clearance.pathmatch import filter_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("tracked files",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["paths"],
    "properties": {"paths": GLOBS},
}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    files = evidence.tracked_files
    missing = [g for g in as_list(params["paths"]) if not filter_paths([g], files)]
    if missing:
        findings = tuple(Finding(g, message="no such file") for g in missing)
        return Outcome.failed(f"missing: {', '.join(missing)}", findings=findings)
    return Outcome.passed(f"all {len(as_list(params['paths']))} present")
