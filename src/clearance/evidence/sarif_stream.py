"""SARIF logs read as a stream of text: one reader at every size, memory bounded by the findings.

`json.loads` on a 50 MB log builds about 400 MB of Python objects, most of
them in the `results` arrays, whose entries carry code flows, related
locations, fixes and fingerprints that no verdict reads. Here the log is
decoded in chunks, the four levels that lead to the results (the log object,
`runs`, each run, its `results`) are walked by hand, and every other value,
each result included, is parsed whole by the json module's own scanner
(`JSONDecoder.raw_decode`). So the grammar, the numbers and the messages of
invalid JSON are json's at every size, and a result is turned into a finding
(by `on_result`) and dropped before the next is read.

Of a run, only the members a result's meaning depends on are kept
(`RESULT_CONTEXT`); when one of them comes after the run's results, those
results could not be resolved as they were read, the run is marked `late`, and
the caller reads the file a second time for them. Nesting depth is bounded by
the json scanner's recursion guard; the size limit and the digest are
`HashingReader`'s.
"""

from __future__ import annotations

import codecs
import itertools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.inputs import HashingReader, InputFiles, InputRecord, open_stream

CHUNK_BYTES = 1 << 20  # read at a time; a value longer than what is held doubles it
RESULT_CONTEXT = ("tool", "invocations", "originalUriBaseIds", "artifacts")
HINT = "check that the analysis step ran and wrote a SARIF 2.1.0 log"
_SPACE = re.compile(r"[ \t\n\r]*")  # json's whitespace
# How far from the end of the text read so far a parse error can be caused by
# the text stopping there: a cut literal (`-Infinit`) or number (`1.5e`). An
# unterminated string is the other such error, wherever it started.
_CUT_REACH = 16
_UNTERMINATED = "Unterminated string"


class JsonText:
    """The decoded text of a file, read a chunk at a time, and a position in it."""

    def __init__(self, reader: HashingReader, chunk_bytes: int = CHUNK_BYTES) -> None:
        self.reader = reader
        self.path = reader.path
        self.chunk_bytes = chunk_bytes
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()  # a leading BOM is skipped
        self._scan = json.JSONDecoder().raw_decode
        self.text = ""
        self.pos = 0
        self.at_end = False
        self.dropped = 0  # characters read and dropped before `text`
        self._lines = 0  # newlines among them
        self._line_start = 0  # where the line holding text[0] starts

    def _more(self) -> bool:
        """Read more text after what is held, dropping what lies before `pos`; False at the end."""
        if self.at_end:
            return False
        data = self.reader.read(max(self.chunk_bytes, len(self.text) - self.pos))
        try:
            new = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as e:
            raise EvidenceError("not UTF-8 text, so not a SARIF log", self.path) from e
        if not data:
            self.at_end = True
            return False
        cut = self.pos
        if (newlines := self.text.count("\n", 0, cut)) > 0:
            self._lines += newlines
            self._line_start = self.dropped + self.text.rfind("\n", 0, cut) + 1
        self.dropped += cut
        self.text = self.text[cut:] + new
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character after whitespace ("" at the end of the file)."""
        while True:
            match = _SPACE.match(self.text, self.pos)
            assert match is not None  # the pattern matches the empty string
            self.pos = match.end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._more():
                return ""

    def value(self) -> Any:
        """The JSON value that starts here, parsed whole by the json module."""
        self.peek()
        while True:
            try:
                found, end = self._scan(self.text, self.pos)
            except json.JSONDecodeError as e:
                if self._cut_short(e) and self._more():
                    continue
                raise self.invalid(e.msg, e.pos) from e
            except RecursionError as e:
                raise self.refused("invalid JSON: nested too deeply") from e
            except ValueError as e:  # an integer of more digits than Python converts
                raise self.refused(f"invalid JSON: {e}") from e
            if end < len(self.text) or not self._more():  # a number at the end may go on
                self.pos = end
                return found

    def _cut_short(self, error: json.JSONDecodeError) -> bool:
        """Whether the error may come from the text read so far stopping where it does."""
        return error.msg.startswith(_UNTERMINATED) or error.pos + _CUT_REACH >= len(self.text)

    def expect(self, char: str, message: str) -> None:
        if self.peek() != char:
            raise self.invalid(message, self.pos)
        self.pos += 1

    def invalid(self, message: str, pos: int) -> EvidenceError:
        """Invalid JSON at a position of the text held, with json's line and column."""
        line = self._lines + self.text.count("\n", 0, pos) + 1
        before = self.text.rfind("\n", 0, pos)
        column = pos - before if before >= 0 else self.dropped + pos - self._line_start + 1
        return self.refused(f"invalid JSON: {message}", line, column)

    def refused(self, message: str, line: int | None = None, column: int | None = None) -> EvidenceError:
        """The error of a file that is not JSON, once the rest of it is known to be UTF-8:
        a file that is not UTF-8 is refused as such wherever the JSON breaks, as
        decoding it whole would."""
        while self._more():
            self.pos = len(self.text)
        return EvidenceError(message, self.path, line, column, hint=HINT)


class RunRecord:
    """One run as read: the members results depend on, and what its results gave."""

    def __init__(self, index: int, serial: int) -> None:
        self.index = index  # in `runs`
        self.serial = serial  # among every run object of the file, in file order
        self.context: dict[str, Any] = {}
        self.results_missing = True  # no `results`, or null: the tool did not complete
        self.result_count: int | None = None  # None: `results` is not an array
        self.late = False  # a member of RESULT_CONTEXT came after results were read
        self.findings: list[Any] = []
        self.error: EvidenceError | None = None
        self.paths: dict[Any, Any] = {}  # artifact location -> repository path


OnResult = Callable[[RunRecord, int, Any], None]


def read_file(files: InputFiles, path: str, on_result: OnResult, note: Callable[[InputRecord], None],
              chunk_bytes: int = CHUNK_BYTES, earlier: InputRecord | None = None) -> tuple[Any, InputRecord]:
    """`read_log` over one file, and the file's record. A file that is not JSON is still
    given to `note`; with the record of an `earlier` reading, the file must not have changed."""
    reader = open_stream(files, path)
    try:
        log = read_log(JsonText(reader, chunk_bytes), on_result)
        record = reader.finish()
    except EvidenceError:
        _note_rest(reader, note)
        raise
    if earlier is not None and record.sha256 != earlier.sha256:
        raise EvidenceError("the file changed while it was read", path,
                            hint="read the log after the step that writes it has finished")
    return log, record


def _note_rest(reader: HashingReader, note: Callable[[InputRecord], None]) -> None:
    try:
        note(reader.finish())
    except EvidenceError:  # over the size limit
        reader.close()


def read_log(text: JsonText, on_result: OnResult) -> Any:
    """The log, whose runs are `RunRecord`s, with `on_result(run, index, result)` called
    for each result as it is read. Any other shape is returned as json reads it."""
    first = text.peek()
    if first == "\ufeff" and text.pos + text.dropped == 0:  # a second byte order mark
        raise text.invalid("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0)
    log = _log(text, on_result) if first == "{" else text.value()
    if text.peek() != "":
        raise text.invalid("Extra data", text.pos)
    return log


def _log(text: JsonText, on_result: OnResult) -> dict[str, Any]:
    """The log object's `version` and `runs`; its other members are read (so checked) and dropped."""
    log: dict[str, Any] = {}
    serials = itertools.count()
    for key in _members(text):
        if key == "runs" and text.peek() == "[":
            log[key] = _runs(text, on_result, serials)
        elif key in ("version", "runs"):
            log[key] = text.value()
        else:
            text.value()
    return log


def _members(text: JsonText) -> Iterator[str]:
    """The keys of the object that starts here; the caller reads each value."""
    text.pos += 1  # {
    if text.peek() == "}":
        text.pos += 1
        return
    while True:
        if text.peek() != '"':
            raise text.invalid("Expecting property name enclosed in double quotes", text.pos)
        key = text.value()
        text.expect(":", "Expecting ':' delimiter")
        yield key
        if text.peek() == "}":
            text.pos += 1
            return
        text.expect(",", "Expecting ',' delimiter")


def _elements(text: JsonText) -> Iterator[int]:
    """The index of each element of the array that starts here; the caller reads each."""
    text.pos += 1  # [
    if text.peek() == "]":
        text.pos += 1
        return
    index = 0
    while True:
        yield index
        index += 1
        if text.peek() == "]":
            text.pos += 1
            return
        text.expect(",", "Expecting ',' delimiter")


def _runs(text: JsonText, on_result: OnResult, serials: Iterator[int]) -> list[Any]:
    runs: list[Any] = []
    for index in _elements(text):
        if text.peek() != "{":
            runs.append(text.value())
            continue
        run = RunRecord(index, next(serials))
        for key in _members(text):
            if key == "results" and text.peek() == "[":
                run.results_missing, run.result_count = False, 0
                for item in _elements(text):
                    on_result(run, item, text.value())
                    run.result_count = item + 1
            elif key == "results":
                run.results_missing, run.result_count = text.value() is None, None
            elif key in RESULT_CONTEXT:
                run.late = run.late or bool(run.result_count)
                run.context[key] = text.value()
            else:
                text.value()  # read, so checked, and dropped
        runs.append(run)
    return runs
