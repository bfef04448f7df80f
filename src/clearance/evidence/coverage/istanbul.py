"""Istanbul JSON: `coverage-summary.json` and `coverage-final.json` (nyc, c8, Jest, Vitest).

The summary holds counts only: a `total` key and one key per file, each with
`lines`, `statements`, `functions` and `branches` as `{total, covered,
skipped, pct}`. `pct` may be the string "Unknown", so percentages are always
computed from `covered`/`total`; the line figure uses `lines`. Files read
from a summary carry no line detail (no patch coverage from it).

`coverage-final.json` maps each file to its FileCoverage object: a line is
measured when a statement starts on it and covered when one of those ran;
`branchMap[id].line` (or its `loc`) places branch `b[id]`, one count per arm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clearance.errors import EvidenceError
from clearance.evidence.coverage.jsonfile import load_json, shaped
from clearance.evidence.coverage.model import CoverageData, FileCoverage, Numbers, build
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.coverage.sniff import first_json_key

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence


def sniff(head: bytes) -> str | None:
    """`istanbul-summary` for a JSON object that starts with `total`; `istanbul-final` for any
    other JSON object (coverage.py's JSON, which starts with `meta`, is sniffed first)."""
    key = first_json_key(head)
    if key is None:
        return None
    return "istanbul-summary" if key == b"total" else "istanbul-final"


def read(evidence: Evidence, path: str, mapper: PathMapper) -> CoverageData:
    doc, record = load_json(evidence, path)
    if not isinstance(doc, dict) or not all(isinstance(v, dict) for v in doc.values()):
        raise EvidenceError("not an Istanbul report: expected an object of objects", path)
    if isinstance(doc.get("total"), dict) and "lines" in doc["total"]:
        return shaped(path, "coverage-summary.json", lambda: build(
            [_summary(mapper.repo_path(k), v) for k, v in doc.items() if k != "total"], True, record))
    return shaped(path, "coverage-final.json", lambda: build(
        [_final(mapper.repo_path(v.get("path") or k), v) for k, v in doc.items()], True, record))


def _summary(path: str, entry: dict[str, Any]) -> FileCoverage:
    lines, branches = entry["lines"], entry.get("branches", {"total": 0, "covered": 0})
    return FileCoverage(path, summary=Numbers(int(lines["total"]), int(lines["covered"]),
                                              int(branches["total"]), int(branches["covered"])))


def _final(path: str, entry: dict[str, Any]) -> FileCoverage:
    lines: set[int] = set()
    covered: set[int] = set()
    for key, where in entry["statementMap"].items():
        line = int(where["start"]["line"])
        lines.add(line)
        if int(entry["s"][key]) > 0:
            covered.add(line)
    branches: dict[int, tuple[int, int]] = {}
    for key, branch in entry.get("branchMap", {}).items():
        line = int(branch.get("line") or branch["loc"]["start"]["line"])
        counts = [int(c) for c in entry["b"][key]]
        total, taken = branches.get(line, (0, 0))
        branches[line] = (total + len(counts), taken + sum(1 for c in counts if c > 0))
    return FileCoverage(path, frozenset(lines), frozenset(covered), branches)
