"""pr.sections, pr.checklist, pr.links and pr.title: their parameters, on real
Evidence over a real repository, with the body passed as text."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from clearance.checks import pr_checklist, pr_links, pr_sections, pr_title
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec


@pytest.fixture
def root(repo) -> Path:
    repo.write("docs/features/sign-in.feature", "Feature: Sign in\n")
    repo.write("docs/guide.md", "guide\n")
    repo.write("docs/pr-template.md", "## Summary\n_What and why._\n\n## Risk\n")
    repo.commit("initial")
    return repo.path


def evidence(root: Path, body: str, **spec) -> Evidence:
    return Evidence(RunSpec(root=root, stage="pr", base="HEAD", pr_body_text=body, **spec))


# -- pr.sections ---------------------------------------------------------------

def sections(root: Path, body: str, **params):
    return pr_sections.run({"required": ["Summary", "Risk"], **params}, evidence(root, body))


def test_placeholders_given_per_section_and_for_any_section(root) -> None:
    body = "## Summary\nTODO: describe\n\n## Risk\n  n/a \n"
    per_section = sections(root, body, placeholders={"summary": "TODO:  describe"})
    assert [(s["title"], s["state"]) for s in per_section.data["sections"]] == [
        ("Summary", "placeholder"), ("Risk", "filled")]
    any_section = sections(root, body, placeholders=["N/A"])
    assert [s["state"] for s in any_section.data["sections"]] == ["filled", "placeholder"]


def test_an_explicit_template_gives_the_placeholders(root) -> None:
    body = "# Summary\n*What and why.*\n\n# Risk\nLow.\n"
    outcome = sections(root, body, template="docs/pr-template.md")
    assert outcome.verdict == "fail"
    assert [f.message for f in outcome.findings] == [
        "section 'Summary' still holds the template's placeholder text"]
    assert sections(root, body, template=False).verdict == "pass"


def test_a_missing_explicit_template_is_an_error(root) -> None:
    with pytest.raises(EvidenceError, match="PR template not found"):
        sections(root, "## Summary\nx\n## Risk\ny\n", template="docs/nope.md")


def test_a_comment_only_section_is_empty_and_min_chars_counts_text(root) -> None:
    body = "## Summary\n<!-- fill me -->\n\n## Risk\nLow\n"
    outcome = sections(root, body, min_chars=5)
    assert [(f.line, f.message) for f in outcome.findings] == [
        (1, "section 'Summary' is empty"), (4, "section 'Risk' is shorter than 5 characters")]
    assert outcome.message == "2 of 2 required sections not filled: Summary (empty), Risk (short)"


def test_a_second_heading_of_the_same_title_can_fill_it(root) -> None:
    body = "## Summary\n\n## Summary\nDone properly.\n\n## Risk\nLow risk.\n"
    outcome = sections(root, body)
    assert outcome.verdict == "pass"
    assert outcome.data["sections"][0] == {"title": "Summary", "state": "filled", "line": 3}


def test_subsections_fill_their_parent(root) -> None:
    body = "## Summary\n### Backend\nNew endpoint.\n## Risk\nLow.\n"
    assert sections(root, body).verdict == "pass"


# -- pr.checklist --------------------------------------------------------------

CHECKLIST = """\
- [x] Loose item

## Testing
- [x] Unit tests
- [ ] Integration tests
### Manual
- [x] Smoke tested

## Release
- [ ] ~~Migration guide~~
- [x] Changelog
"""


def checklist(root: Path, body: str = CHECKLIST, **params):
    return pr_checklist.run(params, evidence(root, body))


def test_named_items_ticked_struck_or_missing(root) -> None:
    outcome = checklist(root, items=["Unit tests", "migration guide", "Deploy notes"])
    assert outcome.verdict == "fail"
    assert [(f.line, f.message) for f in outcome.findings] == [(None, "no task item 'Deploy notes'")]
    assert outcome.message == ("0 of 2 required items not ticked: no task item 'Deploy notes'; "
                               "not applicable: Migration guide")
    required = [i["text"] for i in outcome.data["checklist"] if i["required"]]
    assert required == ["Unit tests", "Migration guide"]


def test_everything_under_a_heading_includes_its_subsections(root) -> None:
    outcome = checklist(root, under="testing")
    assert outcome.verdict == "fail"
    assert [(f.line, f.message) for f in outcome.findings] == [(5, "not ticked: Integration tests")]
    assert outcome.message.startswith("1 of 3 required items not ticked")
    assert checklist(root, under=["Release"]).verdict == "pass"


def test_a_heading_that_is_missing_or_holds_no_item_fails(root) -> None:
    body = "## Testing\nNo boxes here.\n"
    assert [f.message for f in checklist(root, body, under=["Testing", "Release"]).findings] == [
        "no task items under 'Testing'", "no section 'Release'"]


def test_all_items_and_a_body_without_items(root) -> None:
    outcome = checklist(root, all=True)
    assert [f.line for f in outcome.findings] == [5]
    assert [i["state"] for i in outcome.data["checklist"]] == [
        "checked", "checked", "unchecked", "checked", "not-applicable", "checked"]
    empty = checklist(root, "Just text.\n", all=True)
    assert empty.verdict == "fail"
    assert empty.message == "no required item found: the PR body has no task items"


def test_a_named_item_ticked_once_of_twice_counts(root) -> None:
    body = "- [ ] Docs updated\n- [x] Docs updated\n"
    assert checklist(root, body, items=["Docs updated"]).verdict == "pass"


# -- pr.links ------------------------------------------------------------------

def links(root: Path, body: str, repository: str | None = None, **params):
    return pr_links.run(params, evidence(root, body, github_repository=repository))


@pytest.mark.parametrize("href", [
    "docs/features/sign-in.feature", "./docs/features/sign-in.feature",
    "/docs/features/sign-in.feature", "docs/features/sign-in.feature#L3",
    "docs/features/../features/sign-in.feature", "docs/features/sign%2Din.feature",
    "https://github.com/acme/shop/blob/main/docs/features/sign-in.feature",
    "https://github.com/Acme/Shop/blob/feature/a/b/docs/features/sign-in.feature?plain=1",
])
def test_links_that_resolve_to_the_spec(root, href) -> None:
    outcome = links(root, f"[spec]({href})\n", "acme/shop", to="docs/**/*.feature")
    assert outcome.verdict == "pass", outcome.message
    assert outcome.message == "links to docs/features/sign-in.feature"


@pytest.mark.parametrize("href", [
    "../shop/docs/features/sign-in.feature",
    "https://github.com/other/repo/blob/main/docs/features/sign-in.feature",
    "https://example.com/docs/features/sign-in.feature",
    "docs/guide.md", "#testing", "mailto:a@example.com",
])
def test_links_that_do_not_count(root, href) -> None:
    outcome = links(root, f"[x]({href})\n", "acme/shop", to="docs/**/*.feature")
    assert outcome.verdict == "fail"
    assert outcome.message == "0 links to docs/**/*.feature in the PR body, fewer than 1"
    assert outcome.figure == "0 < 1"


def test_a_missing_spec_fails_even_beside_an_existing_one(root) -> None:
    body = "See [a](docs/features/sign-in.feature)\nand [b](docs/features/gone.feature).\n"
    outcome = links(root, body, to="docs/**/*.feature")
    assert outcome.verdict == "fail"
    assert [(f.line, f.message) for f in outcome.findings] == [
        (2, "link to 'docs/features/gone.feature': no such file in the repository")]
    assert [(d["path"], d["kind"]) for d in outcome.data["links"]] == [
        ("docs/features/sign-in.feature", "file"), ("docs/features/gone.feature", "missing")]


def test_min_and_section_and_any_file(root) -> None:
    body = "## Spec\n[g](docs/guide.md)\n## Other\n[s](docs/features/sign-in.feature)\n"
    assert links(root, body, section="Spec").message == "links to docs/guide.md"
    assert links(root, body, section="Spec", to="*.feature").verdict == "fail"
    assert links(root, body, min=3).message == "2 links to a repository file in the PR body, fewer than 3"
    assert links(root, "nothing\n", min=0).verdict == "pass"
    assert links(root, body, section="Nope").message == "no section 'Nope' in the PR body"


# -- pr.title and the schemas --------------------------------------------------

def title(root: Path, tmp_path: Path, text: str, **params):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"title": text, "body": ""}}), encoding="utf-8")
    spec = RunSpec(root=root, stage="pr", base="HEAD", event_file=event)
    return pr_title.run(params, Evidence(spec))


def test_title_pattern_forbid_and_ignore_case(root, tmp_path) -> None:
    assert title(root, tmp_path, "feat: x", pattern="^feat").verdict == "pass"
    assert title(root, tmp_path, "Feat: x", pattern="^feat").verdict == "fail"
    assert title(root, tmp_path, "Feat: x", pattern="^feat", ignore_case=True).verdict == "pass"
    assert title(root, tmp_path, "[wip] x", forbid=r"\[WIP\]", ignore_case=True).verdict == "fail"


def test_title_regexes_are_checked_before_the_run() -> None:
    assert [p[0] for p in pr_title.problems({"pattern": "(", "forbid": "["})] == [
        ("pattern",), ("forbid",)]


@pytest.mark.parametrize(("module", "params", "valid"), [
    (pr_sections, {"required": ["Summary"], "template": False}, True),
    (pr_sections, {"required": []}, False),
    (pr_checklist, {"all": True}, True),
    (pr_checklist, {"all": False}, False),
    (pr_checklist, {"under": "Testing", "items": ["a"]}, True),
    (pr_links, {"to": "docs/**/*.feature", "min": 2}, True),
    (pr_links, {"min": -1}, False),
    (pr_title, {"forbid": "WIP"}, True),
    (pr_title, {}, False),
])
def test_parameter_schemas(module, params, valid) -> None:
    errors = list(jsonschema.Draft202012Validator(module.SCHEMA).iter_errors(params))
    assert (not errors) == valid, errors


def test_without_a_named_repository_the_origin_remote_names_it(root) -> None:
    import subprocess

    subprocess.run(["git", "remote", "add", "origin", "git@github.com:acme/shop.git"], cwd=root, check=True)
    other = "https://github.com/other/repo/blob/main/docs/features/sign-in.feature"
    assert links(root, f"[x]({other})\n", to="docs/**/*.feature").verdict == "fail"
    own = "https://github.com/acme/shop/blob/main/docs/features/sign-in.feature"
    assert links(root, f"[x]({own})\n", to="docs/**/*.feature").verdict == "pass"
