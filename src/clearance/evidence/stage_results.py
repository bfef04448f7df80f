"""Results documents of earlier stages (`clearance check --format json=FILE`), read from
files the workflow put below the repository (an artifact of the staging job, downloaded
into e.g. `.clearance/results/`).

Each document is read as `clearance report` reads one (UTF-8 JSON, valid against the
results schema shipped in the package), recorded with its sha256, and its summary is
recomputed from its rule records: a document whose summary does not follow from its
rules (edited by hand) is refused like an unreadable one. Any document the globs
name that cannot be read this way is an `EvidenceError`, never skipped.
"""

from __future__ import annotations

from typing import Any

from clearance.digest import hexdigest
from clearance.errors import ClearanceError, EvidenceError
from clearance.evidence.context import Evidence
from clearance.records import Record


class StageResults(Record):
    """What one results document says about its run."""

    path: str
    sha256: str
    stage: str
    commit: str
    time: str
    verdict: str  # pass or fail, as the summary gives it
    blocking: tuple[str, ...]  # ids of the rules that blocked

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "stage": self.stage,
                "commit": self.commit, "time": self.time, "verdict": self.verdict,
                "blocking": list(self.blocking)}


def stage_results(evidence: Evidence, globs: list[str]) -> list[StageResults]:
    """Every results document the globs name, read and checked; an `EvidenceError` when
    none is found or one cannot be read."""
    paths = evidence.find_inputs(globs)
    if not paths:
        raise EvidenceError(f"no results document matches {', '.join(globs)}",
                            hint="download the earlier stage's results (clearance check "
                                 "--format json=FILE, kept as an artifact) before this step")
    return [_read(evidence, path) for path in paths]


def _read(evidence: Evidence, path: str) -> StageResults:
    from clearance.commands.report import load_results
    from clearance.results import summarize

    data = evidence.read_input(path)
    try:
        doc = load_results(data, path)
    except ClearanceError as e:
        raise EvidenceError(e.message, e.path, e.line, e.column, hint=e.hint) from e
    run, summary, rules = doc["run"], doc["summary"], doc["rules"]
    again = summarize(rules, run["fail_on"])
    if (again["verdict"], again["blocking"]) != (summary["verdict"], summary["blocking"]):
        raise EvidenceError(f"the summary ({summary['verdict']}, {summary['blocking']} blocking) "
                            f"does not follow from the rule records ({again['verdict']}, "
                            f"{again['blocking']} blocking): edited after clearance wrote it?", path)
    blocking = tuple(r["id"] for r in rules if r["blocking"])
    return StageResults(path, hexdigest(data), run["stage"], run["commit"] or "", run["time"],
                        summary["verdict"], blocking)
