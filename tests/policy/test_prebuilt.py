"""The built-in packs' validated form (policy/prebuilt.py): shipped up to date with the
pack sources, ignored once a pack file changes, and giving the policy a fresh load gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clearance.errors import PolicyError
from clearance.policy import prebuilt
from clearance.policy.loader import (
    Document,
    document_from_text,
    load_with_documents,
    pack_document,
    yaml_document,
)
from clearance.policy.packs import builtin_names, builtin_path

PACKS = builtin_names()


def _fresh(name: str) -> Document:
    return yaml_document(Path(builtin_path(name)), f"builtin:{name}/policy.yaml")


@pytest.mark.parametrize("name", PACKS)
def test_the_shipped_form_is_what_the_pack_source_gives(name: str) -> None:
    shipped = Path(prebuilt.prebuilt_path(builtin_path(name)))
    assert shipped.read_text("utf-8") == prebuilt.render(prebuilt.build(name)), (
        f"{shipped.name} of builtin:{name} is stale: run `python -m clearance.policy.prebuilt` and commit it")


@pytest.mark.parametrize("name", PACKS)
def test_a_pack_loads_from_its_validated_form_into_the_policy_a_fresh_load_gives(name: str) -> None:
    from_form, documents = load_with_documents([f"builtin:{name}"])
    fresh, fresh_documents = load_with_documents([_fresh(name)])
    assert documents[-1].valid_checks  # read from the shipped form, not the YAML
    assert fresh_documents[-1].valid_checks is None
    assert from_form == fresh
    assert [(d.name, d.data, d.positions, d.sha256, d.source) for d in documents] == \
        [(d.name, d.data, d.positions, d.sha256, d.source) for d in fresh_documents]


def test_a_changed_pack_file_is_read_from_its_yaml(tmp_path: Path) -> None:
    source = Path(builtin_path("spec-driven"))
    copy = tmp_path / "policy.yaml"
    shutil.copy(source, copy)
    shutil.copy(prebuilt.prebuilt_path(source), prebuilt.prebuilt_path(copy))
    assert pack_document(copy, "pack").valid_checks is not None

    copy.write_bytes(source.read_bytes().replace(b"unit_coverage: 90", b"unit_coverage: 95", 1))
    assert prebuilt.read_prebuilt(copy, copy.read_bytes()) is None
    doc = pack_document(copy, "pack")
    assert doc.valid_checks is None
    assert doc.data["params"]["unit_coverage"] == 95


def test_a_form_of_another_format_or_unreadable_is_ignored(tmp_path: Path) -> None:
    source = Path(builtin_path("spec-driven"))
    copy = tmp_path / "policy.yaml"
    shutil.copy(source, copy)
    form = Path(prebuilt.prebuilt_path(copy))
    form.write_text(Path(prebuilt.prebuilt_path(source)).read_text("utf-8")
                    .replace(f'"format":{prebuilt.FORMAT},', '"format":0,', 1), "utf-8")
    assert prebuilt.read_prebuilt(copy, copy.read_bytes()) is None
    form.write_text("{not json", "utf-8")
    assert pack_document(copy, "pack").valid_checks is None


def test_a_team_override_of_a_validated_pack_is_still_checked_at_its_place() -> None:
    """The pack's checks are known valid only with the parameters they were validated with."""
    doc = document_from_text("extends: [builtin:spec-driven]\nparams: {unit_coverage: ninety}\n", "team.yaml")
    with pytest.raises(PolicyError) as caught:
        load_with_documents([doc])
    assert "testing.unit-coverage" in str(caught.value) and "ninety" in str(caught.value)

    doc = document_from_text("extends: [builtin:spec-driven]\nrules:\n"
                             "  - id: testing.unit-coverage\n    check: {coverage.min: {metric: lines}}\n",
                             "team.yaml")
    with pytest.raises(PolicyError) as caught:
        load_with_documents([doc])
    assert str(caught.value).splitlines() == [  # where it is written, and the rule as merged
        'team.yaml:4:36: rules[0].check.coverage.min.metric: "lines" is not one of: line, branch, combined',
        'team.yaml:3:5: rules.testing.unit-coverage.check.coverage.min.metric: "lines" is not one of: '
        'line, branch, combined']
