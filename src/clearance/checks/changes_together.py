"""When a changed file matches `if`, some changed file matches `then`
(documentation with code, a migration guide with a migration)."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.evidence.context import Evidence
from clearance.pathmatch import filter_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("changed files",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["if", "then"],
    "properties": {"if": GLOBS, "then": GLOBS},
}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    changed = [c.path for c in evidence.changes]
    triggers = filter_paths(as_list(params["if"]), changed)
    if not triggers:
        return Outcome.passed("no changed file matches the condition")
    companions = filter_paths(as_list(params["then"]), changed)
    if companions:
        return Outcome.passed(f"{plural(len(triggers), 'file')} changed with "
                              f"{', '.join(companions[:3])}")
    wanted = ", ".join(as_list(params["then"]))
    findings = tuple(Finding(p, message=f"changed without a change to {wanted}")
                     for p in triggers[:50])
    return Outcome.failed(f"{', '.join(triggers[:3])} changed but nothing matching {wanted} did",
                          findings=findings)
