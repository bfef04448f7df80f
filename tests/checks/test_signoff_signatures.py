"""A sign-off proven by a signature: the commit that wrote the record is signed with a key
that the base revision's allowed signers hold for the record's attestor.

Real keys (ssh-keygen, gpg), commits signed by git, verified by `git verify-commit`
through clearance. A forged record is refused whichever way it is forged: unsigned,
signed by a key in no allowed signers file, signed by the author's own key, or
signed by a key the change itself adds to the allowed signers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from helpers import Repo
from signing import Keys

RUN_TIME = dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc)
POLICY = """\
metadata: {name: t}
settings: {refuse_self_granted_in: [merge, production]}
rules:
  - {id: release.approved, stages: [production], check: {attestation: {by: ["@qa-lead"]}}}
"""


@pytest.fixture(autouse=True)
def _run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(RUN_TIME.timestamp())))


def released(repo: Repo, keys: Keys, signers: str | None = None) -> tuple[str, str]:
    """A base with the policy and the allowed signers, and the release commit after it."""
    repo.write("clearance.yaml", POLICY)
    repo.write(".clearance/allowed_signers",
               keys.allowed_signers(**{"qa-lead": "qa", "ada": "ada"}) if signers is None else signers)
    repo.write(".clearance/allowed_signers.asc", keys.gpg_public(keys.qa_gpg))
    base = repo.commit("policy and allowed signers")
    repo.write("app.py", "x = 1\n")
    return base, repo.commit("the release")


def record(repo: Repo, head: str, by: str = "@qa-lead", name: str = "approved") -> str:
    path = f".clearance/attestations/{name}.yaml"
    repo.write(path, f'rule: release.approved\nby: "{by}"\nat: 2026-01-05T10:00:00Z\n'
                     f"commit: {head}\nnote: Release approved.\n")
    return path


def on_signoff_branch(repo: Repo, write) -> None:
    """Write on the sign-off branch (made from main), then come back to main."""
    repo.git("checkout", "-q", "-B", "clearance-signoffs", "main")
    write()
    repo.git("checkout", "-q", "main")


def gate(cli, repo: Repo, base: str, head: str) -> dict:
    run = cli("check", "--repo", repo.path, "--stage", "production", "--base", base, "--head", head,
              "-f", "json")
    assert run.code in (0, 1), run.err
    return next(r for r in json.loads(run.out)["rules"] if r["id"] == "release.approved")


def test_a_record_signed_by_the_allowed_ssh_signer_counts_at_production(repo: Repo, cli, keys: Keys) -> None:
    base, head = released(repo, keys)
    on_signoff_branch(repo, lambda: keys.sign_ssh(repo, "qa", "QA approves", record(repo, head)))
    rule = gate(cli, repo, base, head)
    assert rule["verdict"] == "pass", rule["message"]
    attestation = rule["attestation"]
    assert attestation["proof"] == "signature"
    assert attestation["verified"] is True
    assert attestation["self_added"] is True  # written after the base: only the signature makes it count
    assert attestation["subject"] == {"commit": head}
    assert attestation["source"] == "refs/heads/clearance-signoffs:.clearance/attestations/approved.yaml:1"
    assert "SSH signature by allowed signer qa-lead" in attestation["proof_detail"]
    assert keys.ssh_fingerprint("qa") in attestation["proof_detail"]
    signers = (repo.path / ".clearance/allowed_signers").read_bytes()  # what the base holds
    assert {"path": f"{base[:12]}:.clearance/allowed_signers", "sha256": hashlib.sha256(signers).hexdigest(),
            "source": "git"} in rule["evidence"]


def test_a_record_signed_by_the_allowed_openpgp_key_counts_at_production(repo: Repo, cli, keys: Keys) -> None:
    base, head = released(repo, keys)
    on_signoff_branch(repo, lambda: keys.sign_gpg(repo, keys.qa_gpg, "QA approves", record(repo, head)))
    rule = gate(cli, repo, base, head)
    assert rule["verdict"] == "pass", rule["message"]
    assert rule["attestation"]["proof"] == "signature"
    assert keys.qa_gpg in rule["attestation"]["proof_detail"]
    assert "OPENPGP signature by allowed signer qa-lead <qa@example.com>" in rule["attestation"]["proof_detail"]


def test_an_unsigned_record_is_refused_at_production(repo: Repo, cli, keys: Keys) -> None:
    base, head = released(repo, keys)
    on_signoff_branch(repo, lambda: repo.commit("QA approves", record(repo, head)))
    rule = gate(cli, repo, base, head)
    assert rule["verdict"] == "pending"
    assert rule["attestation"] is None
    [ignored] = rule["data"]["ignored_signoffs"]
    assert ignored["source"] == "refs/heads/clearance-signoffs:.clearance/attestations/approved.yaml:1"
    assert "self-granted sign-offs are refused at this stage" in ignored["reason"]
    assert "that wrote it: it is not signed" in ignored["reason"]
    assert ignored["reason"] in rule["message"]


def test_a_record_signed_by_a_key_in_no_allowed_signers_file_is_refused(repo: Repo, cli, keys: Keys) -> None:
    base, head = released(repo, keys)
    on_signoff_branch(repo, lambda: keys.sign_ssh(repo, "mallory", "QA approves", record(repo, head)))
    rule = gate(cli, repo, base, head)
    assert rule["verdict"] == "pending"
    assert "a signature by a key the allowed signers do not hold" in rule["message"]


def test_an_openpgp_key_not_in_the_base_keyring_is_refused(repo: Repo, cli, keys: Keys) -> None:
    base, head = released(repo, keys)
    on_signoff_branch(repo, lambda: keys.sign_gpg(repo, keys.mallory_gpg, "QA approves", record(repo, head)))
    rule = gate(cli, repo, base, head)
    assert rule["verdict"] == "pending"
    assert "the allowed signers do not hold" in rule["message"]


def test_a_record_for_the_attestor_signed_with_the_authors_own_key_is_refused(repo: Repo, cli, keys: Keys) -> None:
    """ada may sign as ada, not as qa-lead: the key's principal must be the record's attestor."""
    base, head = released(repo, keys)
    on_signoff_branch(repo, lambda: keys.sign_ssh(repo, "ada", "QA approves", record(repo, head)))
    rule = gate(cli, repo, base, head)
    assert rule["verdict"] == "pending"
    assert "is signed by ada, not @qa-lead" in rule["message"]


def test_a_key_the_change_adds_to_the_allowed_signers_does_not_count(repo: Repo, cli, keys: Keys) -> None:
    """The allowed signers are read from the base revision's objects, not the head, not the disk."""
    base, _ = released(repo, keys, signers=keys.allowed_signers(**{"qa-lead": "qa"}))
    repo.write(".clearance/allowed_signers", keys.allowed_signers(**{"qa-lead": "mallory"}))
    head = repo.commit("the release, and mallory's key as qa-lead's")
    on_signoff_branch(repo, lambda: keys.sign_ssh(repo, "mallory", "QA approves", record(repo, head)))
    assert gate(cli, repo, base, head)["verdict"] == "pending"
    # the same key, allowed at the base, counts: the refusal above is the base's doing
    assert gate(cli, repo, head, head)["verdict"] == "pass"


def test_a_signed_record_edited_by_a_later_unsigned_commit_is_refused(repo: Repo, cli, keys: Keys) -> None:
    base, head = released(repo, keys)

    def write() -> None:
        path = record(repo, head)
        keys.sign_ssh(repo, "qa", "QA approves", path)
        repo.write(path, Path(repo.path / path).read_text("utf-8").replace("approved.", "approved!"))
        repo.commit("touch up", path)

    on_signoff_branch(repo, write)
    rule = gate(cli, repo, base, head)
    assert rule["verdict"] == "pending"
    assert "it is not signed" in rule["message"]


def test_a_signed_record_for_another_commit_does_not_count(repo: Repo, cli, keys: Keys) -> None:
    base, head = released(repo, keys)
    on_signoff_branch(repo, lambda: keys.sign_ssh(repo, "qa", "QA approves", record(repo, base)))
    rule = gate(cli, repo, base, head)
    assert rule["verdict"] == "pending"
    assert f"signs commit {base}, not the commit under evaluation ({head})" in rule["message"]


MERGE_POLICY = """\
metadata: {name: t}
settings: {refuse_self_granted_in: [merge]}
rules:
  - {id: review.done, stages: [merge], check: {attestation: {by: ["@qa-lead"]}}}
"""


def test_at_merge_a_signed_record_naming_the_change_counts(repo: Repo, cli, keys: Keys) -> None:
    repo.write("clearance.yaml", MERGE_POLICY)
    repo.write(".clearance/allowed_signers", keys.allowed_signers(**{"qa-lead": "qa"}))
    base = repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app.py", "x = 1\n")
    work = repo.commit("the change")
    repo.write(".clearance/attestations/review.yaml",
               f'rule: review.done\nby: "@qa-lead"\nat: 2026-01-05\ncommit: {work}\n')
    keys.sign_ssh(repo, "qa", "QA signs off the change")

    def merge_gate() -> dict:
        run = cli("check", "--repo", repo.path, "--stage", "merge", "--base", base, "-f", "json")
        return next(r for r in json.loads(run.out)["rules"] if r["id"] == "review.done")

    signed = merge_gate()
    assert signed["verdict"] == "pass", signed["message"]
    assert signed["attestation"]["proof"] == "signature"
    repo.write("app.py", "x = 2\n")
    repo.commit("a change after the sign-off")
    moved = merge_gate()
    assert moved["verdict"] == "pending"
    assert f"signs commit {work}, and the change has moved on since: app.py differs" in moved["message"]


def test_at_merge_a_signed_record_naming_no_commit_is_not_proven(repo: Repo, cli, keys: Keys) -> None:
    """A signed record that names nothing could be merged into any branch: not a proof."""
    repo.write("clearance.yaml", MERGE_POLICY)
    repo.write(".clearance/allowed_signers", keys.allowed_signers(**{"qa-lead": "qa"}))
    base = repo.commit("policy")
    repo.write(".clearance/attestations/review.yaml", 'rule: review.done\nby: "@qa-lead"\nat: 2026-01-05\n')
    keys.sign_ssh(repo, "qa", "QA signs off something")
    run = cli("check", "--repo", repo.path, "--stage", "merge", "--base", base, "-f", "json")
    rule = next(r for r in json.loads(run.out)["rules"] if r["id"] == "review.done")
    assert rule["verdict"] == "pending"
    assert "a signature is not taken: the record names no commit" in rule["message"]
