"""`clearance report` and `clearance check -f html|markdown`: same bytes from a saved
document as from the run itself; broken input is an error that names the file."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import Repo, Run
from report_project import make_project

GOLDEN = Path(__file__).parent / "golden"
CLI = Callable[..., Run]


def test_report_renders_the_saved_document_as_the_goldens(cli: CLI, doc_path: Path, tmp_path: Path) -> None:
    html, md = tmp_path / "out" / "report.html", tmp_path / "report.md"
    run = cli("report", doc_path, "--format", "html", "--output", html, "-f", f"markdown={md}")
    assert run.code == 0, run.err
    assert html.read_bytes() == (GOLDEN / "report.html").read_bytes()
    assert md.read_bytes() == (GOLDEN / "report.md").read_bytes()
    assert "note" not in run.err  # the fixture is byte for byte as clearance writes JSON


def test_report_prints_html_by_default(cli: CLI, doc_path: Path) -> None:
    run = cli("report", doc_path)
    assert run.code == 0
    assert run.out == (GOLDEN / "report.html").read_text(encoding="utf-8")


def test_the_report_digest_is_the_sha256_of_the_results_file(cli: CLI, doc_path: Path) -> None:
    digest = hashlib.sha256(doc_path.read_bytes()).hexdigest()
    for fmt in ("html", "markdown"):
        out = cli("report", doc_path, "-f", fmt).out
        assert out.count(digest) >= 2, fmt
        assert "sha256sum results.json" in out


def test_report_reads_standard_input(cli: CLI, doc_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(doc_path.read_bytes())))
    run = cli("report", "-", "-f", "markdown")
    assert run.code == 0, run.err
    assert run.out == (GOLDEN / "report.md").read_text(encoding="utf-8")


def test_a_reformatted_document_renders_with_a_note(cli: CLI, doc: dict[str, Any], tmp_path: Path) -> None:
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(doc), encoding="utf-8")
    run = cli("report", compact, "-f", "markdown")
    assert run.code == 0
    assert run.out == (GOLDEN / "report.md").read_text(encoding="utf-8")
    assert "not byte for byte as clearance wrote it" in run.err


@pytest.mark.parametrize("cut", [1, 100, 5000, -2])
def test_a_truncated_document_is_an_input_error(cli: CLI, doc_path: Path, tmp_path: Path, cut: int) -> None:
    broken = tmp_path / "results.json"
    broken.write_bytes(doc_path.read_bytes()[:cut])
    out = tmp_path / "report.html"
    run = cli("report", broken, "-f", "html", "-o", out)
    assert run.code == 2
    assert re.search(rf"{re.escape(str(broken))}:\d+:\d+: not valid JSON: .*truncated", run.err), run.err
    assert not out.exists()


@pytest.mark.parametrize("change, where", [
    (lambda d: d["rules"][0].update(verdict="maybe"), "rules[0].verdict"),
    (lambda d: d.pop("inputs"), "inputs"),
    (lambda d: d["run"].update(stage=7), "run.stage"),
])
def test_a_document_against_the_schema_is_an_input_error(
        cli: CLI, doc: dict[str, Any], tmp_path: Path, change: Callable[[dict[str, Any]], Any],
        where: str) -> None:
    change(doc)
    bad = tmp_path / "results.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    run = cli("report", bad, "-f", "markdown")
    assert run.code == 2
    assert f"{bad}: not a valid results document" in run.err
    assert where in run.err or "inputs" in run.err


def test_other_versions_and_unreadable_files_are_input_errors(cli: CLI, doc: dict[str, Any],
                                                              tmp_path: Path) -> None:
    doc["version"] = 2
    newer = tmp_path / "v2.json"
    newer.write_text(json.dumps(doc), encoding="utf-8")
    run = cli("report", newer)
    assert run.code == 2 and "version 2 is not supported" in run.err
    run = cli("report", tmp_path / "missing.json")
    assert run.code == 2 and "missing.json: cannot read the results document" in run.err
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"x": "caf\xe9"}')
    run = cli("report", latin)
    assert run.code == 2 and "latin.json: not UTF-8" in run.err


def check_pr(cli: CLI, repo: Repo, base: str, out: Path) -> Run:
    """A PR-stage run from inside the repository (the PR body path is recorded as given)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo.path)
        return _check_pr(cli, base, out)


def _check_pr(cli: CLI, base: str, out: Path) -> Run:
    return cli("check", "--stage", "pr", "--base", base, "--pr-body", "build/pr-body.md",
               "-f", f"json={out / 'results.json'}", "-f", f"markdown={out / 'report.md'}",
               "-f", f"html={out / 'report.html'}")


def test_check_writes_the_same_reports_as_report_does_later(cli: CLI, repo: Repo, tmp_path: Path) -> None:
    base = make_project(repo)
    out = tmp_path / "out"
    run = check_pr(cli, repo, base, out)
    assert run.code == 1, run.err
    results = out / "results.json"
    digest = hashlib.sha256(results.read_bytes()).hexdigest()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"<code class=\"digest\">{digest}</code>" in html
    assert digest in (out / "report.md").read_text(encoding="utf-8")
    again = tmp_path / "again.html"
    assert cli("report", results, "-f", f"html={again}", "-f", f"markdown={tmp_path / 'again.md'}").code == 0
    assert again.read_bytes() == (out / "report.html").read_bytes()
    assert (tmp_path / "again.md").read_bytes() == (out / "report.md").read_bytes()


def test_the_run_fills_every_section(cli: CLI, repo: Repo, tmp_path: Path) -> None:
    base = make_project(repo)
    check_pr(cli, repo, base, tmp_path)
    doc = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    for rule in doc["rules"]:
        assert f"<code>{rule['id']}</code>" in html
    for section in ("Scenario traceability", "Coverage", "Suite <code>unit</code>", "Waivers",
                    "Step 1: Pre-Deployment Validation › Specification", "Rules of other stages"):
        assert section in html, section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html and "<img" not in html
    assert "javascript:alert(1)" in html and 'href="javascript' not in html


def test_same_state_same_bytes_with_source_date_epoch(cli: CLI, repo: Repo, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Two copies of one repository state give byte-identical JSON, Markdown and HTML."""
    base = make_project(repo)
    copy = tmp_path / "copy" / repo.path.name
    shutil.copytree(repo.path, copy)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767323045")
    first, second = tmp_path / "first", tmp_path / "second"
    check_pr(cli, repo, base, first)
    check_pr(cli, Repo(copy), base, second)
    for name in ("results.json", "report.md", "report.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    doc = json.loads((first / "results.json").read_text(encoding="utf-8"))
    assert doc["run"]["time"] == "2026-01-02T03:04:05Z"
    assert {r["duration_ms"] for r in doc["rules"]} == {None}
