"""A server on 127.0.0.1 for the duration of a case: the stand-ins for the GitHub API
and for the endpoints a case's health probes and metrics queries reach."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# What a GET answers: status, headers, body.
Reply = tuple[int, dict[str, str], bytes]


@contextmanager
def serving(respond: Callable[[str], Reply]) -> Iterator[str]:
    """The root URL (`http://127.0.0.1:PORT`) of a server answering every GET with
    `respond(path)`, for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(respond))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _handler(respond: Callable[[str], Reply]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = respond(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler
