"""The gate the gated change cannot rewrite (#16): the policy in force is read from the
base revision (the index at the commit stage), never from the change or the working tree.

Every test builds a real git repository whose base holds a strict policy, then a change
that tries to get out of it. The base's rule must still decide; the change's own policy
is shown as `proposed`, and `policy.approved` says what the change would alter.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.evidence.github_server import FIXTURES, REPO, FakeGitHub, dumps

from helpers import Repo, Run

STRICT = """\
metadata: {name: team}
rules:
  - id: readme
    stages: [pr, commit, push]
    check: {files.exist: {paths: [README.md]}}
"""


def check(cli: Any, repo: Repo, base: str, *extra: str | Path) -> tuple[Run, dict[str, Any]]:
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json", *extra)
    assert run.code in (0, 1), run.err
    return run, json.loads(run.out)


def verdicts(doc: dict[str, Any]) -> dict[str, str]:
    return {r["id"]: r["verdict"] for r in doc["rules"]}


def change(repo: Repo, files: dict[str, str | None]) -> str:
    """A feature branch commit that writes (or with None deletes) files."""
    repo.git("checkout", "-q", "-B", "feature")
    for path, text in files.items():
        if text is None:
            repo.git("rm", "-q", path)
        else:
            repo.write(path, text)
    return repo.commit("try to get out of the gate")


@pytest.fixture
def strict(repo: Repo) -> str:
    """A base whose one rule fails (there is no README.md)."""
    repo.write("clearance.yaml", STRICT)
    repo.write("app.py", "print(1)\n")
    return repo.commit("base with a strict policy")


# -- each bypass of the issue, blocked ------------------------------------------------

BYPASSES = {
    "rule deleted": {"clearance.yaml": "metadata: {name: team}\nrules: []\n"},
    "rule weakened to info": {"clearance.yaml": STRICT.replace("stages: [pr, commit, push]",
                                                               "stages: [pr, commit, push]\n    severity: info")},
    "moved to a stage that never runs": {"clearance.yaml": STRICT.replace("[pr, commit, push]", "[production]")},
    "when that never matches": {"clearance.yaml": STRICT + "    when: {changed: [nothing/**]}\n"},
    "swapped for an empty [tool.clearance]": {"clearance.yaml": None,
                                              "pyproject.toml": "[tool.clearance]\nrules = []\n"},
    "a pass-through extends": {"clearance.yaml": "extends: [other.yaml]\n",
                               "other.yaml": "metadata: {name: other}\n"},
    "a check pointed elsewhere": {"clearance.yaml": STRICT.replace("README.md", "app.py")},
}


@pytest.mark.parametrize("how", list(BYPASSES))
def test_a_change_cannot_rewrite_the_policy_that_judges_it(repo: Repo, cli, strict: str, how: str) -> None:
    change(repo, BYPASSES[how])
    run, doc = check(cli, repo, strict)
    assert run.code == 1
    assert verdicts(doc) == {"readme": "fail"}
    assert doc["policy"]["read_from"]["source"] == "base"
    assert doc["policy"]["read_from"]["revision"] == strict
    assert "proposed" in doc  # what the change's own policy would decide is shown


def test_extending_a_file_that_already_holds_a_waiver_does_not_waive(repo: Repo, cli) -> None:
    """At the base, waivers.yaml exists but is not part of the policy: its waiver was not
    in force, so adding `extends: [waivers.yaml]` grants nothing."""
    repo.write("clearance.yaml", STRICT)
    repo.write("waivers.yaml", "waivers:\n  - {rule: readme, reason: later, owner: '@lead', expires: 2099-12-31}\n")
    base = repo.commit("base")
    change(repo, {"clearance.yaml": "extends: [waivers.yaml]\n" + STRICT})
    run, doc = check(cli, repo, base)
    assert run.code == 1
    [rule] = doc["rules"]
    assert (rule["verdict"], rule["waiver"]) == ("fail", None)


def test_pointing_the_attestations_folder_at_old_records_does_not_sign_off(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "rules:\n  - {id: release.signoff, stages: [pr], check: {attestation: {}}}\n")
    repo.write("old/signoff.yaml", "rule: release.signoff\nby: '@lead'\nat: 2026-01-01\nnote: old\n")
    base = repo.commit("base: the records under old/ are not the attestations folder")
    change(repo, {"clearance.yaml": "inputs: {attestations: old}\n"
                                    "rules:\n  - {id: release.signoff, stages: [pr], check: {attestation: {}}}\n"})
    run, doc = check(cli, repo, base)
    assert run.code == 1
    [rule] = doc["rules"]
    assert rule["verdict"] == "pending"
    assert ".clearance/attestations" in rule["message"]


def test_an_extends_out_of_the_repository_at_the_base_is_refused_naming_revision_file_and_line(
        repo: Repo, cli) -> None:
    repo.write("policies/team.yaml", "extends: [../../etc/passwd]\n")
    repo.write("clearance.yaml", "extends: [policies/team.yaml]\n")
    base = repo.commit("base")
    change(repo, {"app.py": "print(2)\n"})
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base)
    assert run.code == 2
    assert f"{base[:12]}:policies/team.yaml:1:" in run.err
    assert "leads out of the repository" in run.err
    assert "root:" not in run.err  # nothing of the file outside was read


def test_a_symlinked_extends_leading_out_is_not_read(repo: Repo, cli, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("waivers:\n  - {rule: readme, reason: x, owner: '@x', expires: 2099-12-31}\n", encoding="utf-8")
    (repo.path / "link.yaml").symlink_to(outside)
    repo.write("clearance.yaml", "extends: [link.yaml]\n" + STRICT)
    base = repo.commit("base")
    change(repo, {"app.py": "print(2)\n"})
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base)
    assert run.code == 2
    assert f"{base[:12]}:link.yaml" in run.err and "not found" in run.err


# -- the commit stage: the index, not the working tree --------------------------------

def test_an_unstaged_policy_edit_changes_nothing_at_the_commit_stage(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", STRICT)
    repo.commit("base")
    repo.write("app.py", "print(1)\n")
    repo.stage("app.py")
    before = cli("check", "--repo", repo.path, "--stage", "commit", "-f", "json")
    repo.write("clearance.yaml", "rules: []\n")  # not staged
    after = cli("check", "--repo", repo.path, "--stage", "commit", "-f", "json")
    assert (before.code, after.code) == (1, 1)
    assert verdicts(json.loads(after.out)) == verdicts(json.loads(before.out)) == {"readme": "fail"}
    assert json.loads(after.out)["policy"]["read_from"]["source"] == "index"
    repo.stage("clearance.yaml")  # what is committed is what judges the commit
    staged = cli("check", "--repo", repo.path, "--stage", "commit", "-f", "json")
    assert staged.code == 0 and verdicts(json.loads(staged.out)) == {}


# -- a first policy, and bad bases -------------------------------------------------------

def test_a_base_without_a_policy_file_is_judged_by_the_default_pack(repo: Repo, cli) -> None:
    """A repository gated by the built-in pack alone: a change that adds a policy opting
    itself out is judged by the pack, and the pack's policy.change-approved holds it."""
    repo.write("app.py", "print(1)\n")
    base = repo.commit("no policy file: builtin:spec-driven is in force")
    change(repo, {"clearance.yaml": "settings: {policy_source: head}\nrules: []\n"})
    run, doc = check(cli, repo, base)
    assert run.code == 1
    assert doc["policy"]["name"] == "spec-driven" and doc["policy"]["read_from"]["source"] == "base"
    assert verdicts(doc)["policy.change-approved"] == "fail"  # nobody may approve it yet
    assert doc["proposed"]["rules"] == []


def test_the_first_policy_judges_itself_only_when_the_command_line_says_so(repo: Repo, cli) -> None:
    repo.write("app.py", "print(1)\n")
    base = repo.commit("no policy yet")
    change(repo, {"clearance.yaml": STRICT})
    _, doc = check(cli, repo, base, "--policy-source", "head")
    assert verdicts(doc) == {"readme": "fail"}
    assert doc["policy"]["read_from"]["source"] == "head"


def test_a_named_policy_file_missing_at_the_base_is_an_error_naming_it(repo: Repo, cli) -> None:
    repo.write("app.py", "print(1)\n")
    base = repo.commit("no policy yet")
    change(repo, {"ci/policy.yaml": STRICT})
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base,
              "--policy", repo.path / "ci" / "policy.yaml")
    assert run.code == 2
    assert f"no policy at the base revision {base[:12]}" in run.err
    assert f"{base[:12]}:ci/policy.yaml" in run.err and "--policy-source head" in run.err


def test_opting_out_is_the_base_s_choice_not_the_change_s(repo: Repo, cli, strict: str) -> None:
    change(repo, {"clearance.yaml": "settings: {policy_source: head}\nrules: []\n"})
    _run, doc = check(cli, repo, strict)
    assert verdicts(doc) == {"readme": "fail"}


def test_a_team_that_accepts_the_risk_is_judged_by_the_change_s_policy(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", STRICT + "settings: {policy_source: head}\n")
    base = repo.commit("base opts out")
    change(repo, {"clearance.yaml": "settings: {policy_source: head}\nrules: []\n"})
    run, doc = check(cli, repo, base)
    assert run.code == 0 and verdicts(doc) == {}
    assert doc["policy"]["read_from"] == {"source": "head", "revision": doc["run"]["head"],
                                          "base": base, "head": doc["run"]["head"]}


def test_a_base_policy_that_no_longer_loads_names_revision_file_and_line(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", STRICT.replace("files.exist", "files.exists"))
    base = repo.commit("base with a kind this clearance does not know")
    change(repo, {"clearance.yaml": STRICT})
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base)
    assert run.code == 2
    line = STRICT.replace("files.exist", "files.exists").splitlines().index(
        "    check: {files.exists: {paths: [README.md]}}") + 1
    assert f"{base[:12]}:clearance.yaml:{line}:" in run.err
    assert "unknown check kind 'files.exists'" in run.err


def test_an_extends_cycle_at_the_base_names_the_files(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "extends: [a.yaml]\n")
    repo.write("a.yaml", "extends: [b.yaml]\n")
    repo.write("b.yaml", "extends: [a.yaml]\n")
    base = repo.commit("base")
    change(repo, {"app.py": "print(2)\n"})
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base)
    assert run.code == 2
    assert f"{base[:12]}:b.yaml:1:" in run.err
    assert "extends cycle: clearance.yaml -> a.yaml -> b.yaml -> a.yaml" in run.err


def test_no_base_at_staging_is_a_usage_error(repo: Repo, cli, strict: str) -> None:
    run = cli("check", "--repo", repo.path, "--stage", "staging")
    assert run.code == 2
    assert "no base revision for stage 'staging'" in run.err


def test_a_base_that_cannot_be_read_is_a_configuration_error(repo: Repo, cli, strict: str) -> None:
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", "f" * 40)
    assert run.code == 2
    assert "fetch" in run.err


# -- policy.approved: the change of the policy is itself a verdict -------------------------

GATED = """\
metadata: {name: team}
settings: {policy_owners: ['@alice']}
rules:
  - id: policy.change
    stages: [pr]
    check: {policy.approved: {}}
  - id: coverage
    stages: [pr]
    severity: warning
    check: {files.exist: {paths: [app.py]}}
"""
REVIEWS = f"{REPO}/pulls/42/reviews?per_page=100"
TOKEN = "ghp_policyOwnersTokenNeverPrinted000000000"


@pytest.fixture
def api(github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """The GitHub API fake (tests/conftest.py), as this repository's API."""
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/repo")
    return github


def event(tmp_path: Path, head: str, base: str) -> Path:
    """The pull_request payload of GitHub's documentation, on this repository's commits."""
    data = json.loads((FIXTURES / "event-pull-request.json").read_text("utf-8"))
    data["pull_request"]["head"]["sha"] = data["after"] = head
    data["pull_request"]["base"]["sha"] = base
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def review(login: str, commit: str, state: str = "APPROVED", association: str = "MEMBER",
           number: int = 1) -> dict[str, Any]:
    return {"id": number, "user": {"login": login, "type": "User"}, "state": state,
            "author_association": association, "commit_id": commit,
            "submitted_at": f"2026-01-03T10:00:0{number}Z"}


def policy_rule(doc: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in doc["rules"] if r["id"] == "policy.change")


@pytest.fixture
def tightened(repo: Repo) -> tuple[str, str]:
    """A base with policy.approved, and a change that tightens a rule (warning to error)."""
    repo.write("clearance.yaml", GATED)
    repo.write("app.py", "print(1)\n")
    base = repo.commit("base")
    head = change(repo, {"clearance.yaml": GATED.replace("severity: warning", "severity: error")})
    return base, head


def test_an_unchanged_policy_passes(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("clearance.yaml", GATED)
    repo.write("app.py", "print(1)\n")
    base = repo.commit("base")
    head = change(repo, {"app.py": "print(2)\n"})
    _run, doc = check(cli, repo, base, "--event", event(tmp_path, head, base))
    assert policy_rule(doc)["verdict"] == "pass"
    assert "proposed" not in doc


def test_a_tightened_rule_without_a_token_is_pending_naming_who_and_which_commit(
        repo: Repo, cli, tmp_path: Path, tightened: tuple[str, str]) -> None:
    base, head = tightened
    run, doc = check(cli, repo, base, "--event", event(tmp_path, head, base))
    rule = policy_rule(doc)
    assert run.code == 1 and rule["verdict"] == "pending"
    assert head[:12] in rule["message"] and "@alice" in rule["message"]
    [changed] = rule["data"]["policy_changes"]
    assert changed["effect"] == "tightens" and changed["rule"] == "coverage"
    assert changed["origin"]["path"] == "clearance.yaml"
    assert "severity raised from warning to error" in changed["what"]
    proposed = {r["id"]: r["severity"] for r in doc["proposed"]["rules"]}
    assert proposed["coverage"] == "error"  # what the change's own policy would have


@pytest.mark.parametrize(("who", "association", "on_head", "expected"), [
    ("alice", "MEMBER", True, "pass"),          # a policy owner, on the head commit
    ("alice", "MEMBER", False, "pending"),      # an approval of an earlier commit
    ("bob", "MEMBER", True, "pending"),         # not a policy owner
    ("ada", "OWNER", True, "pending"),          # the pull request's author
    ("alice", "NONE", True, "pending"),         # named, but without write access
])
def test_a_policy_change_passes_only_with_a_policy_owner_s_approval_of_the_head(
        repo: Repo, cli, tmp_path: Path, tightened: tuple[str, str], api: FakeGitHub,
        monkeypatch: pytest.MonkeyPatch, who: str, association: str, on_head: bool,
        expected: str) -> None:
    base, head = tightened
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    api.serve(REVIEWS, body=dumps([review(who, head if on_head else base, association=association)]))
    run, doc = check(cli, repo, base, "--event", event(tmp_path, head, base))
    assert TOKEN not in run.out + run.err
    rule = policy_rule(doc)
    assert rule["verdict"] == expected, rule["message"]
    assert rule["data"]["approved_by"] == ([who] if expected == "pass" else [])
    if expected == "pending":
        assert f"needs an approving review of {head[:12]}" in rule["message"]


def test_a_code_owner_of_the_policy_file_at_the_base_approves(repo: Repo, cli, tmp_path: Path,
                                                               api: FakeGitHub,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("clearance.yaml", GATED.replace("settings: {policy_owners: ['@alice']}\n", ""))
    repo.write(".github/CODEOWNERS", "*.py @devs-only\nclearance.yaml @carol\n")
    repo.write("app.py", "print(1)\n")
    base = repo.commit("base")
    head = change(repo, {"clearance.yaml": GATED.replace("settings: {policy_owners: ['@alice']}\n", "")
                         .replace("[app.py]", "[app.py, app.py]"),
                         ".github/CODEOWNERS": "clearance.yaml @mallory\n"})
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    api.serve(REVIEWS, body=dumps([review("mallory", head, number=1)]))
    _, doc = check(cli, repo, base, "--event", event(tmp_path, head, base))
    assert policy_rule(doc)["verdict"] == "pending"  # the change's own CODEOWNERS does not count
    api.serve(REVIEWS, body=dumps([review("carol", head, number=2)]))
    _, doc = check(cli, repo, base, "--event", event(tmp_path, head, base))
    assert policy_rule(doc)["verdict"] == "pass"


def test_nobody_may_approve_without_owners_at_the_base(repo: Repo, cli, tmp_path: Path) -> None:
    bare = GATED.replace("settings: {policy_owners: ['@alice']}\n", "")
    repo.write("clearance.yaml", bare)
    base = repo.commit("base")
    head = change(repo, {"clearance.yaml": bare.replace("stages: [pr]\n    severity", "stages: [merge]\n    severity")})
    _, doc = check(cli, repo, base, "--event", event(tmp_path, head, base))
    rule = policy_rule(doc)
    assert rule["verdict"] == "fail"
    assert "nobody may approve" in rule["message"]
    assert [c["effect"] for c in rule["data"]["policy_changes"]] == ["weakens", "tightens"]


def test_a_change_whose_own_policy_does_not_load_fails_the_rule(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("clearance.yaml", GATED)
    base = repo.commit("base")
    head = change(repo, {"clearance.yaml": GATED + "  - {id: broken\n"})
    _run, doc = check(cli, repo, base, "--event", event(tmp_path, head, base))
    rule = policy_rule(doc)
    assert rule["verdict"] == "fail" and "does not load" in rule["message"]
    assert doc["proposed"]["error"] and doc["proposed"]["rules"] == []


def test_the_built_in_pack_holds_the_policy_change_rule(repo: Repo, cli, tmp_path: Path) -> None:
    """A team policy extending builtin:spec-driven gets policy.change-approved: a change that
    lowers the pack's coverage threshold is pending a policy owner's approval."""
    team = "extends: [builtin:spec-driven]\nsettings: {policy_owners: ['@lead']}\n"
    repo.write("clearance.yaml", team)
    repo.write("app.py", "print(1)\n")
    base = repo.commit("base")
    head = change(repo, {"clearance.yaml": team + "params: {unit_coverage: 10}\n"})
    _, doc = check(cli, repo, base, "--event", event(tmp_path, head, base))
    rule = next(r for r in doc["rules"] if r["id"] == "policy.change-approved")
    assert rule["verdict"] == "pending" and "@lead" in rule["message"]
    lowered = [c for c in rule["data"]["policy_changes"] if c["effect"] == "weakens"]
    assert lowered and all("threshold min lowered from 90 to 10" in c["what"] for c in lowered)
    assert {c["rule"] for c in lowered} >= {"testing.unit-coverage"}


def test_a_policy_path_with_glob_characters_names_itself_in_the_index(repo: Repo, cli) -> None:
    repo.write("p/[t].yaml", STRICT)
    repo.write("p/t.yaml", "rules: []\n")  # what `[t]` would match as a glob
    repo.stage()
    run = cli("check", "--repo", repo.path, "--policy", repo.path / "p" / "[t].yaml", "-f", "json")
    assert run.code == 1 and verdicts(json.loads(run.out)) == {"readme": "fail"}


def test_a_link_in_the_checked_out_head_does_not_choose_the_base_s_policy_file(repo: Repo, cli) -> None:
    """The workflow names ci/clearance.yaml; the change turns ci/ into a link to a lenient
    example. The path is read at the base as written: the base's ci/clearance.yaml judges."""
    repo.write("ci/clearance.yaml", STRICT)
    repo.write("examples/lenient/clearance.yaml", "rules: []\n")
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.git("rm", "-rq", "ci")
    (repo.path / "ci").symlink_to("examples/lenient")
    repo.commit("ci/ is now a link")
    run, doc = check(cli, repo, base, "--policy", repo.path / "ci" / "clearance.yaml")
    assert run.code == 1 and verdicts(doc) == {"readme": "fail"}
    assert [f["path"] for f in doc["policy"]["files"]] == ["ci/clearance.yaml"]
    assert doc["proposed"]["rules"] == []  # the head's link leads to the lenient file: shown


def test_a_gate_never_takes_its_policy_from_the_cache(repo: Repo, cli, strict: str) -> None:
    """A cache entry rewritten by whatever can write the cache folder (a test step of the
    change on a shared runner) must not decide a gate: at pr the policy is read from git."""
    change(repo, {"app.py": "print(2)\n"})
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", strict)
    assert run.code == 1
    cache = Path(os.environ["CLEARANCE_CACHE_DIR"])
    assert not cache.exists() or list(cache.glob("policy-*")) == []


def test_a_new_branch_is_judged_by_the_default_branch_s_policy(repo: Repo, cli, tmp_path: Path,
                                                               strict: str, monkeypatch) -> None:
    """A first push of a branch (base all zeros) to a remote that has a default branch: the
    default branch's policy judges it, not the pushed head's own."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("fetch", "-q", "origin")
    head = change(repo, {"clearance.yaml": "rules: []\n"})
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "0" * 40)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
    run = cli("check", "--repo", repo.path, "--stage", "push", "-f", "json")
    doc = json.loads(run.out)
    assert run.code == 1 and verdicts(doc) == {"readme": "fail"}
    assert doc["policy"]["read_from"]["revision"] == strict


def test_a_rule_that_stops_evidencing_a_control_is_a_policy_change(repo: Repo, cli, tmp_path: Path) -> None:
    mapped = GATED.replace("    severity: warning\n", "    severity: warning\n    controls: [SOC2:CC8.1]\n")
    repo.write("clearance.yaml", mapped)
    base = repo.commit("base")
    head = change(repo, {"clearance.yaml": GATED})
    _, doc = check(cli, repo, base, "--event", event(tmp_path, head, base))
    [changed] = policy_rule(doc)["data"]["policy_changes"]
    assert changed["what"] == "rule 'coverage': no longer evidences SOC2:CC8.1"


def test_an_approval_counts_only_for_the_commit_whose_policy_was_compared(
        repo: Repo, cli, tmp_path: Path, tightened: tuple[str, str], api: FakeGitHub,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The event names the approved commit; --head names a later one that adds a waiver: the
    owner approved what the event names, not what was compared (the real-project trial)."""
    base, approved = tightened
    later = change(repo, {"clearance.yaml": GATED.replace("severity: warning", "severity: error")
                          + "waivers:\n  - {rule: coverage, reason: x, owner: '@dev', expires: 2026-02-01}\n"})
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    api.serve(REVIEWS, body=dumps([review("alice", approved)]))
    _, doc = check(cli, repo, base, "--event", event(tmp_path, approved, base), "--head", later)
    rule = policy_rule(doc)
    assert rule["verdict"] == "pending" and f"needs an approving review of {later[:12]}" in rule["message"]


def test_a_change_of_who_may_approve_weakens_the_gate(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("clearance.yaml", GATED)
    base = repo.commit("base")
    head = change(repo, {"clearance.yaml": GATED.replace("['@alice']", "['@mallory']")})
    _, doc = check(cli, repo, base, "--event", event(tmp_path, head, base))
    [changed] = policy_rule(doc)["data"]["policy_changes"]
    assert (changed["effect"], changed["what"]) == (
        "weakens", "settings.policy_owners: [@alice] -> [@mallory]")
