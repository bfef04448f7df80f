"""The PR body rules end to end: `clearance check --stage pr` on a real git
repository, with the body from `--pr-body FILE`, stdin or an event payload."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

BODIES = Path(__file__).parent.parent / "fixtures" / "prbody"
TEMPLATE = (BODIES / "template.md").read_text("utf-8")
FILLED = (BODIES / "filled.md").read_text("utf-8")
RESULTS_SCHEMA = json.loads(
    resources.files("clearance").joinpath("schemas", "results-v1.json").read_text("utf-8"))
SECTIONS = ["Link to feature specification", "Summary of changes", "Testing approach",
            "Breaking changes"]
POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: team, version: 1.0.0}
rules:
  - id: pr.description
    stages: [pr]
    check:
      pr.sections:
        required: ["Link to feature specification", "Summary of changes",
                   "Testing approach", "Breaking changes"]
  - id: pr.checklist
    stages: [pr]
    check: {pr.checklist: {under: PR Checklist}}
  - id: pr.spec-link
    stages: [pr]
    check: {pr.links: {to: "docs/**/*.feature", section: Link to feature specification}}
  - id: pr.title
    stages: [pr]
    check: {pr.title: {pattern: "^(feat|fix|docs)(\\\\(.+\\\\))?: ", forbid: "WIP"}}
  - id: release.smoke
    stages: [pr]
    check: {attestation: {id: release.smoke, item: Smoke tests done, accept: [author-tick]}}
"""


@pytest.fixture
def project(repo):
    repo.write("clearance.yaml", POLICY)
    repo.write(".github/pull_request_template.md", TEMPLATE)
    repo.write("docs/features/sign-in.feature", "Feature: Sign in\n")
    base = repo.commit("chore: initial")
    repo.git("checkout", "-q", "-b", "feature/sign-in")
    repo.write("src/signin.py", "print('sign in')\n")
    repo.commit("feat: sign in")
    return repo, base


def check(cli, project, *extra: Any):
    repo, base = project
    return cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, *extra)


def rules(run) -> dict[str, dict[str, Any]]:
    doc = json.loads(run.out)
    jsonschema.Draft202012Validator(RESULTS_SCHEMA).validate(doc)
    return {r["id"]: r for r in doc["rules"]}


def body_file(tmp_path: Path, text: str, name: str = "body.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def event_file(tmp_path: Path, body: Any, title: str = "feat: sign in", **pull: Any) -> Path:
    payload = {"action": "edited", "repository": {"full_name": "acme/shop"},
               "pull_request": {"number": 7, "title": title, "body": body,
                                "user": {"login": "ada"}, "updated_at": "2026-01-03T10:00:00Z",
                                **pull}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_a_filled_template_passes_the_body_rules(project, cli, tmp_path) -> None:
    run = check(cli, project, "--pr-body", body_file(tmp_path, FILLED), "-f", "json")
    found = rules(run)
    assert {k: found[k]["verdict"] for k in ("pr.description", "pr.checklist", "pr.spec-link")} == {
        "pr.description": "pass", "pr.checklist": "pass", "pr.spec-link": "pass"}
    assert found["pr.spec-link"]["message"] == "links to docs/features/sign-in.feature"


def test_a_blank_template_fails_listing_each_missing_section(project, cli, tmp_path) -> None:
    body = body_file(tmp_path, TEMPLATE)
    rule = rules(check(cli, project, "--pr-body", body, "-f", "json"))["pr.description"]
    assert rule["verdict"] == "fail"
    assert [(f["file"], f["line"]) for f in rule["findings"]] == [
        (str(body), 1), (str(body), 4), (str(body), 7), (str(body), 10)]
    for title in SECTIONS:
        assert title in rule["message"]
    assert rule["message"].startswith("4 of 4 required sections not filled")
    assert "'Summary of changes' still holds the template's placeholder text" in str(rule["findings"])
    assert "'Testing approach' is empty" in str(rule["findings"])


def test_the_blank_template_in_text_output_names_each_section_and_blocks(project, cli,
                                                                           tmp_path) -> None:
    body = body_file(tmp_path, TEMPLATE)
    run = check(cli, project, "--pr-body", body)
    assert run.code == 1
    for line, title in zip((1, 4, 7, 10), SECTIONS, strict=True):
        assert f"{body}:{line}: pr.description section '{title}'" in run.out


def test_a_section_left_out_is_reported_missing_without_a_line(project, cli, tmp_path) -> None:
    text = FILLED.replace("## Breaking changes\nNone: the old endpoint stays until 2.0.\n", "")
    rule = rules(check(cli, project, "--pr-body", body_file(tmp_path, text), "-f", "json"))
    missing = rule["pr.description"]
    assert missing["verdict"] == "fail"
    assert missing["findings"] == [{"file": str(tmp_path / "body.md"), "line": None, "column": None,
                                    "message": "no section 'Breaking changes': add a heading "
                                               "'## Breaking changes'"}]


def test_a_box_inside_an_html_comment_does_not_count(project, cli, tmp_path) -> None:
    ticked_in_comment = FILLED.replace("- [ ] Smoke tests done", "- [x] Smoke tests done")
    run = check(cli, project, "--pr-body", body_file(tmp_path, ticked_in_comment), "-f", "json")
    found = rules(run)
    smoke = found["release.smoke"]
    assert smoke["verdict"] == "pending"
    assert "item 'Smoke tests done' is not in the PR body" in smoke["message"]
    texts = [item["text"] for item in found["pr.checklist"]["data"]["checklist"]]
    assert "Smoke tests done" not in texts
    assert len(texts) == 4


def test_a_struck_through_item_is_reported_as_not_applicable(project, cli, tmp_path) -> None:
    run = check(cli, project, "--pr-body", body_file(tmp_path, FILLED), "-f", "json", "-v")
    rule = rules(run)["pr.checklist"]
    assert rule["verdict"] == "pass"
    assert rule["data"]["checklist"][3] == {
        "text": "Documentation updated no user-facing change", "state": "not-applicable",
        "line": 18, "section": "PR Checklist", "required": True}
    assert [i["state"] for i in rule["data"]["checklist"][:3]] == ["checked"] * 3
    assert rule["message"] == ("3 of 4 required items ticked; not applicable: "
                               "Documentation updated no user-facing change")


def test_the_struck_through_item_shows_in_verbose_text_output(project, cli, tmp_path) -> None:
    run = check(cli, project, "--pr-body", body_file(tmp_path, FILLED), "-v")
    line = next(x for x in run.out.splitlines() if "pr.checklist" in x)
    assert "not applicable: Documentation updated" in line


def test_an_unticked_item_fails_at_its_line(project, cli, tmp_path) -> None:
    text = FILLED.replace("- [X] All tests passing", "- [ ] All tests passing")
    rule = rules(check(cli, project, "--pr-body", body_file(tmp_path, text), "-f", "json"))
    failed = rule["pr.checklist"]
    assert failed["verdict"] == "fail"
    assert [(f["line"], f["message"]) for f in failed["findings"]] == [
        (17, "not ticked: All tests passing")]


def test_a_link_to_a_missing_spec_file_fails_naming_it(project, cli, tmp_path) -> None:
    text = FILLED.replace("docs/features/sign-in.feature", "docs/features/sign-up.feature")
    rule = rules(check(cli, project, "--pr-body", body_file(tmp_path, text), "-f", "json"))
    link = rule["pr.spec-link"]
    assert link["verdict"] == "fail"
    assert link["findings"][0]["line"] == 2
    assert "docs/features/sign-up.feature" in link["findings"][0]["message"]
    assert "docs/features/sign-up.feature" in link["message"]


def test_a_spec_file_added_only_in_the_working_tree_does_not_count(project, cli, tmp_path) -> None:
    repo, _ = project
    repo.write("docs/features/sign-up.feature", "Feature: Sign up\n")
    text = FILLED.replace("docs/features/sign-in.feature", "docs/features/sign-up.feature")
    rule = rules(check(cli, project, "--pr-body", body_file(tmp_path, text), "-f", "json"))
    assert rule["pr.spec-link"]["verdict"] == "fail"


def test_the_body_can_come_from_stdin(project, cli, monkeypatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(TEMPLATE.encode() + b"\n\xff\xfe invalid bytes\n")))
    rule = rules(check(cli, project, "--pr-body", "-", "-f", "json"))["pr.description"]
    assert rule["verdict"] == "fail"
    assert {f["file"] for f in rule["findings"]} == {"PR body"}


def test_the_body_and_title_come_from_the_event_payload(project, cli, tmp_path) -> None:
    found = rules(check(cli, project, "--event", event_file(tmp_path, FILLED), "-f", "json"))
    assert found["pr.description"]["verdict"] == "pass"
    assert found["pr.title"]["verdict"] == "pass"
    assert found["pr.description"]["evidence"][0]["path"] == str(tmp_path / "event.json")


def test_github_event_path_is_read_when_no_event_is_given(project, cli, tmp_path,
                                                          monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event_file(tmp_path, TEMPLATE, title="WIP stuff")))
    found = rules(check(cli, project, "-f", "json"))
    assert found["pr.description"]["verdict"] == "fail"
    assert found["pr.title"]["verdict"] == "fail"
    assert "does not match" in found["pr.title"]["message"]


def test_a_null_body_is_empty(project, cli, tmp_path) -> None:
    found = rules(check(cli, project, "--event", event_file(tmp_path, None), "-f", "json"))
    description = found["pr.description"]
    assert description["verdict"] == "fail"
    assert [f["message"] for f in description["findings"]] == [
        f"no section '{t}': add a heading '## {t}'" for t in SECTIONS]
    assert found["pr.checklist"]["verdict"] == "fail"
    assert found["pr.spec-link"]["verdict"] == "fail"


def test_without_any_body_the_rules_are_errors_with_a_hint(project, cli) -> None:
    run = check(cli, project, "-f", "json")
    found = rules(run)
    assert run.code == 1
    for rule_id in ("pr.description", "pr.checklist", "pr.spec-link", "pr.title"):
        assert found[rule_id]["verdict"] == "error"
    assert "pass --pr-body FILE or --event FILE" in found["pr.description"]["message"]
    assert found["release.smoke"]["verdict"] == "pending"


def test_a_title_from_the_event_is_checked_against_forbid(project, cli, tmp_path) -> None:
    event = event_file(tmp_path, FILLED, title="feat: WIP sign in")
    rule = rules(check(cli, project, "--event", event, "-f", "json"))["pr.title"]
    assert rule["verdict"] == "fail"
    assert rule["message"] == "PR title 'feat: WIP sign in' matches the forbidden /WIP/"


def test_a_ticked_item_attests_with_the_pr_author_and_time(project, cli, tmp_path) -> None:
    body = FILLED + "\n## Release\n- [x] Smoke tests done on staging\n"
    run = check(cli, project, "--event", event_file(tmp_path, body), "-f", "json")
    smoke = rules(run)["release.smoke"]
    assert smoke["verdict"] == "pass"
    assert {k: smoke["attestation"][k] for k in ("by", "at", "note", "source", "proof")} == {
        "by": "ada", "at": "2026-01-03T10:00:00Z", "note": "Smoke tests done on staging",
        "source": "PR body:25", "proof": "author-tick"}
