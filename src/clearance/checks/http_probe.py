"""GETs a URL (a health endpoint) and passes when the answer is the one expected:
its HTTP status, and values in its JSON body.

- `url`: `{head}` is the commit under evaluation (`{head:N}` its first N
  characters), `{environment}` the rule's `environment` (default: the stage);
  `${NAME}` takes an environment variable, in the scheme and host part only
  (`https://${STAGING_HOST}/actuator/health`, `${STAGING_URL}/health`).
- Reached only when `settings.network` lists the host (a pattern such as
  `*.staging.example.com` or `health.internal:8080`); a redirect is followed
  only to a host it lists too. Otherwise the verdict is `error`.
- `expect.status`: a status or a list of them (default 200).
- `expect.json`: values at dotted paths of the JSON body, compared exactly
  (`status: UP`, `git.commit.id: "{head:7}"`, `checks.0.healthy: true`); a
  list element by its index.
- `timeout` (seconds per attempt, default 10), `attempts` (default 3) and
  `backoff` (seconds before the second attempt, doubled after each, default
  2): a rollout still in progress gets time to finish.

An answer that is not the one expected after the last attempt is `fail` (a
service down, the previous commit still serving); no answer at all (DNS,
TLS, refused connection, timeout) is `error`, never a pass. The rule's data
keeps the status, the latency, the sha256 of the body and the values read."""

from __future__ import annotations

import json
from typing import Any

from clearance.checks import Outcome
from clearance.evidence.context import Evidence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from clearance.evidence.network import HttpResponse

EVIDENCE = ("HTTP answer of the URL (settings.network)",)
_SCALAR = {"type": ["string", "number", "boolean", "null"]}
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["url"],
    "properties": {
        "url": {"type": "string", "minLength": 1},
        "environment": {"type": "string", "minLength": 1},
        "expect": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "status": {"oneOf": [
                    {"type": "integer", "minimum": 100, "maximum": 599},
                    {"type": "array", "minItems": 1,
                     "items": {"type": "integer", "minimum": 100, "maximum": 599}}]},
                "json": {"type": "object", "minProperties": 1, "additionalProperties": _SCALAR},
            },
        },
        "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 120},
        "attempts": {"type": "integer", "minimum": 1, "maximum": 10},
        "backoff": {"type": "number", "minimum": 0, "maximum": 60},
    },
}
_MISSING = object()


def problems(params: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    from clearance.evidence.probes import origin_end

    url = params.get("url")
    found: list[tuple[tuple[str, ...], str]] = []
    if isinstance(url, str) and "${" in url[origin_end(url):]:
        found.append((("url",), "url: ${NAME} is allowed only in the scheme and host part"))
    for path in (params.get("expect") or {}).get("json") or {}:
        if "" in _segments(path):
            found.append((("expect", "json", path), f"expect.json: '{path}' has an empty segment"))
    return found


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    from clearance.evidence.probes import fill, poll, probe_url

    environment = str(params.get("environment") or evidence.stage)
    url = probe_url(params["url"], evidence, environment)
    expect = params.get("expect") or {}
    wanted = {path: fill(v, evidence, environment) if isinstance(v, str) else v
              for path, v in (expect.get("json") or {}).items()}
    statuses = _statuses(expect.get("status", 200))

    def judge(response: HttpResponse) -> Outcome:
        return judged(response, statuses, wanted)

    probed = poll(evidence, url, lambda r: judge(r).verdict == "pass",
                  timeout=float(params.get("timeout", 10)), attempts=int(params.get("attempts", 3)),
                  backoff=float(params.get("backoff", 2)))
    outcome = judge(probed.response)
    data = {"probe": {**outcome.data["probe"], "url": url, "attempts": probed.attempts}}
    return outcome._replace(data=data)


def judged(response: HttpResponse, statuses: list[int], wanted: dict[str, Any]) -> Outcome:
    """The verdict on one answer: its status first, then the JSON values."""
    from clearance.digest import hexdigest

    data = {"probe": {"final_url": response.url, "status": response.status,
                      "latency_ms": response.elapsed_ms, "sha256": hexdigest(response.body),
                      "size": len(response.body)}}
    where = f"{response.url} answered {response.status} in {response.elapsed_ms:g} ms"
    if response.status not in statuses:
        return Outcome.failed(f"{where}; expected {_either(statuses)}",
                              figure=f"{response.status} not in {statuses}", data=data)
    if not wanted:
        return Outcome.passed(where, figure=f"{response.status}", data=data)
    return _json_judged(response.body, wanted, where, data)


def _json_judged(raw: bytes, wanted: dict[str, Any], where: str, data: dict[str, Any]) -> Outcome:
    """The verdict on the JSON values of an answer whose status was the one expected."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Outcome.failed(f"{where}, but the body is not JSON", figure="not JSON", data=data)
    seen = {path: _at(body, path) for path in wanted}
    data["probe"]["values"] = {p: (None if v is _MISSING else v) for p, v in seen.items()}
    wrong = [p for p in wanted if not _same(seen[p], wanted[p])]
    if wrong:
        return Outcome.failed(f"{where}; " + "; ".join(_mismatch(p, seen[p], wanted[p]) for p in wrong),
                              figure=f"{len(wanted) - len(wrong)}/{len(wanted)} values as expected",
                              data=data)
    shown = ", ".join(f"{p} == {json.dumps(wanted[p])}" for p in wanted)
    return Outcome.passed(f"{where}; {shown}", figure=f"{len(wanted)}/{len(wanted)} values as expected",
                          data=data)


def _statuses(value: int | list[int]) -> list[int]:
    return list(value) if isinstance(value, list) else [value]


def _either(statuses: list[int]) -> str:
    return " or ".join(str(s) for s in statuses)


def _segments(path: str) -> list[str]:
    return path.removeprefix("$.").split(".")


def _at(data: Any, path: str) -> Any:
    """The value at a dotted path (`a.b.0.c`); `_MISSING` when there is none."""
    for key in _segments(path):
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return _MISSING
    return data


def _same(seen: Any, wanted: Any) -> bool:
    """Equal as JSON values: `true` is not `1`, `1` is `1.0`."""
    if isinstance(seen, bool) or isinstance(wanted, bool):
        return seen is wanted
    if seen is _MISSING or type(seen) in (dict, list):
        return False
    return bool(seen == wanted)


def _mismatch(path: str, seen: Any, wanted: Any) -> str:
    if seen is _MISSING:
        return f"no value at {path} (expected {json.dumps(wanted)})"
    return f"{path} is {json.dumps(seen)[:200]}, expected {json.dumps(wanted)}"

