"""The `attestation` kind through `clearance check`: who may attest (the policy's
`attestors`, `*` included), records the change itself adds where self-granted
sign-offs are refused, and what a pending, errored or passing gate says.

Gates run at the pr stage (a record there need not name a commit) unless the test is
about merge; the policy in force is the base revision's."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Repo

LONG_LOGIN = "qa-" + "x" * 97  # 100 characters
LONG_ITEM = "Smoke tests of " + "every service " * 8  # 127 characters, ends in a space


def gate(cli, repo: Repo, rule_id: str, *args: str) -> dict:
    run = cli("check", "--repo", repo.path, "-f", "json", *args)
    assert run.code in (0, 1), run.err
    return next(r for r in json.loads(run.out)["rules"] if r["id"] == rule_id)


def record(repo: Repo, name: str, rule: str, by: str, at: str = "2026-01-05T14:30:00Z") -> None:
    repo.write(f".clearance/attestations/{name}.yaml", f"rule: {rule}\nby: \"{by}\"\nat: {at}\nnote: done\n")


def test_the_wildcard_attestors_limit_a_rule_with_no_attestors_of_its_own(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\nattestors: {'*': ['@ops']}\n"
               "rules:\n  - {id: notified, stages: [pr], check: {attestation: {}}}\n")
    base = repo.commit("policy")
    record(repo, "notified", "notified", "@developer")
    repo.commit("a developer signs")
    rule = gate(cli, repo, "notified", "--stage", "pr", "--base", base)
    assert rule["verdict"] == "pending"
    assert "records by @developer, who may not attest" in rule["message"]
    record(repo, "notified", "notified", "@ops")
    repo.commit("ops signs")
    assert gate(cli, repo, "notified", "--stage", "pr", "--base", base)["verdict"] == "pass"


def test_every_record_by_someone_not_allowed_is_named(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\n"
               "rules:\n  - {id: smoke, stages: [pr], check: {attestation: {by: [ada]}}}\n")
    base = repo.commit("policy")
    repo.write(".clearance/attestations/all.yaml",
               "- {rule: smoke, by: bob, at: 2026-01-05}\n- {rule: smoke, by: carol, at: 2026-01-06}\n")
    repo.commit("records")
    rule = gate(cli, repo, "smoke", "--stage", "pr", "--base", base)
    assert rule["verdict"] == "pending"
    assert "records by bob, carol, who may not attest" in rule["message"]


REFUSING = ("metadata: {name: t}\nsettings: {refuse_self_granted_in: [merge]}\n"
            "rules:\n  - {id: smoke, stages: [merge], check: {attestation: {}}}\n")


def test_where_self_granting_is_refused_a_record_from_before_the_change_signs_off_nothing_new(
        repo: Repo, cli) -> None:
    """QA's January record names no commit: it signed off its own change, not this one."""
    repo.write("clearance.yaml", REFUSING)
    record(repo, "smoke-jan", "smoke", "@qa", at="2026-01-05T00:00:00Z")
    base = repo.commit("QA signed in January")
    repo.write("app.py", "x = 1\n")
    repo.commit("a change without records")
    rule = gate(cli, repo, "smoke", "--stage", "merge", "--base", base)
    assert rule["verdict"] == "pending"
    assert "smoke-jan.yaml:1 names no commit and is not written by this change" in rule["message"]


def test_where_self_granting_is_refused_an_added_record_does_not_fall_back_to_an_older_one(
        repo: Repo, cli) -> None:
    repo.write("clearance.yaml", REFUSING)
    record(repo, "smoke-jan", "smoke", "@qa", at="2026-01-05T00:00:00Z")
    base = repo.commit("QA signed in January")
    record(repo, "smoke-feb", "smoke", "@qa", at="2026-02-05T00:00:00Z")
    repo.commit("the author signs again for QA")
    rule = gate(cli, repo, "smoke", "--stage", "merge", "--base", base)
    assert rule["verdict"] == "pending"


def test_where_self_granting_is_refused_an_added_record_alone_leaves_the_gate_pending(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", REFUSING)
    base = repo.commit("policy")
    record(repo, "smoke-feb", "smoke", "@qa")
    repo.commit("the author signs for QA")
    rule = gate(cli, repo, "smoke", "--stage", "merge", "--base", base)
    assert rule["verdict"] == "pending"
    assert ("the record .clearance/attestations/smoke-feb.yaml:1 is self-added (added by the change under "
            f"evaluation, not in force at the base revision {base[:12]}) and unverified (") in rule["message"]
    assert "self-granted sign-offs are refused at this stage" in rule["message"]


def test_where_self_granting_is_refused_no_record_at_all_is_pending(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", REFUSING)
    base = repo.commit("policy")
    repo.write("app.py", "x = 1\n")
    repo.commit("change")
    rule = gate(cli, repo, "smoke", "--stage", "merge", "--base", base)
    assert rule["verdict"] == "pending"
    assert "no record for 'smoke'" in rule["message"]


def test_a_pending_gate_gives_every_reason(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\n"
               "rules:\n  - {id: smoke, stages: [staging], check: {attestation: {item: Smoke tests done}}}\n")
    base = repo.commit("policy")
    rule = gate(cli, repo, "smoke", "--stage", "staging", "--base", base)
    assert rule["verdict"] == "pending"
    assert ("(no record for 'smoke' under .clearance/attestations/ (the snapshot, refs/heads/clearance-signoffs, "
            "refs/remotes/origin/clearance-signoffs); no PR body was given)") in rule["message"]


def test_an_unreadable_record_with_nothing_else_is_an_error_that_says_why(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\n"
               "rules:\n  - {id: smoke, stages: [staging], check: {attestation: {}}}\n")
    repo.write(".clearance/attestations/smoke.yaml", "rule: smoke\nby: ada\n")
    base = repo.commit("a record without a date")
    rule = gate(cli, repo, "smoke", "--stage", "staging", "--base", base)
    assert rule["verdict"] == "error"
    assert len(rule["findings"]) == 1
    assert "1 record" in rule["message"]
    assert rule["findings"][0]["message"] in rule["message"]


def event(tmp_path: Path, body: str, login: str) -> Path:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"pull_request": {"body": body, "title": "feat: x", "user": {"login": login},
                                                 "updated_at": "2026-01-06T09:00:00Z"}}), encoding="utf-8")
    return path


def test_an_item_ticked_by_an_author_who_may_not_attest_is_pending(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\nrules:\n"
               "  - {id: smoke, stages: [pr], check: {attestation: {item: Smoke tests done, by: [ada],"
               " accept: [author-tick]}}}\n")
    base = repo.commit("policy")
    body = "- [x] Smoke tests done\n"
    rule = gate(cli, repo, "smoke", "--stage", "pr", "--base", base, "--event", event(tmp_path, body, "grace"))
    assert rule["verdict"] == "pending"
    assert "item 'Smoke tests done' is ticked by grace, who may not attest" in rule["message"]
    allowed = gate(cli, repo, "smoke", "--stage", "pr", "--base", base, "--event", event(tmp_path, body, "Ada"))
    assert allowed["verdict"] == "pass"


def test_an_item_ticked_in_a_body_file_attests_with_no_date(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\nrules:\n"
               "  - {id: smoke, stages: [pr], check: {attestation: {item: Smoke tests done, accept: [author-tick]}}}\n")
    base = repo.commit("policy")
    body = tmp_path / "body.md"
    body.write_text("- [x] Smoke tests done\n", encoding="utf-8")
    rule = gate(cli, repo, "smoke", "--stage", "pr", "--base", base, "--pr-body", body)
    assert rule["verdict"] == "pass"
    assert rule["attestation"]["at"] is None
    assert rule["message"] == f"attested by PR author ({body}:1): the PR author's own tick (accept: author-tick)"


def test_a_long_attestor_name_is_cut_to_sixty_characters(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\n"
               "rules:\n  - {id: smoke, stages: [pr], check: {attestation: {}}}\n")
    base = repo.commit("policy")
    record(repo, "smoke", "smoke", LONG_LOGIN)
    repo.commit("a record by a long name")
    rule = gate(cli, repo, "smoke", "--stage", "pr", "--base", base)
    assert rule["verdict"] == "pass"
    assert rule["attestation"]["by"] == LONG_LOGIN
    assert rule["message"].startswith(f"attested by {LONG_LOGIN[:59]}… on ")


def test_a_long_item_name_is_cut_to_sixty_characters_in_the_reason_and_the_advice(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\nrules:\n"
               f"  - {{id: smoke, stages: [pr], check: {{attestation: {{item: '{LONG_ITEM}', accept: [author-tick]}}}}}}\n")
    base = repo.commit("policy")
    body = tmp_path / "body.md"
    body.write_text("- [x] Something else\n", encoding="utf-8")
    rule = gate(cli, repo, "smoke", "--stage", "pr", "--base", base, "--pr-body", body)
    assert rule["verdict"] == "pending"
    cut = LONG_ITEM[:59] + "…"
    assert f"item '{cut}' is not in the PR body" in rule["message"]
    assert f"tick '{cut}' in the PR body" in rule["message"]
