"""What a sign-off is for and how long it holds: the commit, release or environment a
record names, where records written after the deployed commit are read, `max_age`,
dates in the future, and which records were in force at the base revision."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from attesting import RUN_TIME, gate, policy, record_text
from helpers import Repo


@pytest.fixture(autouse=True)
def _run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = dt.datetime.fromisoformat(RUN_TIME.replace("Z", "+00:00"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))


STAGING = """\
metadata: {name: t}
rules:
  - {id: smoke, stages: [staging], check: {attestation: {%s}}}
"""


def deployed(repo: Repo, params: str = "") -> tuple[str, str]:
    repo.write("clearance.yaml", STAGING % params)
    base = repo.commit("policy")
    repo.write("app.py", "x = 1\n")
    return base, repo.commit("deployed")


def sign_off(repo: Repo, text: str, branch: str = "clearance-signoffs", name: str = "smoke") -> None:
    repo.git("checkout", "-q", "-B", branch, "main")
    repo.write(f".clearance/attestations/{name}.yaml", text)
    repo.commit("sign-off")
    repo.git("checkout", "-q", "main")


def staging(cli, repo: Repo, base: str, head: str) -> dict:
    run = cli("check", "--repo", repo.path, "--stage", "staging", "--base", base, "--head", head, "-f", "json")
    assert run.code in (0, 1), run.err
    return next(r for r in json.loads(run.out)["rules"] if r["id"] == "smoke")


def test_a_record_naming_the_deployed_commit_on_the_sign_off_branch_counts(repo: Repo, cli) -> None:
    base, head = deployed(repo)
    sign_off(repo, record_text("smoke", "@qa", commit=head, environment="staging"))
    rule = staging(cli, repo, base, head)
    assert rule["verdict"] == "pass", rule["message"]
    assert rule["attestation"]["subject"] == {"commit": head, "environment": "staging"}
    assert rule["attestation"]["proof"] == "none"  # staging here does not ask for a proof


def test_records_are_read_from_origins_sign_off_branch_as_ci_fetches_it(repo: Repo, cli) -> None:
    base, head = deployed(repo)
    sign_off(repo, record_text("smoke", "@qa", commit=head))
    repo.git("update-ref", "refs/remotes/origin/clearance-signoffs", "clearance-signoffs")
    repo.git("branch", "-q", "-D", "clearance-signoffs")
    rule = staging(cli, repo, base, head)
    assert rule["verdict"] == "pass", rule["message"]
    assert rule["attestation"]["source"].startswith("refs/remotes/origin/clearance-signoffs:")


def test_a_rule_may_name_its_own_sign_off_ref(repo: Repo, cli) -> None:
    base, head = deployed(repo, "refs: [refs/heads/qa]")
    sign_off(repo, record_text("smoke", "@qa", commit=head))
    assert staging(cli, repo, base, head)["verdict"] == "pending"  # not read from clearance-signoffs
    sign_off(repo, record_text("smoke", "@qa", commit=head), branch="qa")
    assert staging(cli, repo, base, head)["verdict"] == "pass"


def test_the_pending_message_names_the_commit_and_where_the_record_goes(repo: Repo, cli) -> None:
    base, head = deployed(repo)
    rule = staging(cli, repo, base, head)
    assert rule["verdict"] == "pending"
    assert rule["message"].endswith(
        f"to attest, commit .clearance/attestations/smoke.yaml with rule: smoke, commit: {head}, by, at "
        "and note to refs/heads/clearance-signoffs (clearance attest smoke --commit "
        f"{head} --by LOGIN --ref refs/heads/clearance-signoffs)")
    assert ("no record for 'smoke' under .clearance/attestations/ (the snapshot, refs/heads/clearance-signoffs, "
            "refs/remotes/origin/clearance-signoffs)") in rule["message"]


@pytest.mark.parametrize(("subject", "why"), [
    ({}, "names no commit: at staging a record counts only for the commit under evaluation (commit: {head})"),
    ({"commit": "{base}"}, "signs commit {base}, not the commit under evaluation ({head})"),
    ({"commit": "ab" * 20}, "names commit {abab}, which is not in the repository"),
    ({"release": "v9"}, "names release v9, a tag the repository does not have"),
    ({"commit": "{head}", "environment": "production"}, "is for environment 'production', not 'staging'"),
])
def test_a_record_that_does_not_name_the_deployed_commit_is_refused(repo: Repo, cli, subject: dict, why: str) -> None:
    base, head = deployed(repo)
    names = {"head": head, "base": base, "abab": "ab" * 20}
    sign_off(repo, record_text("smoke", "@qa", **{k: v.format(**names) for k, v in subject.items()}))
    rule = staging(cli, repo, base, head)
    assert rule["verdict"] == "pending"
    assert why.format(**names) in rule["message"]


def test_a_release_tag_on_the_deployed_commit_names_it(repo: Repo, cli) -> None:
    base, head = deployed(repo)
    repo.git("tag", "-a", "v2.0", "-m", "Release 2.0", head)
    sign_off(repo, record_text("smoke", "@qa", release="v2.0"))
    rule = staging(cli, repo, base, head)
    assert rule["verdict"] == "pass", rule["message"]
    assert rule["attestation"]["subject"] == {"release": "v2.0"}


def test_valid_for_release_holds_for_later_commits_until_the_next_release(repo: Repo, cli) -> None:
    base, released = deployed(repo, "valid_for: release")
    repo.git("tag", "v1.0", released)
    sign_off(repo, record_text("smoke", "@qa", release="v1.0"))
    repo.write("README.md", "docs\n")
    fix = repo.commit("a docs fix after the release")
    assert staging(cli, repo, base, fix)["verdict"] == "pass"
    repo.git("tag", "v1.1", fix)
    later = staging(cli, repo, base, fix)
    assert later["verdict"] == "pending"
    assert f"signs commit {released}, and release v1.1 came after it" in later["message"]


def test_a_record_for_a_later_commit_does_not_hold_for_an_earlier_one(repo: Repo, cli) -> None:
    base, head = deployed(repo, "valid_for: release")
    sign_off(repo, record_text("smoke", "@qa", commit=head))
    rule = staging(cli, repo, base, base)  # redeploying the older commit
    assert rule["verdict"] == "pending"
    assert f"signs commit {head}, which is not the commit under evaluation ({base}) nor before it" in rule["message"]


@pytest.mark.parametrize(("at", "verdict", "why"), [
    ("2026-01-06T00:04:00Z", "pass", ""),  # within the 5 minutes of clock skew
    ("2026-01-06T00:06:00Z", "pending", "is dated 2026-01-06T00:06:00Z, in the future (the run's time is 2026-01-06T00:00:00Z)"),
    ("2099-01-01", "pending", "is dated 2099-01-01, in the future"),
    ("2025-12-24T00:00:00Z", "pass", ""),  # 13 days old
    ("2025-12-22T23:59:59Z", "pending", "has expired: dated 2025-12-22T23:59:59Z, more than 14d before the run"),
])
def test_a_record_dated_in_the_future_or_older_than_max_age_is_refused(repo: Repo, cli, at: str, verdict: str,
                                                                       why: str) -> None:
    base, head = deployed(repo, "max_age: 14d")
    sign_off(repo, record_text("smoke", "@qa", at=at, commit=head))
    rule = staging(cli, repo, base, head)
    assert rule["verdict"] == verdict, rule["message"]
    assert why in rule["message"]


def test_a_refused_latest_record_gives_way_to_an_earlier_one_that_holds(repo: Repo, cli) -> None:
    base, head = deployed(repo, "max_age: 14d")
    sign_off(repo, f"- {{rule: smoke, by: qa, at: '2026-01-05', commit: '{head}'}}\n"
                   f"- {{rule: smoke, by: qa, at: '2099-01-01', commit: '{head}'}}\n")
    rule = staging(cli, repo, base, head)
    assert rule["verdict"] == "pass"
    assert rule["attestation"]["at"] == "2026-01-05"
    [ignored] = rule["data"]["ignored_signoffs"]
    assert ignored["at"] == "2099-01-01" and "in the future" in ignored["reason"]


@pytest.mark.parametrize(("text", "message"), [
    ("rule: smoke\nby: qa\nat: 2026-01-05\ncommit: 1234abc\n", "'commit' is not a full commit id (40 or 64 hex digits): '1234abc'"),
    ("rule: smoke\nby: qa\nat: 2026-01-05\nrelease: 1.10\n", "'release' is not a string: quote it (release: \"1.1\")"),
    ("rule: smoke\nby: qa\nat: 2026-01-05\nrelease: '-v1'\n", "'release' is not a tag name: '-v1'"),
])
def test_a_record_with_a_broken_subject_is_an_error_naming_its_line(repo: Repo, cli, text: str, message: str) -> None:
    base, head = deployed(repo)
    sign_off(repo, text)
    rule = staging(cli, repo, base, head)
    assert rule["verdict"] == "error"
    assert rule["findings"][0]["message"] == message


MERGE = """\
metadata: {name: t}
settings: {refuse_self_granted_in: [merge]}
inputs: {attestations: %s}
rules:
  - {id: smoke, stages: [merge], check: {attestation: {}}}
"""


def test_at_merge_a_record_in_force_at_the_base_counts_unverified(repo: Repo, tmp_path) -> None:
    """A record merged earlier, naming the commit it signs, counts at merge while the change
    leaves that commit's files as they were (sign-off records aside)."""
    signed = repo.commit("the commit QA checked")
    repo.write(".clearance/attestations/jan.yaml", record_text("smoke", "@qa", at="2026-01-02", commit=signed))
    base = repo.commit("QA signed in January")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("a change that touches no file")
    in_force = policy(tmp_path, MERGE % ".clearance/attestations")
    result = gate(repo.path, "merge", in_force, "smoke", base=base)
    assert result.verdict == "pass", result.message
    assert result.data["attestation"]["self_added"] is False
    assert result.data["attestation"]["self_added_reason"] == f"in force at the base revision {base[:12]}"


def test_at_merge_an_earlier_record_naming_no_commit_signs_off_nothing_new(repo: Repo, tmp_path) -> None:
    """The review's case: QA's record of an earlier change, naming no commit, would sign off
    every later change unseen; it signs off only the change that writes it."""
    repo.write(".clearance/attestations/jan.yaml", record_text("smoke", "@qa", at="2026-01-02"))
    base = repo.commit("QA signed in January")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app.py", "x = 1\n")
    repo.commit("a change QA never saw")
    result = gate(repo.path, "merge", policy(tmp_path, MERGE % ".clearance/attestations"), "smoke", base=base)
    assert result.verdict == "pending"
    assert "names no commit and is not written by this change" in result.message


def test_a_record_is_in_force_only_in_the_folder_the_base_policy_names(repo: Repo, tmp_path) -> None:
    """A record sitting at the base in a folder the base policy does not read was not in force."""
    signed = repo.commit("the commit QA checked")
    repo.write("elsewhere/jan.yaml", record_text("smoke", "@qa", at="2026-01-02", commit=signed))
    base = repo.commit("a record outside the base policy's folder")
    result = gate(repo.path, "merge", policy(tmp_path, MERGE % "elsewhere"), "smoke", base=base,
                  base_policy=policy(tmp_path, MERGE % ".clearance/attestations", "base.yaml"))
    assert result.verdict == "pending"
    assert "elsewhere/jan.yaml:1 is self-added (added by the change under evaluation, not in force" in result.message


def test_an_edited_record_is_a_new_one(repo: Repo, tmp_path) -> None:
    repo.write(".clearance/attestations/jan.yaml", record_text("smoke", "@qa", at="2026-01-02"))
    base = repo.commit("QA signed in January")
    repo.write(".clearance/attestations/jan.yaml", record_text("smoke", "@qa", at="2026-01-05"))
    repo.commit("the author moves the date")
    result = gate(repo.path, "merge", policy(tmp_path, MERGE % ".clearance/attestations"), "smoke", base=base)
    assert result.verdict == "pending"
    assert "is self-added" in result.message


def test_without_the_base_policy_no_record_is_known_to_be_in_force(repo: Repo, tmp_path) -> None:
    signed = repo.commit("the commit QA checked")
    repo.write(".clearance/attestations/jan.yaml", record_text("smoke", "@qa", at="2026-01-02", commit=signed))
    base = repo.commit("QA signed in January")
    result = gate(repo.path, "merge", policy(tmp_path, MERGE % ".clearance/attestations"), "smoke",
                  base=base, known_base=False)
    assert result.verdict == "pending"
    assert ("is self-added (whether it was in force before the change cannot be told: the policy of the "
            "base revision is not known)") in result.message
