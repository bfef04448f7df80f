"""What a run was about: the `run.subject` block of the results document.

- `pull_request`: the number and URL of the pull request in the event payload;
- `workflow_run`: the GitHub Actions run (`GITHUB_RUN_ID`, `GITHUB_RUN_ATTEMPT`,
  `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` in the caller's environment);
- `environment`: the deployment environment, `--environment NAME`, else the
  stage name at `staging` and `production`;
- `release`: `--release TAG`, else a tag pointing exactly at the evaluated
  commit (not at the commit stages, whose commit is not made yet).

Each is null when the run does not have it. Nothing here is evidence: a detail
that cannot be had is left null, never an error.
"""

from __future__ import annotations

from clearance.errors import ClearanceError
from clearance.policy.model import COMMIT_STAGES, ENVIRONMENTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from clearance.evidence.context import Evidence

GITHUB = "https://github.com"


def run_subject(evidence: Evidence, commit: str | None) -> dict[str, Any]:
    """The subject block of a run whose evaluated commit is `commit`."""
    spec = evidence.spec
    env = spec.environ
    return {
        "pull_request": pull_request(spec.event_file, env) if spec.event_file else None,
        "workflow_run": workflow_run(env),
        "environment": spec.environment or ENVIRONMENTS.get(spec.stage),
        "release": spec.release or _tag(evidence, commit),
    }


def pull_request(event_file: Any, env: Mapping[str, str]) -> dict[str, Any] | None:
    """The number and URL of the event's pull request (`pull_request` and
    `pull_request_review` events); None for any other event or an unreadable payload."""
    from pathlib import Path  # only with an event: a commit hook has none

    from clearance.evidence.event import read_event, text

    try:
        pr = read_event(Path(event_file)).get("pull_request")
    except ClearanceError:
        return None
    number = pr.get("number") if isinstance(pr, dict) else None
    if type(number) is not int or number <= 0:
        return None
    assert isinstance(pr, dict)
    url = text(pr.get("html_url")) or _repository_url(env, f"pull/{number}")
    return {"number": number, "url": url} if url else None


def workflow_run(env: Mapping[str, str]) -> dict[str, Any] | None:
    """The GitHub Actions run that ran clearance; None outside one."""
    run_id = _number(env.get("GITHUB_RUN_ID"))
    url = _repository_url(env, f"actions/runs/{run_id}")
    if run_id is None or url is None:
        return None
    return {"id": run_id, "url": url, "attempt": _number(env.get("GITHUB_RUN_ATTEMPT"))}


def _repository_url(env: Mapping[str, str], tail: str) -> str | None:
    repository = env.get("GITHUB_REPOSITORY")
    if not repository:
        return None
    server = (env.get("GITHUB_SERVER_URL") or GITHUB).rstrip("/")
    return f"{server}/{repository}/{tail}"


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


def _tag(evidence: Evidence, commit: str | None) -> str | None:
    """The first tag (by name) that points at the commit; None at the commit stages."""
    if commit is None or evidence.stage in COMMIT_STAGES:
        return None
    try:
        out = evidence.git.run("tag", "--points-at", commit, "--sort=refname")
    except ClearanceError:
        return None
    tags = out.decode("utf-8", "replace").split()
    return tags[0] if tags else None
