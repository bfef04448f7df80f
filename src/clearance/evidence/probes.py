"""HTTP probes: a URL from the policy, reached within `settings.network`, tried again
until its answer is the one expected or the attempts run out.

The URL is the policy's template with `{head}` (the commit under evaluation; `{head:N}`
its first N characters) and `{environment}` filled in, and `${NAME}` replaced from the
run's environment in the scheme and host part only (`https://${STAGING_HOST}/health`,
or `${STAGING_URL}/health`), so that a variable names a host and never carries text
into the path or query. The request itself is `network.get`'s: the host is checked
against `settings.network` before the first attempt and at every redirect.

Every attempt that gets no answer (DNS, TLS, connection refused, timeout) or an
answer the caller does not accept is tried again after `backoff` seconds, doubled
each time; a URL the policy does not allow is refused at once. The body judged is
recorded as evidence (`http:GET URL`) with its sha256.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import record_for
from clearance.evidence.network import HttpResponse, checked_url, expand_env, get
from clearance.records import Record

MAX_WAIT = 60.0  # seconds between two attempts, at most
_PLACEHOLDER = re.compile(r"\{(head|environment)(?::(\d+))?\}")


class Probed(Record):
    """The answer judged (the last attempt's) and how many attempts it took."""

    response: HttpResponse
    attempts: int


def origin_end(template: str) -> int:
    """Where the path of a URL template starts: after `scheme://host:port`, or after a
    leading `${NAME}` that stands for the scheme and host together."""
    found = template.find("://")
    i = found + 3 if found >= 0 else 0
    while i < len(template):
        if template.startswith("${", i):
            close = template.find("}", i)
            i = len(template) if close < 0 else close + 1
        elif template[i] in "/?#":
            return i
        else:
            i += 1
    return len(template)


def fill(text: str, evidence: Evidence, environment: str) -> str:
    """`text` with `{head}`, `{head:N}` and `{environment}` filled in."""
    def value(match: re.Match[str]) -> str:
        if match.group(1) == "environment":
            return environment
        from clearance.evidence.pull_request import head_sha

        length = match.group(2)
        return head_sha(evidence)[:int(length)] if length else head_sha(evidence)
    return _PLACEHOLDER.sub(value, text)


def probe_url(template: str, evidence: Evidence, environment: str) -> str:
    """The URL a probe requests: environment variables in its origin, placeholders anywhere."""
    cut = origin_end(template)
    if "${" in template[cut:]:
        raise EvidenceError(f"URL {template!r}: ${{NAME}} is allowed only in the scheme and host",
                            hint="put the variable's value in the host part, e.g. https://${HOST}/health")
    origin = expand_env(template[:cut], evidence.spec.environ, "http.probe URL")
    return fill(origin + template[cut:], evidence, environment)


def poll(evidence: Evidence, url: str, accept: Callable[[HttpResponse], bool], *, timeout: float,
         attempts: int, backoff: float) -> Probed:
    """GET `url` until `accept` holds or `attempts` are spent; the last answer, or the last
    failure raised as an `EvidenceError`."""
    allowed = evidence.spec.network
    checked_url(url, allowed)  # a URL the policy does not allow is refused without retrying
    failure: EvidenceError | None = None
    response: HttpResponse | None = None
    for attempt in range(1, attempts + 1):
        if attempt > 1:
            time.sleep(min(backoff * 2 ** (attempt - 2), MAX_WAIT))
        try:
            response, failure = get(url, allowed, timeout=timeout), None
        except EvidenceError as e:
            response, failure = None, e
        if response is not None and accept(response):
            break
    if response is None:
        assert failure is not None
        raise EvidenceError(f"{failure.message} (after {attempts} attempt"
                            f"{'s' if attempts > 1 else ''})", hint=failure.hint)
    evidence.note(record_for(f"http:GET {response.url}", response.body, "api"))
    return Probed(response, attempt)
