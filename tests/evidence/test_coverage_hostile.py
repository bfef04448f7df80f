"""Broken and hostile coverage reports: an `error` verdict that names the file and
the problem, nothing fetched or included, and the policy's other rules still run."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import Repo, Run

REPORTS = Path(__file__).parent.parent / "fixtures" / "reports"
POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: hostile, version: 1.0.0}
inputs:
  coverage: {unit: "reports/REPORT"}
rules:
  - id: cov.total
    stages: [pr]
    check: {coverage.min: {suite: unit, min: 10}}
  - id: cov.patch
    stages: [pr]
    check: {coverage.patch: {suite: unit}}
  - id: readme
    stages: [pr]
    check: {files.exist: {paths: [README.md]}}
"""
SECRET = "TOP-SECRET-7f3a"
LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
# the first bytes of a real report of each kind: root element and first attributes
ROOTS = {
    "coverage": ('<coverage lines-valid="1" lines-covered="1" line-rate="1" branches-valid="0">'
                 "<sources><source>{body}</source></sources><packages><package name='p'><classes>"
                 "<class name='a' filename='a.py'><lines><line number='1' hits='1'/></lines></class>"
                 "</classes></package></packages></coverage>"),
    "report": ("<report name='{body}'><package name='p'><sourcefile name='A.java'>"
               "<line nr='1' mi='0' ci='1' mb='0' cb='0'/></sourcefile></package></report>"),
}


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP port that records whether anything connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def nothing_connected(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
    except BlockingIOError:
        return True
    return False


def run_with(repo: Repo, cli: Callable[..., Run], name: str, content: bytes,
             code: int = 1) -> dict[str, dict]:
    """Commit a policy, write the report (not committed) and check the PR stage."""
    repo.write("clearance.yaml", POLICY.replace("REPORT", name))
    repo.write("README.md", "# x\n")
    repo.write("a.py", "x = 1\n")
    base = repo.commit("base")
    repo.write("a.py", "x = 2\n")
    repo.commit("change")
    repo.write(f"reports/{name}", content)
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    assert run.code == code, run.out + run.err
    return {r["id"]: r for r in json.loads(run.out)["rules"]}


def assert_error(rules: dict[str, dict], name: str, problem: str) -> None:
    for rule_id in ("cov.total", "cov.patch"):
        rule = rules[rule_id]
        assert rule["verdict"] == "error", rule
        assert f"reports/{name}" in rule["message"]
        assert problem in rule["message"], rule["message"]
        assert rule["findings"][0]["file"] == f"reports/{name}"
    assert rules["readme"]["verdict"] == "pass"


def document(root: str, doctype: str = "", body: str = "x") -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' + (f"<!DOCTYPE {root} [{doctype}]>\n" if doctype else "")
    return (head + ROOTS[root].format(body=body)).encode()


@pytest.mark.parametrize("root", ROOTS)
def test_truncated_xml(repo: Repo, cli: Callable[..., Run], root: str) -> None:
    whole = document(root)
    rules = run_with(repo, cli, "cut.xml", whole[: len(whole) * 2 // 3])
    assert_error(rules, "cut.xml", "not well-formed XML")
    assert rules["cov.total"]["findings"][0]["line"] is not None


@pytest.mark.parametrize("root", ROOTS)
def test_billion_laughs(repo: Repo, cli: Callable[..., Run], root: str) -> None:
    bomb = document(root, '<!ENTITY l0 "ha">' + LAUGHS, body="&l9;")
    rules = run_with(repo, cli, "laughs.xml", bomb)
    assert_error(rules, "laughs.xml", "entity declaration 'l0' refused")


@pytest.mark.parametrize("root", ROOTS)
def test_external_entity_to_a_local_file_is_not_included(
        repo: Repo, cli: Callable[..., Run], tmp_path: Path, root: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    xxe = document(root, f'<!ENTITY x SYSTEM "file://{secret}">', body="&x;")
    rules = run_with(repo, cli, "xxe.xml", xxe)
    assert_error(rules, "xxe.xml", "external entity 'x'")
    assert SECRET not in json.dumps(rules)


@pytest.mark.parametrize("root", ROOTS)
def test_external_entity_over_http_is_not_fetched(
        repo: Repo, cli: Callable[..., Run], listener: socket.socket, root: str) -> None:
    port = listener.getsockname()[1]
    entities = f'<!ENTITY x SYSTEM "http://127.0.0.1:{port}/x"><!ENTITY y SYSTEM "http://127.0.0.1:9/x">'
    rules = run_with(repo, cli, "remote.xml", document(root, entities, body="&x;&y;"))
    assert_error(rules, "remote.xml", "nothing was fetched")
    assert nothing_connected(listener)


@pytest.mark.parametrize("root", ROOTS)
def test_an_external_dtd_is_never_fetched(
        repo: Repo, cli: Callable[..., Run], listener: socket.socket, root: str) -> None:
    port = listener.getsockname()[1]
    text = document(root).decode().replace(
        "?>\n", f'?>\n<!DOCTYPE {root} SYSTEM "http://127.0.0.1:{port}/report.dtd">\n', 1)
    repo.write("src/main/java/p/A.java", "class A {}\n")  # the file the JaCoCo report names
    rules = run_with(repo, cli, "dtd.xml", text.encode(), code=0)
    assert rules["cov.total"]["verdict"] == "pass", rules["cov.total"]
    assert rules["cov.total"]["figure"] == "100 >= 10"
    assert nothing_connected(listener)


@pytest.mark.parametrize("name", ["empty.xml", "empty.json", "empty.info", ".coverage"])
def test_empty_file(repo: Repo, cli: Callable[..., Run], name: str) -> None:
    assert_error(run_with(repo, cli, name, b""), name, "the file is empty")


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("junit.xml", (REPORTS / "junit" / "junit-pytest.xml").read_bytes(), "root element is <testsuites>"),
    ("sarif.xml", (REPORTS / "sarif" / "ruff.sarif").read_bytes(), "not an Istanbul report"),
    ("notes.xml", b"these are not coverage figures\n", "not a coverage report"),
    ("coverage.json", b'{"meta": {"format": 3}, "files": {"a.py": {"executed_lines": [1]', "not valid JSON"),
    ("lcov.info", b"TN:\nSF:a.py\nDA:1,1\n", "no end_of_record"),
    ("hits.xml", b"<coverage><packages><package><classes><class filename='a.py'><lines>"
     b"<line number='1' hits='many'/></lines></class></classes></package></packages></coverage>",
     "must be a number"),
    ("jacoco.xml", b"<report name='x'><package name='p'><sourcefile name='A.java'>"
     b"<line nr='1' mi='0' ci='lots'/></sourcefile></package></report>", "ci='lots' is not a number"),
    ("shape.json", b'{"meta": {"format": 3}, "files": {"a.py": {"executed_lines": [1]}}}',
     "not a coverage.py JSON report: missing 'missing_lines'"),
    ("future.json", b'{"meta": {"format": 9}, "files": {}}', "unsupported coverage.py JSON format 9"),
    ("summary.json", b'{"total": {"lines": {}}, "a.js": {"lines": {"covered": 1}}}',
     "not a coverage-summary.json report: missing 'total'"),
    ("bad.info", b"TN:\nSF:a.py\nDA:one,1\nend_of_record\n", "malformed DA line"),
    (".coverage", b"!coverage.py: This is a private format, don't read it directly!{}",
     "not a coverage.py data file"),
    (".coverage.ci", b"SQLite format 3\x00" + b"\x00" * 200, "not a coverage.py data file"),
])
def test_wrong_format(repo: Repo, cli: Callable[..., Run], name: str, content: bytes, problem: str) -> None:
    assert_error(run_with(repo, cli, name, content), name, problem)


def test_an_sqlite_file_that_is_not_coverage_data_is_left_unchanged(
        repo: Repo, cli: Callable[..., Run], tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("create table notes (text)")
    db.close()
    content = other.read_bytes()
    rules = run_with(repo, cli, ".coverage", content)
    assert_error(rules, ".coverage", "not a coverage.py data file")
    assert (repo.path / "reports/.coverage").read_bytes() == content
