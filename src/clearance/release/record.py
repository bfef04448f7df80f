"""The release record: every change of a range, its results per stage, and what is flagged.

A change is one pull request as it landed (a merge commit, a squash commit, or the
consecutive commits of a rebase merge) or one commit that came in without a pull
request. Its results per stage:

- `pr`: the PR-stage documents that identify it (see attribution.py); where the PR's
  head commit is known, only documents of that head count;
- `merge`: documents of the merge stage written for one of its commits on the branch;
- `staging`, `production` (deployment stages): the documents of the first commit, from
  the change's last one towards HEAD, that has any: the deployment that first held it.

Of several documents, the newest (`run.time`) decides. A stage is `pass`, `fail`,
`edited` (its summary does not follow from its rules) or `missing`. The record is
`clean` when nothing is flagged: every change came through a pull request, every
stage passed, no waiver was used and every sign-off was verified and not self-added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clearance import __version__
from clearance.policy.model import DEPLOY_STAGES
from clearance.release.attribution import Attribution
from clearance.release.documents import ResultsDoc
from clearance.release.history import Commit, History

SCHEMA_ID = "https://clearance.dev/schemas/release-v1.json"
STAGES = ("pr", "merge", "staging", "production")


@dataclass(frozen=True)
class Change:
    index: int
    came: Attribution
    commits: tuple[Commit, ...]

    @property
    def shas(self) -> tuple[str, ...]:
        return tuple(c.sha for c in self.commits)


@dataclass(frozen=True)
class Sources:
    """Where the documents came from, for the record."""

    folders: tuple[str, ...]
    notes: bool
    skipped: tuple[str, ...]
    repository: str | None
    api: bool


def group_changes(history: History, came: Sequence[Attribution]) -> list[Change]:
    """Consecutive commits of one rebase-merged pull request form one change."""
    groups: list[tuple[Attribution, list[Commit]]] = []
    for commit, attribution in zip(history.commits, came, strict=True):
        if groups and _same_rebase(groups[-1][0], attribution):
            groups[-1][1].append(commit)
        else:
            groups.append((attribution, [commit]))
    return [Change(i, a, tuple(c)) for i, (a, c) in enumerate(groups, 1)]


def _same_rebase(last: Attribution, this: Attribution) -> bool:
    if last.kind != "rebase" or this.kind != "rebase":
        return False
    if last.pr is not None or this.pr is not None:
        return last.pr == this.pr
    return bool(this.docs) and set(last.docs) == set(this.docs)


def build_record(history: History, changes: Sequence[Change], docs: Sequence[ResultsDoc],
                 stages: Sequence[str], sources: Sources, when: str) -> dict[str, Any]:
    """The release record (see schemas/release-v1.json)."""
    order = {c.sha: i for i, c in enumerate(history.commits)}
    rows = [_change(change, docs, stages, order, history) for change in changes]
    flags = [flag for row in rows for flag in row.pop("_flags")]
    linked = _linked_changes(rows)
    used = set(linked)
    flags += [_edited(d) for d in docs if d.edited and d.sha256 not in used]
    return {
        "$schema": SCHEMA_ID, "version": 1,
        "tool": {"name": "clearance", "version": __version__},
        "release": {"range": history.range, "base": history.base, "head": history.head,
                    "repository": sources.repository, "time": when, "stages": list(stages),
                    "folders": list(sources.folders), "notes": sources.notes,
                    "github_api": sources.api},
        "summary": {"verdict": "flagged" if flags else "clean", "flags": len(flags),
                    "changes": len(rows), "commits": len(history.commits), "results": len(docs)},
        "flags": flags,
        "changes": rows,
        "commits": [{**c.to_dict(), "change": _change_of(c.sha, changes)} for c in history.commits],
        "results": [{**d.to_dict(), "changes": linked.get(d.sha256, [])} for d in docs],
        "skipped": list(sources.skipped),
    }


def _linked_changes(rows: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Results document sha256 -> the changes it is a result of."""
    linked: dict[str, list[int]] = {}
    for row in rows:
        for sha in dict.fromkeys(s for stage in row["stages"].values() for s in stage["results"]):
            linked.setdefault(sha, []).append(row["index"])
    return linked


def _change_of(sha: str, changes: Sequence[Change]) -> int:
    return next(c.index for c in changes if sha in c.shas)


def _change(change: Change, docs: Sequence[ResultsDoc], stages: Sequence[str],
            order: dict[str, int], history: History) -> dict[str, Any]:
    came = change.came
    linked = {stage: _linked(stage, change, docs, order, history) for stage in stages}
    deciding = {stage: _newest(found) for stage, found in linked.items()}
    row: dict[str, Any] = {
        "index": change.index,
        "pull_request": None if came.pr is None else {"number": came.pr, "url": came.url},
        "branch": came.branch, "kind": came.kind, "recognised_by": came.how,
        "pr_head": came.pr_head, "commits": list(change.shas),
        "stages": {stage: _stage(found, deciding[stage]) for stage, found in linked.items()},
        "waivers": [{**w, "stage": d.stage, "results": d.sha256}
                    for d in _present(deciding) for w in d.waivers],
        "signoffs": [{**s, "stage": d.stage, "results": d.sha256}
                     for d in _present(deciding) for s in d.signoffs],
        "controls": [{**c, "stage": d.stage, "results": d.sha256}
                     for d in _present(deciding) for c in d.controls],
    }
    row["_flags"] = _flags(change, row)
    return row


def _present(deciding: dict[str, ResultsDoc | None]) -> list[ResultsDoc]:
    return [d for d in deciding.values() if d is not None]


def _linked(stage: str, change: Change, docs: Sequence[ResultsDoc], order: dict[str, int],
            history: History) -> list[ResultsDoc]:
    if stage == "pr":
        found = list(change.came.docs)
        head = change.came.pr_head
        return [d for d in found if d.head == head] or found if head else found
    if stage not in DEPLOY_STAGES:
        return [d for d in docs if d.stage == stage and d.commit in change.shas]
    for commit in history.commits[order[change.shas[-1]]:]:
        found = [d for d in docs if d.stage == stage and d.commit == commit.sha]
        if found:
            return found
    return []


def _newest(found: list[ResultsDoc]) -> ResultsDoc | None:
    return max(found, key=lambda d: d.time) if found else None


def _stage(found: list[ResultsDoc], deciding: ResultsDoc | None) -> dict[str, Any]:
    if deciding is None:
        return {"status": "missing", "commit": None, "time": None, "decided_by": None,
                "results": []}
    return {"status": "edited" if deciding.edited else deciding.verdict,
            "commit": deciding.commit, "time": deciding.time, "decided_by": deciding.sha256,
            "results": [d.sha256 for d in sorted(found, key=lambda d: d.time)]}


def _flags(change: Change, row: dict[str, Any]) -> list[dict[str, Any]]:
    flags = []
    if not change.came.found:
        flags.append(_flag("no-pull-request", change, None,
                           "came in without a pull request: no merge message, (#N), PR-stage "
                           "results or API answer names one"))
    for stage, status in ((s, v["status"]) for s, v in row["stages"].items()):
        if status != "pass":
            kind = "stage-missing" if status == "missing" else "stage-failed"
            flags.append(_flag(kind, change, stage, _STATUS_TEXT[status].format(stage=stage)))
    flags += [_flag("waiver", change, w["stage"], f"rule {w['rule']} waived by {w['owner']}: "
                    f"{w['reason']}") for w in row["waivers"]]
    flags += [_flag(kind, change, s["stage"], text) for s in row["signoffs"]
              for kind, text in _signoff_flags(s)]
    return flags


_STATUS_TEXT = {
    "missing": "no {stage} results",
    "fail": "the {stage} results fail",
    "edited": "the {stage} results were edited: their summary does not follow from their rules",
}


def _signoff_flags(signoff: dict[str, Any]) -> list[tuple[str, str]]:
    who = f"rule {signoff['rule']}: sign-off by {signoff['by']}"
    found = []
    if signoff.get("self_added"):
        found.append(("self-added-signoff", f"{who} was added by the change itself"))
    if not signoff.get("verified"):
        found.append(("unverified-signoff", f"{who} is not verified (proof: {signoff.get('proof')})"))
    return found


def _flag(kind: str, change: Change, stage: str | None, message: str) -> dict[str, Any]:
    return {"kind": kind, "change": change.index, "pull_request": change.came.pr,
            "commit": change.shas[-1], "stage": stage, "message": message}


def _edited(doc: ResultsDoc) -> dict[str, Any]:
    return {"kind": "edited-results", "change": None, "pull_request": doc.pr, "commit": doc.commit,
            "stage": doc.stage, "message": f"{doc.source} ({doc.sha256}): the summary does not "
                                           "follow from the rule records"}
