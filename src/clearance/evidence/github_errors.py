"""What a failed GitHub API answer means, as one `EvidenceError` that says what to do.

GitHub signals its primary rate limit with 403 or 429 and
`x-ratelimit-remaining: 0` (`x-ratelimit-reset` is the UTC epoch second it
resets at); a secondary rate limit with 403 or 429, a message naming it and
often `retry-after` seconds. Other 403s are missing permissions.

`retry_wait` says how long to wait before trying again, following GitHub's
advice for rate limits: `retry-after` seconds when given, else with
`x-ratelimit-remaining: 0` until `x-ratelimit-reset`; a 5xx after
`retry-after`, else 1 s, then 2 s (doubling).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from clearance.errors import EvidenceError
from clearance.textsafe import clean

if TYPE_CHECKING:
    from email.message import Message

TOKEN_HINT = "set CLEARANCE_GITHUB_TOKEN (or GITHUB_TOKEN) to a token that can read the repository"
PERMISSIONS = "the token needs pull-requests: read, checks: read and statuses: read"
MAX_SHOWN = 200


def http_error(code: int, headers: Message, body: bytes, what: str) -> EvidenceError:
    """The error for an HTTP status other than 2xx answering `what` (`GET /path`)."""
    said = _api_message(body)
    limited = rate_limit_error(code, headers, said, what)
    if limited is not None:
        return limited
    detail = f": {said}" if said else ""
    if code == 401:
        return EvidenceError(f"GitHub API refused the token (401) for {what}{detail}",
                             hint=TOKEN_HINT)
    if code == 403:
        return EvidenceError(f"GitHub API forbade {what} (403){detail}", hint=PERMISSIONS)
    if code == 404:
        return EvidenceError(f"GitHub API found nothing at {what} (404){detail}",
                             hint="check GITHUB_REPOSITORY and the pull request; a token "
                                  "without access to a private repository also gets 404")
    if 300 <= code < 400:
        return EvidenceError(f"GitHub API redirected {what} ({code}); redirects are not followed",
                             hint="set GITHUB_API_URL to the API's final address")
    if code >= 500:
        return EvidenceError(f"GitHub API failed on {what} ({code}){detail}",
                             hint="GitHub had a problem; re-run the job later")
    return EvidenceError(f"GitHub API rejected {what} ({code}){detail}")


def rate_limit_error(code: int, headers: Message, said: str,
                     what: str) -> EvidenceError | None:
    """The error for a primary or secondary rate limit, or None when it is not one."""
    if code not in (403, 429):
        return None
    if headers.get("x-ratelimit-remaining") == "0":
        limit = headers.get("x-ratelimit-limit") or "?"
        resource = headers.get("x-ratelimit-resource") or "core"
        reset = reset_time(headers.get("x-ratelimit-reset"))
        when = f"; it resets at {reset}" if reset else ""
        return EvidenceError(
            f"GitHub API rate limit exhausted ({limit} requests, resource '{resource}') "
            f"on {what}{when}",
            hint="re-run the job once the limit has reset")
    retry = headers.get("retry-after")
    if retry is not None or code == 429 or "secondary rate limit" in said.lower():
        wait = f"retry after {clean(retry)} s" if retry else "wait a few minutes"
        return EvidenceError(f"GitHub API secondary rate limit hit on {what}; {wait}",
                             hint="re-run the job later; avoid many parallel jobs using the token")
    return None


def retry_wait(code: int, headers: Message, attempt: int, now: float) -> float | None:
    """Seconds to wait before attempt `attempt + 1` of a request answered `code`, or None
    when trying again does not help (a 4xx that is no rate limit, a limit saying no time)."""
    asked = _seconds(headers.get("retry-after"))
    if code >= 500:
        return asked if asked is not None else float(2 ** (attempt - 1))
    if code not in (403, 429):
        return None
    if asked is not None:
        return asked
    reset = _seconds(headers.get("x-ratelimit-reset"))
    if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
        return max(reset - now + 1, 0.0)  # a second more: the clocks may differ
    return None


def _seconds(text: str | None) -> float | None:
    """A header holding whole seconds (`retry-after`, `x-ratelimit-reset`), or None."""
    value = (text or "").strip()
    return float(value) if value.isascii() and value.isdigit() else None


def reset_time(epoch: str | None) -> str | None:
    """An `x-ratelimit-reset` value (UTC epoch seconds) as an ISO time, or None."""
    try:
        when = dt.datetime.fromtimestamp(int(epoch or ""), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _api_message(body: bytes) -> str:
    """The `message` of a GitHub error body, shortened and cleaned; '' when none."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except (json.JSONDecodeError, RecursionError):
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, str):
        return ""
    message = clean(message.strip())
    return message if len(message) <= MAX_SHOWN else message[:MAX_SHOWN] + "..."
