"""Large SARIF logs streamed: the same findings as a whole read, bounded memory, hostile input refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import EvidenceError
from clearance.evidence import sarif, sarif_stream
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.sarif import read_sarif
from examples_count import counted

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports" / "sarif"


def read(root: Path, data: bytes, streamed: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The findings of a log, or the error's message, read whole or streamed."""
    (root / "log.sarif").write_bytes(data)
    monkeypatch.setattr(sarif, "STREAM_ABOVE", -1 if streamed else 1 << 40)
    try:
        return read_sarif(Evidence(RunSpec(root=root, stage="pr")), ["log.sarif"])
    except EvidenceError as e:
        return f"error: {e}"


def finding(rule: str, uri: str, line: int, **extra: Any) -> dict[str, Any]:
    return {"ruleId": rule, "message": {"text": f"{rule} here"}, **extra,
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "SRC"},
                                                "region": {"startLine": line}}}]}


def test_metadata_after_the_results_and_several_runs(tmp_path: Path, monkeypatch) -> None:
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
    whole = read(tmp_path, data, False, monkeypatch)
    streamed = read(tmp_path, data, True, monkeypatch)
    assert streamed == whole
    assert [(r.tool, r.rule_id, r.level, r.file, r.line) for r in streamed.results] == [
        ("one", "R1", "error", "src/a.py", 3), ("one", "R2", "note", "src/b.py", 4),
        ("one", "R1", "error", None, None), ("two", "X", "warning", "lib/c.py", 9)]


def test_the_first_pass_keeps_no_result_content(tmp_path: Path) -> None:
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}},
                                         "results": [finding("R", "a.py", n) for n in range(1, 6)]}]}
    (tmp_path / "log.sarif").write_text(json.dumps(log))
    evidence = Evidence(RunSpec(root=tmp_path, stage="pr"))
    skeleton, record = sarif_stream.skeleton(evidence.files, "log.sarif", evidence.note)
    assert skeleton["runs"][0]["results"] == [{}] * 5
    assert skeleton["runs"][0]["tool"] == {"driver": {"name": "t"}}
    assert record.size == (tmp_path / "log.sarif").stat().st_size


def test_a_log_that_changes_between_the_passes_is_an_error(tmp_path: Path) -> None:
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}},
                                         "results": [finding("R", "a.py", 1)]}]}
    path = tmp_path / "log.sarif"
    path.write_text(json.dumps(log))
    evidence = Evidence(RunSpec(root=tmp_path, stage="pr"))
    _, record = sarif_stream.skeleton(evidence.files, "log.sarif", evidence.note)
    log["runs"][0]["results"].append(finding("R", "b.py", 2))
    path.write_text(json.dumps(log))
    with pytest.raises(EvidenceError, match="changed while it was read"):
        list(sarif_stream.results(evidence.files, "log.sarif", record))


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 100_000, "[" * 65 + "]" * 65])
def test_deep_nesting_is_refused_before_any_prefix_is_built(tmp_path: Path, monkeypatch, text: str) -> None:
    # ijson names each event by its path: 100,000 levels would need gigabytes of names.
    error = read(tmp_path, text.encode(), True, monkeypatch)
    assert isinstance(error, str) and error.startswith("error: log.sarif")


def test_broken_json_names_the_same_line_and_column_either_way(tmp_path: Path, monkeypatch) -> None:
    data = b'{"version": "2.1.0",\n  "runs": [\n}'
    assert read(tmp_path, data, True, monkeypatch) == read(tmp_path, data, False, monkeypatch)
    assert "log.sarif:3:1" in read(tmp_path, data, True, monkeypatch)


def test_a_byte_order_mark_is_skipped_either_way(tmp_path: Path, monkeypatch) -> None:
    data = b"\xef\xbb\xbf" + (FIXTURES / "ruff.sarif").read_bytes()
    whole = read(tmp_path, data, False, monkeypatch)
    assert not isinstance(whole, str) and whole.results
    assert read(tmp_path, data, True, monkeypatch) == whole


@st.composite
def mutated_log(draw: st.DrawFn) -> bytes:
    data = bytearray((FIXTURES / "ruff.sarif").read_bytes())
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
def test_mutated_logs_give_the_same_answer_either_way(tmp_path: Path, monkeypatch, data: bytes) -> None:
    counted("sarif: streamed vs whole")
    whole = read(tmp_path, data, False, monkeypatch)
    streamed = read(tmp_path, data, True, monkeypatch)
    if isinstance(whole, str) or isinstance(streamed, str):
        assert isinstance(whole, str) and isinstance(streamed, str), (whole, streamed)
    else:
        assert streamed == whole


@pytest.mark.parametrize("tail", [b'"', b'\n"abc', b" x", b"{}"])
def test_data_after_the_log_is_refused_either_way(tmp_path: Path, monkeypatch, tail: bytes) -> None:
    # Found by the property below: yajl lets a trailing unterminated string pass.
    data = (FIXTURES / "ruff.sarif").read_bytes().rstrip() + tail
    whole = read(tmp_path, data, False, monkeypatch)
    assert isinstance(whole, str) and "Extra data" in whole
    assert read(tmp_path, data, True, monkeypatch) == whole
