"""Runs a program (an argv list, never through a shell) and passes when it
exits 0. Only runs where the policy sets `settings.commands: true`; elsewhere
the verdict is `error`, never a pass. With `pass_changed: true` the changed
files are appended to the argv. Its exit code and the digest of its output
are evidence; the last lines of its output are shown on failure."""

from __future__ import annotations

from clearance.checks import Outcome
from clearance.evidence.context import Evidence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("command output",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["argv"],
    "properties": {
        "argv": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "pass_changed": {"type": "boolean"},
        "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 3600},
    },
}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    argv = list(params["argv"])
    if params.get("pass_changed"):
        argv += evidence.changed_files
    code, tail = evidence.run_command(argv, float(params.get("timeout", 300)))
    shown = " ".join(params["argv"])
    if code == 0:
        return Outcome.passed(f"'{shown}' exited 0", figure="exit 0")
    detail = f": {tail}" if tail else ""
    return Outcome.failed(f"'{shown}' exited {code}{detail}", figure=f"exit {code}")
