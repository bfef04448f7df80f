"""The `attestation` kind: a committed record (or, where the rule accepts it, a ticked PR
item) signs off a manual gate; otherwise the rule is pending and says how to attest.

Records are read at the pr stage here, where a record need not name a commit; the
deployment stages (a record names the deployed commit) are in test_signoff_subjects.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attesting import RUN_TIME as NOW
from attesting import gate, policy
from clearance.checks import attestation
from clearance.evidence.context import Evidence, RunSpec

RECORD = """\
rule: release.smoke
by: "@ada"
at: 2026-01-05T14:30:00Z
note: Smoke tests run on staging build 1423.
"""
POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: team, version: 1.0.0}
rules:
  - id: release.smoke
    stages: [staging, pr]
    check: {attestation: {id: release.smoke, item: Smoke tests done, by: [ada, grace]}}
"""


def evidence(root: Path, stage: str = "pr", inputs: dict | None = None, now: str | None = None,
             **spec) -> Evidence:
    return Evidence(RunSpec(root=root, stage=stage, **spec), inputs or {}, now=now)


def event(tmp_path: Path, body: str, login: str | None = "grace") -> Path:
    pull = {"body": body, "title": "feat: x", "updated_at": "2026-01-06T09:00:00Z",
            **({"user": {"login": login}} if login else {})}
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"pull_request": pull}), encoding="utf-8")
    return path


def test_a_committed_record_attests_and_says_who_and_when(repo) -> None:
    repo.write(".clearance/attestations/smoke.yaml", RECORD)
    repo.commit("attest smoke tests")
    outcome = attestation.run({"id": "release.smoke"}, evidence(repo.path, now=NOW))
    assert outcome.verdict == "pass"
    attested = outcome.data["attestation"]
    assert {k: attested[k] for k in ("by", "at", "note", "source", "subject", "proof", "verified")} == {
        "by": "@ada", "at": "2026-01-05T14:30:00Z",
        "note": "Smoke tests run on staging build 1423.",
        "source": ".clearance/attestations/smoke.yaml:1", "subject": {},
        "proof": "none", "verified": False}
    # nothing tells whether it was in force before the change (no base policy given): self-added
    assert attested["self_added"] is True
    assert attested["self_added_reason"] == ("whether it was in force before the change cannot be told: "
                                             "the policy of the base revision is not known")
    assert outcome.message.startswith("attested by @ada on 2026-01-05T14:30:00Z "
                                      "(.clearance/attestations/smoke.yaml:1): self-added (")
    assert "unverified (no GitHub token to read reviews; a signature is not taken" in outcome.message


def test_the_latest_of_several_records_in_a_list_wins(repo) -> None:
    repo.write(".clearance/attestations/all.yml",
               "- {rule: release.smoke, by: ada, at: 2026-01-05}\n"
               "- {rule: release.smoke, by: grace, at: 2026-02-01, note: again}\n"
               "- {rule: other, by: bob, at: 2026-03-01}\n")
    repo.commit("records")
    outcome = attestation.run({"id": "release.smoke"}, evidence(repo.path))
    assert outcome.data["attestation"]["by"] == "grace"
    assert outcome.data["attestation"]["source"] == ".clearance/attestations/all.yml:2"


def test_an_uncommitted_record_does_not_count(repo) -> None:
    repo.write("README.md", "x\n")
    repo.commit("initial")
    repo.write(".clearance/attestations/smoke.yaml", RECORD)
    outcome = attestation.run({"id": "release.smoke"}, evidence(repo.path))
    assert outcome.verdict == "pending"
    assert outcome.message == (
        "not attested (no record for 'release.smoke' under .clearance/attestations/): to attest, "
        "commit .clearance/attestations/release.smoke.yaml with rule: release.smoke, by, at and note")


def test_a_record_by_someone_not_allowed_does_not_count(repo) -> None:
    repo.write(".clearance/attestations/smoke.yaml", RECORD)
    repo.commit("attest")
    outcome = attestation.run({"id": "release.smoke", "by": ["grace"]}, evidence(repo.path))
    assert outcome.verdict == "pending"
    assert "records by @ada, who may not attest" in outcome.message
    allowed = attestation.run({"id": "release.smoke", "by": ["ADA"]}, evidence(repo.path))
    assert allowed.verdict == "pass"


def test_records_in_a_folder_named_by_the_policy(repo) -> None:
    repo.write("ops/signoff/smoke.yaml", RECORD)
    repo.commit("attest")
    inputs = {"attestations": "ops/signoff"}
    assert attestation.run({"id": "release.smoke"}, evidence(repo.path, inputs=inputs)).verdict == "pass"
    assert attestation.run({"id": "release.smoke"}, evidence(repo.path)).verdict == "pending"


@pytest.mark.parametrize(("text", "line", "message"), [
    ("rule: release.smoke\nby: ada\n", 1, "attestation record lacks 'at' (a non-empty string)"),
    ("rule: release.smoke\nby: ada\nat: last tuesday\n", 1,
     "'at' is not an ISO date or date-time: 'last tuesday'"),
    ("- rule: x\n  by: y\n  at: 2026-01-01\n- just text\n", 4,
     "an attestation record is a mapping with rule, by, at and note"),
    ("rule: [unclosed\n", 2, "YAML syntax"),
])
def test_a_broken_record_is_an_error_when_nothing_else_attests(repo, text, line, message) -> None:
    repo.write(".clearance/attestations/broken.yaml", text)
    repo.commit("broken record")
    outcome = attestation.run({"id": "release.smoke"}, evidence(repo.path))
    assert outcome.verdict == "error"
    finding = outcome.findings[0]
    assert (finding.file, finding.line) == (".clearance/attestations/broken.yaml", line)
    assert finding.message.startswith(message)


def test_a_broken_record_does_not_hide_a_good_one(repo) -> None:
    repo.write(".clearance/attestations/broken.yaml", "rule: [unclosed\n")
    repo.write(".clearance/attestations/smoke.yaml", RECORD)
    repo.commit("records")
    assert attestation.run({"id": "release.smoke"}, evidence(repo.path)).verdict == "pass"


def test_a_ticked_item_attests_as_the_pr_author_where_the_rule_accepts_ticks(repo, tmp_path) -> None:
    repo.commit("initial")
    ev = evidence(repo.path, "pr", base="HEAD",
                  event_file=event(tmp_path, "## Release\n\n- [x] Smoke tests done\n"))
    outcome = attestation.run({"item": "Smoke tests done", "by": ["@Grace"], "accept": ["author-tick"]}, ev)
    assert outcome.verdict == "pass"
    attested = outcome.data["attestation"]
    assert {k: attested[k] for k in ("by", "at", "note", "source", "proof", "verified", "self_added")} == {
        "by": "grace", "at": "2026-01-06T09:00:00Z", "note": "Smoke tests done", "source": "PR body:3",
        "proof": "author-tick", "verified": False, "self_added": True}
    assert outcome.message == ("attested by grace on 2026-01-06T09:00:00Z (PR body:3): "
                               "the PR author's own tick (accept: author-tick)")


def test_without_accept_a_ticked_item_is_the_authors_word_and_does_not_attest(repo, tmp_path) -> None:
    repo.commit("initial")
    ev = evidence(repo.path, "pr", base="HEAD",
                  event_file=event(tmp_path, "## Release\n\n- [x] Smoke tests done\n"))
    outcome = attestation.run({"item": "Smoke tests done", "by": ["@Grace"]}, ev)
    assert outcome.verdict == "pending"
    assert ("item 'Smoke tests done' is ticked, but a tick is the PR author's own word (grace) and "
            "this rule does not take it (accept: [author-tick])") in outcome.message
    assert outcome.data["ignored_signoffs"][0]["source"] == "PR body:3"


def test_a_ticked_item_without_an_author(repo, tmp_path) -> None:
    repo.commit("initial")
    body = tmp_path / "body.md"
    body.write_text("- [x] Smoke tests done\n", encoding="utf-8")
    ev = evidence(repo.path, "pr", base="HEAD", pr_body_file=body)
    outcome = attestation.run({"item": "Smoke tests done", "accept": ["author-tick"]}, ev)
    attested = outcome.data["attestation"]
    assert (attested["by"], attested["at"], attested["source"]) == ("PR author", None, f"{body}:1")
    limited = attestation.run({"item": "Smoke tests done", "by": ["ada"], "accept": ["author-tick"]}, ev)
    assert limited.verdict == "pending"
    assert "item 'Smoke tests done' is ticked by an unknown PR author, who may not attest" in limited.message


@pytest.mark.parametrize(("body", "state"), [
    ("- [ ] Smoke tests done\n", "not ticked"),
    ("- [x] ~~Smoke tests done~~ no staging yet\n", "struck through (not applicable)"),
    ("<!--\n- [x] Smoke tests done\n-->\n", "not in the PR body"),
])
def test_an_item_not_ticked_leaves_the_gate_pending(repo, tmp_path, body, state) -> None:
    repo.commit("initial")
    ev = evidence(repo.path, "pr", base="HEAD", event_file=event(tmp_path, body))
    outcome = attestation.run({"id": "release.smoke", "item": "Smoke tests done",
                               "accept": ["author-tick"]}, ev)
    assert outcome.verdict == "pending"
    assert f"item 'Smoke tests done' is {state}" in outcome.message
    assert outcome.message.endswith(
        "to attest, tick 'Smoke tests done' in the PR body or commit "
        ".clearance/attestations/release.smoke.yaml with rule: release.smoke, by, at and note")


def test_the_report_shows_who_attested(repo, cli) -> None:
    repo.write("clearance.yaml", POLICY)
    head = repo.commit("policy")
    repo.git("checkout", "-q", "-b", "clearance-signoffs")
    repo.write(".clearance/attestations/smoke.yaml", RECORD + f"commit: {head}\n")
    repo.commit("attest")
    repo.git("checkout", "-q", "main")
    run = cli("check", "--repo", repo.path, "--stage", "staging", "--base", head, "-f", "json")
    assert run.code == 0, run.out + run.err
    rule = json.loads(run.out)["rules"][0]
    assert rule["verdict"] == "pass"
    assert rule["attestation"]["by"] == "@ada"
    assert rule["attestation"]["at"] == "2026-01-05T14:30:00Z"
    assert rule["attestation"]["subject"] == {"commit": head}
    assert rule["evidence"][0]["path"] == "refs/heads/clearance-signoffs:.clearance/attestations/smoke.yaml"


def test_without_record_or_body_the_cli_reports_pending_and_blocks(repo, cli) -> None:
    repo.write("clearance.yaml", POLICY)
    base = repo.commit("policy")
    run = cli("check", "--repo", repo.path, "--stage", "staging", "--base", base)
    assert run.code == 1
    assert "release.smoke pending: not attested" in run.out
    assert "no PR body was given" in run.out


MERGE_POLICY = """\
settings: {refuse_self_granted_in: [merge]}
rules:
  - id: release.approved
    stages: [merge]
    check: {attestation: {id: release.approved}}
"""


@pytest.mark.parametrize("name", ["approved.yaml", "merge:approved.yaml", "a:b:c.yml"])
def test_a_record_the_change_adds_is_refused_whatever_colons_its_file_name_holds(repo, tmp_path, name: str) -> None:
    repo.write("clearance.yaml", MERGE_POLICY)
    repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(f".clearance/attestations/{name}",
               "rule: release.approved\nby: cto\nat: 2026-01-05T10:00:00Z\n")
    repo.commit("self-approve")
    result = gate(repo.path, "merge", policy(tmp_path, MERGE_POLICY), "release.approved", base="main")
    assert result.verdict == "pending"
    assert f"the record .clearance/attestations/{name}:1 is self-added (added by the change" in result.message


def test_without_a_base_revision_a_record_is_taken_as_self_added_where_they_are_refused(repo, tmp_path) -> None:
    repo.write(".clearance/attestations/approved.yaml", "rule: release.approved\nby: cto\nat: 2026-01-05\n")
    repo.commit("records")
    result = gate(repo.path, "merge", policy(tmp_path, MERGE_POLICY), "release.approved")
    assert result.verdict == "pending"
    # Without a base nothing can be told: not whether the change wrote it, nor whether it
    # was in force before; either refuses it where self-granted sign-offs are refused.
    assert ("names no commit, and whether this change wrote it cannot be told: "
            "no base revision for stage 'merge'") in result.message
