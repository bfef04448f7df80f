"""Queries against a Prometheus-compatible HTTP API (`/api/v1/query`, `/api/v1/query_range`).

The endpoint is the API's root as the policy writes it (`http://prometheus:9090`,
`https://mimir.example.com/prometheus`, `${PROMETHEUS_URL}`); `${NAME}` is
filled from the run's environment and the host must be allowed by
`settings.network` (evidence/network.py). Each answer is recorded as an input
of the run (source `api`) under the URL as the policy writes it, so a value
taken from the environment (a token in a path) is not shown.

Every way the answer can fail to be numbers is an `EvidenceError`: a host that
is not allowed or does not resolve, an answer that is not JSON, Prometheus's
own `{"status": "error"}` (a bad query, a timeout), a result of type `string`
or of log streams (a LogQL log query), a native histogram sample.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from clearance.errors import EvidenceError
from clearance.evidence import network
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import record_for
from clearance.evidence.promql import duration_ms
from clearance.records import Record


class Series(Record):
    """One series of the answer: its labels and (time, value) samples, one for an instant query."""

    labels: dict[str, str]
    samples: tuple[tuple[float, float], ...]

    def shown(self) -> str:
        """The series as PromQL writes it: `up{instance="a:9100", job="node"}`."""
        labels = {k: v for k, v in sorted(self.labels.items()) if k != "__name__"}
        inner = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in labels.items())
        name = self.labels.get("__name__", "")
        return f"{name}{{{inner}}}" if inner or not name else name


class QueryResult(Record):
    """What Prometheus answered: `vector`, `matrix` or `scalar`, its series and warnings."""

    result_type: str
    series: tuple[Series, ...]
    warnings: tuple[str, ...]
    source: str  # the URL as recorded among the run's inputs


class Query(Record):
    """A query as the policy gives it."""

    endpoint: str  # as written, ${NAME} unexpanded
    promql: str
    last: str | None = None  # a range query over the last `last`, every `step`
    step: str | None = None
    timeout: float = 10.0
    headers: Mapping[str, str] | None = None


def run_query(evidence: Evidence, query: Query) -> QueryResult:
    """Ask the API once per run for each distinct query."""
    params = _parameters(query)
    path = "/api/v1/query_range" if query.last else "/api/v1/query"
    source = f"{query.endpoint.rstrip('/')}{path}?{urlencode({'query': query.promql})}"
    key = f"prometheus {source} {query.last} {query.step} {sorted((query.headers or {}).items())}"
    return evidence.memo(key, lambda: _ask(evidence, query, path, params, source))


def _parameters(query: Query) -> dict[str, str]:
    if not query.last:
        return {"query": query.promql}
    window, step = duration_ms(query.last), duration_ms(query.step or "")
    if not window or not step:
        raise EvidenceError(f"range last: {query.last!r}, step: {query.step!r}: "
                            "both must be Prometheus durations above zero (e.g. 15m, 30s)")
    end = time.time()
    return {"query": query.promql, "start": f"{end - window / 1000:.3f}", "end": f"{end:.3f}",
            "step": f"{step / 1000:g}"}


def _ask(evidence: Evidence, query: Query, path: str, params: dict[str, str],
         source: str) -> QueryResult:
    environ = evidence.spec.environ
    root = network.expand_env(query.endpoint, environ, "endpoint").rstrip("/")
    headers = {k: network.expand_env(v, environ, f"header {k}") for k, v in (query.headers or {}).items()}
    answer = network.get(f"{root}{path}?{urlencode(params)}", evidence.spec.network,
                         timeout=query.timeout, headers={"Accept": "application/json", **headers})
    evidence.note(record_for(source, answer.body, "api"))
    return parse_answer(answer.status, answer.body, source)


def parse_answer(status: int, body: bytes, source: str) -> QueryResult:
    """The series of an API answer; an EvidenceError for anything that is not numbers."""
    try:
        doc = json.loads(body)
    except ValueError as e:
        raise EvidenceError(f"the answer (HTTP {status}) is not JSON: {_start(body)}", source,
                            hint="is the endpoint the API root of a Prometheus-compatible server?") from e
    if not isinstance(doc, dict) or doc.get("status") != "success":
        raise EvidenceError(_refusal(status, doc), source)
    data = doc.get("data")
    if not isinstance(data, dict):
        raise EvidenceError("the answer has no data", source)
    kind = data.get("resultType")
    series = tuple(_series(kind, data.get("result"), source))
    warnings = tuple(str(w) for w in doc.get("warnings") or ())
    return QueryResult(str(kind), series, warnings, source)


def _refusal(status: int, doc: Any) -> str:
    if isinstance(doc, dict) and doc.get("status") == "error":
        return f"Prometheus refused the query (HTTP {status}, {doc.get('errorType')}): {doc.get('error')}"
    return f"the answer (HTTP {status}) is not a successful API answer"


def _series(kind: Any, result: Any, source: str) -> list[Series]:
    if kind == "scalar":
        return [Series({}, (_sample(result, source),))]
    if kind not in ("vector", "matrix") or not isinstance(result, list):
        raise EvidenceError(f"a result of type {kind!r} holds no numbers to compare", source,
                            hint="write a query that returns an instant vector, a range of one, "
                                 "or a scalar")
    return [_one_series(item, kind, source) for item in result]


def _one_series(item: Any, kind: str, source: str) -> Series:
    key = "value" if kind == "vector" else "values"
    if not isinstance(item, dict) or key not in item:
        raise EvidenceError(_no_samples(item, kind), source)
    samples = [item[key]] if kind == "vector" else item[key]
    if not isinstance(samples, list) or not samples:
        raise EvidenceError(f"a {kind} series without samples", source)
    labels = {str(k): str(v) for k, v in (item.get("metric") or {}).items()}
    return Series(labels, tuple(_sample(s, source) for s in samples))


def _no_samples(item: Any, kind: str) -> str:
    if isinstance(item, dict) and ("histogram" in item or "histograms" in item):
        return "a native histogram has no single value to compare: use histogram_quantile() or sum()"
    return f"a {kind} series without samples"


def _sample(pair: Any, source: str) -> tuple[float, float]:
    if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
        raise EvidenceError(f"a sample is not [time, value]: {pair!r}", source)
    try:
        return float(pair[0]), float(pair[1])  # "NaN", "+Inf" and "-Inf" as Prometheus writes them
    except (TypeError, ValueError) as e:
        raise EvidenceError(f"a sample value is not a number: {pair[1]!r}", source) from e


def json_number(value: float) -> float | str:
    """A value for the results document: NaN and infinities as Prometheus writes them."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return value


def _start(body: bytes) -> str:
    text = body[:120].decode("utf-8", "replace").strip()
    return repr(text) if text else "an empty body"
