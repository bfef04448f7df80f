"""Verdicts of the PR body rules that must be right on real repositories (issue #15):
template items deleted from the body, links through symbolic links, decorated
headings, template boxes in filled sections, struck-through items, and the PR
template GitHub uses. Each runs `clearance check --stage pr` on a real git
repository with the body from a file, the real markdown-it-py parser behind it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clearance.evidence.prmarkdown import parse_markdown, same_title, title_words

POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: team, version: 1.0.0}
rules:
  - id: sections
    stages: [pr]
    check: {pr.sections: {required: [Summary of changes, Testing approach]}}
  - id: checklist
    stages: [pr]
    check: {pr.checklist: {under: PR Checklist}}
  - id: spec-link
    stages: [pr]
    check: {pr.links: {to: "docs/**/*.feature"}}
  - id: frontend
    stages: [pr]
    check: {attestation: {item: All frontend requirements met}}
"""
TEMPLATE = """\
## Summary of changes
<!-- what changed and why -->

## Testing approach
Describe how you tested.
- [ ] Unit tests added

## PR Checklist
- [ ] All tests passing
- [ ] Documentation updated
- [ ] Changelog entry
"""
FILLED = """\
## Summary of changes
Adds the sign-in form and the session endpoint.

## Testing approach
Unit tests for the session service; a manual run on staging.

## PR Checklist
- [x] All tests passing
- [x] Documentation updated
- [x] Changelog entry
"""


def make_project(repo: Any, template_path: str = ".github/pull_request_template.md",
                 template: str = TEMPLATE) -> tuple[Any, str]:
    repo.write("clearance.yaml", POLICY)
    repo.write(template_path, template)
    repo.write("docs/features/sign-in.feature", "Feature: Sign in\n")
    base = repo.commit("chore: initial")
    repo.git("checkout", "-q", "-b", "feature/sign-in")
    repo.write("src/signin.py", "print('sign in')\n")
    repo.commit("feat: sign in")
    return repo, base


@pytest.fixture
def project(repo: Any) -> tuple[Any, str]:
    return make_project(repo)


def run_rules(cli: Any, project: tuple[Any, str], tmp_path: Path, body: str) -> dict[str, Any]:
    repo, base = project
    path = tmp_path / "body.md"
    path.write_text(body, encoding="utf-8")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "--pr-body", path,
              "-f", "json")
    return {r["id"]: r for r in json.loads(run.out)["rules"]}


def messages(rule: dict[str, Any]) -> list[str]:
    return [f["message"] for f in rule["findings"]]


# -- 1. template items deleted from the body ----------------------------------------

def test_template_items_deleted_from_the_body_count_as_unticked(project, cli, tmp_path) -> None:
    body = FILLED.replace("- [x] Documentation updated\n- [x] Changelog entry\n", "")
    rule = run_rules(cli, project, tmp_path, body)["checklist"]
    assert rule["verdict"] == "fail"
    template = ".github/pull_request_template.md"
    assert messages(rule) == [
        f"not in the PR body: Documentation updated (an item of the PR template {template}; "
        "tick it, or strike it through)",
        f"not in the PR body: Changelog entry (an item of the PR template {template}; "
        "tick it, or strike it through)"]
    assert rule["message"].startswith("2 of 3 required items not ticked")
    deleted = [(i["text"], i["state"], i["line"]) for i in rule["data"]["checklist"] if i["line"] is None]
    assert deleted == [("Documentation updated", "unchecked", None), ("Changelog entry", "unchecked", None)]


def test_the_template_that_judges_is_the_base_revision_s(project, cli, tmp_path) -> None:
    repo, _ = project
    trimmed = TEMPLATE.replace("- [ ] Documentation updated\n- [ ] Changelog entry\n", "")
    repo.write(".github/pull_request_template.md", trimmed)
    repo.commit("chore: fewer boxes to tick")  # the change under review edits the template
    body = FILLED.replace("- [x] Documentation updated\n- [x] Changelog entry\n", "")
    rule = run_rules(cli, project, tmp_path, body)["checklist"]
    assert rule["verdict"] == "fail"
    assert [m.split(" (")[0] for m in messages(rule)] == [
        "not in the PR body: Documentation updated", "not in the PR body: Changelog entry"]


def test_template_items_kept_ticked_or_struck_through_pass(project, cli, tmp_path) -> None:
    body = FILLED.replace("- [x] Documentation updated", "- [ ] ~~Documentation updated~~ no docs")
    body = body.replace("- [x] Changelog entry", "~~- [ ] Changelog entry~~ internal change")
    rule = run_rules(cli, project, tmp_path, body)["checklist"]
    assert rule["verdict"] == "pass"
    assert rule["message"] == ("1 of 3 required items ticked; not applicable: Documentation "
                               "updated no docs, Changelog entry internal change")


# -- 2. links through tracked symbolic links ------------------------------------------

def test_a_link_to_a_symlink_out_of_the_repository_does_not_count(repo, cli, tmp_path) -> None:
    outside = tmp_path / "elsewhere.feature"
    outside.write_text("Feature: Not in this repository\n", encoding="utf-8")
    (repo.path / "docs/features").mkdir(parents=True)
    (repo.path / "docs/features/escape.feature").symlink_to(outside)
    (repo.path / "docs/features/up.feature").symlink_to("../../../elsewhere.feature")
    project = make_project(repo)
    assert "120000" in repo.git("ls-files", "-s", "docs/features/escape.feature")
    body = FILLED + "\nSpec: [escape](docs/features/escape.feature), [up](docs/features/up.feature)\n"
    rule = run_rules(cli, project, tmp_path, body)["spec-link"]
    assert rule["verdict"] == "fail"
    assert rule["message"] == (
        "0 links to docs/**/*.feature in the PR body, fewer than 1; not counted: "
        "docs/features/escape.feature, docs/features/up.feature (a symbolic link out of the "
        "repository or to no file)")


def test_a_link_to_a_symlink_inside_the_repository_counts(repo, cli, tmp_path) -> None:
    (repo.path / "docs/features").mkdir(parents=True)
    (repo.path / "docs/features/alias.feature").symlink_to("sign-in.feature")
    project = make_project(repo)
    body = FILLED + "\nSpec: [alias](docs/features/alias.feature)\n"
    rule = run_rules(cli, project, tmp_path, body)["spec-link"]
    assert (rule["verdict"], rule["message"]) == ("pass", "links to docs/features/alias.feature")


# -- 3. headings with emoji and decorations --------------------------------------------

DECORATED = """\
## 📝 Summary of changes:
Adds the sign-in form and the session endpoint.

#### 🧪 Testing approach
Unit tests for the session service; a manual run on staging.

### PR Checklist ✅
- [x] All tests passing
- [x] Documentation updated
- [x] Changelog entry
"""


def test_headings_with_emoji_or_decorations_are_found(project, cli, tmp_path) -> None:
    found = run_rules(cli, project, tmp_path, DECORATED)
    assert (found["sections"]["verdict"], found["sections"]["message"]) == (
        "pass", "all 2 required sections filled")
    assert (found["checklist"]["verdict"], found["checklist"]["message"]) == (
        "pass", "3 of 3 required items ticked")


@pytest.mark.parametrize(("heading", "wanted", "same"), [
    ("🧪 Testing approach", "Testing approach", True),
    ("PR Checklist ✅", "pr checklist", True),
    ("✅️ PR Checklist", "PR Checklist", True),  # with the emoji presentation selector
    ("1\ufe0f\u20e3 Summary", "Summary", True),  # a keycap digit is an emoji, not a word
    ("\u2139\ufe0f Notes", "Notes", True),  # INFORMATION SOURCE is a letter, but emoji here
    ("— Summary — ", "Summary:", True),
    ("**Breaking** changes ⚠️", "Breaking changes", True),
    ("👩\u200d💻 Developer notes", "Developer notes", True),  # a ZWJ sequence
    ("Pre-Deployment Validation", "Pre Deployment Validation", True),
    ("Testing", "Testing approach", False),
    ("Testing approaches", "Testing approach", False),
    ("Summary 2", "Summary", False),  # digits are words
    ("✅", "✅", True),  # a title of no word at all must be the same symbols
    ("❌", "✅", False),
])
def test_heading_matching_ignores_emoji_symbols_and_punctuation(heading, wanted, same) -> None:
    doc = parse_markdown(f"## {heading}\ntext\n")
    assert bool(doc.find(wanted)) is same
    assert same_title(doc.sections[0].title, wanted) is same


def test_title_words_are_runs_of_letters_digits_and_marks() -> None:
    assert title_words("🚀 Step 1: Pre-Deployment   Validation ✨") == (
        "step", "1", "pre", "deployment", "validation")
    assert title_words("Résumé ✅ Überblick") == ("résumé", "überblick")


# -- 4. template boxes left unticked in a filled section -------------------------------

def test_an_unticked_template_box_in_a_filled_section_leaves_it_filled(project, cli, tmp_path) -> None:
    body = FILLED.replace("a manual run on staging.\n",
                          "a manual run on staging.\nDescribe how you tested.\n- [ ] Unit tests added\n")
    rule = run_rules(cli, project, tmp_path, body)["sections"]
    assert (rule["verdict"], rule["message"]) == ("pass", "all 2 required sections filled")


def test_a_section_holding_only_part_of_the_template_is_a_placeholder(project, cli, tmp_path) -> None:
    body = FILLED.replace("Unit tests for the session service; a manual run on staging.\n",
                          "- [ ] Unit tests added\n")
    rule = run_rules(cli, project, tmp_path, body)["sections"]
    assert rule["verdict"] == "fail"
    assert messages(rule) == ["section 'Testing approach' still holds the template's placeholder text"]


# -- 5. struck-through items -----------------------------------------------------------

@pytest.mark.parametrize("line", [
    "~~- [ ] All frontend requirements met~~ no frontend",
    "- [ ] ~~All frontend requirements met~~ no frontend",
    "- ~~[ ] All frontend requirements met~~ no frontend",
])
def test_a_struck_through_item_is_not_applicable_in_every_form(line) -> None:
    items = parse_markdown(f"## Feature Checklist\n{line}\n").items
    assert [(i.text, i.state, i.line, i.section) for i in items] == [
        ("All frontend requirements met no frontend", "not-applicable", 2, "Feature Checklist")]


def test_struck_words_or_lines_that_are_no_item_are_not_items() -> None:
    body = "~~- [] no box~~\n\n~~-~~ [ ] marker alone struck\n\n~~[ ] no list marker~~\n\nUpdate ~~- [ ] x~~\n"
    assert parse_markdown(body).items == ()


def test_a_struck_item_does_not_sign_off_a_gate_and_the_fix_says_how(project, cli, tmp_path) -> None:
    body = FILLED + "\n~~- [ ] All frontend requirements met~~ no frontend\n"
    rule = run_rules(cli, project, tmp_path, body)["frontend"]
    assert rule["verdict"] == "pending"
    assert "item 'All frontend requirements met' is struck through (not applicable)" in rule["message"]


def test_the_pack_fix_text_agrees_with_what_striking_through_does() -> None:
    from importlib import resources

    import yaml

    for pack in ("spec-driven", "spec-driven-fullstack"):
        text = resources.files("clearance").joinpath("policies", pack, "policy.yaml").read_text("utf-8")
        for rule in yaml.safe_load(text)["rules"]:
            if "attestation" in rule["check"]:
                fix = rule.get("fix", "").lower()
                assert "strike it through" not in fix, rule["id"]


# -- 6. the PR template GitHub uses ---------------------------------------------------

@pytest.mark.parametrize("where", [
    ".github/PULL_REQUEST_TEMPLATE.md", "PULL_REQUEST_TEMPLATE.md", "docs/pull_request_template.md",
    ".github/pull_request_template.txt", ".github/pull_request_template",
])
def test_every_place_github_reads_the_template_from_judges_the_body(repo, cli, tmp_path,
                                                                     where) -> None:
    project = make_project(repo, where)
    body = FILLED.replace("- [x] Changelog entry\n", "").replace(
        "Unit tests for the session service; a manual run on staging.\n", "Describe how you tested.\n")
    found = run_rules(cli, project, tmp_path, body)
    assert messages(found["checklist"])[0].startswith("not in the PR body: Changelog entry (an item "
                                                      f"of the PR template {where};")
    assert found["sections"]["verdict"] == "fail"


def test_the_template_github_prefers_is_the_one_read(repo, cli, tmp_path) -> None:
    other = TEMPLATE.replace("- [ ] Changelog entry\n", "- [ ] Release notes\n")
    repo.write("docs/pull_request_template.md", other)  # GitHub prefers .github/, then the root
    repo.write("pull_request_template.md", other)
    repo.write(".github/PULL_REQUEST_TEMPLATE/bug.md", other)  # used only with ?template=bug.md
    project = make_project(repo)
    body = FILLED.replace("- [x] Changelog entry\n", "")
    rule = run_rules(cli, project, tmp_path, body)["checklist"]
    assert [m.split(" (")[0] for m in messages(rule)] == ["not in the PR body: Changelog entry"]


@pytest.mark.parametrize("existing", [
    ".github/PULL_REQUEST_TEMPLATE.md", "docs/pull_request_template.md", "PULL_REQUEST_TEMPLATE.md",
    ".github/pull_request_template.txt",
])
def test_init_keeps_the_template_github_already_reads_and_writes_none_beside_it(repo, cli,
                                                                                existing) -> None:
    repo.write(existing, "## Mine\n")
    run = cli("init", "--repo", repo.path)
    assert run.code == 0, run.err
    assert f"kept {existing}: GitHub reads the PR template from there; wrote none at " \
           f".github/pull_request_template.md (--force overwrites {existing})" in run.out.splitlines()
    templates = sorted(p.relative_to(repo.path).as_posix() for p in repo.path.rglob("*")
                       if p.name.casefold().startswith("pull_request_template"))
    assert templates == [existing]
    assert (repo.path / existing).read_text("utf-8") == "## Mine\n"

    forced = cli("init", "--repo", repo.path, "--force")
    assert f"wrote {existing}" in forced.out.splitlines()
    assert (repo.path / existing).read_text("utf-8") == cli("template", "pr", "--repo", repo.path).out
    assert sorted(p.relative_to(repo.path).as_posix() for p in repo.path.rglob("*")
                  if p.name.casefold().startswith("pull_request_template")) == [existing]


def test_init_beside_a_folder_of_templates_writes_a_default_only_when_forced(repo, cli) -> None:
    repo.write(".github/PULL_REQUEST_TEMPLATE/feature.md", "## Feature\n")
    repo.write(".github/PULL_REQUEST_TEMPLATE/bug.md", "## Bug\n")
    run = cli("init", "--repo", repo.path)
    assert ("kept .github/PULL_REQUEST_TEMPLATE/bug.md, .github/PULL_REQUEST_TEMPLATE/feature.md: "
            "GitHub fills a new PR with one of these only when its link names it (?template=); "
            "wrote no default template (--force writes .github/pull_request_template.md)"
            ) in run.out.splitlines()
    assert not (repo.path / ".github/pull_request_template.md").exists()
    forced = cli("init", "--repo", repo.path, "--force")
    assert "wrote .github/pull_request_template.md" in forced.out.splitlines()
    assert (repo.path / ".github/PULL_REQUEST_TEMPLATE/bug.md").read_text("utf-8") == "## Bug\n"
