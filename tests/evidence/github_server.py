"""A real HTTP server on 127.0.0.1 that answers like the GitHub REST API.

It serves the hand-written answers in tests/fixtures/github by exact path
(query included), with the status code and headers a test sets (`first`
queues answers given once each before the path's own: a 502, then the page),
and records
every request it got so that tests can assert the headers sent. `{base}` in a
header value is replaced by the server's own URL (for `Link` headers).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "github"
REPO = "/repos/owner/repo"
HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e"
OLD_HEAD = "4a8f8b1e0c2d3f4e5a6b7c8d9e0f1a2b3c4d5e6f"
NOT_FOUND = b'{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}'


@dataclass(frozen=True)
class Reply:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]  # names in lower case


class FakeGitHub:
    """Routes, the requests seen, and the server's base URL."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.queued: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []
        self.url = ""

    def serve(self, path: str, fixture: str | None = None, *, status: int = 200,
              headers: dict[str, str] | None = None, body: bytes | None = None,
              delay: float = 0.0) -> None:
        """Answer GET `path` with a fixture file (or raw `body`)."""
        data = body if body is not None else (FIXTURES / (fixture or "")).read_bytes()
        self.routes[path] = Reply(data, status, headers or {}, delay)

    def first(self, path: str, status: int, headers: dict[str, str] | None = None,
              body: bytes = b'{"message": "Server Error"}', times: int = 1) -> None:
        """Answer the next `times` GETs of `path` with this status before its own answer."""
        self.queued.setdefault(path, []).extend([Reply(body, status, headers or {})] * times)

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]

    def answer(self, path: str, headers: dict[str, str]) -> Reply:
        self.seen.append(Seen(path, headers))
        if self.queued.get(path):
            return self.queued[path].pop(0)
        return self.routes.get(path, Reply(NOT_FOUND, 404))


def _handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            reply = fake.answer(self.path, {k.lower(): v for k, v in self.headers.items()})
            if reply.delay:
                time.sleep(reply.delay)
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value.replace("{base}", fake.url))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(reply.body)  # the client may have timed out

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def running() -> Iterator[FakeGitHub]:
    """Start the server on a free port; stop it (and its thread) afterwards."""
    fake = FakeGitHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def rate_limited(reset: int = 1767409200) -> dict[str, str]:
    """The headers of an exhausted primary rate limit (reset: 2026-01-03T03:00:00Z)."""
    return {"x-ratelimit-limit": "1000", "x-ratelimit-remaining": "0",
            "x-ratelimit-used": "1000", "x-ratelimit-reset": str(reset),
            "x-ratelimit-resource": "core"}


def next_page(path: str, page: int) -> dict[str, str]:
    """A `Link` header pointing at another page of the same path."""
    return {"Link": f'<{{base}}{path}?per_page=100&page={page}>; rel="next", '
                    f'<{{base}}{path}?per_page=100&page={page}>; rel="last"'}


def dumps(data: object) -> bytes:
    return json.dumps(data).encode()
