"""The `sarif` and `junit` formats: valid against SARIF 2.1.0, parseable JUnit XML, one entry per rule."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from defusedxml import ElementTree as SafeET

from clearance.reporters import render
from helpers import Repo, Run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _sarif(doc: dict[str, Any]) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render("sarif", doc, {}))
    return log


def _with_pending(doc: dict[str, Any]) -> dict[str, Any]:
    """The sample document with `docs.readme` turned into a pending manual gate."""
    changed = copy.deepcopy(doc)
    rule = next(r for r in changed["rules"] if r["id"] == "docs.readme")
    rule.update(verdict="pending", blocking=True, message="nobody attested the smoke test yet")
    return changed


def test_sarif_validates_against_the_2_1_0_schema(sample_doc: dict[str, Any]) -> None:
    schema = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text("utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft4Validator  # the schema names draft-04
    validator_class.check_schema(schema)
    for doc in (sample_doc, _with_pending(sample_doc)):
        errors = [e.message for e in validator_class(schema).iter_errors(_sarif(doc))]
        assert errors == []


def test_sarif_has_one_descriptor_per_rule_and_stable_rule_ids(sample_doc: dict[str, Any]) -> None:
    run = _sarif(sample_doc)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r["id"] for r in sample_doc["rules"]]
    marker = rules[0]
    assert marker["shortDescription"]["text"] == "No merge conflict markers"
    assert marker["fullDescription"]["text"].endswith("No merge conflicts")
    assert "Fix: Finish the merge and delete the marker lines." in marker["help"]["text"].splitlines()
    assert "**Fix:** Finish the merge and delete the marker lines." in marker["help"]["markdown"]
    for rule in rules:  # code scanning wants help on every rule, with a fix or not
        waiver = f"{{rule: {rule['id']}, reason, owner, expires}}"
        assert waiver in rule["help"]["text"] and f"`{waiver}`" in rule["help"]["markdown"]
    assert run["automationDetails"]["id"] == "clearance/commit/"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_results_levels_locations_and_suppressions(sample_doc: dict[str, Any]) -> None:
    results = _sarif(_with_pending(sample_doc))["runs"][0]["results"]
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        by_rule.setdefault(result["ruleId"], []).append(result)
    assert set(by_rule) == {"code.no-conflict-markers", "docs.readme", "repo.no-env",
                            "docs.changelog", "tests.passing", "repo.no-keys"}
    markers = by_rule["code.no-conflict-markers"]
    assert {_uri(r) for r in markers} == {"app.py", "%3A%3Aerror%3A%3Aforged%2Cx%3Ay%25.txt"}
    assert sorted(_line(r) for r in markers if _uri(r) == "app.py") == [2, 4, 6]
    assert all(r["level"] == "error" and _base(r) == "%SRCROOT%" for r in markers)
    assert [r["level"] for r in by_rule["repo.no-env"]] == ["warning"]
    assert [r["level"] for r in by_rule["docs.changelog"]] == ["note"]
    error, = by_rule["tests.passing"]  # an evidence error: at the rule's line in the policy
    assert (_uri(error), error["properties"]["verdict"]) == ("clearance.yaml", "error")
    pending, = by_rule["docs.readme"]
    assert pending["message"]["text"].startswith("pending: ")
    waived, = by_rule["repo.no-keys"]
    suppression, = waived["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["justification"] == "test key, rotated in #12"
    assert "suppressions" not in markers[0]


def test_sarif_points_builtin_rules_at_the_repository_policy(sample_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(sample_doc)
    rule = next(r for r in doc["rules"] if r["id"] == "tests.passing")
    rule["origin"] = {"path": "builtin:spec-driven/policy.yaml", "line": 8}
    result = next(r for r in _sarif(doc)["runs"][0]["results"] if r["ruleId"] == "tests.passing")
    assert _uri(result) == "clearance.yaml"
    assert result["properties"]["origin"] == "builtin:spec-driven/policy.yaml:8"
    doc["policy"]["files"] = [{"path": "builtin:spec-driven/policy.yaml", "sha256": "0" * 64}]
    result = next(r for r in _sarif(doc)["runs"][0]["results"] if r["ruleId"] == "tests.passing")
    # no policy file in the repository: the file a policy (and a waiver) would be written to
    location, = result["locations"]
    assert location["physicalLocation"] == {"artifactLocation": {"uri": "clearance.yaml",
                                                                 "uriBaseId": "%SRCROOT%"}}


def test_sarif_help_markdown_shows_policy_text_literally(sample_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(sample_doc)
    doc["rules"][0]["fix"] = "Run `git mergetool` *now* <b>"
    marker = _sarif(doc)["runs"][0]["tool"]["driver"]["rules"][0]
    assert "Fix: Run `git mergetool` *now* <b>" in marker["help"]["text"]
    assert r"**Fix:** Run \`git mergetool\` \*now\* \<b\>" in marker["help"]["markdown"]


def test_sarif_fingerprints_are_stable_across_runs_and_unique_within_one(
        sample_repo: Repo, cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    logs = []
    for epoch in ("1767409200", "1767495600"):  # a day apart
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        out = tmp_path / f"{epoch}.sarif"
        cli("check", "--repo", sample_repo.path, "--stage", "commit", "-f", f"sarif={out}")
        logs.append(json.loads(out.read_text("utf-8"))["runs"][0])
    assert logs[0]["invocations"] != logs[1]["invocations"]
    prints = [[r["partialFingerprints"]["clearance/v1"] for r in run["results"]] for run in logs]
    assert prints[0] == prints[1]
    assert len(set(prints[0])) == len(prints[0]) == len(logs[0]["results"])


def test_sarif_fingerprints_tell_equal_findings_apart_by_occurrence(sample_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(sample_doc)
    findings = doc["rules"][0]["findings"]
    marker = next(f for f in findings if f["file"] == "app.py")
    findings.append({**marker, "line": 40})  # the same marker again, further down
    results = [r for r in _sarif(doc)["runs"][0]["results"]
               if r["ruleId"] == "code.no-conflict-markers" and _uri(r) == "app.py"
               and r["message"]["text"] == marker["message"]]
    assert [_line(r) for r in results] == [marker["line"], 40]
    first, second = (r["partialFingerprints"]["clearance/v1"].split(":") for r in results)
    assert first[0] == second[0] and (first[1], second[1]) == ("1", "2")


def test_sarif_fingerprint_follows_the_message_not_the_line(sample_doc: dict[str, Any]) -> None:
    def prints(doc: dict[str, Any]) -> dict[str, str]:
        return {r["ruleId"]: r["partialFingerprints"]["clearance/v1"]
                for r in _sarif(doc)["runs"][0]["results"]}

    moved, reworded = copy.deepcopy(sample_doc), copy.deepcopy(sample_doc)
    next(r for r in moved["rules"] if r["id"] == "tests.passing")["origin"]["line"] += 10
    next(r for r in reworded["rules"] if r["id"] == "tests.passing")["message"] += " (again)"
    assert prints(moved) == prints(sample_doc)
    changed = {rule for rule, p in prints(reworded).items() if p != prints(sample_doc)[rule]}
    assert changed == {"tests.passing"}


def test_junit_has_one_testcase_per_rule_of_the_stage(sample_doc: dict[str, Any]) -> None:
    root = SafeET.fromstring(render("junit", _with_pending(sample_doc), {}).encode("utf-8"))
    assert root.tag == "testsuites"
    suite, = root.findall("testsuite")
    cases = suite.findall("testcase")
    in_stage = [r for r in sample_doc["rules"] if r["in_stage"]]
    assert len(cases) == len(in_stage) == int(suite.get("tests")) == int(root.get("tests"))
    outcome = {case.get("name").split(":")[0]: _outcome(case) for case in cases}
    assert outcome == {
        "code.no-conflict-markers": "failure:fail", "docs.readme": "failure:pending",
        "repo.no-env": "failure:fail", "docs.changelog": "failure:fail",
        "tests.passing": "error:error", "repo.no-keys": "skipped", "docs.with-code": "skipped",
    }
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "1", "2")
    marker = cases[0]
    assert marker.get("classname") == "Step 4: Merge to Main › Merge Requirements"
    assert "app.py:2: conflict marker" in marker.find("failure").text
    skipped = next(c for c in cases if c.get("name").startswith("repo.no-keys")).find("skipped")
    assert skipped.get("message") == "waived by @lead until 2099-12-31: test key, rotated in #12"


def test_junit_is_valid_against_the_jenkins_junit_10_xsd(sample_doc: dict[str, Any]) -> None:
    schema = xmlschema.XMLSchema10(FIXTURES / "junit-10.xsd")
    for doc in (sample_doc, _with_pending(sample_doc)):
        text = render("junit", doc, {})
        assert [e.reason for e in schema.iter_errors(text)] == []
    root = SafeET.fromstring(render("junit", sample_doc, {}).encode("utf-8"))
    assert "skipped" not in root.attrib  # refused on <testsuites> by the schema
    assert root.find("testsuite").get("skipped") == "2"


def test_junit_escapes_markup_and_strips_characters_xml_cannot_hold(sample_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(sample_doc)
    rule = doc["rules"][0]
    rule["message"] = 'bad <tag> & "quote" \x00\x01\x1b[31m\ud800 end\nnext'
    rule["title"] = "]]> <![CDATA[ x"
    text = render("junit", doc, {})
    root = SafeET.fromstring(text.encode("utf-8"))
    case = root.find("testsuite/testcase")
    assert case.get("name") == "code.no-conflict-markers: ]]> <![CDATA[ x"
    failure = case.find("failure")
    assert failure.get("message") == 'bad <tag> & "quote" [31m end\nnext'
    assert failure.text.startswith('bad <tag> & "quote" [31m end\nnext')


def _outcome(case: Any) -> str:
    for tag in ("failure", "error"):
        found = case.find(tag)
        if found is not None:
            return f"{tag}:{found.get('type')}"
    return "skipped" if case.find("skipped") is not None else "pass"


def _uri(result: dict[str, Any]) -> str:
    uri: str = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    return uri


def _base(result: dict[str, Any]) -> str:
    base: str = result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
    return base


def _line(result: dict[str, Any]) -> int:
    line: int = result["locations"][0]["physicalLocation"]["region"]["startLine"]
    return line


@pytest.mark.parametrize("fmt", ["sarif", "junit"])
def test_a_saved_results_document_re_renders_the_same_report(
        sample_repo: Repo, cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        fmt: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767409200")
    saved, direct, again = tmp_path / "results.json", tmp_path / f"direct.{fmt}", tmp_path / f"again.{fmt}"
    cli("check", "--repo", sample_repo.path, "--stage", "commit", "-f", f"json={saved}", "-f", f"{fmt}={direct}")
    assert cli("report", saved, "--format", f"{fmt}={again}").code == 0
    assert again.read_text("utf-8") == direct.read_text("utf-8")
