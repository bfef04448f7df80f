"""`clearance test`: the packs' own cases pass, a changed expectation fails, a broken case is
an error, and every rule of each pack has a passing and a failing case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clearance import PACKAGE_DIR
from clearance.policy.loader import load_policy
from clearance.policytest.case import discover, read_case

ROOT = Path(__file__).resolve().parents[2]
PACKS = Path(PACKAGE_DIR) / "policies"


def test_the_packs_pass_their_own_tests(cli, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    run = cli("test", "policies/")
    assert run.code == 0, run.out + run.err
    assert run.out.splitlines()[-1].startswith("30 cases, ")
    assert run.out.splitlines()[-1].endswith(": 0 mismatches")


def test_policies_is_a_link_to_the_packs_in_the_package() -> None:
    link = ROOT / "policies"
    assert link.is_symlink() and link.resolve() == PACKS.resolve()


@pytest.mark.parametrize("pack", ["spec-driven", "spec-driven-fullstack"])
def test_every_rule_has_a_passing_and_a_failing_case(pack: str) -> None:
    expected: dict[str, set[str]] = {}
    for folder in discover(PACKS / pack):
        for rule, verdict in read_case(folder, folder.name).expect.items():
            expected.setdefault(rule, set()).add(verdict)
    lacking = {}
    for rule in load_policy([f"builtin:{pack}"]).rules:
        wanted = {"pass", "pending"} if rule.kind == "attestation" else {"pass", "fail"}
        if rule.kind == "policy.approved":
            # A case is judged by the policy under test at both revisions: it cannot change
            # it. The pack's rule failing on a real policy change is shown through clearance
            # check in tests/policy/test_trusted_policy.py.
            wanted = {"pass"}
        if not wanted <= expected.get(rule.id, set()):
            lacking[rule.id] = sorted(expected.get(rule.id, set()))
    assert lacking == {}


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A copy of builtin:spec-driven's folder, to change its cases."""
    target = tmp_path / "spec-driven"
    shutil.copytree(PACKS / "spec-driven", target)
    return target


def test_a_changed_expectation_is_reported_and_fails(pack_copy: Path, cli) -> None:
    case = pack_copy / "tests" / "commit-blocked" / "case.yaml"
    case.write_text(case.read_text("utf-8").replace("code.no-conflict-markers: fail",
                                                    "code.no-conflict-markers: pass"), encoding="utf-8")
    run = cli("test", pack_copy / "tests")
    assert run.code == 1
    assert run.out.splitlines()[0] == (
        "commit-blocked: code.no-conflict-markers expected pass, got fail "
        "(conflict markers in src/cart.ts)")
    assert run.out.splitlines()[-1].endswith(": 1 mismatches")


def test_every_mismatch_is_listed(pack_copy: Path, cli) -> None:
    case = pack_copy / "tests" / "commit-clean" / "case.yaml"
    text = case.read_text("utf-8").replace(": pass", ": error")
    case.write_text(text + "  no.such-rule: pass\n", encoding="utf-8")
    run = cli("test", pack_copy / "tests" / "commit-clean")
    assert run.code == 1
    assert run.out.splitlines()[:-1] == [
        "commit-clean: code.no-conflict-markers expected error, got pass (2 changed files free of conflict markers)",
        "commit-clean: security.no-new-secret-files expected error, got pass (none present)",
        "commit-clean: quality.no-debug-leftovers expected error, got pass (no line with a debugger call "
        "or a focused test (.only))",
        "commit-clean: no.such-rule expected pass, got nothing (no such rule in the policy)",
    ]


def test_a_broken_case_is_an_error_with_its_place(pack_copy: Path, cli) -> None:
    case = pack_copy / "tests" / "commit-clean" / "case.yaml"
    case.write_text(case.read_text("utf-8").replace("code.no-conflict-markers: pass",
                                                    "code.no-conflict-markers: passed"), encoding="utf-8")
    run = cli("test", pack_copy / "tests")
    assert run.code == 2
    broken = [line for line in run.out.splitlines() if line.startswith("commit-clean:")]
    assert len(broken) == 1
    assert broken[0].endswith('commit-clean/case.yaml:17:29: expect.code.no-conflict-markers: "passed" '
                              'is not one of: pass, fail, error, pending, not-applicable, waived')
    assert run.out.splitlines()[-1].endswith("0 mismatches, 1 broken cases")


def test_a_case_may_not_reach_out_of_the_policy_folder(pack_copy: Path, cli) -> None:
    case = pack_copy / "tests" / "commit-clean" / "case.yaml"
    case.write_text(case.read_text("utf-8").replace("../_fixtures/shop", "../../.."), encoding="utf-8")
    run = cli("test", pack_copy / "tests" / "commit-clean")
    assert run.code == 2
    assert "leads out of" in run.out


def test_no_case_is_a_usage_error(tmp_path: Path, cli) -> None:
    run = cli("test", tmp_path)
    assert run.code == 2
    assert "no case.yaml below" in run.err


def test_a_team_tests_its_own_policy_and_overrides(tmp_path: Path, cli) -> None:
    (tmp_path / "clearance.yaml").write_text("""\
extends: [builtin:spec-driven]
rules:
  - id: docs.readme
    stages: [commit]
    check: {files.exist: {paths: [README.md]}}
""", encoding="utf-8")
    case = tmp_path / "policy-tests" / "no-readme"
    case.mkdir(parents=True)
    (case / "case.yaml").write_text("""\
stage: commit
change: {files: {src/app.py: "print('hi')\\n"}}
overrides:
  rules:
    - {id: security.no-secret-files, enabled: false}
expect: {docs.readme: fail, code.no-conflict-markers: pass, security.no-secret-files: pass}
""", encoding="utf-8")
    run = cli("test", tmp_path / "policy-tests", "-v")
    assert run.code == 1
    assert run.out.splitlines()[0] == (
        "no-readme: security.no-secret-files expected pass, got nothing (no such rule in the policy)")


def test_messages_deletions_statuses_and_event_fields(tmp_path: Path, cli) -> None:
    (tmp_path / "clearance.yaml").write_text("""\
rules:
  - {id: commits.conventional, stages: [commit-msg], check: {git.commit_message: {pattern: "^(feat|fix): "}}}
  - {id: old.gone, stages: [pr], check: {files.absent: {paths: [old.txt]}}}
  - {id: legacy.ci, stages: [pr], check: {ci.checks: {required: [ci/legacy]}}}
  - {id: title, stages: [pr], check: {pr.title: {forbid: "^WIP"}}}
""", encoding="utf-8")
    cases = {
        "message": 'stage: commit-msg\nmessage: "wip: stuff\\n"\nexpect: {commits.conventional: fail}\n',
        "pull": """\
stage: pr
base: {files: {old.txt: "x\\n", keep.txt: "y\\n"}}
delete: [old.txt]
pr: {title: "feat: tidy"}
event: {pull_request: {title: "WIP: tidy"}}
github: {statuses: [{context: ci/legacy, state: failure}]}
expect: {old.gone: pass, legacy.ci: fail, title: fail, commits.conventional: not-applicable}
""",
    }
    for name, text in cases.items():
        (tmp_path / "cases" / name).mkdir(parents=True)
        (tmp_path / "cases" / name / "case.yaml").write_text(text, encoding="utf-8")
    run = cli("test", tmp_path / "cases")
    assert run.code == 0, run.out + run.err
    assert run.out.splitlines() == ["2 cases, 5 verdicts checked: 0 mismatches"]


def _waived_case(folder: Path, date: str) -> None:
    """A commit-clean case whose conflict-marker rule fails and is waived until 2026-02-01."""
    (folder / "policy.yaml").write_text(
        "extends: [builtin:spec-driven]\n"
        "waivers:\n"
        "  - {rule: code.no-conflict-markers, reason: vendored file, owner: '@lead', expires: 2026-02-01}\n",
        encoding="utf-8")
    case = folder / "case"
    case.mkdir()
    (case / "case.yaml").write_text(
        "stage: commit\n"
        f"date: {date}\n"
        "change: {files: {src/a.ts: \"<<<<<<< ours\\nx\\n=======\\ny\\n>>>>>>> theirs\\n\"}}\n"
        "expect: {code.no-conflict-markers: waived}\n", encoding="utf-8")


@pytest.mark.parametrize(("date", "code"), [("2026-02-01", 0), ("2026-02-02", 1)])
def test_a_case_judges_waivers_on_its_own_date(tmp_path: Path, cli, date: str, code: int) -> None:
    _waived_case(tmp_path, date)
    run = cli("test", tmp_path)
    assert run.code == code, run.out
    if code:
        assert "code.no-conflict-markers expected waived, got fail" in run.out


def test_a_case_date_must_be_a_day_of_the_calendar(tmp_path: Path, cli) -> None:
    _waived_case(tmp_path, "2026-02-30")
    run = cli("test", tmp_path)
    assert run.code == 2
    assert "case/case.yaml:2:7: date: '2026-02-30' is not a day of the calendar" in run.out
