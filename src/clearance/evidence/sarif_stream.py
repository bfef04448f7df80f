"""Large SARIF logs read as a stream: memory bounded by the findings kept, not the log.

`json.loads` on a 50 MB log builds about 400 MB of Python objects; most of it is
the `results` arrays, whose entries carry code flows, related locations, fixes
and fingerprints that no verdict reads. A log over `sarif.STREAM_ABOVE` bytes is
read with ijson (yajl's C parser) in two passes over the file:

1. the whole log except the content of each result: every event under
   `runs.item.results.item.` is dropped by C-level iterator filters before the
   events reach ijson's object builder, so each result becomes `{}` and each
   run keeps its tool, invocations, base URIs and artifacts, and the number of
   its results;
2. the results alone (`runs.item.results.item`), one object at a time, each
   turned into a finding with its run's metadata before the next is built.

A first, cheaper pass checks the nesting depth (see `_check_depth`). All passes
go through `HashingReader` (size limit, digest); a file that changes between
them is an error rather than a mix of two logs.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Generator

from clearance.errors import EvidenceError
from clearance.evidence.inputs import HashingReader, InputFiles, InputRecord, open_stream

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# The prefix of every event the first pass drops: anything inside a result. (A
# result's own keys still arrive, without values: they build nothing.)
_INSIDE_RESULT = "runs.item.results.item."
_BOM = b"\xef\xbb\xbf"
MAX_DEPTH = 64  # SARIF logs nest about 12 levels deep; properties bags a few more
_DEPTH = {"start_map": 1, "start_array": 1, "end_map": -1, "end_array": -1}


class _NoBom:
    """A binary reader that skips a leading UTF-8 byte order mark (as utf-8-sig does)."""

    def __init__(self, reader: HashingReader) -> None:
        self.reader = reader
        self.first = True

    def read(self, n: int = -1) -> bytes:
        data = self.reader.read(n)
        if self.first and data:  # ijson first reads 0 bytes, to learn bytes from text
            self.first = False
            if data.startswith(_BOM):
                return data[len(_BOM):]
        return data


def skeleton(files: InputFiles, path: str,
             note: Callable[[InputRecord], None]) -> tuple[Any, InputRecord]:
    """The log with every result reduced to `{}` (their number kept), and the file's record.

    `note` gets the record as soon as the file is read, also when it is not JSON:
    what was refused is still on the record.
    """
    import ijson

    _check_depth(files, path, note)
    reader = open_stream(files, path)
    try:
        events = ijson.parse(_NoBom(reader), use_float=True)
        kept, probe = itertools.tee(events)
        prefixes = map(operator.itemgetter(0), probe)
        inside = map(str.startswith, prefixes, itertools.repeat(_INSIDE_RESULT))
        wanted = map(operator.not_, inside)
        try:
            documents = list(ijson.items(itertools.compress(kept, wanted), ""))
        except ijson.JSONError as e:
            note(reader.finish())
            raise _explained(files, path, e) from e
        record = reader.finish()
    finally:
        reader.close()
    note(record)
    closes_object = reader.tail.rstrip(b" \t\r\n").endswith(b"}")
    if len(documents) == 1 and isinstance(documents[0], dict) and not closes_object:
        # yajl lets a trailing unterminated string pass (`{...}"`); json does not
        raise _explained(files, path, ValueError("trailing data after the log"))
    if len(documents) != 1:
        raise EvidenceError("invalid JSON: no value" if not documents else "invalid JSON: extra data",
                            path, hint="check that the analysis step ran and wrote a SARIF 2.1.0 log")
    return documents[0], record


def _check_depth(files: InputFiles, path: str, note: Callable[[InputRecord], None]) -> None:
    """Refuse a log nested deeper than MAX_DEPTH before ijson builds its prefixes.

    ijson names every event by the path to it (`runs.item.results.item...`), so
    a hostile log of 100,000 nested arrays would make strings of quadratic total
    size. This pass reads structure events only (no prefixes) through C-level
    iterators and keeps the deepest level reached.
    """
    import ijson

    reader = open_stream(files, path)
    try:
        kinds = map(operator.itemgetter(0), ijson.basic_parse(_NoBom(reader), use_float=True))
        deepest = max(itertools.accumulate(map(_DEPTH.get, kinds, itertools.repeat(0))), default=0)
        if deepest > MAX_DEPTH:
            note(reader.finish())
    except ijson.JSONError as e:
        note(reader.finish())
        raise _explained(files, path, e) from e
    finally:
        reader.close()
    if deepest > MAX_DEPTH:
        raise EvidenceError(f"JSON nested deeper than {MAX_DEPTH} levels; not a SARIF log", path,
                            hint="check that the analysis step ran and wrote a SARIF 2.1.0 log")


def results(files: InputFiles, path: str, record: InputRecord) -> Generator[Any, None, None]:
    """Every entry of every run's `results`, in log order, from a second read of the file."""
    import ijson

    reader = open_stream(files, path)
    try:
        yield from ijson.items(_NoBom(reader), "runs.item.results.item", use_float=True)
        if reader.finish().sha256 != record.sha256:
            raise EvidenceError("the file changed while it was read", path,
                                hint="read the log after the step that writes it has finished")
    except ijson.JSONError as e:
        raise _explained(files, path, e) from e
    finally:
        reader.close()


def _explained(files: InputFiles, path: str, error: Exception) -> EvidenceError:
    """The error of a log that is not JSON, as a whole read names it (line and column).

    yajl says what broke but not where; a broken log is read once more, whole,
    so that both ways of reading it give the same message.
    """
    from clearance.evidence.sarif import load_json

    try:
        load_json(files.read(path)[0], path)
    except EvidenceError as explained:
        return explained
    detail = str(error).strip().splitlines()  # JSON to Python, not to yajl (NaN, say)
    return EvidenceError(f"invalid JSON: {detail[0] if detail else type(error).__name__}", path,
                         hint="check that the analysis step ran and wrote a SARIF 2.1.0 log")
