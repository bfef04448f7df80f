"""A stand-in for the HTTP endpoints a case's rules reach (health probes, a Prometheus
query API), served on 127.0.0.1 from the case's `http:`.

    http:
      /health: {json: {status: UP}}                       # 200 and a JSON body
      /version: {json: {commit: "{head}"}}                 # "{head}": the change's commit id
      /down: {status: 503, body: "Service Unavailable"}
      "/api/v1/query?*http_server_requests*": {vector: [0.002]}   # a Prometheus answer
      /moved: {redirect: "https://elsewhere.example/"}

Each key is a shell-style pattern matched against the request's path, or, when the
key holds a `?`, against the path and the decoded query; the first that matches
answers, anything else is a 404. An answer has `status` (default 200, 302 with
`redirect`), and one of `json`, `body` (text), `vector` (a Prometheus instant vector,
one series without labels per value; `[]` is no series) and `redirect` (a Location).
"""

from __future__ import annotations

import fnmatch
import json
import urllib.parse
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from clearance.policytest.loopback import Reply, serving

SAMPLE_TIME = 1767600000  # the time Prometheus answers carry (2026-01-05)


def serve(routes: Mapping[str, Mapping[str, Any]], head: str) -> AbstractContextManager[str]:
    """The root URL of the stand-in, answering from `routes` with `{head}` filled in."""
    filled = {pattern: _filled(answer, head) for pattern, answer in routes.items()}
    return serving(lambda target: reply(filled, target))


def reply(routes: Mapping[str, Mapping[str, Any]], target: str) -> Reply:
    """The answer to GET `target` (path and query, as requested)."""
    path, _, query = target.partition("?")
    whole = f"{path}?{urllib.parse.unquote_plus(query)}"
    for pattern, answer in routes.items():
        if fnmatch.fnmatchcase(whole if "?" in pattern else path, pattern):
            return _answer(answer)
    return 404, {"Content-Type": "text/plain"}, b"not found"


def _answer(answer: Mapping[str, Any]) -> Reply:
    if "redirect" in answer:
        return int(answer.get("status", 302)), {"Location": str(answer["redirect"])}, b""
    status = int(answer.get("status", 200))
    if "vector" in answer:
        result = [{"metric": {}, "value": [SAMPLE_TIME, str(v)]} for v in answer["vector"]]
        data = {"status": "success", "data": {"resultType": "vector", "result": result}}
        return status, {"Content-Type": "application/json"}, json.dumps(data).encode()
    if "json" in answer:
        return status, {"Content-Type": "application/json"}, json.dumps(answer["json"]).encode()
    return status, {"Content-Type": "text/plain; charset=utf-8"}, str(answer.get("body", "")).encode()


def _filled(value: Any, head: str) -> Any:
    if isinstance(value, str):
        return value.replace("{head}", head)
    if isinstance(value, list):
        return [_filled(v, head) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, head) for k, v in value.items()}
    return value
