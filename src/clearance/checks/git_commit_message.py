"""Commit messages match `pattern` (a regular expression searched in the
subject line, or in the whole message with `scope: message`), are free of
`forbid`, and keep the subject within `max_subject_length`. At the
commit-msg stage the message being written is checked; at later stages,
every commit in base..head."""

from __future__ import annotations

import re

from clearance.checks import Finding, Outcome
from clearance.checks._common import plural, regex_problems
from clearance.evidence.context import Evidence
from clearance.patterns import searching

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("commit messages",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "pattern": {"type": "string", "minLength": 1},
        "forbid": {"type": "string", "minLength": 1},
        "scope": {"enum": ["subject", "message"]},
        "max_subject_length": {"type": "integer", "minimum": 1},
    },
}


def problems(params: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    return regex_problems(params, "pattern", "forbid")


def _search(pattern: str, text: str, where: str) -> bool:
    with searching(where, pattern):  # the author writes the message: no pattern may hang on it
        return re.search(pattern, text) is not None


def _faults(message: str, params: dict[str, Any], where: str) -> list[str]:
    subject = message.splitlines()[0] if message.strip() else ""
    text = message if params.get("scope") == "message" else subject
    faults = []
    if "pattern" in params and not _search(params["pattern"], text, where):
        faults.append(f"does not match /{params['pattern']}/")
    if "forbid" in params and _search(params["forbid"], message, where):
        faults.append(f"matches the forbidden /{params['forbid']}/")
    limit = params.get("max_subject_length")
    if limit is not None and len(subject) > limit:
        faults.append(f"subject is {len(subject)} characters, over {limit}")
    return faults


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    messages = evidence.commit_messages
    findings = []
    for where, message in messages:
        subject = message.splitlines()[0] if message.strip() else "(empty message)"
        label = where[:12] if len(where) == 40 else where
        for fault in _faults(message, params, label):
            findings.append(Finding(label, 1, message=f"'{subject[:72]}' {fault}"))
    if findings:
        return Outcome.failed(findings[0].message if len(findings) == 1
                              else f"{plural(len(findings), 'problem')} in commit messages",
                              findings=tuple(findings))
    return Outcome.passed(f"{plural(len(messages), 'message')} conform")
