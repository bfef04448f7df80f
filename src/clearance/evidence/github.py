"""A small client for the GitHub REST API, used only when a token is given.

Every request carries `Accept: application/vnd.github+json`, the API version
header and `Authorization: Bearer TOKEN`; it has a timeout, follows
pagination through the `Link` header (`rel="next"`) up to a bound, retries a
5xx or a rate limit that says how long to wait (`retry_wait`) up to
`attempts` times, and turns every failure (401, 403, 404, rate limits, 5xx,
invalid JSON, the network) into an `EvidenceError` that says what to do. The token never appears in a
message. Each response body is recorded as evidence (`github:GET /path`) with
its sha256, and each path is fetched at most once per run (`Evidence.memo`).

The engine makes no network call without a token: `api_get` refuses first.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from clearance import __version__
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.github_errors import TOKEN_HINT, http_error, retry_wait
from clearance.evidence.inputs import InputRecord, record_for
from clearance.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:  # the network stack (http.client, email, ssl) loads only for a request
    import urllib.error
    import urllib.request
    from email.message import Message

API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_PAGES = 20
TIMEOUT = 15.0
MAX_BODY = 16 << 20
ATTEMPTS = 3
MAX_WAIT = 60.0  # seconds; GitHub asking for a longer wait is not retried
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class Fetched(Record):
    """The JSON of one API resource (all pages joined) and the records of its responses."""

    data: Any
    records: tuple[InputRecord, ...]


def _no_redirects() -> urllib.request.HTTPRedirectHandler:
    """A handler answering redirects as errors: the token must not follow them elsewhere."""
    import urllib.request

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                             headers: Message, newurl: str) -> urllib.request.Request | None:
            return None

    return NoRedirects()


class GitHubClient:
    """GET requests against one API base URL with one token.

    A 5xx or a rate limit that says how long to wait is tried again, `attempts`
    times in all, after `sleep(seconds)`, when the wait is at most `max_wait`.
    The token is never shown: `repr` leaves it out (and `sleep`).
    """

    __slots__ = ("api", "attempts", "max_pages", "max_wait", "sleep", "timeout", "token")

    def __init__(self, api: str, token: str, timeout: float = TIMEOUT, max_pages: int = MAX_PAGES,
                 attempts: int = ATTEMPTS, max_wait: float = MAX_WAIT,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.api = api
        self.token = token
        self.timeout = timeout
        self.max_pages = max_pages
        self.attempts = attempts
        self.max_wait = max_wait
        self.sleep = sleep
        self._check_api()

    def __repr__(self) -> str:
        return (f"GitHubClient(api={self.api!r}, timeout={self.timeout!r}, "
                f"max_pages={self.max_pages!r}, attempts={self.attempts!r}, "
                f"max_wait={self.max_wait!r})")

    def _check_api(self) -> None:
        parts = urllib.parse.urlsplit(self.api)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EvidenceError(f"GitHub API URL is not an http(s) URL: {self.api!r}",
                                hint="set GITHUB_API_URL to e.g. https://api.github.com")
        if parts.username or parts.password:
            raise EvidenceError("GitHub API URL must not hold credentials",
                                hint="give the token in CLEARANCE_GITHUB_TOKEN or GITHUB_TOKEN")
        if parts.scheme == "http" and parts.hostname not in LOOPBACK:
            raise EvidenceError(f"refusing to send the token over plain http to {parts.hostname}",
                                hint="use an https:// GITHUB_API_URL")

    def fetch(self, path: str, items: str | None = None, paged: bool = False) -> Fetched:
        """GET a path; with `paged`, follow every next page and join the items.

        `items` names the list inside each page (`check_runs`); None means the
        page is itself the list.
        """
        url = self._url(path, paged)
        records: list[InputRecord] = []
        joined: list[Any] = []
        for _ in range(self.max_pages if paged else 1):
            data, body, headers = self._get(url)
            records.append(record_for("github:GET " + self._shown(url), body, "api"))
            if not paged:
                return Fetched(data, tuple(records))
            joined.extend(_page_items(data, items, self._shown(url)))
            next_url = _next_link(headers)
            if next_url is None:
                return Fetched(_joined(data, items, joined), tuple(records))
            url = self._same_origin(next_url)
        raise EvidenceError(f"GitHub API: more than {self.max_pages} pages of {path}; not read",
                            hint="the answer is too large to judge safely")

    # -- one request ---------------------------------------------------------

    def _get(self, url: str) -> tuple[Any, bytes, Message]:
        import urllib.error

        shown = self._shown(url)
        for attempt in range(1, self.attempts + 1):
            try:
                body, headers = self._request(url, shown)
            except urllib.error.HTTPError as e:
                wait = self._wait(e, attempt)
                if wait is None:
                    raise self._http_error(e, shown, attempt) from e
                e.close()
                self.sleep(wait)
            else:
                return _decode(body, shown), body, headers
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _request(self, url: str, shown: str) -> tuple[bytes, Message]:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(url, headers=self._headers(), method="GET")
        opener = urllib.request.build_opener(_no_redirects())
        try:
            with opener.open(request, timeout=self.timeout) as response:
                body = response.read(MAX_BODY + 1)
                headers = response.headers
        except urllib.error.HTTPError:
            raise  # an answer, not a network failure: `_get` decides on a retry
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise self._network_error(e, shown) from e
        if len(body) > MAX_BODY:
            raise EvidenceError(f"GitHub API: answer to GET {shown} is over {MAX_BODY} bytes")
        return body, headers

    def _wait(self, error: urllib.error.HTTPError, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None: the last attempt, a failure that
        a retry does not mend, or GitHub asking for a longer wait than `max_wait`."""
        if attempt >= self.attempts:
            return None
        wait = retry_wait(error.code, error.headers, attempt, time.time())
        return wait if wait is not None and wait <= self.max_wait else None

    def _headers(self) -> dict[str, str]:
        return {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "Authorization": f"Bearer {self.token}",
            "User-Agent": f"clearance/{__version__}",
        }

    def _http_error(self, error: urllib.error.HTTPError, shown: str, attempt: int) -> EvidenceError:
        try:
            body = error.read(64 << 10)
        except OSError:
            body = b""
        finally:
            error.close()
        made = http_error(error.code, error.headers, body, f"GET {shown}")
        if attempt > 1:
            made = EvidenceError(f"{made.message} (after {attempt} attempts)", hint=made.hint)
        return self._scrub(made)

    def _network_error(self, error: BaseException, shown: str) -> EvidenceError:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            text = f"GitHub API did not answer GET {shown} within {self.timeout:g} s"
        else:
            text = f"cannot reach the GitHub API at {self.api} (GET {shown}): {reason}"
        return self._scrub(EvidenceError(text, hint="check the network and GITHUB_API_URL; re-run"))

    def _scrub(self, error: EvidenceError) -> EvidenceError:
        """The same error with the token blanked out of every text (it never belongs there)."""
        if self.token and (self.token in str(error)):
            return EvidenceError(error.message.replace(self.token, "***"),
                                 hint=(error.hint or "").replace(self.token, "***") or None)
        return error

    # -- URLs ----------------------------------------------------------------

    def _url(self, path: str, paged: bool) -> str:
        url = self.api.rstrip("/") + path
        if paged:
            url += ("&" if "?" in url else "?") + f"per_page={PER_PAGE}"
        return url

    def _shown(self, url: str) -> str:
        """A URL relative to the API base, for messages and evidence records."""
        base = self.api.rstrip("/")
        return url[len(base):] if url.startswith(base) else url

    def _same_origin(self, url: str) -> str:
        if _origin(url) != _origin(self.api):
            raise EvidenceError(f"GitHub API pagination points to another host ({_origin(url)}); "
                                "not followed")
        return url


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _next_link(headers: Message) -> str | None:
    match = _NEXT.search(headers.get("Link", "") or "")
    return match.group(1) if match else None


def _decode(body: bytes, shown: str) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise EvidenceError(f"GitHub API answered GET {shown} with invalid JSON: {e}",
                            hint="re-run; if it persists, check GITHUB_API_URL") from e


def _page_items(data: Any, items: str | None, shown: str) -> list[Any]:
    found = data.get(items) if items is not None and isinstance(data, dict) else data
    if not isinstance(found, list):
        where = f"'{items}' list" if items else "list"
        raise EvidenceError(f"GitHub API answer to GET {shown} holds no {where}")
    return found


def _joined(last_page: Any, items: str | None, joined: list[Any]) -> Any:
    if items is None:
        return joined
    return {**last_page, items: joined}


def client_for(evidence: Evidence) -> GitHubClient | None:
    """The client of this run, or None when no token was given (no network then)."""
    spec = evidence.spec
    if not spec.github_token:
        return None
    return GitHubClient(spec.github_api, spec.github_token)


def has_token(evidence: Evidence) -> bool:
    return bool(evidence.spec.github_token)


def api_get(evidence: Evidence, path: str, items: str | None = None,
            paged: bool = False) -> Any:
    """The JSON at an API path, fetched once per run and recorded for this rule."""
    def compute() -> Fetched:
        client = client_for(evidence)
        if client is None:
            raise EvidenceError(f"no GitHub token to read {path}", hint=TOKEN_HINT)
        return client.fetch(path, items, paged)

    fetched = evidence.memo(f"github:{path}", compute)
    for record in fetched.records:
        evidence.note(record)
    return fetched.data


def repo_path(repository: str, *parts: str | int) -> str:
    """`/repos/OWNER/REPO/...` with each part quoted."""
    owner, name = repository.split("/", 1)
    quoted = [urllib.parse.quote(str(p), safe="") for p in (owner, name, *parts)]
    return "/repos/" + "/".join(quoted)

