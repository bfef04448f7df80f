"""`clearance release` end to end: a real repository, three merged pull requests (squash,
merge commit, rebase), results written by real `clearance check` runs (release_project.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from helpers import Run
from release_project import Project

SCHEMA = json.loads(resources.files("clearance").joinpath("schemas/release-v1.json").read_text("utf-8"))


def release(cli: Callable[..., Run], project: Project, results: Path) -> tuple[Run, dict[str, Any]]:
    """Run `clearance release` on the results folder; the record, checked against its schema."""
    out = results.parent / "record.json"
    run = cli("release", project.range, "--repo", project.repo.path, "--results", results,
              "-f", "text", "-f", f"json={out}")
    record: dict[str, Any] = json.loads(out.read_text("utf-8")) if run.code in (0, 1) else {}
    if record:
        jsonschema.Draft202012Validator(SCHEMA).validate(record)
    return run, record


def test_a_pull_request_without_results_is_named_and_fails_until_they_are_added(
        cli: Callable[..., Run], project: Project, results: Path) -> None:
    project.results(results, "pr-2", "pr-3", "deploy")
    run, record = release(cli, project, results)
    assert run.code == 1, run.err
    assert record["summary"]["verdict"] == "flagged"
    assert {(f["kind"], f["pull_request"], f["stage"]) for f in record["flags"]} == {
        ("stage-missing", 1, "pr"), ("stage-missing", 1, "merge")}
    assert "#1 (" in run.out and "no pr results" in run.out

    project.results(results, "pr-1")
    run, record = release(cli, project, results)
    assert run.code == 0, run.out
    assert record["summary"] == {"verdict": "clean", "flags": 0, "changes": 3, "commits": 4,
                                 "results": 8}


def test_each_pull_request_is_recognised_however_it_was_merged(
        cli: Callable[..., Run], project: Project, results: Path) -> None:
    project.results(results, "pr-1", "pr-2", "pr-3", "deploy")
    _, record = release(cli, project, results)
    changes = record["changes"]
    assert [(c["pull_request"]["number"], c["kind"], c["commits"]) for c in changes] == [
        (1, "squash", project.landed[1]), (2, "merge-commit", project.landed[2]),
        (3, "rebase", project.landed[3])]
    assert len(project.landed[3]) == 2  # the rebase merge's two commits are one change
    assert changes[1]["pr_head"] == project.pr_heads[2]
    assert "same patch" in changes[2]["recognised_by"]


def test_every_stage_links_the_document_that_decided_by_its_sha256(
        cli: Callable[..., Run], project: Project, results: Path) -> None:
    project.results(results, "pr-1", "pr-2", "pr-3", "deploy")
    _, record = release(cli, project, results)
    digests = {p.relative_to(results).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in results.rglob("*.json")}
    for number, change in enumerate(record["changes"], 1):
        stages = change["stages"]
        assert stages["pr"]["decided_by"] == digests[f"pr-{number}/pr.json"]
        assert stages["merge"]["decided_by"] == digests[f"pr-{number}/merge.json"]
        assert stages["merge"]["commit"] == change["commits"][-1]
        for stage in ("staging", "production"):  # the head's deployment holds every change
            assert stages[stage]["decided_by"] == digests[f"deploy/{stage}.json"]
            assert stages[stage]["commit"] == project.head
    assert all(r["changes"] for r in record["results"])


def test_an_edited_summary_does_not_pass(cli: Callable[..., Run], project: Project,
                                         results: Path) -> None:
    project.results(results, "pr-1", "pr-2", "pr-3", "deploy")
    path = results / "deploy" / "production.json"
    doc = json.loads(path.read_text("utf-8"))
    doc["summary"]["blocking"] = 0
    doc["rules"][0]["verdict"] = "fail"  # the summary still says pass
    path.write_text(json.dumps(doc), "utf-8")
    run, record = release(cli, project, results)
    assert run.code == 1
    assert {f["kind"] for f in record["flags"]} == {"stage-failed"}
    assert {c["stages"]["production"]["status"] for c in record["changes"]} == {"edited"}


def test_bad_input_is_exit_2(cli: Callable[..., Run], project: Project, results: Path) -> None:
    (results / "broken.json").write_text('{"$schema": "https://clearance.dev/schemas/results-v1.json"}')
    run = cli("release", project.range, "--repo", project.repo.path, "--results", results)
    assert run.code == 2 and "broken.json" in run.err
    (results / "broken.json").unlink()
    (results / "coverage.json").write_text('{"meta": {"format": 3}}')  # not results: skipped
    assert cli("release", project.range, "--repo", project.repo.path, "--results", results).code == 1
    assert cli("release", "main", "--repo", project.repo.path, "--results", results).code == 2
    assert cli("release", f"{project.head}..{project.base}", "--repo", project.repo.path,
               "--results", results).code == 2
    assert cli("release", project.range, "--repo", project.repo.path).code == 2


def test_results_kept_as_git_notes_give_the_same_record(cli: Callable[..., Run], project: Project,
                                                        results: Path) -> None:
    """Every run of the project was made with `clearance check --record`."""
    out = results.parent / "from-notes.json"
    run = cli("release", project.range, "--repo", project.repo.path, "--notes", "-f", f"json={out}")
    assert run.code == 0, run.out
    from_notes = json.loads(out.read_text("utf-8"))
    project.results(results, "pr-1", "pr-2", "pr-3", "deploy")
    _, from_files = release(cli, project, results)
    assert [c["stages"] for c in from_notes["changes"]] == [c["stages"] for c in from_files["changes"]]
    assert {r["source"] for r in from_notes["results"]} == {
        f"notes:{sha}" for sha in (project.pr_heads[1], project.pr_heads[2], project.pr_heads[3],
                                   project.landed[1][0], project.landed[2][0], project.head)}
    note = project.repo.git("notes", "--ref", "clearance", "show", project.head)
    assert note.count('"$schema"') == 3  # #3's merge run, staging and production on one commit


def test_record_refuses_the_commit_stages(cli: Callable[..., Run], project: Project) -> None:
    run = cli("check", "--repo", project.repo.path, "--stage", "commit", "--record")
    assert run.code == 2 and "--record" in run.err


def test_waivers_and_unproven_signoffs_are_flagged(cli: Callable[..., Run], project: Project,
                                                    results: Path) -> None:
    """The production run's document given a waived rule and a self-added, unverified
    sign-off (as a run of a policy with them writes its rule records)."""
    project.results(results, "pr-1", "pr-2", "pr-3", "deploy")
    path = results / "deploy" / "production.json"
    doc = json.loads(path.read_text("utf-8"))
    readme = doc["rules"][0]
    doc["rules"] += [
        {**readme, "id": "docs.changelog", "verdict": "waived", "waiver": {
            "owner": "@lead", "reason": "changelog in #9", "expires": "2099-01-01", "expired": False,
            "self_granted": False, "refused": False, "applied": True,
            "origin": {"path": "clearance.yaml", "line": 9}}},
        {**readme, "id": "production.smoke", "kind": "attestation", "attestation": {
            "by": "@qa", "at": "2026-01-02T04:00:00Z", "note": "smoke ok", "source": "a.yaml:1",
            "subject": None, "proof": "none", "proof_detail": None, "verified": False,
            "self_added": True, "self_added_reason": "not in force at the base"}}]
    path.write_text(json.dumps(doc), "utf-8")
    run, record = release(cli, project, results)
    assert run.code == 1
    assert sorted({(f["kind"], f["stage"]) for f in record["flags"]}) == [
        ("self-added-signoff", "production"), ("unverified-signoff", "production"),
        ("waiver", "production")]
    assert {f["change"] for f in record["flags"]} == {1, 2, 3}  # one deployment held them all
    signoff = record["changes"][0]["signoffs"][0]
    assert (signoff["by"], signoff["verified"], signoff["self_added"]) == ("@qa", False, True)
    md = results.parent / "release.md"
    cli("release", project.range, "--repo", project.repo.path, "--results", results,
        "-f", f"markdown={md}")
    text = md.read_text("utf-8")
    assert "| \\#1 | production | `production.smoke` | @qa | 2026-01-02T04:00:00Z | none, not verified, added by the change itself |" in text
    assert "| \\#1 | production | `docs.changelog` | @lead | changelog in \\#9 | 2099-01-01 | yes |" in text


def test_the_dossier_has_a_view_by_control(cli: Callable[..., Run], project: Project,
                                           results: Path) -> None:
    """The project's rule evidences SOC 2 CC8.1 and ISO 27001 A.8.32 (its runs write that in
    each rule record); the dossier counts its verdicts per control and names what did not pass."""
    project.results(results, "pr-1", "pr-2", "pr-3", "deploy")
    _, record = release(cli, project, results)
    entries = [c for change in record["changes"] for c in change["controls"]]
    decided = sum(1 for change in record["changes"] for s in change["stages"].values() if s["decided_by"])
    assert len(entries) == 2 * decided  # one rule, two controls, in every deciding document
    assert {c["verdict"] for c in entries} == {"pass"}
    path = results / "deploy" / "production.json"
    doc = json.loads(path.read_text("utf-8"))
    doc["rules"][0]["verdict"] = "fail"
    path.write_text(json.dumps(doc), "utf-8")
    md = results.parent / "release.md"
    cli("release", project.range, "--repo", project.repo.path, "--results", results, "-f", f"markdown={md}")
    text = md.read_text("utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| SOC2:CC8.1 |")]
    assert len(rows) == 1 and "production `readme` fail" in rows[0]
    assert text.index("| ISO27001:A.8.32 |") < text.index("| SOC2:CC8.1 |")  # framework order
