"""When a changed file matches `if` (and not `unless`), some changed file
matches `then` (documentation with code, a migration guide with a migration).
The verdict says which changed files the condition considered."""

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
    "properties": {"if": GLOBS, "unless": GLOBS, "then": GLOBS},
}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    changed = [c.path for c in evidence.changes]
    excluded = set(filter_paths(as_list(params.get("unless")), changed))
    triggers = [p for p in filter_paths(as_list(params["if"]), changed) if p not in excluded]
    if not triggers:
        return Outcome.passed(_nothing_watched(params, changed))
    companions = filter_paths(as_list(params["then"]), changed)
    if companions:
        return Outcome.passed(f"{plural(len(triggers), 'file')} changed with "
                              f"{', '.join(companions[:3])}")
    wanted = ", ".join(as_list(params["then"]))
    findings = tuple(Finding(p, message=f"changed without a change to {wanted}")
                     for p in triggers[:50])
    return Outcome.failed(f"{', '.join(triggers[:3])} changed but nothing matching {wanted} did",
                          findings=findings)


def _nothing_watched(params: dict[str, Any], changed: list[str]) -> str:
    """What the condition considered, for a pass because no changed file is watched."""
    watched = "if: " + ", ".join(as_list(params["if"]))
    if params.get("unless"):
        watched += "; unless: " + ", ".join(as_list(params["unless"]))
    listed = ", ".join(changed[:3]) + (", ..." if len(changed) > 3 else "")
    count = len(changed)
    subject = "the one changed file is not" if count == 1 else f"none of the {count} changed files is"
    return f"{subject} one the condition watches ({watched})" + (f": {listed}" if changed else "")
