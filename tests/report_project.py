"""A small project whose PR-stage run fills every report section: spec traceability,
coverage, a PR checklist with hostile text, a waiver and an attestation."""

from __future__ import annotations

from helpers import Repo

POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: report-e2e, version: 2.0.0, source: deployment-workflow.md}
inputs:
  features: ["features/*.feature"]
  tests: ["tests/*.py"]
  coverage: {unit: build/coverage.xml}
rules:
  - id: spec.implemented
    title: Every scenario has a test
    checklist: "Step 1: Pre-Deployment Validation › Specification › Scenarios implemented"
    stages: [pr]
    check: {spec.scenarios_implemented: {}}
  - id: testing.unit-coverage
    title: Unit tests cover at least 60% of lines
    checklist: "Step 1: Pre-Deployment Validation › Testing › All unit tests passing (90%+ coverage)"
    stages: [pr]
    check: {coverage.min: {suite: unit, min: 60}}
  - id: docs.with-code
    title: Documentation changes with the code
    checklist: "Step 1: Pre-Deployment Validation › Documentation › Docs updated"
    stages: [pr]
    check: {changes.together: {if: "src/**", then: ["docs/**"]}}
  - id: pr.checklist
    checklist: "Step 2: Pull Request › Checklist completed"
    stages: [pr]
    check: {pr.checklist: {all: true}}
  - id: release.smoke
    checklist: "Step 2: Pull Request › Smoke tests done"
    stages: [pr]
    check: {attestation: {id: release.smoke, item: Smoke tests done}}
  - id: deploy.approved
    stages: [production]
    check: {files.exist: {paths: [README.md]}}
waivers:
  - {rule: docs.with-code, reason: "docs follow in #12", owner: "@lead", expires: 2030-01-31}
"""

FEATURE = """\
Feature: Cart

  Scenario: Total of two items
    Given two items

  Scenario: Sign in <script>alert(1)</script>
    Given <img src=x onerror=alert(1)>
"""

TESTS = "def test_total_of_two_items():\n    assert 1 + 1 == 2\n"
COVERAGE = """\
<?xml version="1.0" ?>
<coverage version="7.4.0" timestamp="1" lines-valid="4" lines-covered="3" line-rate="0.75" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">
  <sources><source>.</source></sources>
  <packages>
    <package name="src" line-rate="0.75" branch-rate="0" complexity="0">
      <classes>
        <class name="cart.py" filename="src/cart.py" line-rate="0.75" branch-rate="0" complexity="0">
          <methods/>
          <lines><line number="1" hits="1"/><line number="2" hits="1"/><line number="3" hits="0"/><line number="4" hits="1"/></lines>
        </class>
      </classes>
    </package>
  </packages>
</coverage>
"""
PR_BODY = """\
## Checklist

- [x] Tests added <script>alert(1)</script>
- [ ] Docs updated [click](javascript:alert(1))
- [x] Smoke tests done
"""


def make_project(repo: Repo) -> str:
    """Commit the base, then the change on a branch; return the base commit."""
    repo.write("clearance.yaml", POLICY)
    repo.write("README.md", "# Shop\n")
    repo.write(".gitignore", "build/\n")
    base = repo.commit("chore: base")
    repo.git("checkout", "-q", "-b", "feature/<b>cart</b>")
    repo.write("features/cart.feature", FEATURE)
    repo.write("tests/test_cart.py", TESTS)
    repo.write("src/cart.py", "a = 1\nb = 2\nc = 3\nd = 4\n")
    repo.commit("feat: cart")
    repo.write("build/coverage.xml", COVERAGE)
    repo.write("build/pr-body.md", PR_BODY)
    return base
