"""GitHub deployments of a commit to an environment, their statuses, and the approvals
of the environment's required reviewers (needs a token; see docs/deployments.md).

- `deployment_of(evidence, environment, sha)`: the newest deployment of `sha` to
  the environment (`GET /repos/{o}/{r}/deployments?sha=&environment=`, every page),
  with its statuses newest first (`GET .../deployments/{id}/statuses`); None when
  there is none. The name is the API's filter as given; the deployments answered are
  compared with it without regard to case.
- `environment_approvals(evidence, deployment)`: the reviews of the workflow run
  that made the deployment (`GET /repos/{o}/{r}/actions/runs/{run_id}/approvals`)
  that name its environment: who approved or rejected, with their comment. The run
  is the one its statuses link to (`log_url`, `.../actions/runs/{run_id}/job/...`,
  as GitHub Actions writes them); a deployment made outside Actions names no run,
  and then nothing can be said: an `EvidenceError`, never an empty list.

Every answer is recorded as evidence (`github:GET ...`) with its sha256. Order is
decided here from `created_at` and `id`, not from the order of the answer.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.github import api_get, repo_path
from clearance.evidence.pull_request import repository
from clearance.records import Record

_RUN = re.compile(r"^https://[^/]+/[^/]+/[^/]+/actions/runs/(\d+)(?:/|$)")


class DeploymentStatus(Record):
    """One status of a deployment: `state` is error, failure, inactive, pending, queued,
    in_progress or success."""

    id: int
    state: str
    created_at: str
    description: str
    creator: str
    log_url: str
    environment_url: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "created_at": self.created_at,
                "description": self.description, "creator": self.creator,
                "log_url": self.log_url, "environment_url": self.environment_url}


class Deployment(Record):
    """A deployment with its statuses, newest first."""

    id: int
    sha: str
    ref: str
    environment: str
    created_at: str
    creator: str
    statuses: tuple[DeploymentStatus, ...]

    @property
    def latest(self) -> DeploymentStatus | None:
        return self.statuses[0] if self.statuses else None

    @property
    def run_id(self) -> int | None:
        """The GitHub Actions run its statuses link to, if any."""
        for status in self.statuses:
            match = _RUN.match(status.log_url)
            if match:
                return int(match.group(1))
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "sha": self.sha, "ref": self.ref, "environment": self.environment,
                "created_at": self.created_at, "creator": self.creator, "run_id": self.run_id}


class EnvironmentApproval(Record):
    """A required reviewer's decision on a workflow run's deployment: `state` approved or
    rejected (or pending, a comment left without deciding)."""

    user: str
    state: str
    comment: str
    environments: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"user": self.user, "state": self.state, "comment": self.comment,
                "environments": list(self.environments)}


def deployment_of(evidence: Evidence, environment: str, sha: str) -> Deployment | None:
    """The newest deployment of `sha` to `environment`, with its statuses; None if none."""
    repo = repository(evidence)
    query = urllib.parse.urlencode({"sha": sha, "environment": environment})
    found = api_get(evidence, repo_path(repo, "deployments") + "?" + query, paged=True)
    ours = [d for d in (_deployment(raw) for raw in _listed(found, "deployments"))
            if d is not None and d.sha == sha and d.environment.casefold() == environment.casefold()]
    if not ours:
        return None
    newest = max(ours, key=lambda d: (d.created_at, d.id))
    raw_statuses = api_get(evidence, repo_path(repo, "deployments", newest.id, "statuses"), paged=True)
    statuses = [s for s in (_status(raw) for raw in _listed(raw_statuses, "deployment statuses"))
                if s is not None]
    statuses.sort(key=lambda s: (s.created_at, s.id), reverse=True)
    return Deployment(newest.id, newest.sha, newest.ref, newest.environment, newest.created_at,
                      newest.creator, tuple(statuses))


def environment_approvals(evidence: Evidence, deployment: Deployment) -> tuple[EnvironmentApproval, ...]:
    """The required reviewers' decisions on the deployment's environment, in the run that
    made it; an `EvidenceError` when the deployment names no workflow run."""
    run_id = deployment.run_id
    if run_id is None:
        raise EvidenceError(f"deployment #{deployment.id} names no GitHub Actions run (no "
                            "statuses with an .../actions/runs/ID log_url), so its environment "
                            "approvals cannot be read",
                            hint="deploy from a GitHub Actions job with `environment:` set")
    found = api_get(evidence, repo_path(repository(evidence), "actions", "runs", run_id, "approvals"))
    wanted = deployment.environment.casefold()
    approvals = (_approval(raw) for raw in _listed(found, "environment approvals"))
    return tuple(a for a in approvals
                 if a is not None and wanted in (e.casefold() for e in a.environments))


def _listed(data: Any, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise EvidenceError(f"GitHub API: the list of {what} is not a JSON array")
    return data


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _login(user: Any) -> str:
    return _text(user.get("login")) if isinstance(user, dict) else ""


def _id(raw: dict[str, Any]) -> int | None:
    value = raw.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _deployment(raw: Any) -> Deployment | None:
    if not isinstance(raw, dict) or _id(raw) is None or not isinstance(raw.get("sha"), str):
        return None
    return Deployment(_id(raw) or 0, raw["sha"], _text(raw.get("ref")), _text(raw.get("environment")),
                      _text(raw.get("created_at")), _login(raw.get("creator")), ())


def _status(raw: Any) -> DeploymentStatus | None:
    if not isinstance(raw, dict) or _id(raw) is None or not isinstance(raw.get("state"), str):
        return None
    return DeploymentStatus(_id(raw) or 0, raw["state"], _text(raw.get("created_at")),
                            _text(raw.get("description")), _login(raw.get("creator")),
                            _text(raw.get("log_url")) or _text(raw.get("target_url")),
                            _text(raw.get("environment_url")))


def _approval(raw: Any) -> EnvironmentApproval | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("state"), str):
        return None
    names = tuple(_text(e.get("name")) for e in raw.get("environments") or [] if isinstance(e, dict))
    return EnvironmentApproval(_login(raw.get("user")), raw["state"], _text(raw.get("comment")), names)
