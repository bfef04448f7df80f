"""The published schemas in docs/ are the ones the package ships."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

DOCS = Path(__file__).parent.parent / "docs" / "schemas"


@pytest.mark.parametrize("name", ["policy-v1.json", "results-v1.json", "release-v1.json"])
def test_published_schema_matches_the_packaged_one(name: str) -> None:
    packaged = resources.files("clearance").joinpath("schemas").joinpath(name).read_text("utf-8")
    assert (DOCS / name).read_text("utf-8") == packaged, f"copy src/clearance/schemas/{name} to docs/schemas/"


def test_example_policy_validates_against_the_published_schema() -> None:
    import json

    import jsonschema
    from ruamel.yaml import YAML

    schema = json.loads((DOCS / "policy-v1.json").read_text("utf-8"))
    example = Path(__file__).parent.parent / "examples" / "project" / "base" / "clearance.yaml"
    data = YAML(typ="safe").load(example.read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
