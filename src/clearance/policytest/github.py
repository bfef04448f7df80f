"""A stand-in for the GitHub REST API on 127.0.0.1, answering from a case's `github:`.

It serves the reviews of the pull request, the check runs and the combined
status of any commit, the pull request itself (`mergeable`), and one workflow
run of the head commit whose deployment reviews are `deployment_reviews`, as
the API shapes them, so that `review.approved`, `ci.checks` and the
attestation kind's GitHub proofs run as they do in CI. `"{head}"` and
`"{base}"` in the case's data become the real commit ids.
Case data is filled in where GitHub always gives a field: a review's `id`,
`user` (a login may be given alone, a `User`), `commit_id` (the head),
`submitted_at` and `author_association` (`MEMBER`, someone who may approve:
the collaborator permission endpoint answers 404 here, so the association
decides); a check run's `status` (`completed` once it has a conclusion).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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
    return {
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
    if len(parts) < 5 or parts[0] != "repos":
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
    return None


@contextmanager
def serving(answers: dict[str, Any]) -> Iterator[str]:
    """The base URL of a server answering from `answers`, for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(answers))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _handler(answers: dict[str, Any]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = route(self.path, answers)
            body = json.dumps(found if found is not None else {"message": "Not Found"}).encode()
            self.send_response(200 if found is not None else 404)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler


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
