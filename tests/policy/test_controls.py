"""Rules name the audit controls they evidence: validated, merged, cached and recorded."""

from __future__ import annotations

import json

from helpers import Repo

POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: team, version: 1.0.0}
rules:
  - id: readme
    stages: [pr]
    controls: [SOC2:CC8.1, ISO27001:A.8.32]
    check: {files.exist: {paths: [README.md]}}
"""


def test_controls_validate_and_reach_every_rule_record(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY)
    repo.write("README.md", "hi\n")
    base = repo.commit("policy")
    assert cli("validate", "--repo", repo.path).code == 0
    for _ in range(2):  # the second run reads the validated-policy cache
        run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
        rule = json.loads(run.out)["rules"][0]
        assert rule["controls"] == ["SOC2:CC8.1", "ISO27001:A.8.32"]


def test_a_control_not_written_framework_colon_id_is_refused_at_its_line(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY.replace("SOC2:CC8.1", "CC8.1"))
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml:7:" in run.err and "rules[0].controls[0]" in run.err, run.err


def test_a_later_file_replaces_an_inherited_rules_controls(repo: Repo, cli) -> None:
    repo.write("base.yaml", POLICY)
    repo.write("clearance.yaml", "extends: [base.yaml]\nrules:\n  - id: readme\n    controls: [SOC2:CC7.1]\n")
    repo.write("README.md", "hi\n")
    base = repo.commit("policy")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    assert json.loads(run.out)["rules"][0]["controls"] == ["SOC2:CC7.1"]
