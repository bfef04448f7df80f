"""No file in the snapshot under evaluation matches any of the globs given
(build output, secrets, editor files that must not be committed)."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural
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
    found = filter_paths(as_list(params["paths"]), evidence.tracked_files)
    if found:
        findings = tuple(Finding(p, message="must not be committed") for p in found)
        return Outcome.failed(f"{plural(len(found), 'file')} must not exist: "
                              f"{', '.join(found[:5])}", findings=findings)
    return Outcome.passed("none present")
