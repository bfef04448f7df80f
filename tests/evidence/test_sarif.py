"""read_sarif over ruff's logs (checked in and produced here) and hand-written SARIF 2.1.0."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.sarif import SarifResults, read_sarif

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports" / "sarif"
RUFF = Path(sys.executable).parent / "ruff"
FIXTURE_ROOT = "file:///tmp/clearance-fixture-sarif/"


def evidence_in(root: Path, sarif: object = None) -> Evidence:
    return Evidence(RunSpec(root=root, stage="pr"), {} if sarif is None else {"sarif": sarif})


def write_log(root: Path, rel: str, log: Any) -> str:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(log if isinstance(log, str) else json.dumps(log), encoding="utf-8")
    return rel


def sarif_log(*runs: dict[str, Any]) -> dict[str, Any]:
    return {"version": "2.1.0", "runs": list(runs)}


def a_run(results: list[dict[str, Any]], name: str = "scanner", **extra: Any) -> dict[str, Any]:
    driver = {"name": name, **extra.pop("driver", {})}
    return {"tool": {"driver": driver}, "results": results, **extra}


def one(root: Path, run: dict[str, Any]) -> SarifResults:
    return read_sarif(evidence_in(root), [write_log(root, "log.sarif", sarif_log(run))])


def located(uri: str, base: str | None = None, line: int = 3) -> dict[str, Any]:
    artifact = {"uri": uri} if base is None else {"uri": uri, "uriBaseId": base}
    return {"ruleId": "R1", "message": {"text": "m"},
            "locations": [{"physicalLocation": {"artifactLocation": artifact,
                                                "region": {"startLine": line}}}]}


# -- ruff's logs ------------------------------------------------------------------------

def test_ruff_fixture_as_checked_in(tmp_path: Path) -> None:
    (tmp_path / "ruff.sarif").write_bytes((FIXTURES / "ruff.sarif").read_bytes())
    evidence = evidence_in(tmp_path)
    log = read_sarif(evidence, ["ruff.sarif"])
    assert log.tools == ("ruff",)
    assert [(r.rule_id, r.level, r.line, r.column) for r in log.results] == [
        ("F401", "error", 1, 8), ("F401", "error", 2, 8), ("F821", "error", 7, 12)]
    assert [r.message for r in log.results] == [
        "`os` imported but unused", "`sys` imported but unused", "Undefined name `undefined_name`"]
    assert {r.file for r in log.results} == {"/tmp/clearance-fixture-sarif/messy.py"}  # not in this repo
    digest = hashlib.sha256((FIXTURES / "ruff.sarif").read_bytes()).hexdigest()
    assert evidence.records["ruff.sarif"].sha256 == digest


def test_ruff_fixture_paths_under_the_repo_become_relative(tmp_path: Path) -> None:
    text = (FIXTURES / "ruff.sarif").read_text(encoding="utf-8")
    moved = text.replace(FIXTURE_ROOT, (tmp_path / "src").as_uri() + "/")
    log = read_sarif(evidence_in(tmp_path), [write_log(tmp_path, "ruff.sarif", moved)])
    assert {r.file for r in log.results} == {"src/messy.py"}


def test_ruff_clean_fixture(tmp_path: Path) -> None:
    (tmp_path / "ruff-clean.sarif").write_bytes((FIXTURES / "ruff-clean.sarif").read_bytes())
    log = read_sarif(evidence_in(tmp_path, "*.sarif"))
    assert log.results == ()
    assert log.tools == ("ruff",)
    assert log.reports == ("ruff-clean.sarif",)


def run_ruff(root: Path, output_format: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RUFF), "check", "--no-cache", "--isolated", "--output-format",
                           output_format, "."], cwd=root, capture_output=True, text=True,
                          check=False, timeout=60)


def test_results_agree_with_ruff_itself(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "sub dir" / "é").mkdir(parents=True)
    (root / "sub dir" / "é" / "a b.py").write_text("import os\n\nvalue = undefined\n", encoding="utf-8")
    (root / "top.py").write_text("import sys\nimport json\n", encoding="utf-8")
    sarif = run_ruff(root, "sarif")
    assert sarif.returncode == 1, sarif.stderr
    (root / "out").mkdir()
    (root / "out" / "ruff.sarif").write_text(sarif.stdout, encoding="utf-8")
    told = json.loads(run_ruff(root, "json").stdout)
    log = read_sarif(evidence_in(root), ["out/ruff.sarif"])
    expected = sorted((Path(d["filename"]).relative_to(root).as_posix(), d["location"]["row"], d["code"])
                      for d in told)
    assert sorted((r.file, r.line, r.rule_id) for r in log.results) == expected
    assert len(log.results) == len(told) >= 4
    assert "sub dir/é/a b.py" in {r.file for r in log.results}


# -- levels (SARIF 2.1.0 §3.27.10) ---------------------------------------------------

def test_level_defaults(tmp_path: Path) -> None:
    rules = [{"id": "NOTE1", "defaultConfiguration": {"level": "note"}},
             {"id": "ERR1", "defaultConfiguration": {"level": "error"}},
             {"id": "PLAIN"}]
    results = [
        {"ruleId": "NOTE1", "message": {"text": "rule default"}},
        {"ruleId": "NOTE1", "level": "error", "message": {"text": "own level wins"}},
        {"ruleId": "PLAIN", "message": {"text": "no default"}},
        {"ruleId": "UNKNOWN", "message": {"text": "no descriptor"}},
        {"ruleIndex": 1, "message": {"text": "by index"}},
        {"ruleId": "ERR1/sub", "message": {"text": "hierarchical"}},
        {"ruleId": "ERR1", "kind": "pass", "message": {"text": "passed"}},
        {"ruleId": "ERR1", "kind": "review", "level": "error", "message": {"text": "kind wins"}},
    ]
    log = one(tmp_path, a_run(results, driver={"rules": rules}))
    assert [(r.rule_id, r.level) for r in log.results] == [
        ("NOTE1", "note"), ("NOTE1", "error"), ("PLAIN", "warning"), ("UNKNOWN", "warning"),
        ("ERR1", "error"), ("ERR1/sub", "error"), ("ERR1", "none"), ("ERR1", "none")]


def test_invocation_override_comes_before_the_rule_default(tmp_path: Path) -> None:
    invocation = {"executionSuccessful": True, "ruleConfigurationOverrides": [
        {"descriptor": {"id": "R"}, "configuration": {"level": "error"}}]}
    results = [{"ruleId": "R", "message": {"text": "a"}, "provenance": {"invocationIndex": 0}},
               {"ruleId": "R", "message": {"text": "b"}}]
    run = a_run(results, driver={"rules": [{"id": "R", "defaultConfiguration": {"level": "note"}}]},
                invocations=[invocation])
    assert [r.level for r in one(tmp_path, run).results] == ["error", "note"]


def test_rule_of_an_extension(tmp_path: Path) -> None:
    run = a_run([{"rule": {"id": "X1", "toolComponent": {"index": 0}}, "message": {"text": "m"}}])
    run["tool"]["extensions"] = [{"name": "plugin", "rules": [
        {"id": "X1", "defaultConfiguration": {"level": "note"}}]}]
    assert [(r.rule_id, r.level) for r in one(tmp_path, run).results] == [("X1", "note")]


def test_message_from_rule_strings(tmp_path: Path) -> None:
    rules = [{"id": "R", "messageStrings": {"default": {"text": "'{0}' is unused in {1}"}}}]
    results = [{"ruleId": "R", "message": {"id": "default", "arguments": ["x", "f"]}}]
    assert one(tmp_path, a_run(results, driver={"rules": rules})).results[0].message == "'x' is unused in f"


# -- artifact locations ---------------------------------------------------------------

def test_uris_become_repository_paths(tmp_path: Path) -> None:
    root_uri = tmp_path.as_uri()
    bases = {"REPO": {"uri": root_uri + "/"}, "SRC": {"uri": "src/", "uriBaseId": "REPO"}}
    results = [
        located(root_uri + "/app/main%20file.py"),
        located("lib/util.py", "REPO"),
        located("pkg/mod.py", "SRC"),
        located("tests/test_x.py", "%SRCROOT%"),
        located("./docs/a%C3%A9.md"),
        located("https://example.com/x.js"),
        located("file:///elsewhere/other.py"),
        {"ruleId": "R1", "message": {"text": "m"},
         "locations": [{"physicalLocation": {"artifactLocation": {"index": 0}}}]},
        {"ruleId": "R1", "message": {"text": "m"}},
    ]
    run = a_run(results, originalUriBaseIds=bases, artifacts=[{"location": {"uri": "a/b.c"}}])
    assert [r.file for r in one(tmp_path, run).results] == [
        "app/main file.py", "lib/util.py", "src/pkg/mod.py", "tests/test_x.py", "docs/aé.md",
        "https://example.com/x.js", "/elsewhere/other.py", "a/b.c", None]


# -- inputs.sarif: globs or tool -> globs ------------------------------------------------

def two_tools(root: Path) -> None:
    write_log(root, "lint/ruff.sarif", sarif_log(a_run([{"ruleId": "F401", "message": {"text": "a"}}],
                                                       name="ruff")))
    write_log(root, "sec/scan.sarif", sarif_log(a_run([{"ruleId": "B1", "message": {"text": "b"}},
                                                       {"ruleId": "B2", "message": {"text": "c"}}],
                                                      name="Bandit")))


def test_inputs_mapping_picks_a_tool(tmp_path: Path) -> None:
    two_tools(tmp_path)
    evidence = evidence_in(tmp_path, {"lint": "lint/*.sarif", "security": ["sec/*.sarif"]})
    assert [r.rule_id for r in read_sarif(evidence, tool="security").results] == ["B1", "B2"]
    assert [r.rule_id for r in read_sarif(evidence, tool="lint").results] == ["F401"]
    assert len(read_sarif(evidence).results) == 3
    with pytest.raises(EvidenceError, match="names no tool 'eslint'"):
        read_sarif(evidence, tool="eslint")


def test_plain_globs_filter_runs_by_driver_name(tmp_path: Path) -> None:
    two_tools(tmp_path)
    evidence = evidence_in(tmp_path, "**/*.sarif")
    log = read_sarif(evidence, tool="bandit")
    assert log.tools == ("Bandit",)
    assert len(log.results) == 2
    with pytest.raises(EvidenceError, match="no run of tool 'semgrep'"):
        read_sarif(evidence, tool="semgrep")


# -- broken logs ---------------------------------------------------------------------------

def refused(root: Path, text: str) -> EvidenceError:
    write_log(root, "bad.sarif", text)
    evidence = evidence_in(root)
    with pytest.raises(EvidenceError) as caught:
        read_sarif(evidence, ["bad.sarif"])
    assert caught.value.path == "bad.sarif"
    assert "bad.sarif" in evidence.records  # what was refused is still on the record
    return caught.value


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    error = refused(tmp_path, '{"version": "2.1.0",\n  "runs": [\n}')
    assert (error.line, error.column) == (3, 1)


@pytest.mark.parametrize(("log", "words"), [
    ({"version": "2.0.0", "runs": []}, "version '2.0.0'"),
    ({"runs": []}, "version None"),
    ([1, 2], "not an object"),
    ({"version": "2.1.0"}, "runs is missing"),
    (sarif_log({"tool": {"driver": {}}, "results": []}), "driver.name"),
    (sarif_log({"results": []}), "runs[0].tool"),
    (sarif_log({"tool": {"driver": {"name": "t"}}}), "no results array"),
    (sarif_log(a_run([], invocations=[{"executionSuccessful": False}])), "execution failed"),
    (sarif_log(a_run([{"message": {"text": "no rule"}}])), "names no rule"),
    (sarif_log(a_run([{"ruleId": "R", "level": "fatal"}])), "'fatal' is not one of"),
    (sarif_log(a_run(["not an object"])), "results[0] is not an object"),
    (sarif_log(a_run([{"ruleId": "R", "provenance": {"invocationIndex": 0}}], invocations=[3])),
     "malformed"),
    (sarif_log(a_run([located("y.py", "A")], originalUriBaseIds={
        "A": {"uri": "a/", "uriBaseId": "B"}, "B": {"uri": "b/", "uriBaseId": "A"}})),
     "uriBaseId 'A' is defined in terms of itself"),
])
def test_structure_errors(tmp_path: Path, log: Any, words: str) -> None:
    assert words in refused(tmp_path, json.dumps(log)).message


@pytest.mark.parametrize("text", ["", "\xff\xfe not text", "[" * 100_000, '{"a": 1' + "0" * 5000 + "}"])
def test_unreadable_json(tmp_path: Path, text: str) -> None:
    refused(tmp_path, text)


def test_no_log_matches(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no SARIF report matches"):
        read_sarif(evidence_in(tmp_path, ["out/*.sarif"]))
    with pytest.raises(EvidenceError, match="no SARIF reports configured"):
        read_sarif(evidence_in(tmp_path))


def test_a_log_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    write_log(tmp_path, "big.sarif", sarif_log(a_run([located(f"f{n}.py") for n in range(500)])))
    evidence = Evidence(RunSpec(root=tmp_path, stage="pr", max_input_bytes=10_000), {})
    with pytest.raises(EvidenceError, match="over the limit of 10000") as caught:
        read_sarif(evidence, ["big.sarif"])
    assert caught.value.path == "big.sarif"


def test_suppressions(tmp_path: Path) -> None:
    def suppressed(*statuses: str | None) -> dict[str, Any]:
        entries = [{"kind": "inSource"} if s is None else {"kind": "external", "status": s}
                   for s in statuses]
        return {"ruleId": "R", "level": "error", "message": {"text": "m"}, "suppressions": entries}

    results = [suppressed(None), suppressed("accepted"), suppressed(None, "underReview"),
               suppressed("rejected"), suppressed(), {"ruleId": "R", "level": "error"}]
    assert [r.suppressed for r in one(tmp_path, a_run(results)).results] == [
        True, True, False, False, False, False]
