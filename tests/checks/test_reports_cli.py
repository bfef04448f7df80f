"""`clearance check` end to end with JUnit and SARIF reports in a real repository."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import Repo, Run

REPORTS = Path(__file__).parent.parent / "fixtures" / "reports"
POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: reports, version: 1.0.0}
inputs:
  junit: ["build/test-results/**/*.xml"]
  sarif: {lint: "build/lint/*.sarif", security: ["build/security/*.sarif"]}
rules:
  - id: tests.pass
    check: {tests.junit: {min_tests: 2}}
  - id: lint.clean
    check: {findings.sarif: {tool: lint}}
  - id: security.clean
    check: {findings.sarif: {tool: security, level: warning}}
  - id: readme
    check: {files.exist: {paths: [README.md]}}
"""
CLEAN_JUNIT = '<testsuites><testsuite name="unit"><testcase classname="t" name="a"/>' \
              '<testcase classname="t" name="b"/></testsuite></testsuites>'
CLEAN_SARIF = json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "bandit"}},
                                                        "results": []}]})


@pytest.fixture
def pr(repo: Repo) -> tuple[Repo, str]:
    repo.write("README.md", "# app\n")
    repo.write("clearance.yaml", POLICY)  # in force at the base
    base = repo.commit("chore: initial")
    repo.write("src/app.py", "print('v2')\n")
    repo.commit("feat: app")
    return repo, base


def check(cli: Callable[..., Run], repo: Repo, base: str) -> tuple[Run, dict[str, Any]]:
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    return run, json.loads(run.out)


def rules(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in doc["rules"]}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def clean_reports(repo: Repo) -> None:
    repo.write("build/test-results/unit/junit.xml", CLEAN_JUNIT)
    repo.write("build/lint/ruff.sarif", (REPORTS / "sarif" / "ruff-clean.sarif").read_text("utf-8"))
    repo.write("build/security/bandit.sarif", CLEAN_SARIF)


def test_real_reports_fail_and_every_input_is_recorded(pr: tuple[Repo, str], cli: Callable[..., Run]) -> None:
    repo, base = pr
    for name in ("junit-pytest.xml", "junit-vitest.xml"):
        target = repo.path / "build/test-results" / name.removesuffix(".xml") / name
        target.parent.mkdir(parents=True)
        shutil.copy(REPORTS / "junit" / name, target)
    (repo.path / "build/lint").mkdir(parents=True)
    shutil.copy(REPORTS / "sarif" / "ruff.sarif", repo.path / "build/lint/ruff.sarif")
    repo.write("build/security/bandit.sarif", CLEAN_SARIF)
    run, doc = check(cli, repo, base)
    assert run.code == 1
    found = rules(doc)
    assert {k: v["verdict"] for k, v in found.items()} == {
        "tests.pass": "fail", "lint.clean": "fail", "security.clean": "pass", "readme": "pass"}
    assert found["tests.pass"]["figure"] == "3 failed of 6"
    assert found["tests.pass"]["data"]["junit"]["skipped"] == 1
    assert found["lint.clean"]["figure"] == "3 results at level >= error"
    assert [f["line"] for f in found["lint.clean"]["findings"]] == [1, 2, 7]
    inputs = {i["path"]: i["sha256"] for i in doc["inputs"]}
    for rel in ("build/test-results/junit-pytest/junit-pytest.xml",
                "build/test-results/junit-vitest/junit-vitest.xml",
                "build/lint/ruff.sarif", "build/security/bandit.sarif"):
        assert inputs[rel] == digest(repo.path / rel)
    evidence = {e["path"] for e in found["lint.clean"]["evidence"]}
    assert evidence == {"build/lint/ruff.sarif"}


def test_clean_reports_pass(pr: tuple[Repo, str], cli: Callable[..., Run]) -> None:
    repo, base = pr
    clean_reports(repo)
    run, doc = check(cli, repo, base)
    assert run.code == 0, run.out + run.err
    assert {r["verdict"] for r in doc["rules"]} == {"pass"}
    assert rules(doc)["tests.pass"]["figure"] == "0 failed of 2"


def test_missing_reports_are_errors_not_passes(pr: tuple[Repo, str], cli: Callable[..., Run]) -> None:
    repo, base = pr
    run, doc = check(cli, repo, base)
    assert run.code == 1
    verdicts = {k: v["verdict"] for k, v in rules(doc).items()}
    assert verdicts == {"tests.pass": "error", "lint.clean": "error", "security.clean": "error",
                        "readme": "pass"}
    assert "no JUnit report matches" in rules(doc)["tests.pass"]["message"]


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
                  + "".join(f'<!ENTITY {c} "{f"&{p};" * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
                  + ']><testsuite name="&i;"><testcase name="x"/></testsuite>')
BROKEN = [
    ("build/test-results/unit/junit.xml", '<testsuites><testsuite name="u"><testcase name="a">',
     "tests.pass", "not well-formed"),
    ("build/test-results/unit/junit.xml", BILLION_LAUGHS, "tests.pass", "refused"),
    ("build/test-results/unit/junit.xml", '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM '
     '"file:///etc/passwd">]><testsuite name="&x;"/>', "tests.pass", "refused"),
    ("build/test-results/unit/junit.xml", '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM '
     '"http://127.0.0.1:9/x">]><testsuite><testcase name="&x;"/></testsuite>', "tests.pass", "refused"),
    ("build/test-results/unit/junit.xml", "", "tests.pass", "the file is empty"),
    ("build/test-results/unit/junit.xml", '{"tests": []}', "tests.pass", "this is JSON, not JUnit XML"),
    ("build/test-results/unit/junit.xml", "<coverage/>", "tests.pass", "not a JUnit report"),
    ("build/lint/ruff.sarif", '{"version": "2.1.0", "runs": [', "lint.clean", "invalid JSON"),
    ("build/lint/ruff.sarif", '{"version": "2.0.0", "runs": []}', "lint.clean", "2.1.0 expected"),
    ("build/lint/ruff.sarif", CLEAN_JUNIT, "lint.clean", "invalid JSON"),
]


@pytest.mark.parametrize(("path", "text", "rule", "words"), BROKEN)
def test_broken_report_is_an_error_naming_the_file(pr: tuple[Repo, str], cli: Callable[..., Run],
                                                   path: str, text: str, rule: str, words: str) -> None:
    repo, base = pr
    clean_reports(repo)
    repo.write(path, text)
    run, doc = check(cli, repo, base)
    assert run.code == 1
    found = rules(doc)
    assert found[rule]["verdict"] == "error"
    assert path in found[rule]["message"] and words in found[rule]["message"]
    assert found[rule]["findings"][0]["file"] == path
    assert "root:" not in run.out  # nothing of /etc/passwd made it into the results
    others = {k: v["verdict"] for k, v in found.items() if k != rule}
    assert set(others.values()) == {"pass"}
