"""The files matching `paths` contain the regular expression `pattern`
(every one of them), or with `absent: true` none of them does (each match is
reported as file:line). `changed_only: true` looks only at changed files.
`what` says in words what the pattern looks for ("a Prometheus endpoint");
messages use it instead of the pattern."""

from __future__ import annotations

import re

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, file_lines, plural, regex_problems
from clearance.evidence.context import Evidence
from clearance.pathmatch import filter_paths
from clearance.patterns import searching

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("tracked files", "file contents")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["paths", "pattern"],
    "properties": {
        "paths": GLOBS,
        "pattern": {"type": "string", "minLength": 1},
        "absent": {"type": "boolean"},
        "ignore_case": {"type": "boolean"},
        "changed_only": {"type": "boolean"},
        "what": {"type": "string", "minLength": 1},
    },
}
MAX_FINDINGS = 200


def problems(params: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    return regex_problems(params, "pattern")


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    pool = evidence.changed_files if params.get("changed_only") else evidence.tracked_files
    paths = filter_paths(as_list(params["paths"]), pool)
    regex = re.compile(params["pattern"], re.IGNORECASE if params.get("ignore_case") else 0)
    if not paths:
        if params.get("absent") or params.get("changed_only"):
            return Outcome.passed("no file to look at")
        return Outcome.failed(f"no file matches {', '.join(as_list(params['paths']))}")
    contents = evidence.read_many(paths)
    what = params.get("what") or f"/{regex.pattern}/"
    if params.get("absent"):
        return _absent(regex, contents, what)
    lacking = []
    for path, data in contents.items():
        with searching(path, regex.pattern):
            if not regex.search(_text(data)):
                lacking.append(path)
    if lacking:
        findings = tuple(Finding(p, message=f"does not contain {what}") for p in lacking)
        return Outcome.failed(f"{plural(len(lacking), 'file')} without {what}", findings=findings)
    return Outcome.passed(f"{plural(len(paths), 'file')} with {what}")


def _absent(regex: re.Pattern[str], contents: dict[str, bytes | None], what: str) -> Outcome:
    findings = []
    for path, data in contents.items():
        # binary files are searched too: a secret in a binary file is still a secret
        with searching(path, regex.pattern):
            numbers = [n for n, line in enumerate(file_lines(data or b""), start=1) if regex.search(line)]
        findings += [Finding(path, n, message=f"holds {what}") for n in numbers]
    if findings:
        return Outcome.failed(f"{plural(len(findings), 'line')} with {what}",
                              findings=tuple(findings[:MAX_FINDINGS]))
    return Outcome.passed(f"no line with {what}")


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", "replace")
