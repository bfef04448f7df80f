"""The head revision merges into the base without conflicts, as
`git merge-tree --write-tree` computes it (nothing is written to the work
tree, the index or the refs)."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.evidence.context import Evidence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("base and head revisions",)
SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {}}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    conflicts = evidence.merge_conflicts()
    if conflicts is None:
        return Outcome.passed("head merges cleanly into base")
    findings = tuple(Finding(p, message="conflicts with the base") for p in conflicts)
    return Outcome.failed(f"merge conflicts in {', '.join(conflicts) or 'the tree'}",
                          findings=findings)
