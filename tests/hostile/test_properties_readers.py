"""Property-based tests of every evidence reader: mutated real inputs give evidence or an
`EvidenceError` naming the file, never another exception (and so never a silent pass)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.coverage import read_report
from clearance.evidence.event import load_event
from clearance.evidence.junit import read_junit
from clearance.evidence.prbody import pull_request
from clearance.evidence.prmarkdown import parse_markdown
from clearance.evidence.sarif import read_sarif
from clearance.evidence.spec import parse_feature
from examples_count import counted

REPORTS = Path(__file__).parent.parent / "fixtures" / "reports"
GHERKIN = Path(__file__).parent.parent / "fixtures" / "gherkin" / "good"
SAMPLES = {
    "cobertura": REPORTS / "cobertura-js" / "cobertura-js.xml",
    "jacoco": REPORTS / "jacoco" / "jacoco.xml",
    "lcov": REPORTS / "lcov" / "lcov.info",
    "istanbul-summary": REPORTS / "istanbul" / "coverage-summary.json",
    "istanbul-final": REPORTS / "istanbul" / "coverage-final.json",
    "junit": REPORTS / "junit" / "junit-pytest.xml",
    "sarif": REPORTS / "sarif" / "ruff.sarif",
}
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw: st.DrawFn, sample: bytes) -> bytes:
    """A real input with a few bytes inserted, deleted or replaced, or cut short."""
    data = bytearray(sample)
    if draw(st.booleans()):
        return bytes(data[: draw(st.integers(0, len(data)))])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        piece = draw(st.binary(min_size=1, max_size=4)
                     | st.sampled_from([b"<", b">", b"&", b'"', b"{", b"}", b"\x00", b"\xff", b"]]>", b"-->"]))
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
    """One git repository for the module's examples: each writes its input under build/."""
    made = tmp_path_factory.mktemp("props")
    subprocess.run(["git", "init", "-q", str(made)], check=True,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
    (made / "build").mkdir()
    return made


@pytest.fixture(scope="module")
def coverage_py(root: Path) -> dict[str, bytes]:
    """coverage.py's JSON and data file for a tiny module of `root`, made by coverage.py itself."""
    (root / "src").mkdir()
    (root / "src" / "m.py").write_text("def f(x):\n    if x:\n        return 1\n    return 2\n\n\nf(1)\n")
    for argv in (["run", "--branch", "src/m.py"], ["json", "-o", "build/coverage.json"]):
        subprocess.run([sys.executable, "-m", "coverage", *argv], cwd=root, check=True, capture_output=True)
    return {"json": (root / "build" / "coverage.json").read_bytes(), "data": (root / ".coverage").read_bytes()}


def evidence(root: Path, **spec: Any) -> Evidence:
    return Evidence(RunSpec(root=root, stage="pr", **spec), {})


def survives(root: Path, name: str, data: bytes, read: Callable[[Evidence, str], object],
             **spec: Any) -> None:
    """Read `data` as `name`: evidence, or an EvidenceError that names the file."""
    (root / "build" / name).write_bytes(data)
    try:
        read(evidence(root, **spec), f"build/{name}")
    except EvidenceError as e:
        assert e.path == f"build/{name}" or f"build/{name}" in str(e), str(e)


def coverage_property(kind: str) -> Callable[..., None]:
    sample = SAMPLES[kind].read_bytes()
    suffix = SAMPLES[kind].name

    @FAST
    @given(data=mutated(sample))
    def prop(root: Path, data: bytes) -> None:
        counted(f"coverage: {kind}")
        survives(root, suffix, data, read_report)

    return prop


test_cobertura = coverage_property("cobertura")
test_jacoco = coverage_property("jacoco")
test_lcov = coverage_property("lcov")
test_istanbul_summary = coverage_property("istanbul-summary")
test_istanbul_final = coverage_property("istanbul-final")


@FAST
@given(draw=st.data())
def test_coverage_py_json(root: Path, coverage_py: dict[str, bytes], draw: st.DataObject) -> None:
    counted("coverage: coverage.py JSON")
    survives(root, "coverage.json", draw.draw(mutated(coverage_py["json"])), read_report)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw=st.data())
def test_coverage_py_data_file(root: Path, coverage_py: dict[str, bytes], draw: st.DataObject) -> None:
    counted("coverage: .coverage data file")
    survives(root, ".coverage", draw.draw(mutated(coverage_py["data"])), read_report)


@FAST
@given(data=mutated(SAMPLES["junit"].read_bytes()))
def test_junit(root: Path, data: bytes) -> None:
    counted("junit")
    survives(root, "junit.xml", data, lambda ev, p: read_junit(ev, [p]))


@FAST
@given(data=mutated(SAMPLES["sarif"].read_bytes()))
def test_sarif(root: Path, data: bytes) -> None:
    counted("sarif")
    survives(root, "lint.sarif", data, lambda ev, p: read_sarif(ev, [p]))


FEATURES = sorted(GHERKIN.glob("*.feature"))


@FAST
@given(st.sampled_from(FEATURES).flatmap(lambda f: mutated(f.read_bytes())))
def test_gherkin(data: bytes) -> None:
    counted("gherkin")
    feature, errors = parse_feature("features/x.feature", data)
    if feature is None and not errors:  # only an empty or all-comment file holds no feature
        lines = data.decode("utf-8", "replace").splitlines()
        assert all(not line.strip() or line.strip().startswith("#") for line in lines)
    assert all(e.file == "features/x.feature" and (e.line or 1) >= 1 for e in errors)


BODY = b"## Summary\n\nDone.\n\n## Testing\n\n- [x] unit\n- [ ] ~~e2e~~\n<!-- - [ ] hidden -->\n```\n- [ ] code\n```\n[spec](docs/a.feature)\n"


@FAST
@given(data=mutated(BODY))
def test_pr_body(root: Path, data: bytes) -> None:
    counted("PR body")
    parse_markdown(data.decode("utf-8", "replace"))
    path = root / "build" / "body.md"
    path.write_bytes(data)
    found = pull_request(evidence(root, pr_body_file=path))
    assert found.body is not None


EVENT = json.dumps({"action": "opened", "number": 7, "pull_request": {
    "number": 7, "title": "feat: x", "body": "## Summary\n\nx", "user": {"login": "ada"},
    "head": {"sha": "a" * 40, "ref": "feature"}, "base": {"sha": "b" * 40, "ref": "main"}},
    "repository": {"full_name": "o/r"}}).encode()


@FAST
@given(data=mutated(EVENT))
def test_event_payload(root: Path, data: bytes) -> None:
    counted("event payload")
    path = root / "build" / "event.json"
    path.write_bytes(data)
    try:
        load_event(path)
        pull_request(evidence(root, event_file=path))
    except EvidenceError as e:
        assert "event.json" in str(e) or e.path is not None or "no PR body" in str(e) or "PR" in str(e)


def test_the_unmutated_samples_read_cleanly(root: Path, coverage_py: dict[str, bytes]) -> None:
    """The properties start from inputs that read: a mutation is what makes them fail."""
    for kind in ("cobertura", "jacoco", "lcov", "istanbul-summary", "istanbul-final"):
        target = root / "build" / SAMPLES[kind].name
        target.write_bytes(SAMPLES[kind].read_bytes())
        assert read_report(evidence(root), f"build/{SAMPLES[kind].name}").files
    for name, data in (("coverage.json", coverage_py["json"]), (".coverage", coverage_py["data"])):
        (root / "build" / name).write_bytes(data)
        assert read_report(evidence(root), f"build/{name}").files
    (root / "build" / "junit.xml").write_bytes(SAMPLES["junit"].read_bytes())
    assert read_junit(evidence(root), ["build/junit.xml"]).total == 4


@pytest.mark.parametrize("name", [b"coverage_schema", b"meta"])
def test_a_coverage_data_file_with_a_table_name_that_is_not_utf8(
        root: Path, coverage_py: dict[str, bytes], name: bytes) -> None:
    # Found by test_coverage_py_data_file: sqlite hands Python a name it cannot decode.
    data = coverage_py["data"]
    assert name in data
    path = root / "build" / ".coverage"
    path.write_bytes(data.replace(name, b"\x80" + name[1:], 1))
    with pytest.raises(EvidenceError, match=r"not a coverage\.py data file"):
        read_report(evidence(root), "build/.coverage")
