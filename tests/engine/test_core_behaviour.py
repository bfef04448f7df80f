"""The engine's promises, through the command line on real repositories:
a fault in a check is an `error`, never a pass; what blocks under each
`--fail-on`; `when.branch` is any of its patterns; which verdicts a waiver
turns into `waived`, and which waiver the results report."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import Repo

JULY_2026 = "1783000000"  # 2026-07-02 UTC: after 2026-06-30, before 2026-12-31


def rules(out: str) -> dict[str, dict]:
    return {r["id"]: r for r in json.loads(out)["rules"]}


def policy(repo: Repo, rules_yaml: str, extra: str = "") -> str:
    repo.write("clearance.yaml", "metadata: {name: core}\nrules:\n" + textwrap.dedent(rules_yaml) + extra)
    return repo.commit("policy")


# --- a third-party check kind, installed as a real distribution on sys.path ---

CHECK_MODULE = '''\
"""A check kind from another package."""
from clearance.errors import EvidenceError

SCHEMA = {"type": "object", "properties": {"raise": {"enum": ["runtime", "evidence", "bare"]}}}
EVIDENCE = ()


def run(params, evidence):
    if params.get("raise") == "evidence":
        raise EvidenceError("the gauge is unreadable", path="gauge.txt", line=3, column=7,
                            hint="recalibrate it")
    if params.get("raise") == "bare":
        raise EvidenceError("the gauge is unreadable", path="gauge.txt")
    raise RuntimeError("disk on fire")
'''


@pytest.fixture
def third_party_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`acme.gauge`, registered through the `clearance.checks` entry point group of an
    installed distribution (its dist-info next to its module on sys.path)."""
    site = tmp_path / "site"
    (site / "acme_gauge-1.0.dist-info").mkdir(parents=True)
    (site / "acme_gauge.py").write_text(CHECK_MODULE, encoding="utf-8")
    (site / "acme_gauge-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-gauge\nVersion: 1.0\n", encoding="utf-8")
    (site / "acme_gauge-1.0.dist-info" / "entry_points.txt").write_text(
        "[clearance.checks]\nacme.gauge = acme_gauge\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    yield "acme.gauge"
    for name in ("acme_gauge", "acme_gauge_dep"):
        sys.modules.pop(name, None)


def test_an_exception_in_a_check_is_an_error_that_blocks_never_a_pass(repo: Repo, cli, third_party_kind) -> None:
    policy(repo, f"""\
      - id: gauge
        stages: [commit]
        check: {{{third_party_kind}: {{}}}}
      - id: readme
        stages: [commit]
        check: {{files.exist: {{paths: [clearance.yaml]}}}}
    """)
    run = cli("check", "--repo", repo.path, "-f", "json")
    assert run.code == 1
    found = rules(run.out)
    assert found["gauge"]["verdict"] == "error"
    assert found["gauge"]["blocking"] is True
    assert "RuntimeError" in found["gauge"]["message"] and "disk on fire" in found["gauge"]["message"]
    assert third_party_kind in found["gauge"]["message"]
    assert found["readme"]["verdict"] == "pass"  # the other rules still run
    assert json.loads(run.out)["summary"]["counts"]["error"] == 1


def test_a_kind_uninstalled_after_the_policy_was_cached_is_an_error(repo: Repo, cli, third_party_kind, tmp_path) -> None:
    """The validated-policy cache still names the kind; the engine finds no module for it."""
    policy(repo, f"""\
      - id: gauge
        stages: [commit]
        check: {{{third_party_kind}: {{}}}}
    """)
    assert rules(cli("check", "--repo", repo.path, "-f", "json").out)["gauge"]["verdict"] == "error"
    sys.path.remove(str(tmp_path / "site"))
    sys.modules.pop("acme_gauge", None)
    run = cli("check", "--repo", repo.path, "-f", "json")
    rule = rules(run.out)["gauge"]
    assert (run.code, rule["verdict"], rule["blocking"]) == (1, "error", True)
    assert f"unknown check kind '{third_party_kind}'" in rule["message"]


def test_a_check_module_that_no_longer_imports_is_an_error_verdict_not_a_crash(
        repo: Repo, cli, third_party_kind, tmp_path) -> None:
    """The kind's module imported when the policy was validated and cached; then the package
    it needs was uninstalled. The docs: any exception in a check becomes `error`, and every
    other rule still runs."""
    site = tmp_path / "site"
    (site / "acme_gauge_dep.py").write_text("", encoding="utf-8")
    (site / "acme_gauge.py").write_text("import acme_gauge_dep\n" + CHECK_MODULE, encoding="utf-8")
    policy(repo, f"""\
      - id: gauge
        stages: [commit]
        check: {{{third_party_kind}: {{}}}}
      - id: readme
        stages: [commit]
        check: {{files.exist: {{paths: [clearance.yaml]}}}}
    """)
    assert cli("check", "--repo", repo.path, "-f", "json").code == 1  # the policy is now cached
    (site / "acme_gauge_dep.py").unlink()
    for name in ("acme_gauge", "acme_gauge_dep"):
        sys.modules.pop(name, None)
    run = cli("check", "--repo", repo.path, "-f", "json")
    found = rules(run.out)
    assert (run.code, found["gauge"]["verdict"], found["readme"]["verdict"]) == (1, "error", "pass")
    assert "acme_gauge_dep" in found["gauge"]["message"]
    assert "ModuleNotFoundError" in found["gauge"]["message"]


def test_an_evidence_error_in_a_check_is_an_error_naming_the_place(repo: Repo, cli, third_party_kind) -> None:
    policy(repo, f"""\
      - id: gauge
        stages: [commit]
        check: {{{third_party_kind}: {{raise: evidence}}}}
    """)
    run = cli("check", "--repo", repo.path, "-f", "json")
    assert run.code == 1
    rule = rules(run.out)["gauge"]
    assert rule["verdict"] == "error"
    assert rule["message"] == "gauge.txt:3:7: the gauge is unreadable (recalibrate it)"
    assert rule["findings"] == [{"file": "gauge.txt", "line": 3, "column": 7,
                                 "message": "the gauge is unreadable (recalibrate it)"}]


def test_an_evidence_error_without_a_hint_or_line_names_the_file_alone(repo: Repo, cli, third_party_kind) -> None:
    policy(repo, f"""\
      - id: gauge
        stages: [commit]
        check: {{{third_party_kind}: {{raise: bare}}}}
    """)
    rule = rules(cli("check", "--repo", repo.path, "-f", "json").out)["gauge"]
    assert rule["verdict"] == "error"
    assert rule["message"] == "gauge.txt: the gauge is unreadable"
    assert rule["findings"] == [{"file": "gauge.txt", "line": None, "column": None,
                                 "message": "the gauge is unreadable"}]


def test_an_evidence_error_without_a_place_has_no_finding(repo: Repo, cli) -> None:
    """Reviews with neither a token nor a review event: an evidence error of no file."""
    base = policy(repo, """\
      - id: reviewed
        stages: [pr]
        check: {review.approved: {}}
    """)
    run = cli("check", "--repo", repo.path, "-f", "json", "--stage", "pr", "--base", base)
    rule = rules(run.out)["reviewed"]
    assert (run.code, rule["verdict"], rule["findings"]) == (1, "error", [])


def test_a_base_that_cannot_be_read_is_a_configuration_error_naming_it(repo: Repo, cli) -> None:
    """The policy in force is read from the base: one git does not have stops the run."""
    policy(repo, """\
      - id: together
        stages: [pr]
        check: {changes.together: {if: "src/**", then: "docs/**"}}
    """)
    run = cli("check", "--repo", repo.path, "-f", "json", "--stage", "pr", "--base", "no-such-ref")
    assert (run.code, run.out) == (2, "")
    assert "'no-such-ref'" in run.err and "fetch" in run.err and "Traceback" not in run.err


# --- what blocks under --fail-on ---

SEVERITIES = """\
  - id: must
    stages: [commit]
    severity: error
    check: {files.exist: {paths: [MISSING-1]}}
  - id: should
    stages: [commit]
    severity: warning
    check: {files.exist: {paths: [MISSING-2]}}
  - id: fyi
    stages: [commit]
    severity: info
    check: {files.exist: {paths: [MISSING-3]}}
  - id: fine
    stages: [commit]
    severity: error
    check: {files.exist: {paths: [clearance.yaml]}}
"""


@pytest.mark.parametrize(("fail_on", "blocking", "code"), [
    ("error", {"must"}, 1),
    ("warning", {"must", "should"}, 1),
    ("never", set(), 0),
])
def test_fail_on_decides_what_blocks_in_every_rule_record(repo: Repo, cli, fail_on: str,
                                                          blocking: set[str], code: int) -> None:
    policy(repo, SEVERITIES)
    run = cli("check", "--repo", repo.path, "-f", "json", "--fail-on", fail_on)
    assert run.code == code
    doc = json.loads(run.out)
    assert {r["id"] for r in doc["rules"] if r["blocking"]} == blocking
    assert doc["summary"]["blocking"] == len(blocking)
    assert doc["summary"]["verdict"] == "fail"  # what was found; never only keeps the exit at 0
    assert doc["run"]["fail_on"] == fail_on


def test_an_error_rule_alone_blocks_under_fail_on_warning(repo: Repo, cli) -> None:
    policy(repo, SEVERITIES.split("  - id: should")[0])
    assert cli("check", "--repo", repo.path, "--fail-on", "warning").code == 1
    assert cli("check", "--repo", repo.path).code == 1
    assert cli("check", "--repo", repo.path, "--fail-on", "never").code == 0


# --- when ---

WHEN_BRANCH = """\
  - id: notes
    stages: [pr]
    when: {branch: ["release/*", "hotfix-?"]}
    check: {files.exist: {paths: [CHANGELOG.md]}}
"""


@pytest.mark.parametrize(("branch", "verdict"), [
    ("release/2.0", "fail"),
    ("release/2.0/rc1", "fail"),  # `*` matches `/` too
    ("hotfix-7", "fail"),
    ("hotfix-77", "not-applicable"),
    ("feature/release/x", "not-applicable"),
])
def test_when_branch_applies_when_any_pattern_matches(repo: Repo, cli, branch: str, verdict: str) -> None:
    base = policy(repo, WHEN_BRANCH)
    run = cli("check", "--repo", repo.path, "-f", "json", "--stage", "pr", "--base", base, "--branch", branch)
    rule = rules(run.out)["notes"]
    assert rule["verdict"] == verdict
    assert rule["in_stage"] is True
    assert run.code == (1 if verdict == "fail" else 0)
    if verdict == "not-applicable":
        assert branch in rule["message"]
        assert "release/*, hotfix-?" in rule["message"]  # the patterns, as the policy lists them


def test_when_branch_with_no_branch_known_matches_only_patterns_that_match_an_empty_name(repo: Repo, cli) -> None:
    base = policy(repo, """\
      - id: named
        stages: [pr]
        when: {branch: ["?*"]}
        check: {files.exist: {paths: [CHANGELOG.md]}}
      - id: anything
        stages: [pr]
        when: {branch: "*"}
        check: {files.exist: {paths: [CHANGELOG.md]}}
    """)
    repo.git("checkout", "-q", "--detach")
    found = rules(cli("check", "--repo", repo.path, "-f", "json", "--stage", "pr", "--base", base).out)
    assert found["named"]["verdict"] == "not-applicable"
    assert found["anything"]["verdict"] == "fail"


def test_when_changed_applies_when_any_glob_matches_a_changed_file(repo: Repo, cli) -> None:
    base = policy(repo, """\
      - id: guide
        stages: [pr]
        when: {changed: ["db/**", "*.sql"]}
        check: {files.exist: {paths: [GUIDE.md]}}
      - id: single
        stages: [pr]
        when: {changed: "api/**"}
        check: {files.exist: {paths: [GUIDE.md]}}
      - id: web
        stages: [pr]
        when: {changed: ["web/**", "*.css"]}
        check: {files.exist: {paths: [GUIDE.md]}}
    """)
    repo.write("schema/tables.sql", "create table t (x int);\n")
    repo.commit("a table")
    found = rules(cli("check", "--repo", repo.path, "-f", "json", "--stage", "pr", "--base", base).out)
    assert found["guide"]["verdict"] == "fail"
    assert found["single"]["verdict"] == "not-applicable"
    assert found["web"]["verdict"] == "not-applicable"
    assert "web/**, *.css" in found["web"]["message"]  # the globs, as the policy lists them


def test_rules_of_other_stages_are_not_applicable_and_out_of_stage(repo: Repo, cli) -> None:
    policy(repo, """\
      - id: later
        stages: [pr, merge]
        check: {files.exist: {paths: [MISSING]}}
    """)
    run = cli("check", "--repo", repo.path, "-f", "json")
    rule = rules(run.out)["later"]
    assert (run.code, rule["verdict"], rule["in_stage"], rule["blocking"]) == (0, "not-applicable", False, False)
    assert "pr, merge" in rule["message"] and "commit" in rule["message"]


# --- waivers ---

PENDING = """\
  - id: release.smoke
    stages: [commit]
    check: {attestation: {}}
"""


def test_a_valid_waiver_turns_pending_into_waived(repo: Repo, cli, monkeypatch) -> None:
    policy(repo, PENDING)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    pending = cli("check", "--repo", repo.path, "-f", "json")
    assert (pending.code, rules(pending.out)["release.smoke"]["verdict"]) == (1, "pending")
    policy(repo, PENDING, "waivers:\n  - {rule: release.smoke, reason: no staging yet, owner: '@lead', expires: 2026-12-31}\n")
    run = cli("check", "--repo", repo.path, "-f", "json")
    rule = rules(run.out)["release.smoke"]
    assert (run.code, rule["verdict"], rule["blocking"]) == (0, "waived", False)
    assert rule["waiver"]["applied"] is True
    assert "@lead" in rule["message"] and "no staging yet" in rule["message"]


def test_a_valid_waiver_turns_an_error_into_waived(repo: Repo, cli, monkeypatch, third_party_kind) -> None:
    policy(repo, f"""\
      - id: gauge
        stages: [commit]
        check: {{{third_party_kind}: {{}}}}
    """, "waivers:\n  - {rule: gauge, reason: gauge vendor fixing it, owner: '@lead', expires: 2026-12-31}\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    run = cli("check", "--repo", repo.path, "-f", "json")
    rule = rules(run.out)["gauge"]
    assert (run.code, rule["verdict"], rule["waiver"]["applied"]) == (0, "waived", True)


MISSING_README = """\
  - id: readme
    stages: [commit]
    check: {files.exist: {paths: [README.md]}}
"""


def test_of_several_waivers_the_one_that_applied_is_reported(repo: Repo, cli, monkeypatch) -> None:
    policy(repo, MISSING_README, "waivers:\n"
           "  - {rule: readme, reason: old excuse, owner: '@old', expires: 2026-06-30}\n"
           "  - {rule: readme, reason: new excuse, owner: '@new', expires: 2026-12-31}\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    run = cli("check", "--repo", repo.path, "-f", "json")
    rule = rules(run.out)["readme"]
    assert (run.code, rule["verdict"]) == (0, "waived")
    assert rule["waiver"]["owner"] == "@new"
    assert rule["waiver"]["reason"] == "new excuse"
    assert rule["waiver"]["expired"] is False
    assert rule["waiver"]["applied"] is True
    assert rule["waiver"]["origin"]["line"] == 8
    assert "@new" in rule["message"] and "new excuse" in rule["message"] and "@old" not in rule["message"]


def test_of_several_valid_waivers_the_first_in_the_policy_is_reported(repo: Repo, cli, monkeypatch) -> None:
    policy(repo, MISSING_README, "waivers:\n"
           "  - {rule: readme, reason: first, owner: '@one', expires: 2026-12-31}\n"
           "  - {rule: readme, reason: second, owner: '@two', expires: 2026-12-31}\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    rule = rules(cli("check", "--repo", repo.path, "-f", "json").out)["readme"]
    assert (rule["verdict"], rule["waiver"]["owner"]) == ("waived", "@one")


def test_of_several_expired_waivers_the_first_is_reported_as_not_applied(repo: Repo, cli, monkeypatch) -> None:
    policy(repo, MISSING_README, "waivers:\n"
           "  - {rule: readme, reason: first, owner: '@one', expires: 2026-05-31}\n"
           "  - {rule: readme, reason: second, owner: '@two', expires: 2026-06-30}\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    run = cli("check", "--repo", repo.path, "-f", "json")
    rule = rules(run.out)["readme"]
    assert (run.code, rule["verdict"]) == (1, "fail")
    assert (rule["waiver"]["owner"], rule["waiver"]["applied"], rule["waiver"]["expired"]) == ("@one", False, True)
    assert "expired on 2026-05-31" in rule["message"]


def test_a_waiver_of_a_passing_rule_is_not_applied_even_when_another_is_expired(repo: Repo, cli, monkeypatch) -> None:
    present = MISSING_README.replace("README.md", "clearance.yaml")
    policy(repo, present + present.replace("readme", "twin"), "waivers:\n"
           "  - {rule: readme, reason: first, owner: '@one', expires: 2026-05-31}\n"
           "  - {rule: readme, reason: second, owner: '@two', expires: 2026-12-31}\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    found = rules(cli("check", "--repo", repo.path, "-f", "json").out)
    rule = found["readme"]
    assert rule["verdict"] == "pass"
    assert (rule["waiver"]["owner"], rule["waiver"]["applied"]) == ("@two", False)
    assert rule["message"] == found["twin"]["message"]  # the same check with no waiver says the same


def test_a_waiver_for_another_rule_does_not_touch_this_one(repo: Repo, cli, monkeypatch) -> None:
    policy(repo, MISSING_README + MISSING_README.replace("readme", "other"),
           "waivers:\n  - {rule: other, reason: r, owner: '@lead', expires: 2026-12-31}\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JULY_2026)
    found = rules(cli("check", "--repo", repo.path, "-f", "json").out)
    assert (found["readme"]["verdict"], found["readme"]["waiver"]) == ("fail", None)
    assert found["other"]["verdict"] == "waived"


def test_a_check_module_that_does_not_import_is_a_policy_error_when_loading(
        repo: Repo, cli, third_party_kind, tmp_path) -> None:
    """With no cached policy, the kind's module is imported to check its parameters: a module
    whose own import fails is one policy error at the rule, exit 2, not a traceback."""
    (tmp_path / "site" / "acme_gauge.py").write_text("import acme_gauge_dep\n" + CHECK_MODULE,
                                                     encoding="utf-8")
    policy(repo, f"""\
      - id: gauge
        stages: [commit]
        check: {{{third_party_kind}: {{}}}}
    """)
    run = cli("check", "--repo", repo.path, "--no-cache")
    assert run.code == 2
    assert "check kind 'acme.gauge' cannot be loaded: ModuleNotFoundError" in run.err
    assert "Traceback" not in run.err
