"""metrics.query against a real Prometheus server (Debian's `prometheus`) started for this module.

The server scrapes a small exporter served here on 127.0.0.1 every second, and evaluates
one alerting rule. Every expected verdict comes from Prometheus itself: the threshold is
asked of the server as a PromQL comparison (`count((QUERY) OP VALUE)` against
`count(QUERY)`), never copied from clearance.

Skips only when the `prometheus` binary is absent and CI is not set; under CI a missing
binary fails (`.ci/run` installs Debian's `prometheus`).
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clearance.checks import metrics_query
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from helpers import Repo

# Read at import: the suite's autouse fixture removes CI from the environment of each test.
IN_CI = bool(os.environ.get("CI"))
EXPOSITION = b"""\
# TYPE demo_error_ratio gauge
demo_error_ratio{service="checkout"} 0.004
demo_error_ratio{service="payments"} 0.03
# TYPE demo_ready gauge
demo_ready{service="checkout"} 1
demo_ready{service="payments"} 1
# TYPE demo_queue_depth gauge
demo_queue_depth NaN
"""
RULES = """\
groups:
  - name: demo
    rules:
      - alert: DemoErrorsHigh
        expr: demo_error_ratio > 0.01
        labels: {severity: page}
"""


@dataclass(frozen=True)
class Server:
    url: str
    host: str  # host:port, for settings.network

    def api(self, query: str) -> Any:
        """The server's own answer to an instant query (the test's oracle)."""
        address = f"{self.url}/api/v1/query?{urllib.parse.urlencode({'query': query})}"
        with urllib.request.urlopen(address, timeout=5) as answer:
            return json.loads(answer.read())["data"]["result"]

    def count(self, query: str) -> int:
        result = self.api(f"count({query})")
        return int(result[0]["value"][1]) if result else 0

    def every_series_meets(self, query: str, op: str, value: float) -> bool:
        total = self.count(query)
        return total > 0 and self.count(f"({query}) {op} {value}") == total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Exporter(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.end_headers()
        self.wfile.write(EXPOSITION)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def binary() -> str:
    found = shutil.which("prometheus")
    if found is None:
        if IN_CI:
            pytest.fail("prometheus is not installed: .ci/run must install Debian's prometheus")
        pytest.skip("prometheus is not installed (apt-get install prometheus)")
    return found


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    exporter = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Exporter)
    threading.Thread(target=exporter.serve_forever, daemon=True).start()
    work = tmp_path_factory.mktemp("prometheus")
    (work / "rules.yml").write_text(RULES, "utf-8")
    (work / "prometheus.yml").write_text(json.dumps({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(work / "rules.yml")],
        "scrape_configs": [
            {"job_name": "demo", "static_configs": [{"targets": [f"127.0.0.1:{exporter.server_port}"]}]},
            {"job_name": "gone", "static_configs": [{"targets": [f"127.0.0.1:{free_port()}"]}]},
        ],
    }), "utf-8")
    port = free_port()
    log = (work / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [binary(), f"--config.file={work / 'prometheus.yml'}", f"--storage.tsdb.path={work / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
        stdout=subprocess.DEVNULL, stderr=log)
    server = Server(f"http://127.0.0.1:{port}", f"127.0.0.1:{port}")
    try:
        wait_for_scrapes(server, process, work / "prometheus.log")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        exporter.shutdown()
        exporter.server_close()


def wait_for_scrapes(server: Server, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until both targets were scraped and the alerting rule fired (or 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"prometheus exited: {log.read_text('utf-8', 'replace')}")
        try:
            if server.count("up") == 2 and server.count('ALERTS{alertstate="firing"}') == 1:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("prometheus did not scrape the exporter within 30 s")


def check(server: Server, params: dict[str, Any], *, network: tuple[str, ...] | None = None,
          environ: dict[str, str] | None = None) -> Any:
    spec = RunSpec(root=".", stage="production", network=(server.host,) if network is None else network,
                   environ=environ or {})
    return metrics_query.run({"endpoint": server.url, **params}, Evidence(spec))


# -- thresholds, judged as Prometheus judges them -----------------------------------------

THRESHOLDS = [
    ('demo_error_ratio{service="checkout"}', "<", 0.01),
    ("demo_error_ratio", "<", 0.01),
    ("demo_error_ratio", "<=", 0.03),
    ('up{job="demo"}', "==", 1),
    ("up", "==", 1),
    ("sum(demo_ready)", ">=", 2),
    ("demo_ready", "!=", 1),
    ("demo_queue_depth", "<", 5),  # NaN compares false
]


@pytest.mark.parametrize(("query", "op", "value"), THRESHOLDS)
def test_every_series_meets_the_threshold_exactly_when_prometheus_says_so(
        prometheus: Server, query: str, op: str, value: float) -> None:
    outcome = check(prometheus, {"query": query, "op": op, "value": value})
    expected = "pass" if prometheus.every_series_meets(query, op, value) else "fail"
    assert outcome.verdict == expected, outcome.message
    data = outcome.data["metrics"]
    assert data["query"] == query
    assert data["series_count"] == prometheus.count(query)
    assert data["series"] and all("labels" in s and "value" in s for s in data["series"])


def test_the_thresholds_cover_both_verdicts(prometheus: Server) -> None:
    assert {prometheus.every_series_meets(*t) for t in THRESHOLDS} == {True, False}


def test_a_failing_series_is_named_with_its_value(prometheus: Server) -> None:
    outcome = check(prometheus, {"query": "demo_error_ratio", "op": "<", "value": 0.01})
    payments = prometheus.api('demo_error_ratio{service="payments"}')[0]["value"][1]
    assert f'service="payments"}} = {float(payments):.6g}' in outcome.message
    assert "checkout" not in outcome.message
    assert outcome.figure == f"{float(payments):.6g}, not < 0.01"


def test_too_few_series_fail(prometheus: Server) -> None:
    outcome = check(prometheus, {"query": 'up{job="demo"}', "op": "==", "value": 1, "min_series": 2})
    assert outcome.verdict == "fail"
    demo = prometheus.count('up{job="demo"}')
    assert outcome.figure == f"{demo} < 2 series"


@pytest.mark.parametrize("service", ["checkout", "payments"])
def test_absent_passes_only_when_no_alert_fires_for_the_service(prometheus: Server, service: str) -> None:
    query = f'ALERTS{{alertstate="firing", service="{service}"}}'
    outcome = check(prometheus, {"query": query, "absent": True})
    assert outcome.verdict == ("pass" if prometheus.count(query) == 0 else "fail")
    if outcome.verdict == "fail":
        assert 'alertname="DemoErrorsHigh"' in outcome.message


def test_a_range_query_judges_every_sample(prometheus: Server) -> None:
    outcome = check(prometheus, {"query": "demo_ready", "op": "==", "value": 1,
                                 "range": {"last": "5s", "step": "1s"}})
    assert outcome.verdict == ("pass" if prometheus.every_series_meets("min_over_time(demo_ready[6s])", "==", 1)
                               else "fail")
    data = outcome.data["metrics"]
    assert data["result_type"] == "matrix"
    assert data["series"] and all(row["samples"] >= 1 and row["last"] == 1 for row in data["series"])


def test_the_endpoint_may_come_from_the_environment(prometheus: Server) -> None:
    outcome = metrics_query.run(
        {"endpoint": "${PROM_URL}", "query": "up", "op": ">=", "value": 0},
        Evidence(RunSpec(root=".", stage="production", network=(prometheus.host,),
                         environ={"PROM_URL": prometheus.url})))
    assert outcome.verdict == "pass"
    assert outcome.data["metrics"]["source"] == "${PROM_URL}/api/v1/query?query=up"


# -- evidence that cannot be read is an error, never a pass --------------------------------

def test_a_query_that_returns_no_series_is_an_error(prometheus: Server) -> None:
    assert prometheus.count("demo_nothing_here") == 0
    outcome = check(prometheus, {"query": "demo_nothing_here", "op": "<", "value": 1})
    assert outcome.verdict == "error"
    assert "returned no series" in outcome.message


def test_prometheus_refusing_the_query_is_an_error(prometheus: Server) -> None:
    with pytest.raises(EvidenceError, match=r"Prometheus refused the query \(HTTP 400, bad_data\): .*parse error"):
        check(prometheus, {"query": "sum(rate(demo_ready[1m])", "op": "<", "value": 1})


def test_a_result_that_is_not_numbers_is_an_error(prometheus: Server) -> None:
    with pytest.raises(EvidenceError, match="a result of type 'string' holds no numbers"):
        check(prometheus, {"query": '"a string"', "op": "==", "value": 1})


def test_a_host_not_in_settings_network_is_never_reached(prometheus: Server) -> None:
    with pytest.raises(EvidenceError, match=r"host 127\.0\.0\.1:\d+ is not allowed by settings\.network"):
        check(prometheus, {"query": "up", "op": ">=", "value": 0}, network=("127.0.0.1:1",))
    with pytest.raises(EvidenceError, match="not allowed"):
        check(prometheus, {"query": "up", "op": ">=", "value": 0}, network=())


def test_a_host_that_does_not_resolve_is_an_error(prometheus: Server) -> None:
    with pytest.raises(EvidenceError, match=r"cannot resolve host prometheus\.invalid"):
        metrics_query.run({"endpoint": "http://prometheus.invalid:9090", "query": "up", "op": "==", "value": 1},
                          Evidence(RunSpec(root=".", stage="production", network=("*.invalid",))))


def test_an_unset_environment_variable_is_an_error(prometheus: Server) -> None:
    with pytest.raises(EvidenceError, match="environment variable PROM_URL is not set"):
        metrics_query.run({"endpoint": "${PROM_URL}", "query": "up", "op": "==", "value": 1},
                          Evidence(RunSpec(root=".", stage="production", network=("*",))))


def test_a_server_that_is_not_prometheus_is_an_error(prometheus: Server) -> None:
    exporter_port = prometheus.api('up{job="demo"}')[0]["metric"]["instance"]
    with pytest.raises(EvidenceError, match=r"the answer \(HTTP 200\) is not JSON"):
        metrics_query.run({"endpoint": f"http://{exporter_port}", "query": "up", "op": "==", "value": 1},
                          Evidence(RunSpec(root=".", stage="production", network=(exporter_port,))))


# -- through the command line: settings.network and the results document ------------------

def test_a_production_run_blocks_on_a_failing_query_and_keeps_the_values(
        prometheus: Server, repo: Repo, cli: Any, tmp_path: Path) -> None:
    repo.write("clearance.yaml", POLICY.replace("HOST", prometheus.host).replace("URL", prometheus.url))
    repo.commit("policy")
    out = tmp_path / "results.json"
    run = cli("check", "--repo", repo.path, "--stage", "production", "--base", "HEAD", "--format", "json",
              "--output", out)
    assert run.code == 1, run.out + run.err
    rules = {r["id"]: r for r in json.loads(out.read_text("utf-8"))["rules"]}
    assert rules["metrics.checkout-errors"]["verdict"] == "pass"
    assert rules["metrics.all-errors"]["verdict"] == "fail"
    assert rules["metrics.missing"]["verdict"] == "error"
    kept = rules["metrics.all-errors"]["data"]["metrics"]
    assert {s["labels"]["service"]: s["value"] for s in kept["series"]} == {
        s["metric"]["service"]: float(s["value"][1]) for s in prometheus.api("demo_error_ratio")}


POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: metrics, version: 1.0.0}
settings:
  network: [HOST]
rules:
  - id: metrics.checkout-errors
    stages: [production]
    check: {metrics.query: {endpoint: URL, query: 'demo_error_ratio{service="checkout"}', op: "<", value: 0.01}}
  - id: metrics.all-errors
    stages: [production]
    check: {metrics.query: {endpoint: URL, query: demo_error_ratio, op: "<", value: 0.01}}
  - id: metrics.missing
    stages: [production]
    check: {metrics.query: {endpoint: URL, query: demo_absent_metric, op: "==", value: 1}}
"""
