"""The CI results of the head commit: check runs and commit statuses, read
through the GitHub API (a token is needed; without one the verdict is
`error`, never a pass).

- `required`: names (globs) of check runs or status contexts that must
  succeed. A required check that is queued or in progress, or that has not
  reported at all yet, is `pending` (GitHub cannot tell a check that will
  never run from one not yet queued); one that failed, was cancelled or timed
  out is `fail`.
- `all` (default: true when `required` is not given): every check run and
  status must be success, neutral or skipped; with none reported yet the
  verdict is `pending`.
- `ignore`: globs of names left out.
- `own_job`: the name (glob) of the job that runs clearance, default
  `$GITHUB_JOB`. That job is still running while it judges, so a check run
  of that name that has not completed is left out; one that has completed is
  another run and counts (a concluded failure is never hidden). A job's
  check run is named after the job, `NAME (matrix values)` in a matrix, and
  `CALLER / NAME` in a reusable workflow: each form is left out.

Names and globs compare without regard to case (`*staging*` matches
"Deploy to Staging").
- `mergeable: true`: GitHub's `mergeable` must be true. `null` means GitHub
  is still computing it: the verdict is `error` and asks to re-run.

A failure outranks an error, an error outranks pending."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence

if TYPE_CHECKING:
    from clearance.evidence.pull_request import CiResult

EVIDENCE = ("GitHub API: check runs", "GitHub API: commit statuses",
            "GitHub API or event payload: pull request mergeable")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "required": GLOBS,
        "all": {"type": "boolean"},
        "ignore": GLOBS,
        "mergeable": {"type": "boolean"},
        "own_job": GLOBS,
    },
}
RANK = {"fail": 3, "error": 2, "pending": 1, "pass": 0}


def problems(params: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    if not params.get("required") and params.get("all") is False and not params.get("mergeable"):
        return [((), "nothing to check: give required, all: true or mergeable: true")]
    return []


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    parts: list[Outcome] = []
    if params.get("mergeable"):
        parts.append(_guarded(lambda: merge_outcome(evidence)))
    if params.get("required") or params.get("all", not params.get("required")):
        parts.append(_guarded(lambda: checks_outcome(params, evidence)))
    return combine(parts)


def _guarded(part: Callable[[], Outcome]) -> Outcome:
    """One part's outcome; unreadable evidence is that part's error, so a failure elsewhere shows."""
    try:
        return part()
    except EvidenceError as e:
        return Outcome("error", str(e))


def checks_outcome(params: dict[str, Any], evidence: Evidence) -> Outcome:
    from clearance.evidence.pull_request import ci_results, head_sha  # the HTTP client only when run

    results, running_self = _counted(params, evidence, ci_results(evidence))
    required = as_list(params.get("required"))
    every = bool(params.get("all", not required))
    wanted, missing = _wanted(results, required, every)
    outcome = judge(wanted, missing, head_sha(evidence), every)
    return outcome._replace(data={**outcome.data, "own_job": [r.name for r in running_self]})


def _counted(params: dict[str, Any], evidence: Evidence,
             found: tuple[CiResult, ...]) -> tuple[list[CiResult], list[CiResult]]:
    """The results that count, and the running job's own check runs, left out."""
    ignored, own = as_list(params.get("ignore")), own_job(params, evidence)
    running_self = [r for r in found if r.state == "pending" and _matches(r.name, own)]
    return [r for r in found if r not in running_self and not _matches(r.name, ignored)], running_self


def _wanted(results: list[CiResult], required: list[str],
            every: bool) -> tuple[list[CiResult], list[str]]:
    """The results judged (every one, or those the required globs match) and the globs
    that match none."""
    wanted = list(results) if every else []
    for glob in required:
        wanted += [r for r in results if _matches(r.name, [glob]) and r not in wanted]
    missing = [g for g in required if not any(_matches(r.name, [g]) for r in results)]
    return wanted, missing


def judge(wanted: list[CiResult], missing: list[str], sha: str, every: bool) -> Outcome:
    failing, waiting = _in_state(wanted, "failure"), _in_state(wanted, "pending")
    ok = len(wanted) - len(failing) - len(waiting)
    figure = f"{ok}/{len(wanted) + len(missing)} succeeded"
    data = {"checks": [_record(r) for r in wanted], "missing": missing, "sha": sha}
    if failing:
        return _failed(failing, figure, data)
    if waiting or missing or (every and not wanted):
        return Outcome("pending", _waiting(waiting, missing, sha[:12]), figure=figure, data=data)
    return Outcome.passed(f"{plural(ok, 'check')} succeeded on {sha[:12]}", figure=figure,
                          data=data)


def _in_state(results: list[CiResult], state: str) -> list[CiResult]:
    return [r for r in results if r.state == state]


def _failed(failing: list[CiResult], figure: str, data: dict[str, Any]) -> Outcome:
    findings = tuple(Finding(r.url or "", message=_line(r)) for r in failing)
    return Outcome.failed(f"{plural(len(failing), 'check')} failed: " + ", ".join(_line(r) for r in failing),
                          figure=figure, findings=findings, data=data)


def merge_outcome(evidence: Evidence) -> Outcome:
    from clearance.evidence.pull_request import mergeable

    found = mergeable(evidence)
    state = f" (mergeable_state: {found.state})" if found.state else ""
    if found.value is None:
        hint = ("re-run the check in a minute" if found.source == "api"
                else "set CLEARANCE_GITHUB_TOKEN (or GITHUB_TOKEN) to read it from the API")
        return Outcome("error", f"GitHub has not computed whether the pull request can merge "
                       f"yet (mergeable: null, from the {found.source}){state}; {hint}",
                       figure="mergeable: null")
    if found.value:
        return Outcome.passed(f"GitHub reports the pull request mergeable{state}",
                              figure="mergeable: true")
    return Outcome.failed(f"GitHub reports the pull request not mergeable{state}; "
                          "resolve the conflicts with the base branch", figure="mergeable: false")


def combine(parts: list[Outcome]) -> Outcome:
    """The worst of the parts (fail > error > pending > pass), with every message."""
    worst = max(parts, key=lambda p: RANK[p.verdict])
    if len(parts) == 1:
        return worst
    message = "; ".join(p.message for p in sorted(parts, key=lambda p: -RANK[p.verdict]))
    figure = ", ".join(p.figure for p in parts if p.figure)
    findings = tuple(f for p in parts for f in p.findings)
    data = {k: v for p in parts for k, v in p.data.items()}
    return Outcome(worst.verdict, message, figure=figure or None, findings=findings, data=data)


def _waiting(waiting: list[CiResult], missing: list[str], sha: str) -> str:
    parts = []
    if waiting:
        parts.append("still running: " + ", ".join(_line(r) for r in waiting))
    if missing:
        parts.append("not reported yet: " + ", ".join(missing))
    return "; ".join(parts) or f"no check has reported on {sha} yet"


def own_job(params: dict[str, Any], evidence: Evidence) -> list[str]:
    """Globs of the check runs of the job running clearance: the names GitHub gives a job
    (itself, in a matrix, called from another workflow), from `own_job` or `$GITHUB_JOB`."""
    names = as_list(params.get("own_job")) or as_list(evidence.spec.environ.get("GITHUB_JOB") or None)
    return [form for name in names for form in (name, f"{name} (*)", f"* / {name}", f"* / {name} (*)")]


def _matches(name: str, globs: list[str]) -> bool:
    """Whether a check name matches a glob, without regard to case."""
    folded = name.casefold()
    return any(fnmatch.fnmatchcase(folded, g.casefold()) for g in globs)


def _line(result: CiResult) -> str:
    return f"{result.name} ({result.source}: {result.detail})"


def _record(result: CiResult) -> dict[str, Any]:
    return {"name": result.name, "source": result.source, "state": result.state,
            "detail": result.detail, "url": result.url}
