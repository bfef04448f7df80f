"""The sign-off bypasses of issue #17, each as it was done, each refused now.

1. a forged production approval: `by: "@cto"`, `at: 2099-01-01`, committed by the author;
2. a sign-off for release 1.0 passing the staging gate of release 2.0;
3. a record the change adds, counted because its file name holds a colon;
4. a run without a base revision failing open;
5. the PR author's tick counted as the reviewer's sign-off;
6. `self_added` in the JSON but not in the Markdown or HTML report;
7. production not refusing a self-added record although the pack says it does.
(The review.approved bypass of the same issue is tested in test_review_access.py.)
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from attesting import RUN_TIME
from clearance.checks import attestation
from clearance.evidence.context import Evidence, RunSpec
from helpers import Repo


@pytest.fixture(autouse=True)
def _run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = dt.datetime.fromisoformat(RUN_TIME.replace("Z", "+00:00"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))


def rule_of(cli, repo: Repo, rule_id: str, *args: str) -> dict:
    run = cli("check", "--repo", repo.path, "-f", "json", *args)
    assert run.code in (0, 1), run.err
    return next(r for r in json.loads(run.out)["rules"] if r["id"] == rule_id)


def test_1_a_forged_production_approval_dated_2099_is_refused(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "extends: [builtin:spec-driven]\n")
    base = repo.commit("policy")
    repo.write(".clearance/attestations/approval.yaml",
               'rule: production.approval\nby: "@cto"\nat: 2099-01-01\nnote: Approved.\n')
    repo.commit("the author approves the release as the CTO")
    rule = rule_of(cli, repo, "gate.production-approval", "--stage", "production", "--base", base)
    assert rule["verdict"] == "pending"
    assert ("the record .clearance/attestations/approval.yaml:1 is dated 2099-01-01, in the future "
            "(the run's time is 2026-01-06T00:00:00Z)") in rule["message"]


STAGING = """\
metadata: {name: t}
rules:
  - {id: staging.smoke-tests, stages: [staging], check: {attestation: {%s}}}
"""


@pytest.mark.parametrize(("params", "why"), [
    ("", "signs commit {v1}, not the commit under evaluation ({v2})"),
    ("valid_for: release", "signs commit {v1}, and release v2.0 came after it"),
])
def test_2_a_sign_off_for_release_1_does_not_pass_the_staging_gate_of_release_2(
        repo: Repo, cli, params: str, why: str) -> None:
    repo.write("clearance.yaml", STAGING % params)
    repo.write("app.py", "version = 1\n")
    v1 = repo.commit("release 1.0")
    repo.git("tag", "v1.0")
    repo.write(".clearance/attestations/smoke.yaml",
               'rule: staging.smoke-tests\nby: "@qa"\nat: 2026-01-05\nrelease: v1.0\nnote: Smoke tests green.\n')
    repo.commit("QA signs off release 1.0 on staging")
    repo.write("app.py", "version = 2\n")
    v2 = repo.commit("release 2.0")
    repo.git("tag", "-a", "v2.0", "-m", "Release 2.0")
    rule = rule_of(cli, repo, "staging.smoke-tests", "--stage", "staging", "--base", "v1.0", "--head", "v2.0")
    assert rule["verdict"] == "pending"
    assert why.format(v1=v1, v2=v2) in rule["message"]


REFUSING = """\
metadata: {name: t}
settings: {refuse_self_granted_in: [merge, production]}
rules:
  - {id: release.approved, stages: [merge, production], check: {attestation: {}}}
"""


def added_record(repo: Repo, name: str, tag: str | None = None) -> str:
    """The policy at the base, then a change adding a record (for the release tagged at its head)."""
    repo.write("clearance.yaml", REFUSING)
    base = repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    subject = f"release: {tag}\n" if tag else ""
    repo.write(f".clearance/attestations/{name}", f'rule: release.approved\nby: "@cto"\nat: 2026-01-05\n{subject}')
    repo.commit("the author approves")
    if tag:
        repo.git("tag", tag)
    return base


@pytest.mark.parametrize("name", ["merge:approved.yaml", "a:b:c.yml"])
@pytest.mark.parametrize("stage", ["merge", "production"])
def test_3_a_record_the_change_adds_is_refused_whatever_colons_its_file_name_holds(
        repo: Repo, cli, name: str, stage: str) -> None:
    base = added_record(repo, name, tag="v1.0")
    rule = rule_of(cli, repo, "release.approved", "--stage", stage, "--base", base)
    assert rule["verdict"] == "pending"
    assert (f"the record .clearance/attestations/{name}:1 is self-added (added by the change under "
            f"evaluation, not in force at the base revision {base[:12]})") in rule["message"]


def test_4_without_a_base_revision_a_production_gate_fails_closed(repo: Repo, cli) -> None:
    added_record(repo, "approved.yaml", tag="v1.0")
    assert cli("check", "--repo", repo.path, "--stage", "production").code == 2  # no base: usage error
    # and the check itself, asked without a base (evidence built with no policies), counts nothing
    evidence = Evidence(RunSpec(root=repo.path, stage="production", refuse_self_granted=True), now=RUN_TIME)
    outcome = attestation.run({"id": "release.approved"}, evidence)
    assert outcome.verdict == "pending"
    assert ("is self-added (whether it was in force before the change cannot be told: the policy of "
            "the base revision is not known) and unverified") in outcome.message


def test_5_the_pr_authors_tick_is_not_the_reviewers_sign_off(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("clearance.yaml", "extends: [builtin:spec-driven]\n")
    base = repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app.py", "x = 1\n")
    repo.commit("change")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {
        "number": 7, "body": "## PR Checklist\n- [x] Code review checklist complete\n", "title": "feat: x",
        "user": {"login": "ada"}, "updated_at": "2026-01-05T09:00:00Z"}}), encoding="utf-8")
    rule = rule_of(cli, repo, "pr.code-review-checklist", "--stage", "pr", "--base", base, "--event", event)
    assert rule["verdict"] == "pending"
    assert ("item 'Code review checklist complete' is ticked, but a tick is the PR author's own word (ada)"
            in rule["message"])


def test_6_a_self_added_sign_off_is_shown_in_the_markdown_and_html_reports(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\nrules:\n  - {id: smoke, stages: [pr], check: {attestation: {}}}\n")
    base = repo.commit("policy")
    repo.write(".clearance/attestations/smoke.yaml", 'rule: smoke\nby: "@qa"\nat: 2026-01-05\n')
    repo.commit("the author signs for QA")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base,
              "-f", f"markdown={tmp_path / 'r.md'}", "-f", f"html={tmp_path / 'r.html'}", "-f", f"json={tmp_path / 'r.json'}")
    assert run.code == 0, run.err
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["rules"][0]["attestation"]["self_added"] is True
    said = (f"sign-off by @qa (.clearance/attestations/smoke.yaml:1) is self-added: added by the change "
            f"under evaluation, not in force at the base revision {base[:12]}")
    for report in ("r.md", "r.html"):
        assert said in (tmp_path / report).read_text("utf-8"), report


def test_7_production_refuses_a_self_added_unverified_record(repo: Repo, cli) -> None:
    base = added_record(repo, "approved.yaml", tag="v1.0")
    rule = rule_of(cli, repo, "release.approved", "--stage", "production", "--base", base)
    assert rule["verdict"] == "pending"
    assert "self-granted sign-offs are refused at this stage" in rule["message"]
    assert rule["data"]["ignored_signoffs"][0]["source"] == ".clearance/attestations/approved.yaml:1"
