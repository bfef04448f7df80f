"""The Cobertura reader's batched `<line>` runs against reading each line alone.

`LeafRun` hands the `<line>`s of a `<lines>` element to the reader in batches,
without end events; the reader converts the usual shapes in bulk. Whatever the
document, the result must be the one of the plain path, where every element
comes through `start` and `end` one at a time (`leaf_runs=False`): the
same files, lines, covered lines and branches, or the same error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import EvidenceError
from clearance.evidence import xmlstream
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.coverage import cobertura as cobertura_reader
from clearance.evidence.coverage.paths import PathMapper
from clearance.evidence.xmlstream import CHUNK_BYTES, LeafRun
from examples_count import counted

SOURCE = "@root@"  # in generated reports; outcome() puts the folder it reads them in
NS = "http://cobertura.example/ns"

NUMBERS = st.one_of(st.integers(1, 60).map(str), st.sampled_from(["007", "+3", " 4"]))
HITS = st.sampled_from(["0", "1", "2", "00", "-1", "17", "+1"])
BAD = st.sampled_from(["x", "", "1.5"])  # one line in a few hundred: most documents read
CONDITIONS = st.sampled_from(["50% (1/2)", "100% (2/2)", "0% (0/4)", "garbage", ""])


@st.composite
def line(draw: st.DrawFn, prefix: str) -> str:
    attrs = [("number", draw(BAD if draw(st.integers(0, 300)) == 150 else NUMBERS))]
    if draw(st.integers(0, 9)):
        attrs.append(("hits", draw(BAD if draw(st.integers(0, 300)) == 150 else HITS)))
    if draw(st.booleans()):
        attrs.append(("branch", draw(st.sampled_from(["true", "false", "maybe"]))))
        if draw(st.booleans()):
            attrs.append(("condition-coverage", draw(CONDITIONS)))
    if draw(st.integers(0, 5)) == 0:
        attrs.append(("missing-branches", "5,exit"))
    attrs = draw(st.permutations(attrs)) if draw(st.integers(0, 4)) == 0 else attrs
    text = " ".join(f'{name}="{value}"' for name, value in attrs)
    form = draw(st.sampled_from(["empty", "empty", "empty", "open", "conditions", "comment", "odd",
                                 "foreign"]))
    tag = f"{prefix}line"
    if form == "empty":
        return f"<{tag} {text}/>"
    if form == "open":
        return f"<{tag} {text}></{tag} >"
    if form == "conditions":
        return (f'<{tag} {text}><{prefix}conditions><{prefix}condition number="0" type="jump" '
                f'coverage="50%"/></{prefix}conditions></{tag}>')
    if form == "foreign":  # another namespace: not a Cobertura line
        return f'<{tag} xmlns:f="{NS}/other" {text}/><f:line {text}></f:line>'
    if form == "comment":
        return f"<!-- a comment --><{tag} {text}/><?pi data?>"
    return f'<{tag} {text}/><{prefix}note text="not a line"/>'


@st.composite
def cobertura(draw: st.DrawFn) -> str:
    namespaced = draw(st.integers(0, 4)) == 0
    p = "c:" if namespaced else ""
    lines = st.lists(line(p), max_size=12).map("\n".join)
    classes = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(["a.py", "b.py", "pkg/c.py"]))
        methods = ""
        if draw(st.booleans()):
            methods = (f'<{p}methods><{p}method name="f" signature="()"><{p}lines>{draw(lines)}'
                       f"</{p}lines></{p}method></{p}methods>")
        elif draw(st.booleans()):
            methods = f"<{p}methods/>"
        body = draw(st.sampled_from(["lines", "lines", "empty", "stray"]))
        if body == "lines":
            content = f"<{p}lines>{draw(lines)}</{p}lines>"
        elif body == "empty":
            content = f"<{p}lines/>"
        else:
            content = f"{draw(lines)}<{p}lines>{draw(lines)}</{p}lines>"
        classes.append(f'<{p}class name="{name}" filename="{name}">{methods}{content}</{p}class>')
    stray = draw(lines) if draw(st.integers(0, 5)) == 0 else ""
    declare = f' xmlns:c="{NS}"' if namespaced else ""
    valid = draw(st.sampled_from(["0", "2"]))
    return (f'<?xml version="1.0" ?>\n<{p}coverage{declare} branches-valid="{valid}">'
            f"<{p}sources><{p}source>{SOURCE}</{p}source><{p}source/></{p}sources>"
            f'<{p}packages><{p}package name="p"><{p}classes>{"".join(classes)}</{p}classes>'
            f"{stray}</{p}package></{p}packages></{p}coverage>\n")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("cobertura")
    (made / "build").mkdir()
    return made


def outcome(root: Path, data: bytes, chunk: int, leaf_runs: bool) -> object:
    path = root / "build" / "coverage.xml"
    path.write_bytes(data.replace(SOURCE.encode(), str(root).encode()))
    evidence = Evidence(RunSpec(root=root, stage="pr"), {})
    try:
        report = cobertura_reader.read(evidence, "build/coverage.xml", PathMapper.at(evidence.files.root),
                                chunk_bytes=chunk, leaf_runs=leaf_runs)
    except EvidenceError as e:
        return ("error", str(e))
    return ({p: (sorted(f.lines), sorted(f.covered_lines), dict(f.line_branches))
             for p, f in report.files.items()}, report.branch_measured)


def same_either_way(root: Path, data: bytes, chunk: int = CHUNK_BYTES) -> object:
    batched = outcome(root, data, chunk, leaf_runs=True)
    assert batched == outcome(root, data, chunk, leaf_runs=False)
    return batched


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=cobertura(), chunk=st.sampled_from([7, 64, 1 << 16]))
def test_batched_lines_read_as_lines_read_alone(root: Path, document: str, chunk: int) -> None:
    counted("cobertura: batched runs against lines alone")
    same_either_way(root, document.encode(), chunk)


def big_report(classes: int, lines: int) -> bytes:
    rows = "\n".join(f'<line number="{n}" hits="{n % 3 and n % 5}"/>' if n % 7 else
                     f'<line number="{n}" hits="1" branch="true" condition-coverage="50% (1/2)"/>'
                     for n in range(1, lines + 1))
    body = "".join(f'<class name="m{i}" filename="m{i}.py"><methods/><lines>\n{rows}\n</lines></class>'
                   for i in range(classes))
    return (f'<coverage branches-valid="1"><sources><source>{SOURCE}</source></sources><packages>'
            f'<package name="p"><classes>{body}</classes></package></packages></coverage>').encode()


def test_a_report_over_many_chunks_reads_as_lines_read_alone(root: Path) -> None:
    data = big_report(3, 20_000)
    assert len(data) > 8 * CHUNK_BYTES
    files, branch_measured = same_either_way(root, data)  # type: ignore[misc]
    assert branch_measured
    lines, covered, branches = files["m1.py"]
    assert lines == list(range(1, 20_001))
    assert covered == [n for n in lines if (n % 3 and n % 5) or n % 7 == 0]
    assert branches == {n: (2, 1) for n in lines if n % 7 == 0}


def test_more_line_numbers_than_are_remembered_read_as_lines_read_alone(root: Path) -> None:
    """Conversions of line numbers are remembered up to a bound; past it, lines still count."""
    count = cobertura_reader.MAX_REMEMBERED_NUMBERS + 3000
    files, _ = same_either_way(root, big_report(2, count))  # type: ignore[misc]
    lines, covered, branches = files["m1.py"]
    assert lines == list(range(1, count + 1))
    assert covered == [n for n in lines if (n % 3 and n % 5) or n % 7 == 0]
    assert branches == {n: (2, 1) for n in lines if n % 7 == 0}
    assert files["m0.py"] == files["m1.py"]


def test_batches_stay_small_on_one_huge_class(root: Path) -> None:
    """The attributes of a run are handed over after every chunk: memory stays flat."""
    sizes: list[int] = []

    def sink(rows: list[list[str]]) -> None:
        sizes.append(len(rows))

    class Handler:
        def __init__(self) -> None:
            self.run = LeafRun("line", (), sink)

        def start(self, tag: str, attrs: dict[str, str]) -> None:
            if tag == "lines":
                self.run.enter(tag)

        def end(self, tag: str) -> None:
            return None

    (root / "big.xml").write_bytes(big_report(1, 100_000))
    evidence = Evidence(RunSpec(root=root, stage="pr"), {})
    xmlstream.stream_xml(evidence, "big.xml", Handler(), ("coverage",), "Cobertura", "")
    assert sum(sizes) == 100_000
    assert max(sizes) < 2_000


@pytest.mark.parametrize("where", ["in a run", "outside a run"])
def test_an_undefined_entity_is_refused_inside_a_run_as_outside(root: Path, where: str) -> None:
    """With an external DTD, expat passes an unknown entity to the default handler,
    which the run forwards to defusedxml's: an error, never a silently dropped text."""
    line = '<line number="1" hits="1"/>'
    inside, outside = ("&unknown;", "") if where == "in a run" else ("", "&unknown;")
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE coverage SYSTEM "coverage.dtd">\n<coverage><sources>'
            f'<source>{SOURCE}</source></sources><packages><package name="p"><classes>'
            f'<class filename="a.py">{outside}<lines>{line}{inside}{line}</lines></class>'
            "</classes></package></packages></coverage>").encode()
    result = same_either_way(root, data)
    assert result[0] == "error" and "undefined entity" in str(result[1])  # type: ignore[index]


def test_a_bad_number_is_reported_before_a_later_syntax_error(root: Path) -> None:
    """The batch read so far is converted before expat's error is raised."""
    data = (f'<coverage><sources><source>{SOURCE}</source></sources><packages><package name="p">'
            '<classes><class filename="a.py"><lines><line number="1" hits="1"/>'
            '<line number="two" hits="1"/><line number="3" hits="1"/><<</lines></class>'
            "</classes></package></packages></coverage>").encode()
    result = same_either_way(root, data)
    assert result == ("error", "build/coverage.xml: an attribute that must be a number is not "
                      "(invalid literal for int() with base 10: 'two')")
