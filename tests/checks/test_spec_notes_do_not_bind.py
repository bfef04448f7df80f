"""A scenario title that appears only in a notes file under the test globs does not bind the
scenario as implemented (#15); the same title in a test file does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Repo

FEATURE = "Feature: Sign in\n  Scenario: Successful sign in\n    Given a user\n"
POLICY = """inputs: {features: ["features/*.feature"], tests: ["tests/**"]}
rules:
  - {id: implemented, stages: [commit], check: {spec.scenarios_implemented: {}}}
"""


@pytest.mark.parametrize(("path", "bound"), [
    ("tests/NOTES.md", False),
    ("tests/plan.txt", False),
    ("tests/e2e/sign-in.spec.ts", True),
])
def test_only_a_test_file_binds_a_scenario(repo: Repo, cli, tmp_path: Path, path: str, bound: bool) -> None:
    repo.write("clearance.yaml", POLICY)
    repo.write("features/sign_in.feature", FEATURE)
    repo.write(path, "test('Successful sign in', async () => {});\n")
    repo.stage()
    out = tmp_path / "results.json"
    run = cli("check", "--repo", repo.path, "--stage", "commit", "--format", f"json={out}")
    assert run.code == (0 if bound else 1), run.err
    rule = json.loads(out.read_text("utf-8"))["rules"][0]
    assert rule["verdict"] == ("pass" if bound else "fail"), rule["message"]
