"""The deployment half of the built-in packs stands on machine evidence (#18): a person
signs off only the judgement calls, and the verify stage's rollback criteria say
"rollback required" with the Rollback Procedure as their fix."""

from __future__ import annotations

import pytest

from clearance.policy.loader import load_policy

PACKS = ["spec-driven", "spec-driven-fullstack"]
JUDGEMENT_CALLS = {  # the sign-offs the deployment stages keep, and the record each reads
    "staging.feature-validation", "staging.feature-works", "checklist.staging.feature-validated",
    "gate.staging-verification", "production.stakeholders-notified",
    "checklist.production.stakeholders", "gate.production-approval"}


def _attestations(cli, pack: str, stage: str) -> list[str]:
    run = cli("list", "--policy", f"builtin:{pack}", "--stage", stage)
    assert run.code == 0, run.err
    return [line.split()[0] for line in run.out.splitlines() if "(attestation;" in line]


@pytest.mark.parametrize("pack", PACKS)
def test_at_most_eight_sign_offs_at_staging_and_production(cli, pack: str) -> None:
    signed = _attestations(cli, pack, "staging") + _attestations(cli, pack, "production")
    assert len(signed) <= 8
    assert set(signed) == JUDGEMENT_CALLS
    assert _attestations(cli, pack, "verify") == []


@pytest.mark.parametrize("pack", PACKS)
def test_a_failed_or_missing_production_deployment_blocks(pack: str) -> None:
    rules = {r.id: r for r in load_policy([f"builtin:{pack}"]).rules}
    for rule_id in ("production.deployed", "checklist.production.deployed"):
        assert (rules[rule_id].kind, rules[rule_id].severity, rules[rule_id].stages) == (
            "deploy.status", "error", ("verify",))


def test_the_rollback_criteria_give_the_rollback_procedure() -> None:
    rules = [r for r in load_policy(["builtin:spec-driven"]).rules if r.id.startswith("rollback.")]
    assert {r.checklist.split(" › ")[-1] for r in rules} == {
        "Critical errors in logs", "Service health degradation", "Business metrics anomalies",
        "User-reported issues"}
    for rule in rules:
        assert rule.stages == ("verify",) and rule.severity == "error"
        assert rule.fix.startswith("Rollback required: follow the Rollback Procedure.")
        assert "Stop the\ndeployment" not in rule.fix  # folded into one paragraph
        assert all(step in rule.fix for step in (
            "stop the deployment", "revert to the previous version", "verify the rollback",
            "review the error logs", "check the metrics", "identify the root cause",
            "fix the issues", "re-run validation", "redeploy after approval"))


@pytest.mark.parametrize(("rule_id", "variable"), [("staging.services-healthy", "STAGING_URL"),
                                                   ("rollback.health", "PRODUCTION_URL")])
def test_probes_read_their_host_from_the_environment(rule_id: str, variable: str) -> None:
    policy = load_policy(["builtin:spec-driven"])
    rule = policy.rule(rule_id)
    assert rule is not None and rule.params["url"] == "${" + variable + "}/health"
    assert not policy.settings.get("network")  # the team lists its own hosts


def test_a_deployment_rule_never_passes_without_its_host(tmp_path, cli) -> None:
    """Without the variable, or with a host settings.network does not list: an error
    naming what to set."""
    (tmp_path / "case").mkdir()
    (tmp_path / "clearance.yaml").write_text(
        "extends: [builtin:spec-driven]\nsettings: {network: [prometheus.internal]}\n", encoding="utf-8")
    (tmp_path / "case" / "case.yaml").write_text(
        "stage: verify\nenv: {PROMETHEUS_URL: 'http://127.0.0.1:9'}\n"
        "expect: {rollback.health: pass, rollback.error-rate: pass}\n", encoding="utf-8")
    run = cli("test", tmp_path / "case")
    assert run.code == 1
    assert ("rollback.health expected pass, got error (http.probe URL: environment variable "
            "PRODUCTION_URL is not set (set PRODUCTION_URL in the job's environment))") in run.out
    assert ("rollback.error-rate expected pass, got error (host 127.0.0.1:9 is not allowed by "
            "settings.network (list the host under settings.network") in run.out
