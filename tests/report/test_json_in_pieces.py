"""The json format is written to a file in pieces, as they come, never as one text (a
monorepo's document is 22 MB: held whole, three times over, it set the run's peak memory;
#21); what is written stays `render`'s text byte for byte, whole or not at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clearance.outputs import write_atomic, write_outputs
from clearance.reporters import json_report


def test_the_pieces_are_the_rendered_text(doc: dict[str, Any]) -> None:
    doc = {key: value for key, value in doc.items() if key != "integrity"}
    pieces = list(json_report.chunks(doc, {}))
    assert len(pieces) > len(doc["rules"]) + len(doc["inputs"])  # one list element a piece
    assert "".join(pieces) == json_report.render(doc, {})
    assert json.loads("".join(pieces))["rules"] == doc["rules"]
    for empty in ({}, {"rules": []}, {"rules": [{"id": "a"}], "n": 1}):
        assert "".join(json_report.chunks(empty, {})) == json_report.render(empty, {})
        assert json.loads(json_report.render(empty, {})) == empty


def test_a_json_file_is_written_from_the_pieces_as_they_come(doc: dict[str, Any], tmp_path: Path) -> None:
    expected = json_report.render(doc, {})
    target = tmp_path / "out" / "results.json"
    assert write_outputs(doc, [("json", target)], {"verbose": False}) == [target]
    assert target.read_bytes() == expected.encode("utf-8")

    seen: list[list[str]] = []

    def watched() -> Iterator[str]:  # each piece is asked for with the temporary file open
        for piece in json_report.chunks(doc, {}):
            seen.append(sorted(p.name for p in target.parent.iterdir() if p.name != target.name))
            yield piece

    write_atomic(target, watched())
    assert target.read_bytes() == expected.encode("utf-8")
    assert len(seen) > 2 and all(len(names) == 1 and names[0].endswith(".tmp") for names in seen)


def test_pieces_are_written_whole_or_not_at_all(tmp_path: Path) -> None:
    def failing() -> Iterator[str]:
        yield "{\n"
        raise ValueError("Circular reference detected")

    target = tmp_path / "results.json"
    target.write_text("kept\n")
    with pytest.raises(ValueError, match="Circular"):
        write_atomic(target, failing())
    assert target.read_text() == "kept\n"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no temporary file left
    write_atomic(target, iter(["{", "}\n"]))
    assert target.read_text() == "{}\n"

    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, iter(["a", "b\n"]))  # written through, made whole first
    assert link.is_symlink() and real.read_text() == "ab\n"
    with pytest.raises(ValueError, match="Circular"):
        write_atomic(link, failing())
    assert real.read_text() == "ab\n"
