"""Scenario results from Cucumber Messages (`--format message`, NDJSON).

One JSON object a line, each with exactly one key naming its type (the
envelope of `@cucumber/messages`). A scenario's result is found by joins
(tests/fixtures/runners/NAMING.md, "Messages"):

    gherkinDocument scenario (uri + id) <- pickle.astNodeIds (scenario id, and the
    example row's id for an outline row) <- testCase.pickleId <- testCaseStarted.testCaseId
    (the last attempt: one whose testCaseFinished says willBeRetried is superseded)
    <- testStepFinished.testCaseStartedId: the most severe step status.

The file is read line by line through `inputs.open_stream` (size limit,
sha256), so memory holds only the joins, never the file. Lines of the types
that decide nothing (`source`, `testStepStarted`, `stepDefinition`, ...) are
not decoded, only checked to be whole. Anything that does not fit (a line
that is not JSON, a type the protocol does not have, a join to nothing, a
run with no `testRunFinished`) is an `EvidenceError` naming the file and
line: a broken file is never read as a pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import HashingReader, InputRecord, open_stream
from clearance.records import Record

HINT = "regenerate it with `cucumber-js --format message:FILE` (or your runner's message formatter)"
CHUNK = 1 << 20
USED = frozenset({"gherkinDocument", "pickle", "testCase", "testCaseStarted", "testStepFinished",
                  "testCaseFinished", "testRunFinished", "testRunHookFinished"})
SKIPPED = frozenset({"meta", "source", "stepDefinition", "testRunStarted", "testStepStarted",
                     "suggestion", "attachment", "externalAttachment", "hook", "parameterType",
                     "parseError", "testRunHookStarted", "undefinedParameterType"})
# Most severe last, as @cucumber/query's findMostSevereTestStepResultBy orders them.
SEVERITY = ("UNKNOWN", "PASSED", "SKIPPED", "PENDING", "UNDEFINED", "AMBIGUOUS", "FAILED")
OUTCOMES = {"UNKNOWN": "error", "PASSED": "passed", "SKIPPED": "skipped", "PENDING": "undefined",
            "UNDEFINED": "undefined", "AMBIGUOUS": "error", "FAILED": "failed"}


class PickleRun(Record):
    """How one pickle (a scenario, or one example row of an outline) ended."""

    uri: str  # the feature file, as the runner named it (relative to its working folder)
    scenario_line: int
    row_line: int | None  # the example row's line, for an outline row
    name: str  # the pickle's name: placeholders filled in
    outcome: str  # passed, failed, error, skipped, undefined
    message: str
    line: int  # the line of the file that decided it (its testCaseFinished, or its testCase)


class _Joins:
    """The joins of the messages read so far, filled in line by line."""

    __slots__ = ("cases", "finished", "nodes", "pickles", "run_failed", "run_finished", "run_success",
                 "started", "steps")

    def __init__(self) -> None:
        self.nodes: dict[str, tuple[str, int, int | None]] = {}
        self.pickles: dict[str, tuple[str, list[str], str, int]] = {}
        self.cases: dict[str, tuple[str, int]] = {}
        self.started: dict[str, tuple[str, int, int]] = {}
        self.steps: dict[str, tuple[int, str]] = {}  # worst severity, message
        self.finished: dict[str, tuple[bool, int]] = {}
        self.run_finished = False
        self.run_failed: tuple[int, str] | None = None  # (line, why): a failure outside every scenario
        self.run_success = True


def read_messages(evidence: Evidence, path: str) -> tuple[PickleRun, ...]:
    """The pickles of one Messages file and how each ended, once per run."""

    def compute() -> tuple[tuple[PickleRun, ...], InputRecord]:
        stream = open_stream(evidence.files, path)
        try:
            runs = parse(path, _lines(stream))
        except EvidenceError:
            _finish_quietly(evidence, stream)
            raise
        record = stream.finish()
        return runs, record

    runs, record = evidence.memo(f"messages:{path}", compute)
    evidence.note(record)
    return runs


def _finish_quietly(evidence: Evidence, stream: HashingReader) -> None:
    try:
        evidence.note(stream.finish())
    except EvidenceError:
        stream.close()


def _lines(stream: HashingReader) -> Iterator[bytes]:
    """The file's lines without their ends; a last line without `\\n` ends in b"\\0" (cut short?)."""
    rest = b""
    while chunk := stream.read(CHUNK):
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest.strip():
        yield rest + b"\0"


def parse(path: str, lines: Iterator[bytes]) -> tuple[PickleRun, ...]:
    """Pickle results from the lines of a Messages file (any order of the messages)."""
    joins = _Joins()
    number = 0
    for number, raw in enumerate(lines, start=1):
        _take(joins, path, number, raw)
    if number == 0:
        raise EvidenceError("the file is empty", path, 1, hint=HINT)
    if not joins.run_finished:
        raise EvidenceError("no testRunFinished message: the run did not finish or the file "
                            "was cut short", path, number, hint=HINT)
    runs = _results(joins, path)
    if joins.run_failed is None and not joins.run_success and all(r.outcome == "passed" for r in runs):
        joins.run_failed = (number, "testRunFinished says the run did not succeed, though every "
                                    "scenario passed")
    if joins.run_failed is not None:
        line, why = joins.run_failed
        raise EvidenceError(f"the run failed outside its scenarios: {why}", path, line,
                            hint="a failed BeforeAll/AfterAll hook or a run-level error: fix it and "
                                 "run again; the scenarios' results cannot be trusted alone")
    return runs


# A passed step exactly as cucumber-js writes it: every byte accounted for, so the line is
# valid JSON meaning just this; read without decoding (a third of a run's lines).
_PASSED_STEP = re.compile(
    rb'\{"testStepFinished":\{"testCaseStartedId":"([^"\\]+)","testStepId":"[^"\\]+",'
    rb'"testStepResult":\{"duration":\{"seconds":\d+,"nanos":\d+\},"status":"PASSED"\},'
    rb'"timestamp":\{"seconds":\d+,"nanos":\d+\}\}\}')
_PASSED = SEVERITY.index("PASSED")


def _take(joins: _Joins, path: str, number: int, raw: bytes) -> None:
    line = raw.strip()
    if not line:
        return
    kind = _kind(line)
    if kind in SKIPPED and line.endswith(b"}"):
        return
    if kind == "testStepFinished" and (passed := _PASSED_STEP.fullmatch(line)):
        started = passed.group(1).decode()
        if started not in joins.steps:
            joins.steps[started] = (_PASSED, "")
        return
    try:
        envelope = json.loads(line)
    except ValueError as e:
        cut = " (the last line has no end: the file was cut short?)" if raw.endswith(b"\0") else ""
        raise EvidenceError(f"not a JSON line{cut}: {e}", path, number, hint=HINT) from None
    if not isinstance(envelope, dict) or len(envelope) != 1:
        raise EvidenceError("not a Cucumber message (an object with exactly one key naming its "
                            "type)", path, number, hint=HINT)
    ((kind_name, body),) = envelope.items()
    if kind_name in USED:
        _TAKERS[kind_name](joins, path, number, _object(body, kind_name, path, number))
    elif kind_name not in SKIPPED:
        raise EvidenceError(f"unknown message type '{kind_name}': not in the Cucumber Messages "
                            "protocol this reader knows (32)", path, number, hint=HINT)


def _kind(line: bytes) -> str:
    """The type of an envelope written as runners write it (`{"type":`), or ""."""
    if not line.startswith(b'{"'):
        return ""
    end = line.find(b'"', 2)
    return line[2:end].decode("ascii", "replace") if end > 0 else ""


def _object(body: Any, kind: str, path: str, number: int) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise EvidenceError(f"{kind} is not an object", path, number, hint=HINT)
    return body


def _field(body: dict[str, Any], key: str, kind: str, path: str, number: int) -> Any:
    if key not in body:
        raise EvidenceError(f"{kind} has no '{key}'", path, number, hint=HINT)
    return body[key]


def _line_of(node: Any) -> int:
    location = node.get("location") if isinstance(node, dict) else None
    line = location.get("line") if isinstance(location, dict) else None
    return line if isinstance(line, int) else 0


def _document(joins: _Joins, path: str, number: int, body: dict[str, Any]) -> None:
    uri = str(_field(body, "uri", "gherkinDocument", path, number))
    feature = body.get("feature") or {}
    try:
        for scenario in _scenarios(feature.get("children") or []):
            joins.nodes[str(scenario["id"])] = (uri, _line_of(scenario), None)
            for block in scenario.get("examples") or []:
                for row in block.get("tableBody") or []:
                    joins.nodes[str(row["id"])] = (uri, _line_of(scenario), _line_of(row))
    except (AttributeError, KeyError, TypeError) as e:
        raise EvidenceError(f"gherkinDocument of {uri} is not as the protocol says ({e!r})",
                            path, number, hint=HINT) from None


def _scenarios(children: list[Any]) -> Iterator[dict[str, Any]]:
    for child in children:
        if "scenario" in child:
            yield child["scenario"]
        elif "rule" in child:
            yield from _scenarios(child["rule"].get("children") or [])


def _pickle(joins: _Joins, path: str, number: int, body: dict[str, Any]) -> None:
    ids = _field(body, "astNodeIds", "pickle", path, number)
    if not isinstance(ids, list) or not ids:
        raise EvidenceError("pickle has no astNodeIds", path, number, hint=HINT)
    joins.pickles[str(_field(body, "id", "pickle", path, number))] = (
        str(body.get("uri", "")), [str(i) for i in ids], str(body.get("name", "")), number)


def _test_case(joins: _Joins, path: str, number: int, body: dict[str, Any]) -> None:
    joins.cases[str(_field(body, "id", "testCase", path, number))] = (
        str(_field(body, "pickleId", "testCase", path, number)), number)


def _case_started(joins: _Joins, path: str, number: int, body: dict[str, Any]) -> None:
    attempt = body.get("attempt", 0)
    joins.started[str(_field(body, "id", "testCaseStarted", path, number))] = (
        str(_field(body, "testCaseId", "testCaseStarted", path, number)),
        attempt if isinstance(attempt, int) else 0, number)


def _step_finished(joins: _Joins, path: str, number: int, body: dict[str, Any]) -> None:
    started = str(_field(body, "testCaseStartedId", "testStepFinished", path, number))
    result = _field(body, "testStepResult", "testStepFinished", path, number)
    status = result.get("status") if isinstance(result, dict) else None
    if status not in SEVERITY:
        raise EvidenceError(f"testStepFinished has an unknown status {status!r}", path, number,
                            hint=HINT)
    severity = SEVERITY.index(status)
    if severity > joins.steps.get(started, (-1, ""))[0]:
        joins.steps[started] = (severity, _message(result, status))


def _message(result: dict[str, Any], status: str) -> str:
    exception = result.get("exception")
    if isinstance(exception, dict) and exception.get("message"):
        return f"{exception.get('type', '')}: {exception['message']}".strip(": ")
    text = result.get("message")
    return str(text).strip() if text else f"a step is {status.lower()}"


def _case_finished(joins: _Joins, path: str, number: int, body: dict[str, Any]) -> None:
    started = str(_field(body, "testCaseStartedId", "testCaseFinished", path, number))
    joins.finished[started] = (body.get("willBeRetried") is True, number)


def _run_finished(joins: _Joins, path: str, number: int, body: dict[str, Any]) -> None:
    joins.run_finished = True
    joins.run_success = body.get("success") is not False
    exception = body.get("exception")
    if isinstance(exception, dict) and joins.run_failed is None:
        joins.run_failed = (number, str(exception.get("message") or exception.get("type") or "an error"))


def _run_hook_finished(joins: _Joins, path: str, number: int, body: dict[str, Any]) -> None:
    result = body.get("result")
    status = result.get("status") if isinstance(result, dict) else None
    if status not in (None, "PASSED", "SKIPPED") and joins.run_failed is None:
        joins.run_failed = (number, f"a run hook (BeforeAll/AfterAll) ended {status}")


_TAKERS = {"gherkinDocument": _document, "pickle": _pickle, "testCase": _test_case,
           "testCaseStarted": _case_started, "testStepFinished": _step_finished,
           "testCaseFinished": _case_finished, "testRunFinished": _run_finished,
           "testRunHookFinished": _run_hook_finished}


def _results(joins: _Joins, path: str) -> tuple[PickleRun, ...]:
    last = _last_attempts(joins, path)
    runs = []
    for case_id, (pickle_id, number) in joins.cases.items():
        if pickle_id not in joins.pickles:
            raise EvidenceError(f"testCase {case_id} names pickle {pickle_id}, which the file "
                                "does not hold", path, number, hint=HINT)
        uri, ids, name, pickle_line = joins.pickles[pickle_id]
        node = joins.nodes.get(ids[-1]) if len(ids) > 1 else joins.nodes.get(ids[0])
        if node is None:
            raise EvidenceError(f"pickle {pickle_id} names Gherkin node {ids[-1]}, which no "
                                "gherkinDocument holds", path, pickle_line, hint=HINT)
        outcome, message, line = _outcome(joins, last.get(case_id), number)
        runs.append(PickleRun(uri or node[0], node[1], node[2], name, outcome, message, line))
    return tuple(sorted(runs, key=lambda r: (r.uri, r.row_line or r.scenario_line)))


def _last_attempts(joins: _Joins, path: str) -> dict[str, str]:
    """The testCaseStarted id of each test case's last attempt (not to be retried)."""
    last: dict[str, tuple[int, str]] = {}
    for started_id, (case_id, attempt, number) in joins.started.items():
        if case_id not in joins.cases:
            raise EvidenceError(f"testCaseStarted names test case {case_id}, which the file "
                                "does not hold", path, number, hint=HINT)
        retried = joins.finished.get(started_id, (False, 0))[0]
        if not retried and attempt >= last.get(case_id, (-1, ""))[0]:
            last[case_id] = (attempt, started_id)
    return {case_id: started_id for case_id, (_, started_id) in last.items()}


def _outcome(joins: _Joins, started_id: str | None, case_line: int) -> tuple[str, str, int]:
    if started_id is None:
        return "not-run", "the test case never started (or every attempt was retried)", case_line
    if started_id not in joins.finished:
        return "error", "the test case started but never finished", joins.started[started_id][2]
    severity, message = joins.steps.get(started_id, (SEVERITY.index("PASSED"), ""))
    status = SEVERITY[severity]
    return OUTCOMES[status], "" if status == "PASSED" else message, joins.finished[started_id][1]
