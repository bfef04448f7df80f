"""Test results from JUnit XML reports, whatever runner wrote them.

pytest, vitest, Jest, Gradle, Maven Surefire and Playwright all write the same
shape with small differences: a `<testsuites>` root or a bare `<testsuite>`,
suites nested in suites, counts on the root or not. The counts written in the
attributes are never trusted; every `<testcase>` is read and classified by
its children: `<failure>` (failed), `<error>` (error), `<skipped>` (skipped),
none of them (passed). Surefire's `<flakyFailure>` and `<rerunFailure>` mark
a test that passed on a rerun, so they do not count against it.

Reports are streamed through defusedxml (no entity expansion, no external
reference, no DTD fetch) and every element is dropped once read, so memory
stays flat for reports of tens of thousands of cases. Each report is read
once per run and recorded with its sha256.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import HashingReader, InputRecord, open_stream

OUTCOMES = ("passed", "failed", "error", "skipped")
_MARKS = {"failure": "failed", "error": "error", "skipped": "skipped"}
_PRECEDENCE = ("failed", "error", "skipped")
_HINT = "check that the test step ran and wrote its JUnit XML report"


@dataclass(frozen=True)
class TestCase:
    """One `<testcase>` of a report and how it ended."""

    __test__ = False  # not a pytest test class, despite the name

    name: str
    classname: str
    suite: str
    outcome: str  # passed, failed, error or skipped
    message: str
    file: str | None
    line: int | None
    report: str


@dataclass(frozen=True)
class JUnitResults:
    """Every test case of the reports read, in report order."""

    cases: tuple[TestCase, ...]
    reports: tuple[str, ...]

    def count(self, outcome: str) -> int:
        return sum(1 for case in self.cases if case.outcome == outcome)

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def passed(self) -> int:
        return self.count("passed")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    def __add__(self, other: JUnitResults) -> JUnitResults:
        return JUnitResults(self.cases + other.cases, self.reports + other.reports)


def read_junit(evidence: Evidence, globs: Sequence[str] | None = None) -> JUnitResults:
    """The test cases of every report the globs name (default: `inputs.junit`)."""
    patterns = list(globs) if globs is not None else evidence.input_globs("junit")
    if not patterns:
        raise EvidenceError("no JUnit reports configured",
                            hint="set inputs.junit in the policy or `reports` in the rule")
    paths = evidence.find_inputs(patterns)
    if not paths:
        raise EvidenceError(f"no JUnit report matches {', '.join(patterns)}", hint=_HINT)
    results = JUnitResults((), ())
    for path in paths:
        cases, record = evidence.memo(f"junit:{path}", partial(_read_report, evidence, path))
        evidence.note(record)
        results += JUnitResults(cases, (path,))
    return results


def _read_report(evidence: Evidence, path: str) -> tuple[tuple[TestCase, ...], InputRecord]:
    stream = open_stream(evidence.files, path)
    try:
        cases = tuple(_parse(stream, path))
    except EvidenceError:
        _note_rest(evidence, stream)
        raise
    except Exception as e:  # ParseError, defusedxml's refusals, anything expat raises
        _note_rest(evidence, stream)
        raise _parse_error(e, path) from e
    return cases, stream.finish()


def _note_rest(evidence: Evidence, stream: HashingReader) -> None:
    """Record a broken report too, so that the results name what was refused."""
    try:
        evidence.note(stream.finish())
    except EvidenceError:
        stream.close()


def _parse_error(error: Exception, path: str) -> EvidenceError:
    from defusedxml import DefusedXmlException

    if isinstance(error, DefusedXmlException):
        return EvidenceError(f"refused XML: {error}", path,
                             hint="JUnit reports need no DTD or entities; regenerate the report")
    position = getattr(error, "position", None)
    line, column = position if isinstance(position, tuple) else (None, None)
    reason = str(error).split(": line ")[0]
    return EvidenceError(f"not well-formed XML: {reason}", path, line,
                         column + 1 if column is not None else None, hint=_HINT)


def _parse(stream: HashingReader, path: str) -> Iterator[TestCase]:
    """Walk the report; yield each test case and drop every element once read."""
    from defusedxml.ElementTree import iterparse

    parents: list[Any] = []  # the open elements above the current one
    suites: list[str] = []
    in_case = 0  # how many open <testcase> elements hold the current one
    shift = 0
    for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=False):
        tag = _local(elem.tag)
        if event == "start":
            if not parents:
                shift = _root_line_shift(tag, elem, path)
            suites += [elem.get("name", "")] if tag == "testsuite" else []
            in_case += tag == "testcase"
            parents.append(elem)
            continue
        parents.pop()
        if tag == "testsuite":
            suites.pop()
        elif tag == "testcase":
            in_case -= 1
            yield _case(elem, suites[-1] if suites else "", path, shift)
        if parents and not in_case:
            parents[-1].remove(elem)


def _root_line_shift(tag: str, root: Any, path: str) -> int:
    """Check the root element; 1 for pytest, whose `line` attribute counts from 0."""
    if tag not in ("testsuites", "testsuite"):
        raise EvidenceError(f"not a JUnit report: the root element is <{tag}>", path,
                            hint="inputs.junit should name JUnit XML files only")
    return 1 if root.get("name") == "pytest tests" else 0


def _case(elem: Any, suite: str, path: str, shift: int) -> TestCase:
    outcome, message = _outcome(elem)
    return TestCase(
        name=elem.get("name", ""), classname=elem.get("classname", ""), suite=suite,
        outcome=outcome, message=message, file=elem.get("file") or None,
        line=_line(elem.get("line"), shift), report=path,
    )


def _outcome(elem: Any) -> tuple[str, str]:
    """The outcome of a test case from its children, with the first message found."""
    marks: dict[str, str] = {}
    for child in elem:
        outcome = _MARKS.get(_local(child.tag))
        if outcome is not None and outcome not in marks:
            marks[outcome] = _message(child)
    for outcome in _PRECEDENCE:
        if outcome in marks:
            return outcome, marks[outcome]
    return "passed", ""


def _message(child: Any) -> str:
    message = child.get("message")
    if message:
        return str(message).strip()
    for line in (child.text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def _line(value: str | None, shift: int) -> int | None:
    try:
        number = int(value) + shift if value is not None else None
    except ValueError:
        return None
    return number if number is not None and number > 0 else None


def _local(tag: object) -> str:
    """An element's name without its namespace."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag
