"""The items of a checklist document, each with its place: "Section › Subsection › Item".

The document is parsed with markdown-it-py (CommonMark) into a tree; nothing
here looks at the raw text with a regular expression. An item is a list item
holding no list of its own: a task item (`- [ ] ...`) is a checkbox, any other
a requirement (a `✅` in front is dropped, like the `[ ]` of a checkbox).

Its place has two parts. The subsection is the label of its list: the
one-line paragraph just before the list (`**Merge Requirements**:`), or the
text of the list item the list is nested in (`1. **Testing**:`); the colon is
dropped. Without a label, the subsection is the innermost heading. The section
is the innermost heading above the subsection, left out when that is the
document's title. So the seed's items read
"Step 1: Pre-Deployment Validation › Testing › All unit tests passing (90%+ coverage)"
and "Spec-Driven Deployment Checklist › Pre-Deployment › Linting passes".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

SEPARATOR = " \u203a "  # " › "
TASK_MARKERS = ("[ ] ", "[x] ", "[X] ")
REQUIREMENT_MARKERS = ("\u2705",)  # ✅


@dataclass(frozen=True)
class Item:
    """One checklist item of the document."""

    path: tuple[str, ...]  # (section, subsection) or (subsection,)
    text: str
    checkbox: bool
    line: int

    @property
    def cite(self) -> str:
        """What a rule's `checklist` says to cite this item."""
        return SEPARATOR.join((*self.path, self.text))

    def under(self, prefix: str) -> bool:
        """Whether the item's place starts with `prefix` ("Step 4 › After Merge")."""
        wanted = [p.strip() for p in prefix.split("\u203a")]
        return list(self.path[: len(wanted)]) == wanted


@dataclass
class _Heading:
    level: int
    text: str


def read_items(text: str, split: str | None = None) -> list[Item]:
    """Every item of a Markdown checklist document, in document order.

    `split` (such as "; ") cuts a list item holding several items in one line
    into one item per part.
    """
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

    tree = SyntaxTreeNode(MarkdownIt("commonmark").parse(without_front_matter(text)))
    walker = _Walker(split)
    walker.blocks(tree.children, None)
    return walker.items


class _Walker:
    def __init__(self, split: str | None) -> None:
        self.split = split
        self.headings: list[_Heading] = []
        self.items: list[Item] = []

    def blocks(self, nodes: Sequence[SyntaxTreeNode], label: str | None) -> None:
        """A run of sibling blocks; a one-line paragraph labels the list after it."""
        previous: str | None = None
        for node in nodes:
            if node.type == "heading":
                self._heading(int(node.tag[1:]), inline_text(node))
                previous = None
            elif node.type == "paragraph":
                words = inline_text(node)
                previous = _label(words) if "\n" not in (node.children[0].content or "") else None
            elif node.type in ("bullet_list", "ordered_list"):
                for entry in node.children:
                    self._entry(entry, previous or label)
                previous = None
            else:
                previous = None

    def _heading(self, level: int, text: str) -> None:
        while self.headings and self.headings[-1].level >= level:
            self.headings.pop()
        self.headings.append(_Heading(level, text))

    def _entry(self, entry: SyntaxTreeNode, label: str | None) -> None:
        """A list item: a leaf is an item; one holding a list labels that list."""
        first = entry.children[0] if entry.children else None
        own = inline_text(first) if first is not None and first.type == "paragraph" else ""
        nested = [c for c in entry.children if c.type in ("bullet_list", "ordered_list")]
        if nested:
            self.blocks(entry.children, _label(own) or label)
            return
        checkbox = own.startswith(TASK_MARKERS)
        words = own[4:] if checkbox else _unmark(own)
        line = (entry.map[0] + 1) if entry.map else 0
        parts = words.split(self.split) if self.split else [words]
        for part in parts:
            if part.strip():
                self.items.append(Item(self._path(label), part.strip(), checkbox, line))

    def _path(self, label: str | None) -> tuple[str, ...]:
        if not self.headings:
            return (label,) if label else ()
        inner = self.headings[-1]
        if label:
            return (label,) if inner.level == 1 else (inner.text, label)
        outer = self.headings[-2] if len(self.headings) > 1 else None
        return (inner.text,) if outer is None or outer.level == 1 else (outer.text, inner.text)


def without_front_matter(text: str) -> str:
    """The document with its YAML front matter (`---` ... `---`) blanked, lines kept."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return text
    end = next((n for n, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")), None)
    if end is None:
        return text
    return "\n" * (end + 1) + "".join(lines[end + 1:])


def inline_text(node: SyntaxTreeNode) -> str:
    """The plain text of a heading or paragraph: markup dropped, line breaks as spaces."""
    parts: list[str] = []
    for inline in node.children:
        for child in inline.children:
            if child.type in ("text", "code_inline", "text_special"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
            elif child.children:
                parts.append("".join(c.content for c in _leaves(child)))
    return " ".join("".join(parts).split(" ")).strip()


def _leaves(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    if not node.children:
        return [node] if node.type in ("text", "code_inline", "text_special") else []
    return [leaf for child in node.children for leaf in _leaves(child)]


def _label(text: str) -> str | None:
    stripped = text.strip().rstrip(":").strip()
    return stripped or None


def _unmark(text: str) -> str:
    for marker in REQUIREMENT_MARKERS:
        if text.startswith(marker):
            return text[len(marker):].strip()
    return text
