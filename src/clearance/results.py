"""The results document: one record per rule, the inputs read, the run.

Every output format is rendered from this document alone (see
docs/results.md and `schemas/results-v1.json`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import islice

from clearance import __version__
from clearance.checks import Finding
from clearance.errors import ClearanceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import InputRecord
from clearance.policy.model import Policy, Rule
from clearance.records import Record
from clearance.subject import run_subject
from clearance.verdicts import VERDICTS, blocks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SCHEMA_ID = "https://clearance.dev/schemas/results-v1.json"
SCHEMA_VERSION = "1.1"  # the minor version: 1.1 added run.subject and integrity


class RuleResult(Record):
    rule: Rule
    verdict: str
    message: str
    in_stage: bool = True
    figure: str | None = None
    findings: tuple[Finding, ...] = ()
    evidence: tuple[InputRecord, ...] = ()
    waiver: dict[str, Any] | None = None
    data: dict[str, Any] = {}  # noqa: RUF012 - never mutated
    duration_ms: float | None = None

    def to_dict(self, fail_on: str) -> dict[str, Any]:
        """The rule's record in the results document; `fail_on` decides whether it blocks."""
        rule = self.rule
        return {
            "id": rule.id, "title": rule.title, "checklist": rule.checklist,
            "kind": rule.kind, "stages": list(rule.stages), "severity": rule.severity,
            "controls": list(rule.controls), "in_stage": self.in_stage, "verdict": self.verdict,
            "blocking": blocks(self.verdict, rule.severity, fail_on),
            "message": self.message, "figure": self.figure,
            "findings": [f.to_dict() for f in self.findings],
            "evidence": [{"path": r.path, "sha256": r.sha256, "source": r.source}
                         for r in self.evidence],
            "waiver": self.waiver, "attestation": self.data.get("attestation"),
            "data": {k: v for k, v in self.data.items() if k != "attestation"},
            "fix": rule.fix, "origin": {"path": rule.origin.path, "line": rule.origin.line},
            "duration_ms": self.duration_ms,
        }


def summarize(rules: list[dict[str, Any]], fail_on: str = "error") -> dict[str, Any]:
    """Counts by verdict and the overall verdict, from rule records.

    The verdict says what was found at the `fail_on` level, `never` counting as `error`:
    `--fail-on never` keeps the exit code 0 (nothing blocks), it does not make failures a pass.
    """
    counts = Counter(r["verdict"] for r in rules if r["in_stage"])
    blocking = sum(1 for r in rules if blocks(r["verdict"], r["severity"], fail_on))
    judged_at = "error" if fail_on == "never" else fail_on
    failing = any(blocks(r["verdict"], r["severity"], judged_at) for r in rules)
    return {
        "verdict": "fail" if failing else "pass",
        "blocking": blocking,
        "counts": {v: counts.get(v, 0) for v in VERDICTS},
        "rules": sum(counts.values()),
        "other_stages": sum(1 for r in rules if not r["in_stage"]),
    }


def build_document(policy: Policy, results: list[RuleResult], evidence: Evidence,
                   when: str, fail_on: str, repository: str) -> dict[str, Any]:
    """The results document of one run (see schemas/results-v1.json); `when` is
    `YYYY-MM-DDTHH:MM:SSZ`. Its `integrity` digest is added when it is written
    (`integrity.sealed`, by the json format), after the run has added its last keys."""
    rules = [r.to_dict(fail_on) for r in results]
    commit = _quiet(lambda: evidence.head or evidence.base)
    doc: dict[str, Any] = encodable({
        "$schema": SCHEMA_ID,
        "version": 1,
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "clearance", "version": __version__},
        "run": {
            "repository": repository, "stage": evidence.stage, "fail_on": fail_on,
            "commit": commit,
            "base": _quiet(lambda: evidence.base) if not evidence.in_commit else None,
            "head": _quiet(lambda: evidence.head), "branch": _quiet(lambda: evidence.branch),
            "time": when, "subject": run_subject(evidence, commit),
        },
        "policy": {
            "name": policy.name, "version": policy.version, "source": policy.source,
            "digest": policy.digest,
            "files": [{"path": f.path, "sha256": f.sha256} for f in policy.files],
        },
        "summary": summarize(rules, fail_on),
        "inputs": [r.to_dict() for r in sorted(evidence.records.values(), key=lambda r: r.path)],
        "rules": rules,
    })
    return doc


_PLAIN = frozenset({int, float, bool, type(None)})


def encodable(value: Any) -> Any:
    """The document with every string encodable as UTF-8, and tuples as lists.

    Names of files on disk and JSON inputs can carry lone surrogates (bytes
    that are not UTF-8); they are written as `\\udcNN` escapes so that every
    output format can be written and read back. ASCII strings and numbers are
    taken as they are without a call each: a document holds thousands.

    Copy on write: a dict or list with nothing to change in it is returned as it is,
    not copied, and one met twice (the per-file rows the `coverage.min` rules of a
    suite share) is looked at once and stays one object. Nothing writes into a
    document once it is built, so sharing rule data with it is safe.
    """
    return _encodable(value, {})


def _encodable(value: Any, seen: dict[int, Any]) -> Any:
    kind = type(value)
    if kind is str:
        return value if value.isascii() else _utf8(value)
    if kind is dict or kind is list or isinstance(value, (dict, list, tuple)):
        key = id(value)  # the value is alive in the document throughout: ids are not reused
        if key not in seen:
            seen[key] = _dict(value, seen) if isinstance(value, dict) else _list(value, seen)
        return seen[key]
    if isinstance(value, str):
        return _utf8(str(value))
    return value


def _dict(value: dict[Any, Any], seen: dict[int, Any]) -> dict[Any, Any]:
    items: list[tuple[Any, Any]] | None = None  # made when the first key or value changes
    for index, (k, v) in enumerate(value.items()):
        new_k = k if type(k) is str and k.isascii() else _encodable(k, seen)
        new_v = v if (type(v) is str and v.isascii()) or type(v) in _PLAIN else _encodable(v, seen)
        if items is None:
            if new_k is k and new_v is v:
                continue
            items = list(islice(value.items(), index))
        items.append((new_k, new_v))
    if items is not None:
        return dict(items)
    return value if type(value) is dict else dict(value)


def _list(value: list[Any] | tuple[Any, ...], seen: dict[int, Any]) -> list[Any]:
    items: list[Any] | None = None  # made when the first item changes
    for index, v in enumerate(value):
        new = v if (type(v) is str and v.isascii()) or type(v) in _PLAIN else _encodable(v, seen)
        if items is None:
            if new is v:
                continue
            items = list(value[:index])
        items.append(new)
    if items is not None:
        return items
    return value if type(value) is list else list(value)


def _utf8(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _quiet(get: Callable[[], str | None]) -> str | None:
    """A run detail, or None when it cannot be had (it is not evidence)."""
    try:
        return get()
    except ClearanceError:
        return None
