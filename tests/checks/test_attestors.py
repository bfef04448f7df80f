"""The attestation kind takes its record id from the rule and its attestors from the policy.

The gates run at the pr stage, where records in the change count unless self-granted
sign-offs are refused (a record at staging must name the deployed commit: see
test_signoff_subjects.py)."""

from __future__ import annotations

import json

from helpers import Repo

POLICY = """\
metadata: {name: gates}
attestors:
  release.smoke-tests: ["@qa-lead"]
  "*": ["@ops"]
rules:
  - {id: release.smoke-tests, stages: [pr], check: {attestation: {}}}
  - {id: release.notified, stages: [pr], check: {attestation: {}}}
"""


def record(repo: Repo, rule: str, by: str) -> None:
    repo.write(f".clearance/attestations/{rule}.yaml",
               f"rule: {rule}\nby: \"{by}\"\nat: 2026-01-05T14:30:00Z\nnote: done\n")


def verdicts(cli, repo: Repo, base: str) -> dict[str, dict]:
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    return {r["id"]: r for r in json.loads(run.out)["rules"]}


def test_without_records_both_gates_are_pending(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY)
    base = repo.commit("initial")
    found = verdicts(cli, repo, base)
    assert {r["verdict"] for r in found.values()} == {"pending"}


def test_records_by_the_named_attestors_pass_others_do_not(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY)
    base = repo.commit("policy")
    record(repo, "release.smoke-tests", "@developer")
    record(repo, "release.notified", "@ops")
    repo.commit("records")
    found = verdicts(cli, repo, base)
    assert found["release.smoke-tests"]["verdict"] == "pending"
    assert found["release.notified"]["verdict"] == "pass"
    assert found["release.notified"]["attestation"]["by"] == "@ops"
    record(repo, "release.smoke-tests", "@qa-lead")
    repo.commit("qa signs")
    found = verdicts(cli, repo, base)
    assert found["release.smoke-tests"]["verdict"] == "pass"
    assert found["release.smoke-tests"]["attestation"]["by"] == "@qa-lead"


def test_a_record_the_change_adds_is_marked_and_refused_where_self_granting_is(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY.replace("stages: [pr]", "stages: [pr, merge]")
               + "settings: {refuse_self_granted_in: [merge]}\n")
    base = repo.commit("initial")
    record(repo, "release.smoke-tests", "@qa-lead")
    repo.commit("the PR author signs for QA")

    def gate(stage: str) -> dict:
        run = cli("check", "--repo", repo.path, "--stage", stage, "--base", base, "-f", "json")
        return next(r for r in json.loads(run.out)["rules"] if r["id"] == "release.smoke-tests")

    at_pr = gate("pr")
    assert at_pr["verdict"] == "pass"
    assert at_pr["attestation"]["self_added"] is True
    at_merge = gate("merge")
    assert at_merge["verdict"] == "pending"
    assert "added by the change under evaluation" in at_merge["message"]
