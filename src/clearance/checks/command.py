"""Runs a program (an argv list, never through a shell) and passes when it
exits 0. Only runs where the policy sets `settings.commands: true`; elsewhere
the verdict is `error`, never a pass. With `pass_changed: true` the changed
files are appended to the argv. `cwd` is the folder it runs in, relative to
the repository root (`service/kotlin` for `./gradlew test`); an absolute path
or `..` is refused when the policy is validated, and a folder that is missing
or that a symbolic link leads out of the repository is an `error`. Its exit
code and the digest of its output are evidence; the last lines of its output
are shown on failure."""

from __future__ import annotations

from clearance.checks import Outcome
from clearance.evidence.context import Evidence
from clearance.pathmatch import leaves_root

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
        "cwd": {"type": "string", "minLength": 1},
    },
}


def problems(params: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    cwd = params.get("cwd")
    if isinstance(cwd, str) and leaves_root(cwd):
        return [(("cwd",), f"cwd: '{cwd}' leaves the repository: give a folder relative to "
                           "its root, without '..'")]
    return []


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    argv = list(params["argv"])
    if params.get("pass_changed"):
        argv += evidence.changed_files
    cwd = params.get("cwd", "")
    code, tail = evidence.run_command(argv, float(params.get("timeout", 300)), cwd)
    shown = "'" + " ".join(params["argv"]) + "'" + (f" (in {cwd})" if cwd else "")
    if code == 0:
        return Outcome.passed(f"{shown} exited 0", figure="exit 0")
    detail = f": {tail}" if tail else ""
    return Outcome.failed(f"{shown} exited {code}{detail}", figure=f"exit {code}")
