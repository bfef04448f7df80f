"""Sign-offs GitHub proves, read through the REST API (a token is needed).

- Deployment reviews: an environment's required reviewer approving a workflow
  run's deployment. The runs of the commit under evaluation are listed
  (`GET /repos/{repo}/actions/runs?head_sha=SHA`, at most `MAX_RUNS`), then the
  review history of each (`GET .../actions/runs/{id}/approvals`): an `approved`
  entry names the login and the environments it approved.
- Pull request reviews: the `APPROVED` reviews of the pull request, as
  evidence/pull_request.py reads them, only when they come from the API (the
  event payload of a local run is a file anybody can write).
"""

from __future__ import annotations

from typing import Any

from clearance.evidence.context import Evidence
from clearance.evidence.github import api_get, repo_path
from clearance.evidence.pull_request import Review, repository, reviews
from clearance.records import Record

MAX_RUNS = 20


class Approval(Record):
    """One deployment review: `login` approved `environments` for workflow run `run`."""

    login: str
    environments: tuple[str, ...]
    run: int
    url: str = ""


def deployment_approvals(evidence: Evidence, sha: str) -> tuple[Approval, ...]:
    """Every approved deployment review of the workflow runs of commit `sha`."""
    repo = repository(evidence)
    found = api_get(evidence, repo_path(repo, "actions", "runs") + f"?head_sha={sha}",
                    "workflow_runs", paged=True)
    runs = [r for r in found.get("workflow_runs", []) if isinstance(r, dict)
            and r.get("head_sha") == sha and isinstance(r.get("id"), int)][:MAX_RUNS]
    approvals: list[Approval] = []
    for run in runs:
        history = api_get(evidence, repo_path(repo, "actions", "runs", run["id"], "approvals"))
        approvals.extend(_approval(entry, run) for entry in history if _approved(entry))
    return tuple(approvals)


def _approved(entry: Any) -> bool:
    user = entry.get("user") if isinstance(entry, dict) else None
    return (isinstance(user, dict) and isinstance(user.get("login"), str)
            and entry.get("state") == "approved")


def _approval(entry: dict[str, Any], run: dict[str, Any]) -> Approval:
    names = [e.get("name") for e in entry.get("environments") or [] if isinstance(e, dict)]
    url = run.get("html_url")
    return Approval(entry["user"]["login"], tuple(n for n in names if isinstance(n, str)),
                    run["id"], url if isinstance(url, str) and url.startswith("https://") else "")


def pull_request_approvals(evidence: Evidence) -> tuple[Review, ...]:
    """The approving reviews of the pull request under evaluation, from the API only."""
    found = reviews(evidence)
    if found.source != "api":
        return ()
    return tuple(r for r in found.items if r.state == "APPROVED")
