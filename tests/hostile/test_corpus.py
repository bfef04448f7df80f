"""The hostile corpus: every case gets its expected outcome, never a traceback or a pass."""

from __future__ import annotations

import json
import shutil
import socket
import threading
from pathlib import Path

import pytest

from helpers import Repo

CORPUS = Path(__file__).parent / "corpus"

RULES = """\
metadata: {name: hostile}
settings: {max_input_bytes: 1000000}
inputs:
  coverage: {unit: build/coverage.xml}
  junit: [build/junit.xml]
  sarif: [build/lint.sarif]
  features: ["features/**/*.feature"]
  tests: ["tests/**/*.py"]
rules:
  - {id: sentinel, stages: [pr], check: {files.exist: {paths: [README.md]}}}
  - {id: coverage, stages: [pr], check: {coverage.min: {suite: unit, min: 10}}}
  - {id: junit, stages: [pr], check: {tests.junit: {}}}
  - {id: sarif, stages: [pr], check: {findings.sarif: {}}}
  - {id: spec, stages: [pr], check: {spec.valid: {}}}
"""

# (corpus file, where it goes, rule, verdict, words the message must hold)
REPORTS = [
    ("billion-laughs-coverage.xml", "build/coverage.xml", "coverage", "error", "refused"),
    ("xxe-file-coverage.xml", "build/coverage.xml", "coverage", "error", "refused"),
    ("truncated-coverage.xml", "build/coverage.xml", "coverage", "error", "not well-formed"),
    ("billion-laughs-junit.xml", "build/junit.xml", "junit", "error", "refused"),
    ("xxe-http-junit.xml", "build/junit.xml", "junit", "error", "refused"),
    ("nul-bytes-junit.xml", "build/junit.xml", "junit", "error", "not well-formed"),
    ("invalid-utf8-junit.xml", "build/junit.xml", "junit", "error", "not well-formed"),
    ("sarif-wrong-version.sarif", "build/lint.sarif", "sarif", "error", "2.0.0"),
    ("sarif-deep.sarif", "build/lint.sarif", "sarif", "error", "build/lint.sarif"),
    ("two-backgrounds.feature", "features/a.feature", "spec", "fail", "Background"),
    ("invalid-utf8.feature", "features/a.feature", "spec", "fail", "features/a.feature"),
]
POLICIES = ["alias-bomb-policy.yaml", "deep-policy.yaml", "invalid-utf8-policy.yaml", "nul-policy.yaml"]
ESCAPES = [("dotdot-policy.yaml", "up"), ("absolute-policy.yaml", "abs")]


@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1:9 (if free) that records any connection: nothing may be fetched."""
    hits: list[str] = []
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", 9))
    except OSError:
        sock.close()
        yield hits
        return
    sock.listen()
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            hits.append("connection")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield hits
    stop.set()
    thread.join(2)
    sock.close()


def project(repo: Repo) -> str:
    repo.write("clearance.yaml", RULES)
    repo.write("README.md", "hi\n")
    base = repo.commit("initial")
    return base


def run_pr(cli, repo: Repo, base: str, *extra: str) -> tuple[int, dict[str, dict]]:
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json", *extra)
    assert "Traceback" not in run.err
    return run.code, {r["id"]: r for r in json.loads(run.out)["rules"]}


@pytest.mark.parametrize(("name", "target", "rule", "verdict", "words"), REPORTS)
def test_hostile_evidence_file(repo: Repo, cli, listener, name, target, rule, verdict, words) -> None:
    base = project(repo)
    (repo.path / target).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CORPUS / name, repo.path / target)
    if target.endswith(".feature"):
        repo.commit("feature")
    code, rules = run_pr(cli, repo, base)
    assert code == 1
    assert rules[rule]["verdict"] == verdict, rules[rule]["message"]
    text = rules[rule]["message"] + " ".join(f["message"] + f["file"] for f in rules[rule]["findings"])
    assert words in text
    assert rules["sentinel"]["verdict"] == "pass"
    assert listener == []


@pytest.mark.parametrize("name", POLICIES)
def test_hostile_policy_is_a_configuration_error(repo: Repo, cli, name) -> None:
    shutil.copyfile(CORPUS / name, repo.path / "clearance.yaml")
    repo.stage("clearance.yaml")  # the commit stage reads the policy from the index
    for argv in (("validate", "--repo", repo.path), ("check", "--repo", repo.path)):
        run = cli(*argv)
        assert run.code == 2
        assert run.err.startswith("clearance: clearance.yaml")
        assert "Traceback" not in run.err


@pytest.mark.parametrize(("name", "rule"), ESCAPES)
def test_paths_out_of_the_repository_are_refused(repo: Repo, cli, name, rule) -> None:
    shutil.copyfile(CORPUS / name, repo.path / "clearance.yaml")
    base = repo.commit("policy")
    code, rules = run_pr(cli, repo, base)
    assert code == 1
    assert rules[rule]["verdict"] == "error"
    assert "leaves the repository" in rules[rule]["message"]


def test_a_report_over_the_size_limit(repo: Repo, cli) -> None:
    base = project(repo)
    cases = "".join(f'<testcase name="case {i}" classname="c"/>' for i in range(40000))
    repo.write("build/junit.xml", f"<testsuite>{cases}</testsuite>")
    assert (repo.path / "build/junit.xml").stat().st_size > 1_000_000
    _, rules = run_pr(cli, repo, base)
    assert rules["junit"]["verdict"] == "error"
    assert "over the limit of 1000000 bytes" in rules["junit"]["message"]
    assert "max_input_bytes" in rules["junit"]["message"]


def test_a_symlink_out_of_the_repository(repo: Repo, cli, tmp_path) -> None:
    base = project(repo)
    outside = tmp_path / "elsewhere.xml"
    outside.write_text('<testsuite><testcase name="a"/></testsuite>')
    (repo.path / "build").mkdir()
    (repo.path / "build" / "junit.xml").symlink_to(outside)
    _, rules = run_pr(cli, repo, base)
    assert rules["junit"]["verdict"] == "error"
    assert "outside the repository" in rules["junit"]["message"]


def test_terminal_escapes_in_file_names_and_contents_are_shown_escaped(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "rules:\n  - {id: markers, stages: [commit], check: {git.conflict_markers: {}}}\n")
    repo.commit("initial")
    name = "evil\x1b[2Jname\x07.txt"
    repo.write(name, "<<<<<<< \x1b]0;title\x07\n")
    repo.stage(name)
    run = cli("check", "--repo", repo.path)
    assert run.code == 1
    assert "\x1b" not in run.out and "\x07" not in run.out
    assert "evil\\x1b[2Jname\\x07.txt:1: markers" in run.out


def test_a_hostile_pr_body_is_evaluated_and_printed_inert(repo: Repo, cli, tmp_path) -> None:
    repo.write("clearance.yaml", "rules:\n"
               "  - {id: sections, stages: [pr], check: {pr.sections: {required: [Summary, Testing, Rollback]}}}\n"
               "  - {id: boxes, stages: [pr], check: {pr.checklist: {all: true}}}\n"
               '  - {id: echo, stages: [pr], check: {pr.checklist: {items: ["\\e[31m red", "x\\n::error::injected"]}}}\n')
    base = repo.commit("initial")
    marker = Path("/tmp/clearance-pwned")
    marker.unlink(missing_ok=True)
    for fmt in ("text", "github", "markdown"):
        run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base,
                  "--pr-body", CORPUS / "hostile-body.md", "-f", fmt)
        assert run.code == 1, run.err
        assert "\x1b" not in run.out and "\x07" not in run.out and "\u202e" not in run.out
        lines = run.out.splitlines()
        assert not [line for line in lines if line.startswith(("::set-output", "::error file=x", "::error::inj"))]
        assert "red" in run.out and "injected" in run.out  # the hostile text is shown, inert
        assert "<script>" not in run.out
    assert not marker.exists()
