"""`clearance verify`: a real document verifies; each kind of edit is a named mismatch."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import Run

FIXTURES = sorted((Path(__file__).parents[1] / "report" / "fixtures").glob("*.json"))
CLI = Callable[..., Run]
OTHER_SHA = "0" * 64


def test_the_untouched_document_verifies(made: Any, cli: CLI) -> None:
    run = cli("verify", made.path, "--repo", made.repo.path)
    assert run.code == 0, run.out + run.err
    assert [line.split()[:2] for line in run.out.splitlines()] == [
        ["ok", "schema"], ["ok", "summary"], ["ok", "rule"], ["ok", "integrity"], ["ok", "evidence"]]
    sources = {i["path"]: i["source"] for i in made.doc["inputs"]}
    assert sources == {"README.md": "git", "build/meta.json": "file"}  # both kinds re-hashed


def _flip_verdict(doc: dict[str, Any]) -> None:
    rule = next(r for r in doc["rules"] if r["id"] == "changelog")
    rule["verdict"] = "pass"


def _input(doc: dict[str, Any], path: str) -> dict[str, Any]:
    return next(i for i in doc["inputs"] if i["path"] == path)


@pytest.mark.parametrize("change, line", [
    (lambda d: d["summary"].update(verdict="pass", blocking=0),
     "FAIL summary: summary.verdict: expected 'fail' (recomputed from the rules), found 'pass'"),
    (_flip_verdict,
     "FAIL rule: rule changelog: blocking: expected False (verdict pass, severity error, fail_on error), found True"),
    (lambda d: _input(d, "build/meta.json").update(sha256=OTHER_SHA),
     f"FAIL evidence: inputs[1]: build/meta.json (file): expected sha256 {OTHER_SHA} (in the document)"),
    (lambda d: _input(d, "README.md").update(sha256=OTHER_SHA),
     f"FAIL evidence: inputs[0]: README.md (git): expected sha256 {OTHER_SHA} (in the document)"),
    (lambda d: d["rules"][1]["evidence"][0].update(sha256=OTHER_SHA),
     f"FAIL evidence: rule meta: build/meta.json (file): expected sha256 {OTHER_SHA}"),
    (lambda d: d["integrity"].update(sha256=OTHER_SHA), "FAIL integrity: integrity.sha256: expected '"),
    (lambda d: d.pop("integrity"), "FAIL schema: (top level): 'integrity' is a required property"),
], ids=["summary", "verdict", "file-digest", "git-digest", "rule-evidence", "integrity", "no-integrity"])
def test_each_edit_is_a_named_mismatch(made: Any, cli: CLI, change: Callable[[dict[str, Any]], object],
                                       line: str) -> None:
    run = cli("verify", made.edited(change), "--repo", made.repo.path)
    assert run.code == 1, run.out + run.err
    assert any(out.startswith(line) for out in run.out.splitlines()), run.out
    assert "mismatch" in run.err


def test_an_edit_that_recomputes_the_summary_is_caught_by_the_integrity_digest(made: Any, cli: CLI) -> None:
    from clearance.results import summarize

    def forge(doc: dict[str, Any]) -> None:
        _flip_verdict(doc)
        doc["rules"][2]["blocking"] = False
        doc["summary"] = summarize(doc["rules"], "error")

    run = cli("verify", made.edited(forge), "--repo", made.repo.path)
    assert run.code == 1
    assert [line.split(":")[0] for line in run.out.splitlines() if line.startswith("FAIL ")] == [
        "FAIL integrity", "FAIL integrity"]  # its mismatch, then its status line


def test_an_evidence_file_changed_on_disk_is_a_mismatch(made: Any, cli: CLI) -> None:
    made.repo.write("build/meta.json", '{"sha": "forged"}\n')
    run = cli("verify", made.path, "--repo", made.repo.path)
    assert run.code == 1
    assert "FAIL evidence: inputs[1]: build/meta.json (file): expected sha256" in run.out
    assert "FAIL evidence: rule meta: build/meta.json (file)" in run.out


def test_without_the_repository_the_evidence_is_not_rehashed_and_says_so(made: Any, cli: CLI) -> None:
    run = cli("verify", made.path)
    assert run.code == 0
    assert "skip evidence (4 digests not re-hashed: give --repo DIR)" in run.out


def test_a_missing_evidence_file_is_named_not_failed(made: Any, cli: CLI) -> None:
    (made.repo.path / "build" / "meta.json").unlink()
    run = cli("verify", made.path, "--repo", made.repo.path)
    assert run.code == 0
    assert "not at hand, not re-hashed: build/meta.json (file)" in run.out


@pytest.mark.parametrize("content, said", [
    (b"{not json", "not JSON"), (b"[1]", "not a JSON object"), (b'{"version": 2}', "version 2"),
])
def test_unusable_input_exits_2(cli: CLI, tmp_path: Path, content: bytes, said: str) -> None:
    path = tmp_path / "results.json"
    path.write_bytes(content)
    run = cli("verify", path)
    assert run.code == 2 and said in run.err, run.err


def test_a_document_against_the_schema_names_each_error(made: Any, cli: CLI) -> None:
    run = cli("verify", made.edited(lambda d: d["rules"][0].update(verdict="maybe")))
    assert run.code == 1
    assert "FAIL schema: rules[0].verdict: 'maybe' is not one of" in run.out
    assert "skip summary (the document does not match its schema)" in run.out


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_old_documents_still_render_and_verify(cli: CLI, fixture: Path, tmp_path: Path) -> None:
    doc = json.loads(fixture.read_text("utf-8"))
    assert "schema_version" not in doc and "subject" not in doc["run"]  # written before 1.1
    run = cli("verify", fixture)
    assert run.code == 0, run.out
    assert "skip integrity (none in a document of schema version 1.0)" in run.out
    out = tmp_path / "report.md"
    assert cli("report", fixture, "-f", f"markdown={out}").code == 0
    rendered = cli("report", fixture, "-f", "json")
    assert rendered.out == fixture.read_text("utf-8")  # not sealed: it stays a 1.0 document
