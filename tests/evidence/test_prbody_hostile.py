"""A `pull_request` event payload with a hostile body is read safely and evaluated:
shell metacharacters, workflow-command lines, HTML, terminal escapes, invalid
UTF-8 and a megabyte of text reach no shell, no terminal and no annotation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: team, version: 1.0.0}
rules:
  - id: pr.description
    stages: [pr]
    check: {pr.sections: {required: [Summary, Testing]}}
  - id: pr.checklist
    stages: [pr]
    check: {pr.checklist: {all: true}}
  - id: pr.spec-link
    stages: [pr]
    check: {pr.links: {to: "docs/**/*.feature"}}
  - id: pr.title
    stages: [pr]
    check: {pr.title: {pattern: "^feat"}}
"""
ESC = "\x1b"
HOSTILE_LINES = [
    "::error::injected annotation",
    "::stop-commands::token",
    "::set-output name=x::y",
    f"{ESC}[2J{ESC}[31mred{ESC}[0m {ESC}]8;;https://evil.example{ESC}\\link{ESC}]8;;{ESC}\\",
    "$(touch {pwned}) `touch {pwned}` ; rm -rf / | cat /etc/passwd && echo $HOME",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "right-to-left \u202e override and a lone surrogate \ud800 here",
]


def hostile_body(pwned: Path, size: int = 1_000_000) -> str:
    lines = [line.replace("{pwned}", str(pwned)) for line in HOSTILE_LINES]
    head = "\n".join([
        "## Summary", "Adds sign-in. See [spec](docs/features/sign-in.feature).", *lines, "",
        "## Testing", "Unit tests.", "",
        "## Checklist", *(f"- [ ] {line}" for line in lines), "- [x] ::error::ticked", "",
        "## Notes", "",
    ])
    paragraph = " ".join(lines[i % len(lines)] for i in range(12)) + "\n\n"
    filler = paragraph * (size // len(paragraph.encode("utf-8", "surrogatepass")) + 1)
    return head + filler + "::error::last line\n"


def write_event(path: Path, body: str, title: str) -> Path:
    payload = {"action": "opened", "pull_request": {
        "number": 1, "title": title, "body": body, "user": {"login": "mallory"}}}
    raw = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")
    raw = raw.replace(b"Adds sign-in.", b"Adds \xff\xfe\xc3 sign-in.", 1)  # invalid UTF-8
    path.write_bytes(raw)
    return path


@pytest.fixture
def project(repo):
    repo.write("clearance.yaml", POLICY)
    repo.write("docs/features/sign-in.feature", "Feature: Sign in\n")
    base = repo.commit("chore: initial")
    repo.write("src/app.py", "print(1)\n")
    repo.commit("feat: app")
    return repo, base


def test_a_hostile_event_body_is_read_safely_and_evaluated(project, cli, tmp_path) -> None:
    repo, base = project
    pwned = tmp_path / "pwned"
    event = write_event(tmp_path / "event.json", hostile_body(pwned),
                        title=f"feat: {ESC}[31m::error::title\n::warning::x")
    assert event.stat().st_size > 1_000_000
    results, annotations = tmp_path / "results.json", tmp_path / "github.txt"
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "--event", event,
              "-f", "text", "-f", f"json={results}", "-f", f"github={annotations}")
    assert run.code == 1, run.out + run.err
    assert "Traceback" not in run.err
    assert not pwned.exists()
    verdicts = {r["id"]: r["verdict"] for r in json.loads(results.read_text("utf-8"))["rules"]}
    assert verdicts == {"pr.description": "pass", "pr.checklist": "fail",
                        "pr.spec-link": "pass", "pr.title": "pass"}
    assert ESC not in run.out
    assert not [line for line in run.out.splitlines() if line.startswith("::")]
    assert "not ticked: ::error::injected annotation" in run.out
    commands = annotations.read_text("utf-8").splitlines()
    assert ESC not in annotations.read_text("utf-8")
    assert not [line for line in commands if line.startswith(("::error::", "::warning::", "::set-"))]


def test_invalid_utf8_in_the_body_becomes_replacement_characters(project, cli, tmp_path) -> None:
    repo, base = project
    event = write_event(tmp_path / "event.json", "## Summary\nAdds sign-in.\n\n## Testing\nyes\n",
                        title="feat: x")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "--event", event,
              "-f", "json")
    rule = next(r for r in json.loads(run.out)["rules"] if r["id"] == "pr.description")
    assert rule["verdict"] == "pass"


def test_a_body_over_one_mebibyte_is_an_error_naming_the_limit(project, cli, tmp_path) -> None:
    repo, base = project
    body = "## Summary\n" + "x" * (1 << 20)
    event = write_event(tmp_path / "event.json", body, title="feat: big")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "--event", event,
              "-f", "json")
    assert run.code == 1
    found = {r["id"]: r for r in json.loads(run.out)["rules"]}
    for rule_id in ("pr.description", "pr.checklist", "pr.spec-link", "pr.title"):
        assert found[rule_id]["verdict"] == "error"
    assert found["pr.description"]["message"].startswith(
        "PR body: PR body is over the limit of 1048576 bytes (1 MiB); not evaluated")


def test_a_hostile_body_from_a_file_is_as_safe_in_text_output(project, cli, tmp_path) -> None:
    repo, base = project
    pwned = tmp_path / "pwned"
    body = tmp_path / "body.md"
    body.write_bytes(hostile_body(pwned, size=50_000).encode("utf-8", "surrogatepass") + b"\xff\xfe")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "--pr-body", body)
    assert run.code == 1
    assert ESC not in run.out and "\r" not in run.out
    assert not [line for line in run.out.splitlines() if line.startswith("::")]
    assert not pwned.exists()
