"""No changed file holds a merge conflict marker. `<<<<<<<` and `>>>>>>>`
lines always count; `=======` and `|||||||` only inside an opened conflict.
Markers are as long as the file's `conflict-marker-size` attribute says (7
by default). Each marker is reported as file:line; every file is scanned,
also one with a NUL byte (git writes markers into what it merges as text)."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, file_lines, plural
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
MARKER = 7  # git's default length; the `conflict-marker-size` attribute sets another


def markers(lines: list[str], size: int = MARKER) -> list[tuple[int, str]]:
    """(line number, marker) for every conflict marker of `size` characters in a file's lines."""
    opening, closing, middle, base = "<" * size, ">" * size, "=" * size, "|" * size
    found = []
    opened = False
    for number, line in enumerate(lines, start=1):
        head, rest = line[:size], line[size:]
        if rest and rest[0] not in " \t":
            continue
        if head == opening:
            opened = True
        elif head == closing:
            opened = False
        elif not (opened and (head == base or (head == middle and not rest.strip()))):
            continue
        found.append((number, head))
    return found


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    paths = evidence.changed_files
    if "paths" in params:
        paths = filter_paths(as_list(params["paths"]), paths)
    excluded = set(filter_paths(as_list(params.get("exclude")), paths))
    paths = [p for p in paths if p not in excluded]
    # Any file is scanned, a NUL byte or not: git writes markers into what it merges as
    # text, and a marker is a whole line that starts with a run of one character.
    candidates = {path: data for path, data in evidence.read_many(paths).items()
                  if data and _may_hold_markers(data)}
    sizes = _marker_sizes(evidence, candidates)
    findings = [Finding(path, number, message=f"conflict marker {marker}")
                for path, data in candidates.items()
                for number, marker in markers(file_lines(data), sizes.get(path, MARKER))]
    if findings:
        files = sorted({f.file for f in findings})
        return Outcome.failed(f"conflict markers in {', '.join(files)}", findings=tuple(findings))
    return Outcome.passed(f"{plural(len(paths), 'changed file')} free of conflict markers")


def _may_hold_markers(data: bytes) -> bool:
    """Whether a line starts with three or more `<` or `>`: a marker of any size git uses
    (a `conflict-marker-size` under 3 is not looked for)."""
    return any(data.startswith(run) or b"\n" + run in data for run in (b"<<<", b">>>"))


def _marker_sizes(evidence: Evidence, candidates: dict[str, bytes]) -> dict[str, int]:
    """The `conflict-marker-size` of files that may hold markers, where .gitattributes sets one."""
    if not candidates:
        return {}
    values = evidence.attribute("conflict-marker-size", candidates)
    return {path: int(value) for path, value in values.items() if value.isdigit() and int(value) > 0}
