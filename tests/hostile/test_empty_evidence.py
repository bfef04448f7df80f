"""Evidence that says nothing is no evidence: empty reports and specs are `error`, never a pass."""

from __future__ import annotations

import json

from helpers import Repo

POLICY = """\
metadata: {name: empty}
inputs:
  coverage: {unit: build/cov.xml, lc: build/cov.info}
  junit: ["build/junit*.xml"]
  sarif: ["build/*.sarif"]
  features: ["docs/**/*.feature"]
  tests: ["tests/**/*.py"]
rules:
  - {id: cov, stages: [pr], check: {coverage.min: {suite: unit, min: 90}}}
  - {id: lcov, stages: [pr], check: {coverage.min: {suite: lc, min: 90}}}
  - {id: junit, stages: [pr], check: {tests.junit: {}}}
  - {id: sarif, stages: [pr], check: {findings.sarif: {}}}
  - {id: impl, stages: [pr], check: {spec.scenarios_implemented: {}}}
  - {id: rules, stages: [pr], check: {spec.rules_covered: {}}}
"""


def test_reports_and_specs_that_hold_nothing_are_errors(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY)
    repo.write("src/a.py", "print(1)\n")
    repo.write("tests/test_a.py", "def test_x():\n    pass\n")
    repo.write("docs/login.feature", "")
    base = repo.commit("initial")
    repo.write("build/cov.xml", '<coverage><sources><source>.</source></sources><packages><package><classes>'
               '<class filename="src/a.py"><lines/></class></classes></package></packages></coverage>')
    repo.write("build/cov.info", "SF:src/a.py\nend_of_record\n")
    repo.write("build/junit.xml", "<testsuites/>")
    repo.write("build/x.sarif", '{"version": "2.1.0", "runs": []}')
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    assert run.code == 1
    verdicts = {r["id"]: (r["verdict"], r["message"]) for r in json.loads(run.out)["rules"]}
    assert {rule: v for rule, (v, _) in verdicts.items()} == {
        "cov": "error", "lcov": "error", "junit": "error", "sarif": "error", "impl": "error", "rules": "error"}
    assert "measures no line" in verdicts["cov"][1]
    assert "no test case" in verdicts["junit"][1]
    assert "no run" in verdicts["sarif"][1]
    assert "no scenario" in verdicts["impl"][1]
