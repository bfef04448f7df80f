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

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import InputRecord
from clearance.evidence.xmlstream import TextCapture, stream_xml

_MARKS = {"failure": "failed", "error": "error", "skipped": "skipped"}
_PRECEDENCE = ("failed", "error", "skipped")
_HINT = "check that the test step ran and wrote its JUnit XML report"


class TestCase(NamedTuple):
    """One `<testcase>` of a report and how it ended.

    A named tuple rather than a frozen dataclass: reports hold tens of
    thousands of cases, and a tuple is built several times faster.
    """

    name: str
    classname: str
    suite: str
    outcome: str  # passed, failed, error or skipped
    message: str
    file: str | None
    line: int | None
    report: str


TestCase.__test__ = False  # type: ignore[attr-defined]  # not a pytest test class, despite the name


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
    reader = _Reader(path)
    record = stream_xml(evidence, path, reader, ("testsuites", "testsuite"), "JUnit", _HINT)
    return tuple(reader.cases), record


class _Reader:
    """Collects test cases as the report streams by (an `XmlHandler`)."""

    def __init__(self, path: str) -> None:
        self.text = TextCapture()
        self.path = path
        self.cases: list[TestCase] = []
        self.suites: list[str] = []
        self.case: dict[str, str] | None = None
        self.marks: dict[str, str] = {}
        self.mark_attrs: list[dict[str, str]] = []
        self.shift = -1  # set from the root: 1 for pytest, whose `line` counts from 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.shift < 0:
            self.shift = 1 if attrs.get("name") == "pytest tests" else 0
        if tag == "testsuite":
            self.suites.append(attrs.get("name", ""))
        elif tag == "testcase":
            self.case, self.marks = attrs, {}
        elif tag in _MARKS and self.case is not None:
            self.mark_attrs.append(attrs)
            self.text.begin()

    def end(self, tag: str) -> None:
        if tag == "testsuite" and self.suites:
            self.suites.pop()
        elif tag == "testcase" and self.case is not None:
            self.cases.append(self._case(self.case))
            self.case = None
        elif tag in _MARKS and self.mark_attrs:
            attrs = self.mark_attrs.pop()
            self.marks.setdefault(_MARKS[tag], _message(attrs.get("message"), self.text.finish()))

    def _case(self, attrs: dict[str, str]) -> TestCase:
        outcome = next((o for o in _PRECEDENCE if o in self.marks), "passed")
        return TestCase(
            name=attrs.get("name", ""), classname=attrs.get("classname", ""),
            suite=self.suites[-1] if self.suites else "", outcome=outcome,
            message=self.marks.get(outcome, ""), file=attrs.get("file") or None,
            line=_line(attrs.get("line"), self.shift), report=self.path,
        )


def _message(attribute: str | None, text: str) -> str:
    if attribute:
        return attribute.strip()
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _line(value: str | None, shift: int) -> int | None:
    try:
        number = int(value) + shift if value is not None else None
    except ValueError:
        return None
    return number if number is not None and number > 0 else None
