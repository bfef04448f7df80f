"""Passes when an earlier stage passed for the same commit: its results document
(`clearance check --format json=FILE`, kept as an artifact and downloaded below the
repository) exists, names the commit under evaluation and says `pass`.

- `stage`: the earlier stage (`staging` before `production`: staging passed on
  the commit being deployed; `pr` before `merge`: the pull request's checks
  passed on the same head).
- `results`: globs of the results documents (`.clearance/results/*.json`).

Of the documents of that stage for this commit, the newest (by its run's time)
decides. No document for this commit, or one that did not pass, is `fail`; no
document at all, or one that cannot be read (not JSON, not valid against the
results schema, a summary that does not follow from its rules) is `error`,
never a pass. The document's sha256 is in the rule's data and its evidence."""

from __future__ import annotations

from typing import Any

from clearance.checks import Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.evidence.context import Evidence
from clearance.policy.model import STAGES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from clearance.evidence.stage_results import StageResults

EVIDENCE = ("results documents of earlier stages",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["stage", "results"],
    "properties": {"stage": {"enum": list(STAGES)}, "results": GLOBS},
}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    from clearance.evidence.pull_request import head_sha
    from clearance.evidence.stage_results import stage_results

    stage, sha = params["stage"], head_sha(evidence)
    found = stage_results(evidence, as_list(params["results"]))
    ours = [d for d in found if d.stage == stage and d.commit.lower() == sha.lower()]
    data: dict[str, Any] = {"stage": stage, "sha": sha, "read": [d.to_dict() for d in found]}
    if not ours:
        return _none_for(sha, stage, found, data)
    newest = max(ours, key=lambda d: (d.time, d.path))
    return judge(newest, sha, {**data, "document": newest.to_dict()})


def _none_for(sha: str, stage: str, found: list[StageResults], data: dict[str, Any]) -> Outcome:
    others = sorted({d.commit[:12] for d in found if d.stage == stage})
    seen = f"; {stage} results found for {', '.join(others)}" if others else ""
    return Outcome.failed(f"no {stage} results for {sha[:12]}{seen}", figure=f"no {stage} results",
                          data=data)


def judge(newest: StageResults, sha: str, data: dict[str, Any]) -> Outcome:
    """The verdict of the newest document of the stage for the commit."""
    stage = newest.stage
    where = f"{newest.path} (sha256 {newest.sha256[:12]}, {newest.time})"
    if newest.verdict != "pass":
        blocked = f": {', '.join(newest.blocking)}" if newest.blocking else ""
        return Outcome.failed(f"the {stage} stage did not pass on {sha[:12]}, "
                              f"{plural(len(newest.blocking), 'rule')} blocking{blocked}; {where}",
                              figure=f"{stage}: {newest.verdict}", data=data)
    return Outcome.passed(f"the {stage} stage passed on {sha[:12]}; {where}",
                          figure=f"{stage}: pass", data=data)
