"""Every file of the Gherkin parser's own test data (tests/fixtures/gherkin/).

good/ files must yield the scenarios that the official pickle compiler
yields, computed here straight from the gherkin package; bad/ files must
yield their errors at the lines read off each file by eye (and the same
lines the gherkin parser gives on its own). No file may crash the reader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.evidence.spec import Scenario, parse_feature

TESTDATA = Path(__file__).parent.parent / "fixtures" / "gherkin"
GOOD = sorted((TESTDATA / "good").glob("*.feature"))
BAD = sorted((TESTDATA / "bad").glob("*.feature"))

# Error lines read off each bad/ file: the offending line, or the line after
# the last one for an unexpected end of file.
BAD_LINES = {
    "backslash_at_end_of_line_in_datatable.feature": [5],  # `| bar \` leaves the cell open
    "file_ends_with_open_docstring.feature": [5],  # 4 lines, docstring never closed
    "inconsistent_cell_count.feature": [6, 14],  # `| boz |` and `| minimalism | extra |`
    "invalid_language.feature": [1],  # `#language:no-such`
    "multiple_parser_errors.feature": [2, 9],  # the two "invalid line" lines
    "not_gherkin.feature": [1],
    "repeated_step_docstring.feature": [8, 9, 10],  # the second docstring, line by line
    "single_parser_error.feature": [2],
    "unexpected_end_of_file.feature": [3],  # 2 lines, no final newline, ends on a tag
    "unexpected_eof.feature": [7],  # 6 lines ending on a tag
    "unfinished_datatable.feature": [5],  # `| bar` without its closing pipe
    "whitespace_in_tags.feature": [3],  # `@a tag containing whitespace`
}


def pickled(text: str) -> list[tuple[str, int]]:
    """(name, line) of each pickle the official compiler makes of a document."""
    from gherkin.parser import Parser
    from gherkin.pickles.compiler import Compiler

    document = Parser().parse(text)
    pickles = Compiler().compile({**document, "uri": "x.feature"})
    return sorted((p["name"], p["location"]["line"]) for p in pickles)


def ours(scenarios: tuple[Scenario, ...]) -> list[tuple[str, int]]:
    """The same (name, line) pairs from our model: each example row, or the scenario."""
    found: list[tuple[str, int]] = []
    for s in scenarios:
        if s.examples:
            found.extend((row.name, row.line) for row in s.examples)
        elif not s.outline:
            found.append((s.name, s.line))
    return sorted(found)


def test_the_testdata_is_all_here() -> None:
    assert len(GOOD) == 50
    assert sorted(p.name for p in BAD) == sorted(BAD_LINES)
    assert (TESTDATA / "README.md").is_file()


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_file_yields_its_scenarios(path: Path) -> None:
    data = path.read_bytes()
    feature, errors = parse_feature(f"good/{path.name}", data)
    assert errors == []
    expected = pickled(data.decode("utf-8"))
    got = ours(feature.all_scenarios) if feature else []
    assert got == expected
    if feature is not None:
        assert all(s.file == f"good/{path.name}" for s in feature.all_scenarios)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_file_yields_its_errors_at_their_lines(path: Path) -> None:
    feature, errors = parse_feature(f"bad/{path.name}", path.read_bytes())
    assert feature is None
    assert [e.line for e in errors] == BAD_LINES[path.name]
    assert all(e.file == f"bad/{path.name}" and e.message for e in errors)
    assert all(not e.message.startswith("(") for e in errors)  # no "(line:col):" left in


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_file_lines_agree_with_the_parser_on_its_own(path: Path) -> None:
    from gherkin.errors import CompositeParserException
    from gherkin.parser import Parser

    with pytest.raises(CompositeParserException) as raised:
        Parser().parse(path.read_text("utf-8"))
    direct = [(e.location["line"], e.location.get("column") or None) for e in raised.value.errors]
    _, errors = parse_feature(path.name, path.read_bytes())
    assert [(e.line, e.column) for e in errors] == direct


@pytest.mark.parametrize(("name", "line", "column", "words"), [
    ("inconsistent_cell_count.feature", 6, 7, "inconsistent cell count within the table"),
    ("invalid_language.feature", 1, 1, "Language not supported: no-such"),
    ("whitespace_in_tags.feature", 3, 3, "A tag may not contain whitespace"),
    ("single_parser_error.feature", 2, 1, "got 'invalid line here'"),
    ("unexpected_eof.feature", 7, None, "unexpected end of file"),
])
def test_bad_file_messages_are_the_parsers(name: str, line: int, column: int | None,
                                           words: str) -> None:
    _, errors = parse_feature(f"bad/{name}", (TESTDATA / "bad" / name).read_bytes())
    first = errors[0]
    assert (first.line, first.column) == (line, column)
    assert words in first.message
    expected_where = ":".join(str(p) for p in (f"bad/{name}", line, column) if p is not None)
    assert first.where == expected_where


def test_hand_checked_good_files() -> None:
    rule = parse_feature("rule.feature", (TESTDATA / "good" / "rule.feature").read_bytes())[0]
    assert rule is not None
    text = (TESTDATA / "good" / "rule.feature").read_text("utf-8").splitlines()
    assert [(r.name, text[r.line - 1].strip()) for r in rule.rules] == [
        (r.name, f"Rule: {r.name}") for r in rule.rules]
    assert [s.name for s in rule.all_scenarios] == ["Example A", "Example B"]
    tagged = parse_feature("t", (TESTDATA / "good" / "rule_with_tag.feature").read_bytes())[0]
    assert tagged is not None
    assert tagged.all_scenarios[-1].tags == ("@tag_feature", "@tag_rule", "@tag_outline")
    empty = parse_feature("e", (TESTDATA / "good" / "empty.feature").read_bytes())
    assert empty == (None, [])
