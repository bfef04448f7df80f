"""`LeafRun` keeps its contract on arbitrary documents: the handler sees the events
it would see without the run, in the same order, except the starts of collected
leaves (handed over as rows instead), the ends of collected leaves and everything
about skipped ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.xmlstream import LeafRun, attributes, stream_xml
from examples_count import counted

TAGS = ["run", "leaf", "skip", "other", "p:leaf"]
Event = tuple[str, str, object]


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    names = draw(st.lists(st.sampled_from(["a", "b", "c"]), unique=True, max_size=3))
    attrs = "".join(f' {n}="{draw(st.integers(0, 9))}"' for n in names)
    if tag.startswith("p:"):
        attrs += ' xmlns:p="urn:p"'
    children = [] if depth > 3 else draw(st.lists(element(depth + 1), max_size=4))
    text = draw(st.sampled_from(["", "\n", "text", "<!-- c -->", "<?pi x?>"]))
    if not children and not text and draw(st.booleans()):
        return f"<{tag}{attrs}/>"
    space = draw(st.sampled_from(["", " "]))
    return f"<{tag}{attrs}>{text}{''.join(children)}</{tag}{space}>"


class Recorder:
    def __init__(self, with_run: bool) -> None:
        self.events: list[Event] = []
        if with_run:
            self.run = LeafRun("leaf", ("skip",), self.rows)

    def rows(self, rows: list[list[str]]) -> None:
        self.events.extend(("start", "leaf", attributes(row)) for row in rows)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.events.append(("start", tag, attrs))
        if tag == "run" and hasattr(self, "run"):
            self.run.enter(tag)

    def end(self, tag: str) -> None:
        self.events.append(("end", tag, None))


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("runs")


def events(root: Path, data: bytes, with_run: bool, chunk: int) -> list[Event] | str:
    (root / "doc.xml").write_bytes(data)
    recorder = Recorder(with_run)
    try:
        stream_xml(Evidence(RunSpec(root=root, stage="pr"), {}), "doc.xml", recorder,
                   ("root",), "test", "", chunk_bytes=chunk)
    except EvidenceError as e:
        return str(e)
    return [e for e in recorder.events if e[1] != "skip" and e[:2] != ("end", "leaf")]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(children=st.lists(element(), max_size=5), chunk=st.sampled_from([5, 50, 1 << 16]), broken=st.booleans())
def test_a_run_delivers_the_events_of_a_plain_read(root: Path, children: list[str], chunk: int,
                                                   broken: bool) -> None:
    counted("xmlstream: runs against plain reads")
    body = "".join(children)
    data = f'<?xml version="1.0"?>\n<root>{body}</root>\n'.encode()
    if broken:
        data = data[: len(data) * 2 // 3]
    assert events(root, data, True, chunk) == events(root, data, False, chunk)
