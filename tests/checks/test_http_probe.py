"""`http.probe` end to end: the CLI at the staging stage, a health endpoint served on
127.0.0.1 by the test, and the policy's settings.network deciding what may be reached."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator

import pytest
from tests.checks.github_stage import PROXY_VARS, Stage, Verdict
from tests.checks.health_server import Health, Reply, as_json, serving

from helpers import Repo, Run

OTHER = "4a8f8b1e0c2d3f4e5a6b7c8d9e0f1a2b3c4d5e6f"  # the commit deployed before
FAST = "attempts: 1, timeout: 2"

Probe = Callable[..., Verdict]


@pytest.fixture
def health(monkeypatch: pytest.MonkeyPatch) -> Iterator[Health]:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    with serving() as server:
        yield server


@pytest.fixture
def probe(repo: Repo, cli: Callable[..., Run], health: Health) -> tuple[Stage, Probe]:
    """Commit a policy with one http.probe rule; `answer(head)` scripts the endpoint first."""
    stage = Stage(repo, cli)

    def run(params: str, network: str | None = None,
            answer: Callable[[str], None] = lambda head: None) -> Verdict:
        allowed = health.host if network is None else network
        settings = f"settings: {{network: [{allowed}]}}\n" if allowed else ""
        answer(stage.commit("http.probe", params, "staging", settings))
        return stage.check("staging")

    return stage, run


def up(commit: str) -> Reply:
    return as_json(200, {"status": "UP", "commit": commit, "components": [{"name": "db", "up": True}]})


def test_a_healthy_endpoint_serving_the_head_commit_passes(probe: tuple[Stage, Probe],
                                                            health: Health) -> None:
    stage, run = probe
    got = run(f"{{url: '{health.url('/health')}', expect: {{json: {{status: UP, commit: '{{head}}', "
              f"components.0.up: true}}}}, {FAST}}}",
              answer=lambda head: health.answer("/health", up(head)))
    assert (got.verdict, got.run.code) == ("pass", 0)
    data = got.rule["data"]["probe"]
    body = json.dumps({"status": "UP", "commit": stage.head,
                       "components": [{"name": "db", "up": True}]}).encode()
    assert (data["status"], data["sha256"], data["attempts"]) == (200, hashlib.sha256(body).hexdigest(), 1)
    assert data["values"] == {"status": "UP", "commit": stage.head, "components.0.up": True}
    assert isinstance(data["latency_ms"], float) and data["latency_ms"] >= 0
    assert got.rule["figure"] == "3/3 values as expected"
    record = [e for e in got.rule["evidence"] if e["path"].startswith("http:GET ")]
    assert record == [{"path": f"http:GET {health.url('/health')}", "sha256": data["sha256"],
                       "source": "api"}]
    assert data["size"] == len(body)


def test_a_service_that_is_down_fails(probe: tuple[Stage, Probe], health: Health) -> None:
    _, run = probe
    health.answer("/health", as_json(503, {"status": "DOWN"}))
    got = run(f"{{url: '{health.url('/health')}', expect: {{json: {{status: UP}}}}, attempts: 2, "
              "backoff: 0.01}")
    assert (got.verdict, got.run.code) == ("fail", 1)
    assert got.rule["message"].endswith("answered 503 in " + f"{got.rule['data']['probe']['latency_ms']:g}"
                                        + " ms; expected 200")
    assert health.hits["/health"] == 2


def test_the_previous_commit_still_serving_fails(probe: tuple[Stage, Probe], health: Health) -> None:
    _, run = probe
    health.answer("/health", up(OTHER))
    got = run(f"{{url: '{health.url('/health')}', expect: {{json: {{commit: '{{head}}'}}}}, {FAST}}}")
    assert got.verdict == "fail"
    assert f'commit is "{OTHER}", expected "' in got.rule["message"]
    assert got.rule["figure"] == "0/1 values as expected"


def test_a_rollout_that_finishes_within_the_attempts_passes(probe: tuple[Stage, Probe],
                                                            health: Health) -> None:
    _, run = probe
    got = run(f"{{url: '{health.url('/version')}', expect: {{json: {{commit: '{{head:7}}'}}}}, "
              "attempts: 4, backoff: 0.01}",
              answer=lambda head: health.answer("/version", as_json(502, {}), up(OTHER[:7]),
                                                up(head[:7])))
    assert (got.verdict, got.rule["data"]["probe"]["attempts"]) == ("pass", 3)
    assert health.hits["/version"] == 3


def test_a_slow_endpoint_is_an_error_after_its_timeout(probe: tuple[Stage, Probe],
                                                       health: Health) -> None:
    _, run = probe
    health.answer("/health", as_json(200, {"status": "UP"}, delay=1.0))
    got = run(f"{{url: '{health.url('/health')}', timeout: 0.2, attempts: 1}}")
    assert (got.verdict, got.run.code) == ("error", 1)
    assert got.rule["message"] == "no answer from 127.0.0.1 within 0.2 s (after 1 attempt)"


def test_a_redirect_within_the_allowed_host_is_followed(probe: tuple[Stage, Probe],
                                                        health: Health) -> None:
    _, run = probe
    health.answer("/old", Reply(302, b"", {"Location": "/health"}))
    health.answer("/health", as_json(200, {"status": "UP"}))
    got = run(f"{{url: '{health.url('/old')}', expect: {{json: {{status: UP}}}}, {FAST}}}")
    assert got.verdict == "pass"
    assert got.rule["data"]["probe"]["final_url"] == health.url("/health")


def test_a_redirect_to_another_host_is_refused(probe: tuple[Stage, Probe], health: Health) -> None:
    _, run = probe
    health.answer("/health", Reply(302, b"", {"Location": "http://localhost:{host}/health".replace(
        "{host}", str(health.port))}))
    got = run(f"{{url: '{health.url('/health')}', {FAST}}}")
    assert got.verdict == "error"
    assert "redirect from " + health.url("/health") + " refused" in got.rule["message"]
    assert f"host localhost:{health.port} is not allowed by settings.network" in got.rule["message"]
    assert health.hits == {"/health": 1}


@pytest.mark.parametrize("network", ["'127.0.0.1:1'", "'*.example.com'", ""])
def test_a_url_the_policy_does_not_allow_is_an_error_and_never_requested(
        probe: tuple[Stage, Probe], health: Health, network: str) -> None:
    _, run = probe
    health.answer("/health", as_json(200, {"status": "UP"}))
    got = run(f"{{url: '{health.url('/health')}', {FAST}}}", network=network)
    assert (got.verdict, got.run.code) == ("error", 1)
    assert f"host {health.host} is not allowed by settings.network" in got.rule["message"]
    assert health.hits == {}


def test_a_name_that_does_not_resolve_is_an_error(probe: tuple[Stage, Probe]) -> None:
    _, run = probe
    got = run(f"{{url: 'http://health.staging.invalid/health', {FAST}}}", network="'*.invalid'")
    assert got.verdict == "error"
    assert got.rule["message"].startswith("cannot resolve host health.staging.invalid (DNS: ")


def test_https_to_a_plain_http_port_is_a_tls_error(probe: tuple[Stage, Probe], health: Health) -> None:
    _, run = probe
    got = run(f"{{url: 'https://{health.host}/health', {FAST}}}")
    assert got.verdict == "error"
    assert got.rule["message"].startswith("TLS failure with 127.0.0.1: ")


def test_a_body_that_is_not_json_fails(probe: tuple[Stage, Probe], health: Health) -> None:
    _, run = probe
    health.answer("/health", Reply(200, b"<html>maintenance</html>"))
    got = run(f"{{url: '{health.url('/health')}', expect: {{json: {{status: UP}}}}, {FAST}}}")
    assert (got.verdict, got.rule["figure"]) == ("fail", "not JSON")


def test_the_host_may_come_from_an_environment_variable(
        probe: tuple[Stage, Probe], health: Health, monkeypatch: pytest.MonkeyPatch) -> None:
    _, run = probe
    health.answer("/staging/health", as_json(200, {"status": "UP"}))
    monkeypatch.setenv("HEALTH_HOST", health.host)
    got = run("{url: 'http://${HEALTH_HOST}/{environment}/health', " + FAST + "}")
    assert got.verdict == "pass"
    assert got.rule["data"]["probe"]["url"] == health.url("/staging/health")
    monkeypatch.delenv("HEALTH_HOST")
    unset = run("{url: 'http://${HEALTH_HOST}/health', " + FAST + "}")
    assert unset.verdict == "error"
    assert "environment variable HEALTH_HOST is not set" in unset.rule["message"]


def test_a_variable_in_the_path_is_refused_at_validation(repo: Repo, cli: Callable[..., Run]) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\nsettings: {network: ['*.example.com']}\n"
                                 "rules:\n  - id: probe\n    stages: [staging]\n"
                                 "    check: {http.probe: {url: 'https://app.example.com/${TOKEN}'}}\n")
    run = cli("validate", repo.path / "clearance.yaml")
    assert run.code == 2
    assert "clearance.yaml:6:" in run.err
    assert "url: ${NAME} is allowed only in the scheme and host part" in run.err
