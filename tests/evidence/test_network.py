"""evidence/network.py: which hosts settings.network lets a check reach, and the guarded GET,
against small HTTP servers on 127.0.0.1."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from clearance.errors import EvidenceError
from clearance.evidence import network


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/to/"):  # /to/URL redirects there
            self.send_response(302)
            self.send_header("Location", self.path[len("/to/"):])
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(0.5)
        status = 503 if self.path == "/unavailable" else 200
        body = f'{{"path": "{self.path}", "auth": "{self.headers.get("Authorization", "")}"}}'.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except BrokenPipeError:  # the client gave up waiting (the timeout test)
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    served = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=served.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{served.server_port}"
    served.shutdown()
    served.server_close()


@pytest.mark.parametrize(("host", "port", "patterns", "allowed"), [
    ("prometheus.internal", 9090, ["prometheus.internal"], True),
    ("Prometheus.Internal.", 9090, ["prometheus.INTERNAL"], True),
    ("prometheus.internal", 9090, ["prometheus.internal:9090"], True),
    ("prometheus.internal", 9091, ["prometheus.internal:9090"], False),
    ("a.b.example.com", 443, ["*.example.com"], True),
    ("example.com", 443, ["*.example.com"], False),
    ("example.com.evil.net", 443, ["example.com"], False),
    ("::1", 9090, ["[::1]:9090"], True),
    ("::1", 9091, ["[::1]:9090"], False),
    ("::1", 80, ["[::1]"], True),
    ("10.0.0.7", 80, [], False),
])
def test_host_patterns(host: str, port: int, patterns: list[str], allowed: bool) -> None:
    assert network.host_allowed(host, port, patterns) is allowed


def test_an_allowed_host_answers_with_status_body_and_headers(server: str) -> None:
    answer = network.get(f"http://{server}/ok", [server], timeout=5, headers={"Authorization": "Bearer t"})
    assert (answer.status, answer.content_type) == (200, "application/json")
    assert answer.body == b'{"path": "/ok", "auth": "Bearer t"}'


def test_an_error_status_is_an_answer_for_the_caller_to_read(server: str) -> None:
    assert network.get(f"http://{server}/unavailable", [server], timeout=5).status == 503


def test_a_redirect_is_followed_only_to_an_allowed_host(server: str) -> None:
    inside = network.get(f"http://{server}/to/http://{server}/landed", [server], timeout=5)
    assert inside.url.endswith("/landed")
    with pytest.raises(EvidenceError, match=r"redirect from .* refused: host elsewhere\.example:80 is not allowed"):
        network.get(f"http://{server}/to/http://elsewhere.example/", [server], timeout=5)


@pytest.mark.parametrize(("url", "message"), [
    ("http://user:secret@{server}/", "carries credentials"),
    ("ftp://{server}/", "not an http or https URL"),
    ("http://{server}/a b", "whitespace"),
    ("http://{server}\\@evil.example/", "backslash"),
])
def test_urls_that_hide_where_they_go_are_refused(server: str, url: str, message: str) -> None:
    with pytest.raises(EvidenceError, match=message):
        network.get(url.format(server=server), ["*"], timeout=5)


def test_tls_failure_and_timeout_are_each_named(server: str) -> None:
    with pytest.raises(EvidenceError, match=r"TLS failure with 127\.0\.0\.1"):
        network.get(f"https://{server}/", [server], timeout=5)
    with pytest.raises(EvidenceError, match=r"no answer from 127\.0\.0\.1 within 0\.2 s"):
        network.get(f"http://{server}/slow", [server], timeout=0.2)


def test_environment_names_are_filled_or_refused() -> None:
    assert network.expand_env("https://${HOST}/api", {"HOST": "m.example"}, "endpoint") == "https://m.example/api"
    assert network.expand_env("$HOST and ${1X}", {}, "endpoint") == "$HOST and ${1X}"  # not names
    with pytest.raises(EvidenceError, match="endpoint: environment variable TOKEN is not set"):
        network.expand_env("Bearer ${TOKEN}", {}, "endpoint")
