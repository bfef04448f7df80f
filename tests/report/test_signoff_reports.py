"""Every output format shows a sign-off that is self-added or unverified, and each ignored
sign-off, with the reason: one real run (a pr stage where one gate passes on a record the
change added and another ignores a record by someone who may not attest) rendered in
every format the command line writes."""

from __future__ import annotations

import datetime as dt
import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from attesting import RUN_TIME
from helpers import Repo

FORMATS = ("text", "json", "markdown", "html", "sarif", "junit", "github")
XSD = Path(__file__).resolve().parents[1] / "fixtures" / "junit-10.xsd"
POLICY = """\
metadata: {name: t}
rules:
  - {id: smoke, stages: [pr], check: {attestation: {}}}
  - {id: security, stages: [pr], check: {attestation: {by: ["@sec"]}}}
  - {id: notes, stages: [pr], check: {attestation: {item: Release notes written, accept: [author-tick]}}}
"""


@pytest.fixture
def reports(repo: Repo, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, str], str]:
    moment = dt.datetime.fromisoformat(RUN_TIME.replace("Z", "+00:00"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    repo.write("clearance.yaml", POLICY)
    base = repo.commit("policy")
    repo.write(".clearance/attestations/smoke.yaml", 'rule: smoke\nby: "@qa"\nat: 2026-01-05\n')
    repo.write(".clearance/attestations/security.yaml", 'rule: security\nby: "@dev"\nat: 2026-01-05\n')
    repo.commit("the author's records")
    args = [arg for fmt in FORMATS for arg in ("-f", f"{fmt}={tmp_path / fmt}")]
    body = tmp_path / "body.md"
    body.write_text("- [x] Release notes written\n", encoding="utf-8")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "--pr-body", body, *args)
    assert run.code == 1, run.err
    return {fmt: (tmp_path / fmt).read_text("utf-8") for fmt in FORMATS}, base


def said(base: str) -> tuple[str, str, str]:
    """What must be said: smoke's record is self-added and unverified; security's is ignored."""
    where = "sign-off by @qa (.clearance/attestations/smoke.yaml:1)"
    return (f"{where} is self-added: added by the change under evaluation, not in force at the base "
            f"revision {base[:12]}",
            f"{where} is unverified: no GitHub token to read reviews; a signature is not taken",
            "sign-off by @dev (.clearance/attestations/security.yaml:1) ignored: @dev may not attest "
            "(attestors: @sec)")


def test_the_reports_say_which_sign_offs_are_weak_and_which_were_ignored(reports, tmp_path: Path) -> None:
    written, base = reports
    self_added, unverified, ignored = said(base)
    for fmt in ("text", "markdown", "html", "junit", "github"):
        assert self_added in written[fmt], fmt
        assert unverified in written[fmt], fmt
        if fmt in ("text", "github"):  # a pending rule's one line names what it ignored, and why
            assert "security pending: not attested (records by @dev, who may not attest)" in written[fmt]
        else:
            assert ignored in written[fmt], fmt
    # the author's tick, where the rule takes it, is said in the reports, not in the terminal
    tick = f"sign-off by PR author ({tmp_path / 'body.md'}:1) is the PR author's own tick"
    assert tick in html.unescape(written["html"])
    assert "is the PR author's own tick" in written["markdown"]  # the path's _ escaped there
    assert "own tick" not in written["text"]
    # the results document
    rules = {r["id"]: r for r in json.loads(written["json"])["rules"]}
    assert rules["smoke"]["verdict"] == "pass"
    assert (rules["smoke"]["attestation"]["proof"], rules["smoke"]["attestation"]["verified"],
            rules["smoke"]["attestation"]["self_added"]) == ("none", False, True)
    assert rules["security"]["verdict"] == "pending"
    assert rules["security"]["data"]["ignored_signoffs"] == [{
        "by": "@dev", "at": "2026-01-05", "source": ".clearance/attestations/security.yaml:1",
        "reason": "@dev may not attest (attestors: @sec)"}]


def test_sarif_and_junit_carry_them_where_their_readers_look(reports) -> None:
    written, base = reports
    run = json.loads(written["sarif"])["runs"][0]
    noted = {entry["rule"]: entry["notes"] for entry in run["properties"]["signoffs"]}
    self_added, unverified, ignored = said(base)
    assert len(noted["smoke"]) == 2
    assert noted["smoke"][0] == self_added
    assert noted["smoke"][1].startswith(unverified)
    assert noted["security"] == [ignored]
    result, = [r for r in run["results"] if r["ruleId"] == "security"]
    assert result["properties"]["signoffs"] == [ignored]
    # JUnit: a passing rule's notes in its system-out, still valid against junit-10.xsd
    schema = xmlschema.XMLSchema10(XSD)
    assert [e.reason for e in schema.iter_errors(ET.fromstring(written["junit"]))] == []
    case, = [c for c in ET.fromstring(written["junit"]).iter("testcase") if c.get("name", "").startswith("smoke")]
    out = case.findtext("system-out") or ""
    assert self_added in out and unverified in out
