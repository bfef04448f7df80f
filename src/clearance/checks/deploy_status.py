"""Passes when the commit under evaluation is deployed to an environment: its newest
GitHub deployment there has `success` as its latest status (Deployments API; a
token is needed, without one the verdict is `error`).

- `environment`: the GitHub environment (`staging`, `production`) as the
  deployments name it: it is the API's filter.
- `max_age`: optionally, how long ago that success may be at the time of the
  run (`30m`, `24h`, `7d`); an older one is `fail` (deploy again, or run the
  gate closer to the deployment).

No deployment of the commit there is `fail`; a latest status of `failure` or
`error` is `fail`, and so is `inactive` (a later deployment replaced it). A
deployment still `queued`, `pending` or `in_progress`, or without any status
yet, is `pending`. The API not answering is `error`: never a pass. The rule's
data keep the deployment, its latest status and the run that made it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from clearance.checks import Outcome
from clearance.durations import duration, moment
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from clearance.evidence.deployments import Deployment, DeploymentStatus

EVIDENCE = ("GitHub API: deployments of the commit", "GitHub API: deployment statuses")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["environment"],
    "properties": {
        "environment": {"type": "string", "minLength": 1},
        "max_age": {"type": "string", "pattern": "^[1-9][0-9]*[smhd]$",
                    "description": "30m, 24h, 7d: how old the successful status may be"},
    },
}
FAILED = {"failure": "failed", "error": "ended in error",
          "inactive": "is inactive: a later deployment to the environment replaced it"}
WAITING = ("queued", "pending", "in_progress")


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    from clearance.evidence.deployments import deployment_of
    from clearance.evidence.pull_request import head_sha

    environment, sha = params["environment"], head_sha(evidence)
    found = deployment_of(evidence, environment, sha)
    if found is None:
        return Outcome.failed(f"no deployment of {sha[:12]} to {environment}",
                              figure="no deployment", data={"sha": sha, "environment": environment})
    data = {"sha": sha, "environment": environment, "deployment": found.to_dict(),
            "status": found.latest.to_dict() if found.latest else None}
    return judge(found, params.get("max_age"), evidence.now)._replace(data=data)


def judge(found: Deployment, max_age: str | None, now: str | None) -> Outcome:
    """The verdict on the newest deployment from its latest status."""
    what = f"deployment #{found.id} of {found.sha[:12]} to {found.environment}"
    latest = found.latest
    if latest is None:
        return Outcome("pending", f"{what} has no status yet", figure="no status")
    detail = f" ({latest.description})" if latest.description else ""
    if latest.state in FAILED:
        return Outcome.failed(f"{what} {FAILED[latest.state]}{detail}", figure=latest.state)
    if latest.state in WAITING:
        return Outcome("pending", f"{what} is {latest.state.replace('_', ' ')}", figure=latest.state)
    if latest.state != "success":
        raise EvidenceError(f"{what} has a status GitHub does not document: {latest.state!r}")
    if max_age is not None:
        return _aged(what, latest, max_age, now)
    return Outcome.passed(f"{what} succeeded at {latest.created_at}", figure="success")


def _aged(what: str, latest: DeploymentStatus, max_age: str, now: str | None) -> Outcome:
    if now is None:
        raise EvidenceError("the time of the run is not known, so max_age cannot be judged")
    age = (_moment(now) - _moment(latest.created_at)).total_seconds()
    limit = duration(max_age).total_seconds()
    figure = f"{_shown(age)} {'<=' if age <= limit else '>'} {max_age}"
    if age > limit:
        return Outcome.failed(f"{what} succeeded at {latest.created_at}, {_shown(age)} before the "
                              f"run: longer ago than max_age {max_age}", figure=figure)
    return Outcome.passed(f"{what} succeeded at {latest.created_at}, {_shown(age)} before the run",
                          figure=figure)


def _moment(text: str) -> dt.datetime:
    try:
        return moment(text)
    except ValueError as e:
        raise EvidenceError(f"not an ISO 8601 time: {text!r}") from e


def _shown(seconds: float) -> str:
    minutes = int(max(seconds, 0) // 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"
