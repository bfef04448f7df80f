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
from functools import partial
from operator import attrgetter

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import InputRecord
from clearance.evidence.xmlstream import TextCapture, stream_xml
from clearance.records import Record

_MARKS = {"failure": "failed", "error": "error", "skipped": "skipped"}
_PRECEDENCE = ("failed", "error", "skipped")
_HINT = "check that the test step ran and wrote its JUnit XML report"


class TestCase(Record):
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
_OUTCOME = attrgetter("outcome")


class JUnitResults:
    """Every test case of the reports read, in report order.

    A plain class rather than a record: its `+` and `count` are not a tuple's.
    """

    __slots__ = ("cases", "reports")

    def __init__(self, cases: tuple[TestCase, ...], reports: tuple[str, ...]) -> None:
        self.cases = cases
        self.reports = reports

    def count(self, outcome: str) -> int:
        return list(map(_OUTCOME, self.cases)).count(outcome)

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
    try:
        record = stream_xml(evidence, path, reader, ("testsuites", "testsuite"), "JUnit", _HINT)
    except EvidenceError as e:
        if e.line == 1 and _starts_as_json(evidence, path):
            raise EvidenceError(
                "this is JSON, not JUnit XML: a Cucumber Messages (NDJSON) or Cucumber JSON "
                "report?", path, 1,
                hint="give it to the spec rules as inputs.messages or inputs.cucumber_json") from e
        raise
    return tuple(reader.cases), record


def _starts_as_json(evidence: Evidence, path: str) -> bool:
    try:
        with evidence.files.resolve(path).open("rb") as handle:
            head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head[:1] in (b"{", b"[")


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
        if tag == "testcase":  # the most frequent; never the root, which sets the shift
            self.case, self.marks = attrs, {}
            return
        if self.shift < 0:
            self.shift = 1 if attrs.get("name") == "pytest tests" else 0
        if tag == "testsuite":
            self.suites.append(attrs.get("name", ""))
        elif tag in _MARKS and self.case is not None:
            self.mark_attrs.append(attrs)
            self.text.begin()

    def end(self, tag: str) -> None:
        if tag == "testcase":
            if self.case is not None:
                self.cases.append(self._case(self.case))
                self.case = None
        elif tag == "testsuite":
            if self.suites:
                self.suites.pop()
        elif tag in _MARKS and self.mark_attrs:
            attrs = self.mark_attrs.pop()
            self.marks.setdefault(_MARKS[tag], _message(attrs.get("message"), self.text.finish()))

    def _case(self, attrs: dict[str, str]) -> TestCase:
        marks = self.marks
        if marks:
            outcome = next((o for o in _PRECEDENCE if o in marks), "passed")
            message = marks.get(outcome, "")
        else:
            outcome, message = "passed", ""
        line = attrs.get("line")
        return TestCase(attrs.get("name", ""), attrs.get("classname", ""),
                        self.suites[-1] if self.suites else "", outcome, message,
                        attrs.get("file") or None, None if line is None else _line(line, self.shift),
                        self.path)


def _message(attribute: str | None, text: str) -> str:
    """The message attribute, else the first line of the text (behave 1.3.3 writes "None")."""
    if attribute and attribute.strip() != "None":
        return attribute.strip()
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _line(value: str, shift: int) -> int | None:
    try:
        number = int(value) + shift
    except ValueError:
        return None
    return number if number > 0 else None
