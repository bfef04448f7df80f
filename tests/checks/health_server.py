"""A health endpoint on 127.0.0.1 that a test scripts: each path answers a list of
replies in turn (the last one repeats), so a service can be down, then up, or serve
the previous commit while a rollout finishes. Every request is counted by path."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def as_json(status: int, data: object, delay: float = 0.0) -> Reply:
    return Reply(status, json.dumps(data).encode(), {"Content-Type": "application/json"}, delay)


class Health:
    """The replies by path, the requests seen, and the server's address."""

    def __init__(self) -> None:
        self.replies: dict[str, list[Reply]] = {}
        self.hits: dict[str, int] = {}
        self.port = 0

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def answer(self, path: str, *replies: Reply) -> None:
        self.replies[path] = list(replies)

    def next(self, path: str) -> Reply:
        count = self.hits.get(path, 0)
        self.hits[path] = count + 1
        queue = self.replies.get(path) or [Reply(404, b"not found")]
        return queue[min(count, len(queue) - 1)]


def _handler(health: Health) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            reply = health.next(self.path)
            if reply.delay:
                time.sleep(reply.delay)
            self.send_response(reply.status)
            for name, value in {"Content-Length": str(len(reply.body)), **reply.headers}.items():
                self.send_header(name, value.replace("{host}", health.host))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextlib.contextmanager
def serving() -> Iterator[Health]:
    health = Health()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(health))
    server.daemon_threads = True
    health.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield health
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
