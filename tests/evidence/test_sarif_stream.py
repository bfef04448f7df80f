"""One SARIF reader at every size: the same verdict whatever the chunks the log is read in,
json's verdict on what is JSON, bounded memory, hostile input refused."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.sarif import read_sarif
from clearance.evidence.sarif_stream import CHUNK_BYTES, read_file
from examples_count import counted

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports" / "sarif"
CHUNKS = (1, 3, 64, CHUNK_BYTES)  # bytes read at a time: every character its own chunk, up to all
RUFF = (FIXTURES / "ruff.sarif").read_bytes()
# Bytes around a log: JSON's four whitespace characters, other ASCII controls, DEL, NEL and
# NBSP in UTF-8, a byte order mark, a line separator, a lone continuation byte.
EDGES = [b" ", b"\t", b"\n", b"\r", *(bytes([c]) for c in range(0x20) if c not in b" \t\n\r"),
         b"\x7f", b"\xc2\x85", b"\xc2\xa0", b"\xef\xbb\xbf", b"\xe2\x80\xa8", b"\x80"]


def read(root: Path, data: bytes, chunk_bytes: int = CHUNK_BYTES) -> Any:
    """The findings of a log, or the error's message."""
    (root / "log.sarif").write_bytes(data)
    try:
        return read_sarif(Evidence(RunSpec(root=root, stage="pr")), ["log.sarif"], chunk_bytes=chunk_bytes)
    except EvidenceError as e:
        return f"error: {e}"


def read_in_every_chunking(root: Path, data: bytes) -> Any:
    """What every chunk size gives, checked to be one answer."""
    answers = [read(root, data, chunk) for chunk in CHUNKS]
    assert all(answer == answers[0] for answer in answers), answers
    return answers[0]


def json_error(data: bytes) -> str | None:
    """What json makes of the bytes read whole: None when they are JSON, else the error
    with its line and column (utf-8-sig: one leading byte order mark is allowed)."""
    try:
        json.loads(data.decode("utf-8-sig"))
    except json.JSONDecodeError as e:
        return f"log.sarif:{e.lineno}:{e.colno}: invalid JSON: {e.msg}"
    except UnicodeDecodeError:
        return "log.sarif: not UTF-8 text"
    except (ValueError, RecursionError):
        return "log.sarif"
    return None


def finding(rule: str, uri: str, line: int, **extra: Any) -> dict[str, Any]:
    return {"ruleId": rule, "message": {"text": f"{rule} here"}, **extra,
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "SRC"},
                                                "region": {"startLine": line}}}]}


def test_a_leading_vertical_tab_is_invalid_json_at_every_size(tmp_path: Path) -> None:
    # The defect: read whole it was invalid JSON; streamed (over 8 MiB) it gave one finding.
    small = b"\x0b" + RUFF
    assert read_in_every_chunking(tmp_path, small).startswith("error: log.sarif:1:1: invalid JSON")
    log = json.loads(RUFF)
    copies = (9 << 20) // len(json.dumps(log["runs"][0]["results"])) + 1
    log["runs"][0]["results"] *= copies  # over 9 MiB: several chunks, over the old 8 MiB
    big = json.dumps(log).encode()
    assert len(big) > 9 << 20
    assert len(read(tmp_path, big).results) == 3 * copies
    assert read(tmp_path, b"\x0b" + big).startswith("error: log.sarif:1:1: invalid JSON")


def test_metadata_after_the_results_and_several_runs(tmp_path: Path) -> None:
    # Results first, then what resolves them: rule levels, base URIs, overrides.
    first = {"results": [finding("R1", "a.py", 3), finding("R2", "b.py", 4, level="note"),
                         {"ruleIndex": 0, "message": {"text": "by index"}}],
             "originalUriBaseIds": {"SRC": {"uri": "src/"}},
             "tool": {"driver": {"name": "one", "rules": [
                 {"id": "R1", "defaultConfiguration": {"level": "error"}}, {"id": "R2"}]}}}
    second = {"results": [finding("X", "c.py", 9, codeFlows=[{"threadFlows": []}])],
              "tool": {"driver": {"name": "two"}},
              "invocations": [{"executionSuccessful": True}],
              "originalUriBaseIds": {"SRC": {"uri": "lib/"}}}
    data = json.dumps({"runs": [first, {"tool": {"driver": {"name": "empty"}}, "results": []}, second],
                       "version": "2.1.0"}).encode()
    found = read_in_every_chunking(tmp_path, data)
    assert [(r.tool, r.rule_id, r.level, r.file, r.line) for r in found.results] == [
        ("one", "R1", "error", "src/a.py", 3), ("one", "R2", "note", "src/b.py", 4),
        ("one", "R1", "error", None, None), ("two", "X", "warning", "lib/c.py", 9)]


def test_a_failed_invocation_after_the_results_is_an_error(tmp_path: Path) -> None:
    run = {"tool": {"driver": {"name": "t"}}, "results": [finding("R", "a.py", 1)],
           "invocations": [{"executionSuccessful": False}]}
    error = read_in_every_chunking(tmp_path, json.dumps({"version": "2.1.0", "runs": [run]}).encode())
    assert error.startswith("error: log.sarif: t reports that its execution failed")


def test_a_log_that_changes_between_the_readings_is_an_error(tmp_path: Path) -> None:
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}},
                                         "results": [finding("R", "a.py", 1)]}]}
    path = tmp_path / "log.sarif"
    path.write_text(json.dumps(log))
    evidence = Evidence(RunSpec(root=tmp_path, stage="pr"))
    seen: list[Any] = []
    _, record = read_file(evidence.files, "log.sarif", lambda *args: seen.append(args), evidence.note)
    assert len(seen) == 1
    read_file(evidence.files, "log.sarif", lambda *args: None, evidence.note, earlier=record)
    log["runs"][0]["results"].append(finding("R", "b.py", 2))
    path.write_text(json.dumps(log))
    with pytest.raises(EvidenceError, match="changed while it was read"):
        read_file(evidence.files, "log.sarif", lambda *args: None, evidence.note, earlier=record)


def test_memory_is_bounded_by_the_findings_not_the_log(tmp_path: Path) -> None:
    flow = [{"threadFlows": [{"locations": [{"location": {"message": {"text": "x" * 200}}}] * 20}]}]
    results = [finding(f"R{i % 9}", f"m{i % 50}.py", i % 400 + 1, codeFlows=flow) for i in range(3000)]
    data = json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}},
                                                     "results": results}]}).encode()
    assert len(data) > 15_000_000
    (tmp_path / "log.sarif").write_bytes(data)
    tracemalloc.start()
    try:
        found = read_sarif(Evidence(RunSpec(root=tmp_path, stage="pr")), ["log.sarif"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(found.results) == 3000
    assert peak < 8_000_000  # json.loads holds over 100 MB of objects for this log


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 100_000, "[" * 65 + "]" * 65,
                                  '{"version": "2.1.0", "runs": [{"results": [' + "[" * 100_000])
def test_deep_nesting_is_refused(tmp_path: Path, text: str) -> None:
    error = read(tmp_path, text.encode())
    assert isinstance(error, str) and error.startswith("error: log.sarif")


def test_broken_json_names_json_s_line_and_column(tmp_path: Path) -> None:
    data = b'{"version": "2.1.0",\n  "runs": [\n}'
    assert read_in_every_chunking(tmp_path, data).startswith(f"error: {json_error(data)}")
    assert "log.sarif:3:1" in read(tmp_path, data)


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    found = read_in_every_chunking(tmp_path, b"\xef\xbb\xbf" + RUFF)
    assert not isinstance(found, str) and found.results == read(tmp_path, RUFF).results


@pytest.mark.parametrize("tail", [b'"', b'\n"abc', b" x", b"{}", b"\x00", b"\x0b"])
def test_data_after_the_log_is_refused(tmp_path: Path, tail: bytes) -> None:
    data = RUFF.rstrip() + tail
    error = read_in_every_chunking(tmp_path, data)
    assert isinstance(error, str) and error.startswith(f"error: {json_error(data)}")
    assert "Extra data" in error


def test_invalid_utf8_is_refused(tmp_path: Path) -> None:
    data = RUFF.replace(b"imported but unused", b"imported \xff unused", 1)
    assert read_in_every_chunking(tmp_path, data).startswith("error: log.sarif: not UTF-8 text")


@st.composite
def mutated_log(draw: st.DrawFn) -> bytes:
    data = bytearray(RUFF)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        piece = draw(st.binary(min_size=1, max_size=4) | st.sampled_from([b"{", b"}", b"[", b"]", b'"', b","]))
        if draw(st.booleans()):
            data[at:at] = piece
        else:
            del data[at:at + len(piece)]
    return bytes(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated_log())
def test_mutated_logs_get_json_s_verdict_in_every_chunking(tmp_path: Path, data: bytes) -> None:
    counted("sarif: mutated logs in every chunking")
    answer = read_in_every_chunking(tmp_path, data)
    expected_error = json_error(data)
    if expected_error is None:
        return  # JSON: the meaning of its content is test_sarif.py's
    assert isinstance(answer, str) and answer.startswith(f"error: {expected_error}"), answer


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(EDGES), max_size=3), st.lists(st.sampled_from(EDGES), max_size=3))
@example([b"\x0b"], [])
@example([], [b"\x00"])
@example([b"\xef\xbb\xbf", b"\xef\xbb\xbf"], [])
def test_bytes_around_a_log_are_json_s_verdict_in_every_chunking(tmp_path: Path, before: list[bytes],
                                                                  after: list[bytes]) -> None:
    counted("sarif: control bytes around a log")
    data = b"".join(before) + RUFF + b"".join(after)
    answer = read_in_every_chunking(tmp_path, data)
    expected_error = json_error(data)
    if expected_error is None:
        assert answer == read(tmp_path, RUFF)
    else:
        assert isinstance(answer, str) and answer.startswith(f"error: {expected_error}"), answer


# -- logs whose members come in any order, some twice: json keeps the last value of a key --

RUN_MEMBERS = {
    "tool": st.sampled_from([{"driver": {"name": "t", "rules": [{"id": "R1",
                                                                 "defaultConfiguration": {"level": "error"}}]}},
                             {"driver": {"name": "u"}}, {"driver": {}}]),
    "results": st.lists(st.sampled_from([finding("R1", "a.py", 1), finding("R2", "b.py", 2, level="note"),
                                         {"ruleIndex": 0, "message": {"text": "i"}}, {"message": {}}, 3]),
                        max_size=3) | st.sampled_from([None, {}]),
    "originalUriBaseIds": st.sampled_from([{"SRC": {"uri": "src/"}}, {"SRC": {"uri": "lib/"}}]),
    "invocations": st.sampled_from([[{"executionSuccessful": True}], [{"executionSuccessful": False}],
                                    [{"ruleConfigurationOverrides": [{"descriptor": {"id": "R2"},
                                                                      "configuration": {"level": "error"}}]}]]),
    "properties": st.sampled_from([{"a": [1, {"b": 2.5e3}]}, {}]),
}
SPACE = st.sampled_from(["", " ", "\n", "\t\r\n  "])


@st.composite
def json_object(draw: st.DrawFn, members: list[tuple[str, str]]) -> str:
    """An object written by hand: the members in the order given, whitespace anywhere."""
    parts = [f"{draw(SPACE)}{json.dumps(key)}{draw(SPACE)}:{draw(SPACE)}{value}{draw(SPACE)}"
             for key, value in members]
    return "{" + ",".join(parts) + draw(SPACE) + "}"


@st.composite
def shuffled_log(draw: st.DrawFn) -> str:
    runs = []
    for _ in range(draw(st.integers(0, 3))):
        keys = draw(st.lists(st.sampled_from(sorted(RUN_MEMBERS)), max_size=7))
        members = [(key, json.dumps(draw(RUN_MEMBERS[key]))) for key in keys]
        runs.append(draw(json_object(members)) if draw(st.integers(0, 9)) else "[]")
    runs_text = "[" + ",".join(f"{draw(SPACE)}{run}" for run in runs) + draw(SPACE) + "]"
    top = [("version", '"2.1.0"'), ("runs", runs_text), ("$schema", '"x"')]
    if draw(st.booleans()):
        top.append(("runs", draw(st.sampled_from(['[]', '{"a": 1}', runs_text]))))
    return draw(json_object(draw(st.permutations(top))))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shuffled_log())
def test_member_order_and_repeated_keys_as_json_reads_them(tmp_path: Path, text: str) -> None:
    counted("sarif: member order and repeated keys")
    as_json_reads_it = json.dumps(json.loads(text)).encode()  # one value per key, the last
    assert read_in_every_chunking(tmp_path, text.encode()) == read(tmp_path, as_json_reads_it)
