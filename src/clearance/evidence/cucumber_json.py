"""Scenario results from the Cucumber JSON format (`--format json`, pytest-bdd `--cucumberjson`).

A list of features, each with a `uri` and `elements`; an element of type
`scenario` is one pickle, with the `line` of its scenario (cucumber-js: of
the example row for an outline row; pytest-bdd: the outline's line for every
row) and its `steps` (and `before`/`after` hooks) with `result.status`.
Elements are joined to the spec by `uri` and `line`, never by `id`
(tests/fixtures/runners/NAMING.md, "Cucumber JSON").

The file is one JSON document, read through `inputs.open_stream` within
the size limit and recorded with its sha256. Anything that is not this
shape is an `EvidenceError` naming the file (and the line where JSON
itself broke).
"""

from __future__ import annotations

import json
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import InputRecord, open_stream
from clearance.records import Record

HINT = "regenerate it with `cucumber-js --format json:FILE` or `pytest --cucumberjson=FILE`"
# Most severe last: a scenario's outcome is its worst step's.
SEVERITY = ("passed", "skipped", "pending", "undefined", "ambiguous", "failed")
OUTCOMES = {"passed": "passed", "skipped": "skipped", "pending": "undefined",
            "undefined": "undefined", "ambiguous": "error", "failed": "failed"}


class ElementRun(Record):
    """One scenario element of a Cucumber JSON report and how it ended."""

    uri: str
    line: int  # the scenario's line, or the example row's
    name: str
    id: str
    outcome: str
    message: str
    place: int  # its place among the elements of its feature with the same line (0, 1, ...)
    steps: int  # the steps (not hooks) it reports: pytest-bdd leaves out those that did not run


def read_cucumber_json(evidence: Evidence, path: str) -> tuple[ElementRun, ...]:
    """The scenario elements of one Cucumber JSON report, once per run."""

    def compute() -> tuple[tuple[ElementRun, ...], InputRecord]:
        stream = open_stream(evidence.files, path)
        try:
            data = stream.read(evidence.files.max_bytes + 1)
            record = stream.finish()
        except EvidenceError:
            stream.close()
            raise
        evidence.note(record)
        return parse(path, data), record

    runs, record = evidence.memo(f"cucumber-json:{path}", compute)
    evidence.note(record)
    return runs


def parse(path: str, data: bytes) -> tuple[ElementRun, ...]:
    if not data.strip():
        raise EvidenceError("the file is empty", path, 1, hint=HINT)
    try:
        document = json.loads(data)
    except ValueError as e:
        line = getattr(e, "lineno", None)
        raise EvidenceError(f"not JSON (the file may be cut short): {e}", path, line,
                            hint=HINT) from None
    if not isinstance(document, list):
        raise EvidenceError("not a Cucumber JSON report (a list of features)", path, hint=HINT)
    runs: list[ElementRun] = []
    for number, feature in enumerate(document, start=1):
        runs.extend(_feature(path, number, feature))
    return tuple(runs)


def _feature(path: str, number: int, feature: Any) -> list[ElementRun]:
    if not isinstance(feature, dict) or not isinstance(feature.get("uri"), str):
        raise EvidenceError(f"feature {number} has no uri", path, hint=HINT)
    elements = feature.get("elements") or []
    if not isinstance(elements, list):
        raise EvidenceError(f"feature {number} ({feature['uri']}): elements is not a list", path,
                            hint=HINT)
    runs: list[ElementRun] = []
    seen: dict[int, int] = {}
    for element in elements:
        if not isinstance(element, dict) or element.get("type", "scenario") != "scenario":
            continue
        line = element.get("line")
        if not isinstance(line, int):
            raise EvidenceError(f"a scenario of {feature['uri']} has no line", path, hint=HINT)
        outcome, message = _outcome(path, element)
        runs.append(ElementRun(feature["uri"], line, str(element.get("name", "")),
                               str(element.get("id", "")), outcome, message, seen.get(line, 0),
                               len(element.get("steps") or ())))
        seen[line] = seen.get(line, 0) + 1
    return runs


def _outcome(path: str, element: dict[str, Any]) -> tuple[str, str]:
    worst, message = -1, ""
    for key in ("before", "steps", "after"):
        for step in element.get(key) or []:
            result = step.get("result") if isinstance(step, dict) else None
            status = result.get("status") if isinstance(result, dict) else None
            if status not in SEVERITY:
                raise EvidenceError(f"scenario '{element.get('name', '')}' (line "
                                    f"{element.get('line')}) has a step with status {status!r}",
                                    path, hint=HINT)
            if isinstance(result, dict) and SEVERITY.index(status) > worst:
                worst = SEVERITY.index(status)
                message = str(result.get("error_message") or f"a step is {status}")
    if worst < 0:
        return "not-run", "no step ran"
    status = SEVERITY[worst]
    return OUTCOMES[status], "" if status == "passed" else message.strip()
