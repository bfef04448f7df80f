"""Property-based tests of the policy reader: any text gives a policy or a PolicyError naming the file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.errors import PolicyError
from clearance.policy.loader import document_from_text, load_policy
from examples_count import counted

VALID = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: team, version: 1.0.0}
rules:
  - id: code.no-markers
    stages: [commit, pr]
    severity: error
    when: {changed: ["src/**"]}
    check: {git.conflict_markers: {}}
  - id: readme
    check: {files.exist: {paths: [README.md]}}
waivers:
  - {rule: readme, reason: soon, owner: "@lead", expires: 2030-01-01}
"""

yaml_alphabet = st.sampled_from([*" \n\t-:{}[],&*!|>'\"#%@`?abcdefgrs.012", "\x00", "\udcff", "é"])


def load_text(text: str) -> None:
    try:
        load_policy([document_from_text(text, "clearance.yaml")], Path.cwd())
    except PolicyError as e:
        assert e.path == "clearance.yaml" or "clearance.yaml" in str(e), str(e)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=yaml_alphabet, max_size=200))
def test_arbitrary_text(text: str) -> None:
    counted("policy: arbitrary text")
    load_text(text)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_valid_policy(data: st.DataObject) -> None:
    counted("policy: mutated valid policy")
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = data.draw(st.text(alphabet=yaml_alphabet, min_size=1, max_size=5))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + len(piece):]
        else:
            text = text[:at] + piece + text[at + len(piece):]
    load_text(text)


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["apiVersion", "kind", "metadata", "extends", "settings", "inputs",
                                        "rules", "waivers", "attestors", "other"]), values, max_size=5))
def test_wrongly_shaped_documents(doc: dict) -> None:
    counted("policy: wrongly shaped documents")
    import json

    load_text(json.dumps(doc))
