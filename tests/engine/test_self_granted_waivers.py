"""Which waivers are self-granted (not in force under the base's effective policy), and
`settings.self_granted_waivers: refuse`, through `clearance check` on real repositories.

The policy in force at a pull request is the base's, so a waiver the change adds does not
apply at all; it is self-granted only where the change's own policy is in force: at a base
that opts out with `settings.policy_source: head`."""

from __future__ import annotations

import json

from helpers import Repo

RULE = """\
rules:
  - id: readme
    stages: [pr, merge]
    check: {files.exist: {paths: [README.md]}}
"""
WAIVER = "waivers:\n  - {rule: readme, reason: docs come later, owner: '@lead', expires: 2026-12-31}\n"
JULY_2026 = "1783000000"


def readme(cli, repo: Repo, base: str, *args: str) -> dict:
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json", *args)
    return next(r for r in json.loads(run.out)["rules"] if r["id"] == "readme")


def test_a_waiver_without_expiry_already_at_the_base_is_not_self_granted(repo: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    repo.write("clearance.yaml", "metadata: {name: t}\n" + RULE + WAIVER)
    base = repo.commit("policy with its waiver")
    repo.write("notes.txt", "x\n")
    repo.commit("change")
    rule = readme(cli, repo, base)
    assert (rule["verdict"], rule["waiver"]["self_granted"]) == ("waived", False)


def test_a_base_policy_that_is_not_utf8_is_an_error_naming_revision_file_and_line(repo: Repo, cli) -> None:
    """The base version has a Latin-1 byte in a comment: it is the policy in force, and
    it does not load; the error names the base commit, the file and the line."""
    repo.write("clearance.yaml", b"metadata: {name: t}\n# caf\xe9 rules\n" + (RULE + WAIVER).encode())
    base = repo.commit("policy saved as Latin-1")
    repo.write("clearance.yaml", "metadata: {name: t}\n# café rules\n" + RULE + WAIVER)
    repo.commit("policy saved as UTF-8")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base)
    assert run.code == 2
    assert run.err.startswith(f"clearance: {base[:12]}:clearance.yaml:2: not valid UTF-8"), run.err


def test_a_policy_file_new_in_the_change_is_not_in_force(repo: Repo, cli) -> None:
    repo.write("team.yaml", "metadata: {name: team}\n" + RULE + WAIVER)
    base = repo.commit("team policy with its waiver")
    repo.write("extra.yaml", "metadata: {name: extra}\nrules:\n  - {id: extra, stages: [pr], check: {files.exist: {paths: [team.yaml]}}}\n")
    repo.commit("an extra policy file")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base,
              "--policy", str(repo.path / "extra.yaml"), "--policy", str(repo.path / "team.yaml"))
    assert run.code == 2
    assert f"{base[:12]}:extra.yaml" in run.err and "not found" in run.err


def test_a_waiver_the_change_adds_does_not_apply(repo: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    repo.write("clearance.yaml", "metadata: {name: t}\n" + RULE)
    base = repo.commit("policy")
    repo.write("clearance.yaml", "metadata: {name: t}\n" + RULE + WAIVER)
    repo.commit("waive my own failure")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    assert run.code == 1
    doc = json.loads(run.out)
    [rule] = doc["rules"]
    assert (rule["verdict"], rule["waiver"]) == ("fail", None)
    [proposed] = doc["proposed"]["rules"]  # what the change's own policy would decide
    assert (proposed["verdict"], proposed["waiver"]["self_granted"]) == ("waived", True)


OPT_OUT = "policy_source: head"  # the base lets the change's own policy judge it


def test_refuse_self_granted_waivers_everywhere(repo: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    policy = f"metadata: {{name: t}}\nsettings: {{self_granted_waivers: refuse, {OPT_OUT}}}\n" + RULE
    repo.write("clearance.yaml", policy)
    base = repo.commit("policy")
    repo.write("clearance.yaml", policy + WAIVER)
    repo.commit("waive my own failure")
    rule = readme(cli, repo, base)
    assert rule["verdict"] == "fail"
    assert (rule["waiver"]["self_granted"], rule["waiver"]["refused"], rule["waiver"]["applied"]) == (True, True, False)
    assert "not applied: self-granted" in rule["message"]


def test_refusal_spares_an_owner_who_may_grant(repo: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    policy = (f"metadata: {{name: t}}\nsettings: {{self_granted_waivers: refuse, {OPT_OUT}, "
              "waiver_granters: ['@lead']}\n" + RULE)
    repo.write("clearance.yaml", policy)
    base = repo.commit("policy")
    repo.write("clearance.yaml", policy + WAIVER)
    repo.commit("the lead waives it")
    rule = readme(cli, repo, base)
    assert (rule["verdict"], rule["waiver"]["self_granted"], rule["waiver"]["refused"]) == ("waived", True, False)


def test_self_granted_waivers_are_allowed_by_default(repo: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    policy = f"metadata: {{name: t}}\nsettings: {{self_granted_waivers: allow, {OPT_OUT}}}\n" + RULE
    repo.write("clearance.yaml", policy)
    base = repo.commit("policy")
    repo.write("clearance.yaml", policy + WAIVER)
    repo.commit("waive my own failure")
    rule = readme(cli, repo, base)
    assert (rule["verdict"], rule["waiver"]["self_granted"], rule["waiver"]["refused"]) == ("waived", True, False)
