"""Waivers: valid, expired, self-granted, refused."""

from __future__ import annotations

import json

import pytest

from helpers import Repo

POLICY = """\
metadata: {name: team}
rules:
  - id: readme
    stages: [commit, pr, merge]
    check: {files.exist: {paths: [README.md]}}
"""


def rule_of(out: str, rule_id: str = "readme") -> dict:
    return next(r for r in json.loads(out)["rules"] if r["id"] == rule_id)


@pytest.fixture
def waived(repo: Repo) -> tuple[Repo, str]:
    repo.write("clearance.yaml", POLICY + "waivers:\n"
               "  - {rule: readme, reason: README comes in the next sprint, owner: '@lead', expires: 2026-06-30}\n")
    base = repo.commit("initial")
    return repo, base


def run_at(cli, repo: Repo, epoch: str, monkeypatch, *args: str):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    return cli("check", "--repo", repo.path, "-f", "json", *args)


def test_a_valid_waiver_turns_a_failure_into_waived(waived, cli, monkeypatch) -> None:
    repo, base = waived
    run = run_at(cli, repo, "1780000000", monkeypatch, "--stage", "pr", "--base", base)  # 2026-05-28
    assert run.code == 0
    rule = rule_of(run.out)
    assert rule["verdict"] == "waived"
    assert rule["waiver"]["owner"] == "@lead"
    assert rule["waiver"]["applied"] is True
    assert rule["waiver"]["self_granted"] is False
    assert rule["waiver"]["origin"] == {"path": "clearance.yaml", "line": 7}


def test_a_waiver_holds_through_its_expiry_day_and_not_after(waived, cli, monkeypatch) -> None:
    repo, base = waived
    last_day = run_at(cli, repo, "1782863999", monkeypatch, "--stage", "pr", "--base", base)  # 2026-06-30 23:59:59
    assert rule_of(last_day.out)["verdict"] == "waived"
    after = run_at(cli, repo, "1782864000", monkeypatch, "--stage", "pr", "--base", base)  # 2026-07-01
    assert after.code == 1
    rule = rule_of(after.out)
    assert rule["verdict"] == "fail"
    assert rule["waiver"]["expired"] is True
    assert "not applied: expired on 2026-06-30" in rule["message"]


def test_a_waiver_added_by_the_change_is_self_granted(repo: Repo, cli, monkeypatch) -> None:
    repo.write("clearance.yaml", POLICY + "settings: {policy_source: head}\n")
    base = repo.commit("initial")
    repo.write("clearance.yaml", POLICY + "waivers:\n"
               "  - {rule: readme, reason: trust me, owner: '@dev', expires: 2026-12-31}\n")
    repo.commit("waive my own failure")
    run = run_at(cli, repo, "1780000000", monkeypatch, "--stage", "pr", "--base", base)
    rule = rule_of(run.out)
    assert rule["verdict"] == "waived"
    assert rule["waiver"]["self_granted"] is True


def test_staged_waiver_is_self_granted_at_the_commit_stage(repo: Repo, cli, monkeypatch) -> None:
    repo.write("clearance.yaml", POLICY)
    repo.commit("initial")
    repo.write("clearance.yaml", POLICY + "waivers:\n  - {rule: readme, reason: r, owner: '@dev', expires: 2026-12-31}\n")
    repo.stage("clearance.yaml")
    run = run_at(cli, repo, "1780000000", monkeypatch, "--stage", "commit")
    assert rule_of(run.out)["waiver"]["self_granted"] is True


def test_self_granted_waivers_can_be_refused_unless_the_owner_may_grant(repo: Repo, cli, monkeypatch) -> None:
    settings = ("settings:\n  refuse_self_granted_in: [merge]\n  waiver_granters: ['@lead']\n"
                "  policy_source: head\n")
    repo.write("clearance.yaml", POLICY + settings)
    base = repo.commit("initial")
    repo.write("clearance.yaml", POLICY + settings + "waivers:\n  - {rule: readme, reason: r, owner: '@dev', expires: 2026-12-31}\n")
    repo.commit("self-waiver")
    merge = run_at(cli, repo, "1780000000", monkeypatch, "--stage", "merge", "--base", base)
    assert merge.code == 1
    rule = rule_of(merge.out)
    assert (rule["verdict"], rule["waiver"]["refused"]) == ("fail", True)
    assert "not applied: self-granted" in rule["message"]
    pr_stage = run_at(cli, repo, "1780000000", monkeypatch, "--stage", "pr", "--base", base)
    assert rule_of(pr_stage.out)["verdict"] == "waived"
    repo.write("clearance.yaml", POLICY + settings + "waivers:\n  - {rule: readme, reason: r, owner: '@lead', expires: 2026-12-31}\n")
    repo.commit("lead waiver")
    granted = run_at(cli, repo, "1780000000", monkeypatch, "--stage", "merge", "--base", base)
    assert rule_of(granted.out)["verdict"] == "waived"


def test_an_unneeded_waiver_is_reported_but_not_applied(repo: Repo, cli, monkeypatch) -> None:
    repo.write("README.md", "hi\n")
    repo.write("clearance.yaml", POLICY + "waivers:\n  - {rule: readme, reason: r, owner: '@lead', expires: 2026-12-31}\n")
    base = repo.commit("initial")
    rule = rule_of(run_at(cli, repo, "1780000000", monkeypatch, "--stage", "pr", "--base", base).out)
    assert rule["verdict"] == "pass"
    assert rule["waiver"]["applied"] is False
