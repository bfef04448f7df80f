"""Every checkbox and requirement of the deployment workflow has a rule in builtin:spec-driven,
and every item of checklists.md one in builtin:spec-driven-fullstack."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from clearance import PACKAGE_DIR
from clearance.checklist.coverage import PackSource, dangling, read_source, uncited
from clearance.checklist.source import read_items
from clearance.policy.loader import load_policy
from clearance.policy.model import Policy

PACKS = Path(PACKAGE_DIR) / "policies"
SEED = PACKS / "spec-driven" / "deployment-workflow.md"


@cache
def pack(name: str) -> Policy:
    return load_policy([f"builtin:{name}"])


def source(name: str, text: str | None = None) -> PackSource:
    return read_source(PACKS / name, text)


def missing(name: str, text: str | None = None) -> list[str]:
    return [item.cite for item in uncited(source(name, text), pack(name).rules)]


@pytest.mark.parametrize("name", ["spec-driven", "spec-driven-fullstack"])
def test_every_item_of_the_source_document_has_a_rule(name: str) -> None:
    assert missing(name) == [], f"items of builtin:{name}'s source document without a rule"


def test_the_seed_has_the_checkboxes_and_requirements_the_workflow_lists() -> None:
    found = source("spec-driven")
    assert sum(1 for i in found.items if i.checkbox) == 55
    assert len(found.gates) == 99  # 55 checkboxes and 44 requirements (PR description, merge, gates, rollback criteria...)
    cites = {i.cite for i in found.gates}
    assert "Step 4: Merge to Main › Merge Requirements › No merge conflicts" in cites
    assert "Step 2: Pull Request Creation › PR Description › Breaking changes (if any)" in cites
    assert "CI/CD Pipeline › Manual Gates › Production Approval: Stakeholder approval" in cites
    assert "Step 1: Pre-Deployment Validation › Testing › All unit tests passing (90%+ coverage)" in cites


@pytest.mark.parametrize("name", ["spec-driven", "spec-driven-fullstack"])
def test_every_rule_cites_an_item_of_a_document(name: str) -> None:
    documents = [source("spec-driven"), source("spec-driven-fullstack")]
    assert [(r.id, r.checklist) for r in dangling(documents, pack(name).rules)] == []


def test_a_checkbox_added_to_the_seed_without_a_rule_is_reported() -> None:
    text = SEED.read_text("utf-8").replace(
        "   - [ ] All branches tested\n",
        "   - [ ] All branches tested\n   - [ ] Mutation score above 60%\n")
    assert missing("spec-driven", text) == [
        "Step 1: Pre-Deployment Validation › Testing › Mutation score above 60%"]


def test_a_checkbox_in_a_new_section_is_reported_even_where_lists_only_describe() -> None:
    text = SEED.read_text("utf-8").replace(
        "## Related Documentation\n",
        "## Related Documentation\n\n- [ ] Runbook reviewed\n")
    assert missing("spec-driven", text) == ["Related Documentation › Runbook reviewed"]


def test_a_requirement_added_to_a_gating_list_is_reported_but_not_to_a_descriptive_one() -> None:
    text = SEED.read_text("utf-8")
    gating = text.replace("- ✅ Feature checklist complete\n",
                          "- ✅ Feature checklist complete\n- ✅ Release notes written\n")
    assert missing("spec-driven", gating) == [
        "Step 4: Merge to Main › Merge Requirements › Release notes written"]
    descriptive = text.replace("- **Validation**: Developer testing\n",
                               "- **Validation**: Developer testing\n- **Owner**: Developers\n")
    assert missing("spec-driven", descriptive) == []
    criterion = text.replace("- User-reported issues\n", "- User-reported issues\n- Pager alerts\n")
    assert missing("spec-driven", criterion) == [  # the rollback criteria are rules of the verify stage
        "Step 6: Production Deployment › Rollback Criteria › Pager alerts"]


def test_the_pack_keeps_its_own_copy_of_the_document() -> None:
    assert SEED.is_file() and (PACKS / "spec-driven-fullstack" / "checklists.md").is_file()
    assert source("spec-driven").document == "deployment-workflow.md"


# -- how a document is read -----------------------------------------------------------

DOC = """\
---
title: x
related:
  - other.md
---

# Title

## Step 1: Build

**Before**:

1. **Testing**:
   - [ ] Unit tests pass
   - [x] Done already

**Merge Requirements**:
- ✅ Approved
- Link to [the spec](spec.md)

## Checklist

### Staging
- [ ] Services *healthy*

## Notes
- `code` and text
"""


def test_items_carry_their_section_and_subsection() -> None:
    items = read_items(DOC)
    assert [(i.cite, i.checkbox) for i in items] == [
        ("Step 1: Build › Testing › Unit tests pass", True),
        ("Step 1: Build › Testing › Done already", True),
        ("Step 1: Build › Merge Requirements › Approved", False),
        ("Step 1: Build › Merge Requirements › Link to the spec", False),
        ("Checklist › Staging › Services healthy", True),
        ("Notes › code and text", False),
    ]
    assert items[0].line == 14  # front matter lines still count


def test_front_matter_lists_are_not_items_and_lines_are_kept() -> None:
    items = read_items(DOC)
    assert all("other.md" not in i.text for i in items)
    assert read_items("- [ ] a\n")[0].cite == "a"


def test_items_in_code_blocks_and_comments_are_not_items() -> None:
    text = "## A\n\n```\n- [ ] not an item\n```\n\n<!--\n- [ ] nor this\n-->\n\n- [ ] this\n"
    assert [i.cite for i in read_items(text)] == ["A › this"]


def test_items_under_a_prefix() -> None:
    item = read_items(DOC)[0]
    assert item.under("Step 1: Build › Testing") and item.under("Step 1: Build")
    assert not item.under("Step 1: Build › Merge Requirements")


def test_the_source_file_must_name_a_document(tmp_path: Path) -> None:
    from clearance.errors import PolicyError

    (tmp_path / "checklist.yaml").write_text("descriptive: []\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="document"):
        read_source(tmp_path)
