"""Property-based tests of the Cucumber Messages and Cucumber JSON readers, on the real
cucumber-js outputs of tests/fixtures/runners: a mutated file gives results or an
`EvidenceError` naming the file, never another exception; a file cut short is never read."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.cucumber_json import read_cucumber_json
from clearance.evidence.cucumber_messages import read_messages
from examples_count import counted

CUKE = Path(__file__).parent.parent / "fixtures" / "runners" / "cucumber-js"
NDJSON = (CUKE / "out.ndjson").read_bytes()
JSON = (CUKE / "out.json").read_bytes()
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = [b"{", b"}", b'"', b"\n", b":", b",", b"[", b"]", b"\x00", b"\xff", b'{"x":{}}\n', b'"status":"PASSED"']


@st.composite
def mutated(draw: st.DrawFn, sample: bytes) -> bytes:
    """A real file with a few JSON-ish pieces inserted, deleted or replaced."""
    data = bytearray(sample)
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        piece = draw(st.binary(min_size=1, max_size=4) | st.sampled_from(PIECES))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert":
            data[at:at] = piece
        elif action == "delete":
            del data[at: at + len(piece)]
        else:
            data[at: at + len(piece)] = piece
    return bytes(data)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("cucumber-props")
    subprocess.run(["git", "init", "-q", str(made)], check=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
    (made / "build").mkdir()
    return made


def read(root: Path, name: str, data: bytes, reader: Callable[[Evidence, str], object]) -> object:
    (root / "build" / name).write_bytes(data)
    return reader(Evidence(RunSpec(root=root, stage="pr"), {}), f"build/{name}")


def survives(root: Path, name: str, data: bytes, reader: Callable[[Evidence, str], object]) -> None:
    try:
        read(root, name, data, reader)
    except EvidenceError as e:
        assert e.path == f"build/{name}", str(e)


@FAST
@given(data=mutated(NDJSON))
def test_messages_mutated(root: Path, data: bytes) -> None:
    counted("cucumber messages")
    survives(root, "out.ndjson", data, read_messages)


@FAST
@given(cut=st.integers(0, len(NDJSON) - 2))
def test_messages_cut_short_is_an_error_at_a_line(root: Path, cut: int) -> None:
    """Anything short of the whole file (its last newline aside) is refused, with a line."""
    counted("cucumber messages, cut short")
    with pytest.raises(EvidenceError) as raised:
        read(root, "cut.ndjson", NDJSON[:cut], read_messages)
    assert raised.value.path == "build/cut.ndjson" and raised.value.line is not None


@FAST
@given(data=mutated(JSON))
def test_cucumber_json_mutated(root: Path, data: bytes) -> None:
    counted("cucumber json")
    survives(root, "out.json", data, read_cucumber_json)


@FAST
@given(spaced=st.sets(st.integers(0, 400)))
def test_passed_steps_read_without_decoding_agree_with_json(spaced: set[int]) -> None:
    """The shortcut for cucumber-js's passed-step lines gives what decoding them gives: any
    line re-written with spaces (so that the shortcut does not apply) changes no result."""
    from clearance.evidence.cucumber_messages import parse

    lines = NDJSON.split(b"\n")
    changed = [line.replace(b'":', b'": ') if n in spaced else line for n, line in enumerate(lines)]
    assert parse("a.ndjson", iter(changed)) == parse("a.ndjson", iter(lines))
