"""`junit`: JUnit XML, so that a CI test view lists the checklist of the stage.

One `<testsuites>` holding one `<testsuite>` (named after the policy and the
stage) with one `<testcase>` per rule of the stage, in policy order. The
output is valid against the Jenkins `junit-10.xsd` (the one pytest tests its
own reports with): `<testsuites>` carries `tests`, `failures`, `errors` and
`time` but not `skipped`, which that schema allows on `<testsuite>` only.

| verdict | element |
|---|---|
| `pass` | a plain testcase; `<system-out>` notes a weak or ignored sign-off |
| `fail` | `<failure type="fail">` |
| `pending` | `<failure type="pending">`: a manual gate nobody attested blocks like a failure |
| `error` | `<error type="error">`: the evidence could not be read |
| `waived`, `not-applicable` | `<skipped message="...">` |

A testcase's `classname` is the checklist item's section (the item without
its last `›` part), or `clearance.STAGE` when the rule names none; its `name`
is `rule-id: title`. Text is escaped by xml.etree and stripped of the
characters XML 1.0 cannot hold.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from clearance.reporters import signoffs
from clearance.verdicts import PROBLEMS

_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SEPARATOR = " › "

FILE_NAME: str | None = "junit.xml"


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    rules = [r for r in doc["rules"] if r["in_stage"]]
    cases = [testcase(rule, doc["run"]["stage"]) for rule in rules]
    totals = _totals(rules)
    outer = {name: value for name, value in totals.items() if name != "skipped"}
    root = ET.Element("testsuites", {"name": "clearance", **outer})
    suite = ET.SubElement(root, "testsuite", {
        "name": _xml(f"{doc['policy']['name']} ({doc['run']['stage']} stage)"), **totals,
        "timestamp": doc["run"]["time"].removesuffix("Z"),
    })
    suite.append(_properties(doc))
    suite.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def testcase(rule: Mapping[str, Any], stage: str) -> ET.Element:
    """The testcase of one rule."""
    section = rule["checklist"].rsplit(SEPARATOR, 1)[0] if SEPARATOR in rule["checklist"] else ""
    name = f"{rule['id']}: {rule['title']}" if rule["title"] else rule["id"]
    case = ET.Element("testcase", {"classname": _xml(section or f"clearance.{stage}"),
                                   "name": _xml(name), "time": _seconds(rule["duration_ms"])})
    verdict = rule["verdict"]
    if verdict in PROBLEMS:
        tag = "error" if verdict == "error" else "failure"
        outcome = ET.SubElement(case, tag, {"message": _xml(rule["message"]), "type": verdict})
        outcome.text = _xml(details(rule))
    elif verdict in ("waived", "not-applicable"):
        ET.SubElement(case, "skipped", {"message": _xml(_skip_reason(rule))})
    notes = signoffs.notes(rule)
    if notes and verdict not in PROBLEMS:
        ET.SubElement(case, "system-out").text = _xml("\n".join(notes))
    return case


def details(rule: Mapping[str, Any]) -> str:
    """The body of a failure: message, figure, findings, checklist item, fix."""
    lines = [rule["message"]]
    if rule["figure"]:
        lines.append(f"figure: {rule['figure']}")
    for finding in rule["findings"]:
        where = finding["file"] if finding["line"] is None else f"{finding['file']}:{finding['line']}"
        lines.append(f"{where}: {finding['message']}")
    lines.extend(f"sign-off: {note}" for note in signoffs.notes(rule))
    if rule["checklist"]:
        lines.append(f"checklist: {rule['checklist']}")
    lines.append(f"severity: {rule['severity']}")
    if rule["fix"]:
        lines.append(f"fix: {rule['fix']}")
    return "\n".join(lines)


def _skip_reason(rule: Mapping[str, Any]) -> str:
    if rule["verdict"] == "not-applicable":
        return f"not applicable: {rule['message']}"
    waiver = rule["waiver"] or {}
    until = f" until {waiver['expires']}" if waiver.get("expires") else ""
    return f"waived by {waiver.get('owner', '?')}{until}: {waiver.get('reason', '')}"


def _totals(rules: list[Mapping[str, Any]]) -> dict[str, str]:
    def count(*verdicts: str) -> str:
        return str(sum(1 for r in rules if r["verdict"] in verdicts))

    seconds = sum((r["duration_ms"] or 0) for r in rules) / 1000
    return {"tests": str(len(rules)), "failures": count("fail", "pending"),
            "errors": count("error"), "skipped": count("waived", "not-applicable"),
            "time": f"{seconds:.3f}"}


def _properties(doc: Mapping[str, Any]) -> ET.Element:
    props = ET.Element("properties")
    run, policy = doc["run"], doc["policy"]
    for name, value in (("stage", run["stage"]), ("commit", run["commit"]), ("base", run["base"]),
                        ("policy", policy["name"]), ("policy.version", policy["version"]),
                        ("policy.digest", policy["digest"]), ("verdict", doc["summary"]["verdict"])):
        if value:
            ET.SubElement(props, "property", {"name": name, "value": _xml(str(value))})
    return props


def _seconds(duration_ms: float | None) -> str:
    return f"{(duration_ms or 0) / 1000:.3f}"


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: control characters (but tab, LF, CR) and surrogates removed."""
    return _INVALID.sub("", text)
