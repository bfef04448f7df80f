"""`sarif`: SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).

- One rule descriptor per policy rule: `id` is the rule id (stable across
  runs), with its title, checklist item, severity and a `help` (text and
  Markdown) saying how to fix or waive it.
- A result for every rule of the stage whose verdict is `fail`, `error`,
  `pending` or `waived`, one per finding that names a file, else one at the
  rule's line in the policy file.
- Every result has a physical location, as code scanning requires: the
  finding's file, with a region when the line is known; else the rule's
  definition. A rule of a built-in pack is defined in no file of the
  repository, so it points at the repository's own policy file, and with none
  at `clearance.yaml`, the file where a policy (and a waiver of the rule)
  would go; its origin is in the result's `properties`.
- A finding about a commit (`COMMIT_CHECKS`) is not a file: it becomes a
  logical location of kind `commit` named by the short sha (the message file
  at the commit-msg stage), at the rule's definition.
- `partialFingerprints["clearance/v1"]` identifies a result across runs: a
  hash of the rule id, the place (file or commit) and the message, with the
  occurrence number of that hash in the run; no line number, no time.
- `level` follows the rule's severity: error -> error, warning -> warning,
  info -> note. The clearance verdict is in the result's `properties`.
- A waived rule's results carry a `suppressions` entry (kind `external`: the
  waiver lives in the policy) whose justification is the waiver's reason.
- URIs are repository-relative, percent-encoded, with `uriBaseId` `%SRCROOT%`.
- `automationDetails.id` is `clearance/STAGE/`, so that uploads of several
  stages are kept apart by code scanning.
- Sign-offs that are self-added, unverified, only the PR author's tick, or
  ignored are listed with the reason: in the `properties.signoffs` of each
  result of their rule, and, for every rule (a passing one has no result), in
  the run's `properties.signoffs`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from clearance.reporters import in_repository, policy_file, signoffs
from clearance.verdicts import PROBLEMS

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
REPORTED = (*PROBLEMS, "waived")
INFO_URI = "https://clearance.dev"
NEW_POLICY = "clearance.yaml"  # where a built-in rule points when the repository has no policy file
COMMIT_CHECKS = frozenset({"git.commit_message"})  # check kinds whose findings name commits
FINGERPRINT = "clearance/v1"
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~])")

FILE_NAME: str | None = "clearance.sarif"


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    return json.dumps(sarif_log(doc), indent=2, ensure_ascii=False) + "\n"


def sarif_log(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The SARIF log of one results document."""
    index = {rule["id"]: i for i, rule in enumerate(doc["rules"])}
    home = policy_file(doc) or NEW_POLICY
    results = [result for rule in doc["rules"] if rule["in_stage"] and rule["verdict"] in REPORTED
               for result in rule_results(rule, index[rule["id"]], home)]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {
            "name": "clearance", "version": doc["tool"]["version"],
            "semanticVersion": doc["tool"]["version"], "informationUri": INFO_URI,
            "rules": [descriptor(rule, home) for rule in doc["rules"]],
        }},
        "automationDetails": {"id": f"clearance/{doc['run']['stage']}/"},
        "invocations": [{"executionSuccessful": True, "endTimeUtc": doc["run"]["time"]}],
        "results": fingerprinted(results),
        "properties": _run_properties(doc),
    }]}


def descriptor(rule: Mapping[str, Any], home: str) -> dict[str, Any]:
    """The reportingDescriptor of a policy rule."""
    title = rule["title"] or rule["id"]
    return {
        "id": rule["id"],
        "shortDescription": {"text": title},
        "fullDescription": {"text": rule["checklist"] or title},
        "help": rule_help(rule, home),
        "defaultConfiguration": {"level": LEVELS[rule["severity"]]},
        "properties": {"checklist": rule["checklist"], "kind": rule["kind"],
                       "stages": rule["stages"], "tags": ["clearance", rule["kind"]]},
    }


def rule_help(rule: Mapping[str, Any], home: str) -> dict[str, str]:
    """What the rule checks and how to fix or waive it, as text and as Markdown."""
    title, fix = rule["title"] or rule["id"], rule["fix"] or "Fix what the result lists."
    stages = ", ".join(rule["stages"])
    waiver = f"{{rule: {rule['id']}, reason, owner, expires}}"
    text = [title, *([f"Checklist item: {rule['checklist']}"] if rule["checklist"] else []),
            f"Check {rule['kind']} at the stages {stages} (severity {rule['severity']}).",
            f"Fix: {fix}", f"Or waive it: add {waiver} under waivers: in {home}."]
    markdown = [f"**{_md(title)}**",
                *([f"Checklist item: {_md(rule['checklist'])}"] if rule["checklist"] else []),
                f"Check `{rule['kind']}` at the stages {stages} (severity {rule['severity']}).",
                f"**Fix:** {_md(fix)}", f"Or waive it: add `{waiver}` under `waivers:` in `{home}`."]
    return {"text": "\n".join(text), "markdown": "\n\n".join(markdown)}


def rule_results(rule: Mapping[str, Any], index: int, home: str) -> list[dict[str, Any]]:
    """The results of one rule: one per finding with a place, else one at its definition."""
    places = [] if rule["verdict"] == "pending" else [
        place for finding in rule["findings"] if (place := _place(rule, finding, home))]
    places = places or [(_origin(rule, home), rule["message"])]
    return [_result(rule, index, location, message) for location, message in places]


def fingerprinted(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The results, each with a fingerprint code scanning matches across runs."""
    seen: Counter[str] = Counter()
    for result in results:
        location = result["locations"][0]
        where = [location["physicalLocation"]["artifactLocation"]["uri"],
                 *(logical["name"] for logical in location.get("logicalLocations", []))]
        key = json.dumps([result["ruleId"], where, result["message"]["text"]], ensure_ascii=False)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        seen[digest] += 1
        result["partialFingerprints"] = {FINGERPRINT: f"{digest}:{seen[digest]}"}
    return results


def _place(rule: Mapping[str, Any], finding: Mapping[str, Any],
           home: str) -> tuple[dict[str, Any], str] | None:
    if not finding["file"]:
        return None
    message = finding["message"] or rule["message"]
    if rule["kind"] in COMMIT_CHECKS:
        commit = {"name": finding["file"], "kind": "commit"}
        return {**_origin(rule, home), "logicalLocations": [commit]}, message
    if in_repository(finding["file"]):
        return _location(finding["file"], finding["line"], finding["column"]), message
    return None


def _result(rule: Mapping[str, Any], index: int, location: dict[str, Any],
            message: str) -> dict[str, Any]:
    label = {"error": "evidence error: ", "pending": "pending: "}.get(rule["verdict"], "")
    origin = rule["origin"]
    result: dict[str, Any] = {
        "ruleId": rule["id"], "ruleIndex": index, "level": LEVELS[rule["severity"]],
        "message": {"text": f"{label}{message}" or rule["id"]},
        "locations": [location],
        "properties": {"verdict": rule["verdict"], "blocking": rule["blocking"],
                       "figure": rule["figure"], "origin": f"{origin['path']}:{origin['line']}"},
    }
    notes = signoffs.notes(rule)
    if notes:
        result["properties"]["signoffs"] = notes
    if rule["verdict"] == "waived":
        result["suppressions"] = [_suppression(rule["waiver"] or {})]
    return result


def _suppression(waiver: Mapping[str, Any]) -> dict[str, Any]:
    suppression: dict[str, Any] = {
        "kind": "external", "status": "accepted", "justification": waiver.get("reason", ""),
        "properties": {k: waiver.get(k) for k in ("owner", "expires", "self_granted")},
    }
    origin = waiver.get("origin")
    if origin and in_repository(origin["path"]):
        suppression["location"] = _location(origin["path"], origin["line"], None)
    return suppression


def _origin(rule: Mapping[str, Any], home: str) -> dict[str, Any]:
    origin = rule["origin"]
    if in_repository(origin["path"]):
        return _location(origin["path"], origin["line"], None)
    return _location(home, None, None)


def _location(path: str, line: int | None, column: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(path), "uriBaseId": "%SRCROOT%"}}
    if line is not None and line >= 1:
        physical["region"] = {"startLine": line, **({"startColumn": column} if column else {})}
    return {"physicalLocation": physical}


def _md(text: str) -> str:
    """Policy text as literal Markdown: its markup characters escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


def _run_properties(doc: Mapping[str, Any]) -> dict[str, Any]:
    policy = doc["policy"]
    noted = [{"rule": rule["id"], "notes": signoffs.notes(rule)} for rule in doc["rules"]
             if rule["in_stage"] and signoffs.notes(rule)]
    return {"stage": doc["run"]["stage"], "verdict": doc["summary"]["verdict"],
            "counts": doc["summary"]["counts"], "commit": doc["run"]["commit"],
            "policy": {"name": policy["name"], "version": policy["version"],
                       "digest": policy["digest"]}, **({"signoffs": noted} if noted else {})}
