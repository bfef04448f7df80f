"""Which waivers are self-granted (not in the policy as it stood at the base), and
`settings.self_granted_waivers: refuse`, through `clearance check` on real repositories."""

from __future__ import annotations

import json

from helpers import Repo

RULE = """\
rules:
  - id: readme
    stages: [pr, merge]
    check: {files.exist: {paths: [README.md]}}
"""
NO_EXPIRY = "waivers:\n  - {rule: readme, reason: docs come later, owner: '@lead'}\n"
JULY_2026 = "1783000000"


def readme(cli, repo: Repo, base: str, *args: str) -> dict:
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json", *args)
    return next(r for r in json.loads(run.out)["rules"] if r["id"] == "readme")


def test_a_waiver_without_expiry_already_at_the_base_is_not_self_granted(repo: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    repo.write("clearance.yaml", "metadata: {name: t}\n" + RULE + NO_EXPIRY)
    base = repo.commit("policy with its waiver")
    repo.write("notes.txt", "x\n")
    repo.commit("change")
    rule = readme(cli, repo, base)
    assert (rule["verdict"], rule["waiver"]["self_granted"]) == ("waived", False)


def test_a_base_policy_that_is_not_utf8_still_gives_its_waivers(repo: Repo, cli, monkeypatch) -> None:
    """The base version has a Latin-1 byte in a comment; the waiver was there all along."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    repo.write("clearance.yaml", b"# caf\xe9 rules\nmetadata: {name: t}\n" + (RULE + NO_EXPIRY).encode())
    base = repo.commit("policy saved as Latin-1")
    repo.write("clearance.yaml", "# café rules\nmetadata: {name: t}\n" + RULE + NO_EXPIRY)
    repo.commit("policy saved as UTF-8")
    rule = readme(cli, repo, base)
    assert (rule["verdict"], rule["waiver"]["self_granted"]) == ("waived", False)


def test_a_policy_file_new_in_the_change_does_not_hide_the_waivers_of_the_next(repo: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    repo.write("team.yaml", "metadata: {name: team}\n" + RULE + NO_EXPIRY)
    base = repo.commit("team policy with its waiver")
    repo.write("extra.yaml", "metadata: {name: extra}\nrules:\n  - {id: extra, stages: [pr], check: {files.exist: {paths: [team.yaml]}}}\n")
    repo.commit("an extra policy file")
    rule = readme(cli, repo, base, "--policy", str(repo.path / "extra.yaml"), "--policy", str(repo.path / "team.yaml"))
    assert (rule["verdict"], rule["waiver"]["self_granted"]) == ("waived", False)
    assert rule["waiver"]["origin"]["path"] == "team.yaml"


def test_refuse_self_granted_waivers_everywhere(repo: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    policy = "metadata: {name: t}\nsettings: {self_granted_waivers: refuse}\n" + RULE
    repo.write("clearance.yaml", policy)
    base = repo.commit("policy")
    repo.write("clearance.yaml", policy + NO_EXPIRY)
    repo.commit("waive my own failure")
    rule = readme(cli, repo, base)
    assert rule["verdict"] == "fail"
    assert (rule["waiver"]["self_granted"], rule["waiver"]["refused"], rule["waiver"]["applied"]) == (True, True, False)
    assert "not applied: self-granted" in rule["message"]


def test_refusal_spares_an_owner_who_may_grant(repo: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    policy = "metadata: {name: t}\nsettings: {self_granted_waivers: refuse, waiver_granters: ['@lead']}\n" + RULE
    repo.write("clearance.yaml", policy)
    base = repo.commit("policy")
    repo.write("clearance.yaml", policy + NO_EXPIRY)
    repo.commit("the lead waives it")
    rule = readme(cli, repo, base)
    assert (rule["verdict"], rule["waiver"]["self_granted"], rule["waiver"]["refused"]) == ("waived", True, False)


def test_self_granted_waivers_are_allowed_by_default(repo: Repo, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    policy = "metadata: {name: t}\nsettings: {self_granted_waivers: allow}\n" + RULE
    repo.write("clearance.yaml", policy)
    base = repo.commit("policy")
    repo.write("clearance.yaml", policy + NO_EXPIRY)
    repo.commit("waive my own failure")
    rule = readme(cli, repo, base)
    assert (rule["verdict"], rule["waiver"]["self_granted"], rule["waiver"]["refused"]) == ("waived", True, False)
