"""Which rule of a pack cites each item of the pack's source document.

A pack folder holds `policy.yaml`, a copy of the document it encodes and
`checklist.yaml`, which names the document and the lists of it that describe
rather than require (each with the reason). Every checkbox, and every item
outside those lists, is a gate: some rule's `checklist` must cite it, worded
as `Item.cite` gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clearance.checklist.source import Item, read_items
from clearance.errors import PolicyError
from clearance.policy.model import Rule

SOURCE_FILE = "checklist.yaml"


@dataclass(frozen=True)
class Descriptive:
    """A list of the document that needs no rule, and why."""

    under: str
    reason: str


@dataclass(frozen=True)
class PackSource:
    """A pack's source document, read."""

    folder: Path
    document: str
    items: tuple[Item, ...]
    descriptive: tuple[Descriptive, ...]

    @property
    def gates(self) -> list[Item]:
        """The items some rule must cite: checkboxes, and items of the lists that require."""
        return [i for i in self.items if i.checkbox or not self.why_not(i)]

    def why_not(self, item: Item) -> str | None:
        """The reason an item needs no rule, or None."""
        if item.checkbox:
            return None
        return next((d.reason for d in self.descriptive if item.under(d.under)), None)


def read_source(folder: Path, document_text: str | None = None) -> PackSource:
    """A pack's `checklist.yaml` and the document it names (or `document_text` instead)."""
    from clearance.policy.yamlfile import read_yaml

    where = folder / SOURCE_FILE
    data, _, _ = read_yaml(where, str(where))
    if not isinstance(data, dict) or not isinstance(data.get("document"), str):
        raise PolicyError("expected a mapping with `document` (the source file name)", str(where), 1, 1)
    if document_text is None:
        document_text = (folder / data["document"]).read_text("utf-8")
    listed = data.get("descriptive") or []
    descriptive = tuple(Descriptive(str(d["under"]), str(d["reason"])) for d in listed)
    return PackSource(folder, data["document"], tuple(read_items(document_text)), descriptive)


def rules_citing(item: Item, rules: tuple[Rule, ...] | list[Rule]) -> list[Rule]:
    return [r for r in rules if r.checklist.strip() == item.cite]


def uncited(source: PackSource, rules: tuple[Rule, ...] | list[Rule]) -> list[Item]:
    """The gates no rule cites."""
    cited = {r.checklist.strip() for r in rules}
    return [i for i in source.gates if i.cite not in cited]


def dangling(sources: list[PackSource], rules: tuple[Rule, ...] | list[Rule]) -> list[Rule]:
    """The rules whose `checklist` cites no item of any of the documents."""
    known = {i.cite for s in sources for i in s.items}
    return [r for r in rules if r.checklist.strip() not in known]
