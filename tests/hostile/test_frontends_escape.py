"""Every front end over hostile text: terminal escapes, workflow commands and HTML never survive."""

from __future__ import annotations

import json
import re

import pytest

from helpers import Repo

EVIL = "\x1b[31mred\x1b[0m\x07\r\n::error::injected\n::set-output name=verdict::pass\n<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))\u202e"
POLICY = """\
metadata: {name: hostile}
rules:
  - {id: names, stages: [pr], check: {files.absent: {paths: ["**/*.txt"]}}}
  - {id: messages, stages: [pr], check: {git.commit_message: {pattern: "^feat: "}}}
  - {id: items, stages: [pr], check: {pr.checklist: {all: true}}}
  - {id: markers, stages: [pr], check: {git.conflict_markers: {}}}
"""
WORKFLOW = re.compile(r"^::(error|warning|notice|set-output|add-mask|stop-commands|debug)\b")


@pytest.fixture
def hostile(repo: Repo, tmp_path) -> tuple[Repo, str, str]:
    repo.write("clearance.yaml", POLICY)
    base = repo.commit("feat: policy")
    name = "x\x1b[2Jy<script>\n::error::z.txt"
    repo.write(name, "<<<<<<< " + EVIL + "\n")
    repo.commit(EVIL)
    body = tmp_path / "body.md"
    body.write_text(f"## Checks\n\n- [ ] {EVIL.splitlines()[0]}\n- [ ] <script>alert(2)</script> ::error::boxed\n")
    return repo, base, str(body)


def render(cli, hostile, fmt: str) -> str:
    repo, base, body = hostile
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "--pr-body", body,
              "--branch", "evil\x1b[0m<b>", "-f", fmt)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    return run.out


def no_terminal_controls(text: str) -> None:
    assert not [c for c in text if c in "\x1b\x07\r\u202e"], "raw control character in output"


def test_text(cli, hostile) -> None:
    out = render(cli, hostile, "text")
    no_terminal_controls(out)
    assert not [line for line in out.splitlines() if WORKFLOW.match(line)]
    assert "\\x1b[31mred" in out  # shown, as visible escapes


def test_json(cli, hostile) -> None:
    out = render(cli, hostile, "json")
    no_terminal_controls(out)
    doc = json.loads(out)
    assert any("\x1b[31mred" in r["message"] for r in doc["rules"])  # kept, JSON-escaped


def test_github(cli, hostile) -> None:
    out = render(cli, hostile, "github")
    no_terminal_controls(out)
    lines = out.splitlines()
    stopped = None
    for line in lines:
        if stopped:
            if line == f"::{stopped}::":
                stopped = None
            continue
        if line.startswith("::stop-commands::"):
            stopped = line.split("::")[2]
            assert len(stopped) >= 16
            continue
        if WORKFLOW.match(line):
            command = line.split("::")[1].split(" ")[0]
            assert command in ("error", "warning", "notice"), line
            assert "::error::injected" not in line or "%0A::error::injected" in line  # escaped newline
    assert stopped is None


def test_markdown(cli, hostile) -> None:
    out = render(cli, hostile, "markdown")
    no_terminal_controls(out)
    assert not re.search(r"(?<!\\)<(script|img)", out) and "](javascript:" not in out
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(out)
    assert "<script" not in html and "<img" not in html and 'href="javascript:' not in html


def test_html(cli, hostile) -> None:
    out = render(cli, hostile, "html")
    no_terminal_controls(out)
    assert "<script" not in out.lower() and "<img" not in out.lower()
    assert not re.search(r"<[^>]+\son\w+\s*=", out), "an event handler attribute"
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", out, re.IGNORECASE)
    assert "&lt;script&gt;" in out


def test_sarif_and_junit_are_well_formed(cli, hostile) -> None:
    sarif = json.loads(render(cli, hostile, "sarif"))
    assert sarif["version"] == "2.1.0"
    import defusedxml.ElementTree as ET

    junit = render(cli, hostile, "junit")
    no_terminal_controls(junit)
    assert ET.fromstring(junit.encode()).tag in ("testsuites", "testsuite")
