"""No changed file holds a merge conflict marker. `<<<<<<<` and `>>>>>>>`
lines always count; `=======` and `|||||||` only inside an opened conflict.
Each marker is reported as file:line. Binary files are skipped."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural, text_lines
from clearance.evidence.context import Evidence
from clearance.pathmatch import filter_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("changed files", "file contents")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"paths": GLOBS, "exclude": GLOBS},
}
MARKER = 7
OPEN, CLOSE, MIDDLE, BASE = "<" * MARKER, ">" * MARKER, "=" * MARKER, "|" * MARKER


def markers(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, marker) for every conflict marker in a file's lines."""
    found = []
    opened = False
    for number, line in enumerate(lines, start=1):
        head, rest = line[:MARKER], line[MARKER:]
        if rest and rest[0] not in " \t":
            continue
        if head == OPEN:
            opened = True
        elif head == CLOSE:
            opened = False
        elif not (opened and (head == BASE or (head == MIDDLE and not rest.strip()))):
            continue
        found.append((number, head))
    return found


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    paths = evidence.changed_files
    if "paths" in params:
        paths = filter_paths(as_list(params["paths"]), paths)
    excluded = set(filter_paths(as_list(params.get("exclude")), paths))
    paths = [p for p in paths if p not in excluded]
    findings = []
    for path, data in evidence.read_many(paths).items():
        if not data or (OPEN.encode() not in data and CLOSE.encode() not in data):
            continue  # no opening or closing marker: nothing to report, no line to scan
        for number, marker in markers(text_lines(data) or []):
            findings.append(Finding(path, number, message=f"conflict marker {marker}"))
    if findings:
        files = sorted({f.file for f in findings})
        return Outcome.failed(f"conflict markers in {', '.join(files)}", findings=tuple(findings))
    return Outcome.passed(f"{plural(len(paths), 'changed file')} free of conflict markers")
