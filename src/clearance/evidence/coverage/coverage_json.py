"""coverage.py JSON (`coverage json`, format 3, and format 2 before it).

`files[path]` lists `executed_lines` and `missing_lines` (together: the
statements) and, when `meta.branch_coverage` is true, `executed_branches`
and `missing_branches` as `[from, to]` arcs: a line's branches are the arcs
leaving it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clearance.errors import EvidenceError
from clearance.evidence.coverage.jsonfile import load_json, shaped
from clearance.evidence.coverage.model import CoverageData, FileCoverage, build
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.coverage.sniff import first_json_key

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

KIND = "coverage.py JSON"


def sniff(head: bytes) -> str | None:
    """`coverage-json` for a JSON object whose first key is `meta`, as `coverage json` writes."""
    return "coverage-json" if first_json_key(head) == b"meta" else None


def read(evidence: Evidence, path: str, mapper: PathMapper) -> CoverageData:
    doc, record = load_json(evidence, path)
    if not isinstance(doc, dict) or not isinstance(doc.get("meta"), dict) or "files" not in doc:
        raise EvidenceError(f"not a {KIND} report: no 'meta' and 'files'", path)
    version = doc["meta"].get("format")
    if version not in (2, 3):
        raise EvidenceError(f"unsupported {KIND} format {version!r} (2 or 3 expected)", path)
    branch = bool(doc["meta"].get("branch_coverage"))
    return shaped(path, KIND, lambda: build(
        [_file(mapper.repo_path(name), entry) for name, entry in doc["files"].items()],
        branch, record))


def _file(path: str, entry: dict[str, Any]) -> FileCoverage:
    executed = {int(n) for n in entry["executed_lines"]}
    lines = executed | {int(n) for n in entry["missing_lines"]}
    branches: dict[int, tuple[int, int]] = {}
    for arcs, taken in ((entry.get("executed_branches", []), 1), (entry.get("missing_branches", []), 0)):
        for source, _ in arcs:
            total, covered = branches.get(int(source), (0, 0))
            branches[int(source)] = (total + 1, covered + taken)
    return FileCoverage(path, frozenset(lines), frozenset(executed), branches)
