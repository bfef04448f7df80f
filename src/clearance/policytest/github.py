"""A stand-in for the GitHub REST API on 127.0.0.1, answering from a case's `github:`.

It serves the reviews of the pull request, the check runs and the combined
status of any commit, the pull request itself (`mergeable`), one workflow
run of the head commit whose deployment reviews are `deployment_reviews`, and
the `deployments` of the repository with their statuses, as the API shapes
them, so that `review.approved`, `ci.checks`, `deploy.status` and the
attestation kind's GitHub proofs run as they do in CI. `"{head}"` and
`"{base}"` in the case's data become the real commit ids.
Case data is filled in where GitHub always gives a field: a review's `id`,
`user` (a login may be given alone, a `User`), `commit_id` (the head),
`submitted_at` and `author_association` (`MEMBER`, someone who may approve:
the collaborator permission endpoint answers 404 here, so the association
decides); a check run's `status` (`completed` once it has a conclusion); a
deployment's `id`, `sha` (the head), `ref`, `created_at` and `creator`, and its
statuses (`state: S` alone is one status) with the `log_url` of the workflow
run above, as a GitHub Actions job writes it.
"""

from __future__ import annotations

import json
import urllib.parse
from contextlib import AbstractContextManager
from typing import Any

from clearance.policytest.loopback import Reply
from clearance.policytest.loopback import serving as serve_on_loopback

RUN_URL = "https://github.com/acme/app/actions/runs/1"  # the one workflow run served


def replies(github: dict[str, Any], head: str, base: str) -> dict[str, Any]:
    """The answer for each kind of request, ids and defaults filled in."""
    data = _substitute(github, {"{head}": head, "{base}": base})
    reviews = [_review(r, i, head) for i, r in enumerate(data.get("reviews", []), 1)]
    runs = [_run(r) for r in data.get("check_runs", [])]
    statuses = data.get("statuses", [])
    states = {s.get("state") for s in statuses}
    combined = "failure" if states & {"failure", "error"} else "pending" if "pending" in states else "success"
    mergeable = data.get("mergeable")
    approvals = [_approval(r) for r in data.get("deployment_reviews", [])]
    deployments = [_deployment(d, i, head) for i, d in enumerate(data.get("deployments", []), 1)]
    return {
        "deployments": deployments,
        "runs": {"total_count": 1, "workflow_runs": [{"id": 1, "head_sha": head}]},
        "approvals": approvals,
        "reviews": reviews,
        "check-runs": {"total_count": len(runs), "check_runs": runs},
        "status": {"state": combined, "statuses": statuses, "sha": head, "total_count": len(statuses)},
        "pull": {"mergeable": mergeable, "head": {"sha": head}, "base": {"sha": base},
                 "mergeable_state": {True: "clean", False: "dirty"}.get(mergeable, "unknown")},
    }


def route(path: str, answers: dict[str, Any]) -> Any | None:
    """The answer for GET `path`, or None (404)."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if len(parts) < 4 or parts[0] != "repos":
        return None
    rest = parts[3:]
    if rest[0] == "pulls" and len(rest) == 3 and rest[2] == "reviews":
        return answers["reviews"]
    if rest[0] == "pulls" and len(rest) == 2:
        return {**answers["pull"], "number": int(rest[1]) if rest[1].isdigit() else rest[1]}
    if rest[0] == "commits" and len(rest) == 3 and rest[2] in ("check-runs", "status"):
        return answers[rest[2]]
    if rest == ["actions", "runs"]:
        return answers["runs"]
    if rest == ["actions", "runs", "1", "approvals"]:
        return answers["approvals"]
    if rest[0] == "deployments":
        return _deployments(rest[1:], path, answers["deployments"])
    return None


def _deployments(rest: list[str], path: str, deployments: list[dict[str, Any]]) -> Any | None:
    """The deployments the query asks for (`sha`, `environment`, as GitHub filters them),
    or one deployment's statuses, newest first."""
    if not rest:
        query = dict(urllib.parse.parse_qsl(path.partition("?")[2]))
        return [{k: v for k, v in d.items() if k != "statuses"} for d in deployments
                if all(d.get(key) == query[key] for key in ("sha", "environment") if key in query)]
    if len(rest) == 2 and rest[1] == "statuses":
        found = [d for d in deployments if str(d["id"]) == rest[0]]
        return found[0]["statuses"] if found else None
    return None


def serving(answers: dict[str, Any]) -> AbstractContextManager[str]:
    """The base URL of a server answering from `answers`, for the duration of the block."""
    return serve_on_loopback(lambda path: _reply(route(path, answers)))


def _reply(found: Any | None) -> Reply:
    body = json.dumps(found if found is not None else {"message": "Not Found"}).encode()
    return 200 if found is not None else 404, {"Content-Type": "application/json; charset=utf-8"}, body


def _review(raw: dict[str, Any], index: int, head: str) -> dict[str, Any]:
    user = raw.get("user", "reviewer")
    return {"id": index, "commit_id": head, "submitted_at": f"2026-01-03T10:00:{index % 60:02d}Z",
            "author_association": "MEMBER",
            **raw, "user": {"login": user, "type": "User"} if isinstance(user, str) else user}


def _approval(raw: dict[str, Any]) -> dict[str, Any]:
    user = raw.get("user", "reviewer")
    names = raw.get("environments", [])
    return {"state": raw.get("state", "approved"), "comment": raw.get("comment", ""),
            "user": {"login": user} if isinstance(user, str) else user,
            "environments": [{"name": n} if isinstance(n, str) else n for n in names]}


def _deployment(raw: dict[str, Any], index: int, head: str) -> dict[str, Any]:
    given = {k: v for k, v in raw.items() if k not in ("state", "statuses")}
    statuses = raw.get("statuses") or ([{"state": raw["state"]}] if "state" in raw else [])
    listed = [_deployment_status(s, index * 100 + n) for n, s in enumerate(statuses, 1)]
    listed.sort(key=lambda s: (s["created_at"], s["id"]), reverse=True)
    return {"id": index, "sha": head, "ref": "main", "task": "deploy", "environment": "production",
            "created_at": f"2026-01-04T09:00:{index % 60:02d}Z", "payload": {},
            "creator": {"login": "github-actions[bot]", "type": "Bot"}, **given, "statuses": listed}


def _deployment_status(raw: dict[str, Any], number: int) -> dict[str, Any]:
    return {"id": number, "state": "success", "description": "",
            "created_at": f"2026-01-04T09:{number % 60:02d}:30Z",
            "creator": {"login": "github-actions[bot]", "type": "Bot"},
            "log_url": f"{RUN_URL}/job/{number}", "environment_url": "", **raw}


def _run(raw: dict[str, Any]) -> dict[str, Any]:
    status = "completed" if raw.get("conclusion") else "in_progress"
    return {"status": status, "conclusion": None, **raw}


def _substitute(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, list):
        return [_substitute(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, names) for k, v in value.items()}
    return value
