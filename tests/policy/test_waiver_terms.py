"""Every waiver has `expires`; `settings.max_waiver_days` refuses longer ones, counted from
`granted` when given (never later than the run's date), else from the run's date."""

from __future__ import annotations

import json

import pytest

from helpers import Repo

NEW_YEAR_2026 = "1767225600"  # 2026-01-01T00:00:00Z; 90 days later is 2026-04-01
POLICY = """\
metadata: {name: team}
settings: {max_waiver_days: 90}
rules:
  - id: readme
    check: {files.exist: {paths: [README.md]}}
waivers:
"""


def waiver(**keys: str) -> str:
    fields = ", ".join(f"{k}: {v}" for k, v in {"rule": "readme", "reason": "later", "owner": "'@lead'",
                                                  **keys}.items())
    return f"  - {{{fields}}}\n"


@pytest.fixture(autouse=True)
def _new_year(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NEW_YEAR_2026)


def test_a_waiver_without_expires_is_refused_saying_what_to_add(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY.replace("settings: {max_waiver_days: 90}\n", "") + waiver())
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml:6:5: waivers[0]: missing required key 'expires': the last day the waiver " \
           "holds (YYYY-MM-DD, UTC)" in run.err, run.err


@pytest.mark.parametrize(("expires", "code"), [("2026-04-01", 0), ("2026-04-02", 2)])
def test_the_limit_is_counted_from_the_runs_date(repo: Repo, cli, expires: str, code: int) -> None:
    repo.write("clearance.yaml", POLICY + waiver(expires=expires))
    run = cli("validate", "--repo", repo.path)
    assert run.code == code, run.err
    if code:
        assert ("clearance.yaml:7:5: the waiver of 'readme' by @lead expires on 2026-04-02, 91 days "
                "after the run's date 2026-01-01; settings.max_waiver_days allows 90 (set expires on "
                "or before 2026-04-01, or have the policy owners raise settings.max_waiver_days)") in run.err


@pytest.mark.parametrize(("granted", "expires", "code"), [
    ("2025-12-01", "2026-03-01", 0),  # 90 days from its grant
    ("2025-12-01", "2026-03-02", 2),  # 91 days from its grant
    ("2026-02-01", "2026-04-02", 2),  # dated ahead: counted from the run's date
])
def test_the_limit_is_counted_from_the_grant(repo: Repo, cli, granted: str, expires: str, code: int) -> None:
    repo.write("clearance.yaml", POLICY + waiver(granted=granted, expires=expires))
    run = cli("validate", "--repo", repo.path)
    assert run.code == code, run.err
    if code and granted < "2026-01-01":
        assert "91 days after its grant on 2025-12-01" in run.err


def test_a_run_refuses_a_policy_in_force_with_a_waiver_over_the_limit(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY + waiver(expires="2026-04-01") + waiver(expires="2026-12-31"))
    base = repo.commit("policy")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base)
    assert run.code == 2
    assert "clearance.yaml:8:5: the waiver of 'readme' by @lead expires on 2026-12-31, 364 days" in run.err
    assert "clearance.yaml:7:" not in run.err


def test_an_expired_waiver_is_within_the_limit_and_reported_as_expired(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY + waiver(expires="2025-12-31"))
    base = repo.commit("policy")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    assert run.code == 1, run.err
    assert "not applied: expired on 2025-12-31" in json.loads(run.out)["rules"][0]["message"]


def test_without_the_setting_any_expiry_is_taken(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY.replace("settings: {max_waiver_days: 90}\n", "")
               + waiver(expires="2099-12-31"))
    assert cli("validate", "--repo", repo.path).code == 0
