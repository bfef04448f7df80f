"""spec.* check kinds end to end: a real repository, real pytest runs, the CLI.

Expected lines are looked up in the files the test writes, never taken from
clearance's own output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import Repo

REPORTS = Path(__file__).parent.parent / "fixtures" / "reports" / "junit"

POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: team, version: 1.0.0}
inputs:
  features: ["features/**/*.feature"]
  tests: [TESTS]
  junit: [JUNIT]
rules:
  - id: spec.valid
    stages: [pr]
    check: {spec.valid: {}}
  - id: spec.implemented
    stages: [pr]
    check: {spec.scenarios_implemented: {}}
  - id: spec.passing
    stages: [pr]
    check: {spec.scenarios_passing: {}}
  - id: spec.rules
    stages: [pr]
    check: {spec.rules_covered: {}}
"""

FEATURE = """\
Feature: Sign in

  Background:
    Given the user "alice" with password "secret"

  Scenario: Successful sign in
    When alice signs in with "secret"
    Then she sees her dashboard

  Scenario Outline: Sign in as <role>
    Given alice has the role "<role>"
    When alice signs in with "secret"
    Then she sees the <role> home page

    Examples:
      | role   |
      | admin  |
      | editor |

  @wip
  Scenario: Remember me
    When alice ticks "remember me"

  Rule: Wrong passwords are refused

    Scenario: Rejected sign in
      When alice signs in with "wrong"
      Then she sees "Wrong password"

    Scenario: Account locked after three failures
      When alice signs in with "wrong" 3 times
      Then her account is locked
"""

PYTEST_SOURCE = """\
import pytest


def test_successful_sign_in():
    assert "secret" == "secret"


def test_rejected_sign_in():
    assert "wrong" == "secret"


@pytest.mark.parametrize("role", ["admin", "editor"])
def test_sign_in_as_role(role):
    assert role
"""

# The source that produced tests/fixtures/reports/junit/junit-vitest.xml (see its README).
VITEST_SOURCE = """\
import { describe, it, expect } from 'vitest';

function signIn(user, password) {
  return user === 'alice' && password === 'secret';
}

describe('auth', () => {
  it('Successful sign in', () => {
    expect(signIn('alice', 'secret')).toBe(true);
  });

  it('Rejected sign in', () => {
    expect(signIn('alice', 'wrong')).toBe(true);
  });
});
"""

VITEST_FEATURE = """\
Feature: Auth

  Rule: Passwords

    Scenario: Successful sign in
      Given alice

    Scenario: Rejected sign in
      Given alice

  Rule: Lockout

    @manual
    Scenario: Support unlocks an account
      Given a locked account

    Scenario: Account locked after three failures
      Given alice
"""


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def policy(tests: str, junit: str) -> str:
    return POLICY.replace("TESTS", json.dumps(tests)).replace("JUNIT", json.dumps(junit))


def start(repo: Repo, tests: str, junit: str) -> str:
    repo.write("clearance.yaml", policy(tests, junit))
    repo.write("README.md", "sign in\n")
    return repo.commit("chore: initial")


def check(cli: Any, repo: Repo, base: str) -> tuple[int, dict[str, dict[str, Any]]]:
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    assert run.err == "" or run.code != 2, run.err
    rules = {r["id"]: r for r in json.loads(run.out)["rules"]}
    return run.code, rules


def where(rule: dict[str, Any]) -> list[tuple[str, int]]:
    return [(f["file"], f["line"]) for f in rule["findings"]]


@pytest.fixture
def pytest_repo(repo: Repo) -> tuple[Repo, str]:
    """One scenario without a test, one whose JUnit case fails, the rest pass."""
    base = start(repo, "tests/**/*.py", "build/junit.xml")
    repo.write("features/sign_in.feature", FEATURE)
    repo.write("tests/test_sign_in.py", PYTEST_SOURCE)
    repo.commit("feat: sign in")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=build/junit.xml",
         "tests/test_sign_in.py"], cwd=repo.path, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_ADDOPTS": ""})
    assert proc.returncode == 1 and "1 failed, 3 passed" in proc.stdout, proc.stdout
    return repo, base


def test_pytest_repo_exact_verdicts_and_locations(pytest_repo: tuple[Repo, str], cli: Any) -> None:
    repo, base = pytest_repo
    code, rules = check(cli, repo, base)
    assert code == 1
    assert {k: r["verdict"] for k, r in rules.items()} == {
        "spec.valid": "pass", "spec.implemented": "fail", "spec.passing": "fail", "spec.rules": "pass"}
    feature = "features/sign_in.feature"
    locked = line_of(FEATURE, "Scenario: Account locked")
    rejected = line_of(FEATURE, "Scenario: Rejected sign in")
    assert where(rules["spec.implemented"]) == [(feature, locked)]
    assert rules["spec.implemented"]["findings"][0]["message"] == (
        "no test names scenario 'Account locked after three failures'")
    assert rules["spec.implemented"]["message"] == "3 of 4 scenarios implemented (1 excluded by tag)"
    assert where(rules["spec.passing"]) == [(feature, rejected), (feature, locked)]
    first = rules["spec.passing"]["findings"][0]["message"]
    assert first.startswith("scenario 'Rejected sign in' failed: test_rejected_sign_in (failed in build/junit.xml")
    assert "'wrong' == 'secret'" in first  # pytest's own assertion message
    assert rules["spec.passing"]["message"] == "2 of 4 scenarios passing (1 excluded by tag)"
    assert rules["spec.rules"]["message"] == "1 of 1 rule covered"


def test_pytest_repo_traceability_matrix(pytest_repo: tuple[Repo, str], cli: Any) -> None:
    repo, base = pytest_repo
    _, rules = check(cli, repo, base)
    matrix = rules["spec.passing"]["data"]["traceability"]
    source = "tests/test_sign_in.py"
    got = [(r["scenario"], r["line"], r["rule"], [(t["file"], t["line"]) for t in r["tests"]], r["result"])
           for r in matrix]
    assert got == [
        ("Successful sign in", line_of(FEATURE, "Scenario: Successful"), None,
         [(source, line_of(PYTEST_SOURCE, "def test_successful_sign_in"))], "passed"),
        ("Sign in as <role>", line_of(FEATURE, "Scenario Outline:"), None,
         [(source, line_of(PYTEST_SOURCE, "def test_sign_in_as_role"))], "passed"),
        ("Remember me", line_of(FEATURE, "Scenario: Remember me"), None, [], "excluded"),
        ("Rejected sign in", line_of(FEATURE, "Scenario: Rejected"), "Wrong passwords are refused",
         [(source, line_of(PYTEST_SOURCE, "def test_rejected_sign_in"))], "failed"),
        ("Account locked after three failures", line_of(FEATURE, "Scenario: Account locked"),
         "Wrong passwords are refused", [], "not-implemented"),
    ]
    assert all(r["feature"] == "Sign in" and r["file"] == "features/sign_in.feature" for r in matrix)
    assert matrix[2]["tags"] == ["@wip"]
    outline_cases = sorted(c["name"] for c in matrix[1]["cases"])
    assert outline_cases == ["test_sign_in_as_role[admin]", "test_sign_in_as_role[editor]"]
    implemented = [r["result"] for r in rules["spec.implemented"]["data"]["traceability"]]
    assert implemented == ["not-run", "not-run", "excluded", "not-run", "not-implemented"]
    evidence = {e["path"]: e["source"] for e in rules["spec.passing"]["evidence"]}
    assert evidence == {"features/sign_in.feature": "git", "tests/test_sign_in.py": "git",
                        "build/junit.xml": "file"}


def test_vitest_report_and_uncovered_rule(repo: Repo, cli: Any) -> None:
    base = start(repo, "test/**/*.test.js", "reports/*.xml")
    repo.write("features/auth.feature", VITEST_FEATURE)
    repo.write("test/auth.test.js", VITEST_SOURCE)
    repo.commit("feat: auth")
    (repo.path / "reports").mkdir()
    shutil.copy(REPORTS / "junit-vitest.xml", repo.path / "reports" / "junit-vitest.xml")
    code, rules = check(cli, repo, base)
    assert code == 1
    assert {k: r["verdict"] for k, r in rules.items()} == {
        "spec.valid": "pass", "spec.implemented": "fail", "spec.passing": "fail", "spec.rules": "fail"}
    feature = "features/auth.feature"
    locked = line_of(VITEST_FEATURE, "Scenario: Account locked")
    assert where(rules["spec.implemented"]) == [(feature, locked)]
    assert where(rules["spec.passing"]) == [(feature, line_of(VITEST_FEATURE, "Scenario: Rejected")),
                                            (feature, locked)]
    assert rules["spec.passing"]["findings"][0]["message"] == (
        "scenario 'Rejected sign in' failed: auth > Rejected sign in (failed in reports/junit-vitest.xml:"
        " expected false to be true // Object.is equality)")
    assert where(rules["spec.rules"]) == [(feature, line_of(VITEST_FEATURE, "Rule: Lockout"))]
    assert rules["spec.rules"]["findings"][0]["message"] == "no scenario of rule 'Lockout' is implemented"
    results = {r["scenario"]: r["result"] for r in rules["spec.passing"]["data"]["traceability"]}
    assert results == {"Successful sign in": "passed", "Rejected sign in": "failed",
                       "Support unlocks an account": "excluded",
                       "Account locked after three failures": "not-implemented"}
    tests = rules["spec.passing"]["data"]["traceability"][0]["tests"]
    assert tests == [{"file": "test/auth.test.js", "line": line_of(VITEST_SOURCE, "it('Successful"),
                      "name": "Successful sign in"}]


def test_broken_feature_files_fail_valid_and_error_the_rest(repo: Repo, cli: Any) -> None:
    base = start(repo, "tests/**/*.py", "build/junit.xml")
    two_backgrounds = FEATURE.replace("  Scenario Outline:", "  Background:\n    Given x\n\n  Scenario Outline:")
    repo.write("features/a_good.feature", VITEST_FEATURE)
    repo.write("features/b_two_backgrounds.feature", two_backgrounds)
    repo.write("features/c_latin1.feature", "Feature: Caf\xe9\n".encode("latin-1"))
    repo.write("tests/test_auth.py", "def test_successful_sign_in():\n    pass\n")
    repo.commit("feat: broken spec")
    code, rules = check(cli, repo, base)
    assert code == 1
    assert {k: r["verdict"] for k, r in rules.items()} == {
        "spec.valid": "fail", "spec.implemented": "error", "spec.passing": "error", "spec.rules": "error"}
    second_background = [n for n, line in enumerate(two_backgrounds.splitlines(), 1)
                         if line.strip() == "Background:"][1]
    expected = [("features/b_two_backgrounds.feature", second_background), ("features/c_latin1.feature", 1)]
    assert where(rules["spec.valid"]) == expected
    assert "at most one Background" in rules["spec.valid"]["findings"][0]["message"]
    assert "UTF-8" in rules["spec.valid"]["findings"][1]["message"]
    for rule_id in ("spec.implemented", "spec.passing", "spec.rules"):
        # said once, not repeated: the errors are spec.valid's findings
        assert where(rules[rule_id]) == [], rules[rule_id]["message"]
        assert rules[rule_id]["message"].startswith("2 feature files could not be parsed (see spec.valid)")
    # the file that parses is still traced
    assert {r["file"] for r in rules["spec.implemented"]["data"]["traceability"]} == {"features/a_good.feature"}


def test_params_override_inputs_exclusions_and_patterns(repo: Repo, cli: Any) -> None:
    base = start(repo, "nowhere/*.py", "build/junit.xml")
    text = policy("nowhere/*.py", "build/junit.xml").split("rules:")[0] + """rules:
  - id: spec.implemented
    stages: [pr]
    check:
      spec.scenarios_implemented:
        features: ["docs/*.feature"]
        tests: ["spec/*.rb"]
        patterns: ['it_scenario\\s+"([^"]+)"']
        exclude_tags: ["@slow"]
"""
    repo.write("clearance.yaml", text)
    base = repo.commit("chore: the policy in force")
    repo.write("docs/auth.feature", "Feature: A\n  @slow\n  Scenario: One\n  Scenario: Two\n  @wip\n  Scenario: Three\n")
    repo.write("spec/auth_spec.rb", 'it_scenario "Two" do\nend\n')
    repo.commit("feat: ruby")
    code, rules = check(cli, repo, base)
    rule = rules["spec.implemented"]
    assert (code, rule["verdict"]) == (1, "fail")
    assert where(rule) == [("docs/auth.feature", 6)]  # "Three": @wip is no longer excluded
    assert [(r["scenario"], r["result"]) for r in rule["data"]["traceability"]] == [
        ("One", "excluded"), ("Two", "not-run"), ("Three", "not-implemented")]
    assert rule["data"]["traceability"][1]["tests"] == [{"file": "spec/auth_spec.rb", "line": 1, "name": "Two"}]


def test_missing_inputs_are_errors_never_passes(repo: Repo, cli: Any) -> None:
    base = start(repo, "tests/**/*.py", "build/junit.xml")
    repo.write("features/auth.feature", VITEST_FEATURE)
    repo.write("tests/test_auth.py", "def test_successful_sign_in():\n    pass\n")
    repo.commit("feat: auth")
    _, rules = check(cli, repo, base)
    assert rules["spec.passing"]["verdict"] == "error"  # no JUnit report was written
    assert "no JUnit report matches build/junit.xml" in rules["spec.passing"]["message"]
    repo.git("rm", "-q", "-r", "features")
    repo.commit("chore: drop the spec")
    _, rules = check(cli, repo, base)
    assert {r["verdict"] for r in rules.values()} == {"error"}
    assert "no committed file matches features/**/*.feature" in rules["spec.valid"]["message"]


def test_rules_covered_leaves_out_excluded_rules_and_passes_without_rules(repo: Repo, cli: Any) -> None:
    base = start(repo, "test/**/*.test.js", "reports/*.xml")
    manual_lockout = VITEST_FEATURE.replace("  Rule: Lockout", "  @manual\n  Rule: Lockout")
    repo.write("features/auth.feature", manual_lockout)
    repo.write("test/auth.test.js", VITEST_SOURCE)
    repo.commit("feat: auth")
    _, rules = check(cli, repo, base)
    assert rules["spec.rules"]["verdict"] == "pass"
    assert rules["spec.rules"]["message"] == "1 of 1 rule covered (1 excluded by tag)"
    assert rules["spec.implemented"]["verdict"] == "pass"  # every scenario of the rule is excluded too
    assert rules["spec.implemented"]["message"] == "2 of 2 scenarios implemented (2 excluded by tag)"
    repo.write("features/auth.feature", "Feature: Flat\n  Scenario: Successful sign in\n    Given alice\n")
    repo.commit("feat: no rules")
    _, rules = check(cli, repo, base)
    assert (rules["spec.rules"]["verdict"], rules["spec.rules"]["message"]) == (
        "pass", "the spec has no Gherkin Rule")


def test_validate_rejects_a_pattern_without_a_group(repo: Repo, cli: Any) -> None:
    text = policy("t/*.py", "j.xml").split("rules:")[0] + """rules:
  - id: spec.implemented
    stages: [pr]
    check: {spec.scenarios_implemented: {patterns: ['ok\\s+"([^"]+)"', 'no group here', '(unclosed']}}
"""
    repo.write("clearance.yaml", text)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    line = line_of(text, "patterns:")
    column = text.splitlines()[line - 1].index("'no group here'") + 1
    assert f"clearance.yaml:{line}:{column}: needs a capture group for the test title" in run.err
    column = text.splitlines()[line - 1].index("'(unclosed'") + 1
    assert f"clearance.yaml:{line}:{column}: not a valid regular expression" in run.err
    assert run.err.count("clearance.yaml") == 2  # the good pattern is not reported


def test_validate_refuses_a_negated_report_glob_at_its_place(repo: Repo, cli: Any) -> None:
    text = policy("t/*.py", "j.xml").split("rules:")[0] + """rules:
  - id: spec.passing
    stages: [pr]
    check: {spec.scenarios_passing: {features: ["f/**", "!f/old/**"], junit: ["r/*.xml", "!r/old.xml"]}}
"""
    repo.write("clearance.yaml", text)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    line = line_of(text, "!r/old.xml")
    column = text.splitlines()[line - 1].index('"!r/old.xml"') + 1
    assert f"clearance.yaml:{line}:{column}: '!r/old.xml': a '!' glob takes files away only" in run.err
    assert run.err.count("clearance.yaml") == 1  # "!f/old/**" in features works


def test_runner_must_be_one_of_the_conventions(repo: Repo, cli: Any) -> None:
    text = policy("t/*.py", "j.xml").split("rules:")[0] + """rules:
  - id: spec.passing
    stages: [pr]
    check: {spec.scenarios_passing: {runner: cucumber-jvm}}
"""
    repo.write("clearance.yaml", text)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2 and f"clearance.yaml:{line_of(text, 'runner:')}:" in run.err


def test_passing_judges_from_junit_without_test_sources(repo: Repo, cli: Any) -> None:
    """No `tests` configured: the JUnit case names alone judge (no 'no test sources' error)."""
    text = policy("t/*.py", "build/junit.xml").replace('  tests: ["t/*.py"]\n', "")
    repo.write("clearance.yaml", text)
    repo.write("features/sign_in.feature", "Feature: Sign in\n\n  Scenario: Successful sign in\n"
               "    Given a user\n")
    base = repo.commit("feat: spec")
    repo.write("build/junit.xml", '<testsuite name="pytest"><testcase classname="tests.test_sign_in" '
               'name="test_successful_sign_in"/></testsuite>\n')
    _, rules = check(cli, repo, base)
    assert rules["spec.passing"]["verdict"] == "pass", rules["spec.passing"]["message"]
    assert rules["spec.implemented"]["verdict"] == "error"
    assert "no test sources configured" in rules["spec.implemented"]["message"]
