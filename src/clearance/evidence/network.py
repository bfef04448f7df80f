"""Network evidence: which hosts a policy lets checks reach, and one guarded GET.

A check kind that reads over the network (`metrics.query`, `http.probe`) asks
this module, never `urllib` directly, so that every request goes through the
same refusals:

- the host (and port) must match a pattern of `settings.network`, checked
  before the request and again at every redirect; a policy without the
  setting reaches nothing;
- only `http` and `https`; no credentials in the URL (`user:pass@` hides
  which host is meant: send them in a header), no whitespace, control
  characters or backslashes;
- `${NAME}` in a URL or header is replaced from the run's environment
  (`RunSpec.environ`); a name that is not set is an error, never an empty
  string;
- proxies from the environment are not used: the host checked is the host
  connected to;
- a DNS, TLS, connection or timeout failure is an `EvidenceError` that says
  which, so the rule's verdict is `error`, never a pass.

An HTTP error status is not an exception here: the caller reads the body
(Prometheus explains its errors in JSON) and decides.
"""

from __future__ import annotations

import fnmatch
import re
import time
from collections.abc import Mapping, Sequence

from clearance.errors import EvidenceError
from clearance.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    import urllib.request
    from urllib.parse import SplitResult

MAX_BYTES = 32 << 20
MAX_REDIRECTS = 5
_NAME = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_UNSAFE = re.compile(r"[\s\\\x00-\x1f\x7f]")
SETTING_HINT = "list the host under settings.network in the policy (e.g. prometheus.internal:9090)"


class HttpResponse(Record):
    """What a GET returned: the final URL after allowed redirects, status, body, time taken."""

    url: str
    status: int
    body: bytes
    elapsed_ms: float
    content_type: str = ""


def expand_env(text: str, environ: Mapping[str, str], what: str) -> str:
    """`text` with each `${NAME}` replaced by the environment's value."""
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise EvidenceError(f"{what}: environment variable {name} is not set",
                                hint=f"set {name} in the job's environment")
        return environ[name]
    return _NAME.sub(value, text)


def host_allowed(host: str, port: int, patterns: Sequence[str]) -> bool:
    """Whether `host:port` matches one of the patterns: a shell-style pattern of the host
    name (case-insensitive, `*` may span dots), optionally followed by `:PORT`; an IPv6
    address may be written in brackets."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        want_host, want_port = _split_pattern(pattern.lower())
        if want_port is not None and want_port != port:
            continue
        if fnmatch.fnmatchcase(host, want_host.rstrip(".")):
            return True
    return False


def _split_pattern(pattern: str) -> tuple[str, int | None]:
    if pattern.startswith("["):  # [::1] or [::1]:9090
        host, _, rest = pattern[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    host, colon, port = pattern.rpartition(":")
    if colon and port.isdigit() and ":" not in host:
        return host, int(port)
    return pattern, None


def checked_url(url: str, allowed: Sequence[str]) -> SplitResult:
    """The URL split into its parts, once it is known to be one a check may reach."""
    from urllib.parse import urlsplit

    if _UNSAFE.search(url):
        raise EvidenceError(f"URL {url!r} holds whitespace, a control character or a backslash")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EvidenceError(f"URL {url!r} is not an http or https URL with a host")
    if "@" in parts.netloc:
        raise EvidenceError(f"URL of host {parts.hostname} carries credentials",
                            hint="send credentials in a header, not in the URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as e:
        raise EvidenceError(f"URL {url!r} has an invalid port") from e
    if not host_allowed(parts.hostname, port, allowed):
        raise EvidenceError(f"host {parts.hostname}:{port} is not allowed by settings.network",
                            hint=SETTING_HINT)
    return parts


def get(url: str, allowed: Sequence[str], *, timeout: float,
        headers: Mapping[str, str] | None = None, max_bytes: int = MAX_BYTES) -> HttpResponse:
    """GET `url` within `timeout` seconds; redirects are followed only to allowed hosts."""
    import http.client
    import urllib.request

    checked_url(url, allowed)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _redirects(allowed))
    request = urllib.request.Request(url, headers=dict(headers or {}), method="GET")
    started = time.monotonic()
    try:
        with opener.open(request, timeout=timeout) as answer:
            body = _read(answer, max_bytes, url)
            status, final, kind = answer.status, answer.geturl(), answer.headers.get_content_type()
    except (OSError, http.client.HTTPException) as e:
        return _failure(e, url, timeout, max_bytes, started)
    return HttpResponse(final, status, body, _since(started), kind)


def _read(answer: object, max_bytes: int, url: str) -> bytes:
    body: bytes = answer.read(max_bytes + 1)  # type: ignore[attr-defined]
    if len(body) > max_bytes:
        raise EvidenceError(f"the answer of {url} is larger than {max_bytes} bytes")
    return body


def _failure(error: Exception, url: str, timeout: float, max_bytes: int,
             started: float) -> HttpResponse:
    """An HTTP error status as a response; any other failure as an EvidenceError saying which."""
    import urllib.error

    if isinstance(error, urllib.error.HTTPError):
        kind = error.headers.get_content_type() if error.headers else ""
        body = _read(error, max_bytes, url) if error.fp is not None else b""
        return HttpResponse(error.geturl() or url, error.code, body, _since(started), kind)
    raise EvidenceError(_describe(error, url, timeout)) from error


def _describe(error: Exception, url: str, timeout: float) -> str:
    import socket
    import ssl
    from urllib.parse import urlsplit

    reason = getattr(error, "reason", error)
    host = urlsplit(url).hostname
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve host {host} (DNS: {reason.strerror or reason})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failure with {host}: {getattr(reason, 'reason', None) or reason}"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer from {host} within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return f"connection to {host} refused"
    return f"cannot reach {host}: {getattr(reason, 'strerror', None) or reason}"


def _since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def _redirects(allowed: Sequence[str]) -> urllib.request.HTTPRedirectHandler:
    """A redirect handler that follows a redirect only to an allowed host, at most 5 times."""
    import urllib.request

    class AllowedRedirects(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS

        def redirect_request(self, req: urllib.request.Request, fp: object, code: int, msg: str,
                             headers: object, newurl: str) -> urllib.request.Request | None:
            try:
                checked_url(newurl, allowed)
            except EvidenceError as e:
                fp.close()  # type: ignore[attr-defined]  # the refused answer's connection
                raise EvidenceError(f"redirect from {req.full_url} refused: {e.message}",
                                    hint=e.hint) from None
            return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]

    return AllowedRedirects()
