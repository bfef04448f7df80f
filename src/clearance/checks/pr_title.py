"""The PR title matches the regular expression `pattern` and does not match
`forbid` (for instance `^(WIP|Draft)\\b`); `ignore_case: true` for both.
The title comes from the event payload (`--event FILE` or
`$GITHUB_EVENT_PATH`); without one the rule is an error, never a pass."""

from __future__ import annotations

import re

from clearance.checks import Outcome
from clearance.checks._common import regex_problems
from clearance.checks._pr import shorten
from clearance.evidence.context import Evidence
from clearance.evidence.prbody import pr_title
from clearance.patterns import searching

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("event payload: pull_request.title",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "anyOf": [{"required": ["pattern"]}, {"required": ["forbid"]}],
    "properties": {
        "pattern": {"type": "string", "minLength": 1},
        "forbid": {"type": "string", "minLength": 1},
        "ignore_case": {"type": "boolean"},
    },
}


def problems(params: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    return regex_problems(params, "pattern", "forbid")


def _search(pattern: str, title: str, flags: int) -> bool:
    with searching("the PR title", pattern):  # the author writes the title: no pattern may hang on it
        return re.search(pattern, title, flags) is not None


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    title = pr_title(evidence)
    flags = re.IGNORECASE if params.get("ignore_case") else 0
    shown = shorten(title)
    pattern, forbid = params.get("pattern"), params.get("forbid")
    if pattern and not _search(pattern, title, flags):
        return Outcome.failed(f"PR title '{shown}' does not match /{pattern}/")
    if forbid and _search(forbid, title, flags):
        return Outcome.failed(f"PR title '{shown}' matches the forbidden /{forbid}/")
    return Outcome.passed(f"PR title '{shown}' is acceptable")
