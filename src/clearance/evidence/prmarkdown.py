"""A PR body as Markdown: its sections, task items and links (see docs/pr-body.md).

The body is parsed by markdown-it-py (`commonmark` preset, tables and
strikethrough on); nothing here looks at the raw text with a regular
expression. Task items follow the rule of the mdit-py-plugins tasklists
plugin: the inline content of a paragraph that is the first child of a list
item, starting with `[ ]`, `[x]` or `[X]` and whitespace. The plugin itself is
not run: it looks up each item's list by scanning back through the tokens,
which is quadratic in the number of items (25,000 items took over two minutes);
the same rule is applied here in one pass, and a test compares both.

So HTML comments, fenced and indented code are not items: markdown-it makes
them `html_block`, `fence` and `code_block` tokens with no list inside.
Inline content is parsed paragraph by paragraph; a paragraph longer than
`MAX_INLINE_CHARS` is taken as plain text (markdown-it's inline rules are
quadratic on some input, such as a long run of `[`). Content holding none of
the characters where an inline rule can start (`INLINE_MARKS`) is one text
token, as the parser would make it, without running the parser (a test
compares both).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from clearance.records import Record

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_INLINE_CHARS = 20_000
TASK_MARKERS = ("[ ]", "[x]", "[X]")
GFM_WHITESPACE = " \t\n\v\f\r"
# Where the inline rules of the parser start: newline, escape, code span, strikethrough,
# emphasis, link, image, autolink or inline HTML, entity. Any other text is plain text.
INLINE_MARKS = ("\n", "\\", "`", "~", "*", "_", "[", "!", "<", "&")


# A character followed by one of these is an emoji (U+FE0F asks for emoji presentation,
# U+20E3 encloses a keycap: 1️⃣): it goes with them. Other variation selectors go alone.
EMOJI_MAKERS = ("\ufe0f", "\u20e3")
VARIATION_SELECTORS = frozenset(map(chr, [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]))
BULLETS = ("-", "*", "+")


def normalise(text: str) -> str:
    """Text for comparisons: whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


def title_words(text: str) -> tuple[str, ...]:
    """The words of a heading, case folded: runs of letters, digits and combining marks
    (Unicode categories L, N, M). Everything else separates words: spaces, punctuation,
    symbols (emoji are category So), format characters such as the zero-width joiner.
    A character followed by U+FE0F or U+20E3 is an emoji (U+2139 U+FE0F, a keycap) whatever its
    category."""
    from unicodedata import category

    chars: list[str] = []
    for char in text.casefold():
        if char in EMOJI_MAKERS:
            if chars:
                chars[-1] = " "
        elif char not in VARIATION_SELECTORS:
            chars.append(char if category(char)[0] in "LNM" else " ")
    return tuple("".join(chars).split())


def same_title(heading: str, wanted: str) -> bool:
    """Whether a heading names a section: the same words (`title_words`), so case, spacing,
    punctuation, emoji and other symbols aside (`#### 🧪 Testing approach:` is "Testing
    approach"). A wanted title with no word at all (`✅`) must equal the heading, spacing aside."""
    words = title_words(wanted)
    if not words:
        return normalise(heading) == normalise(wanted)
    return title_words(heading) == words


class Section(Record):
    """A heading and what follows it up to the next heading of the same or a higher rank."""

    title: str
    level: int
    line: int
    end_line: int  # the first line after the section
    text: str  # its content as text, HTML comments left out, subsections included
    blocks: tuple[str, ...] = ()  # the same text block by block: a paragraph, an item, a code block

    def holds(self, line: int) -> bool:
        return self.line < line < self.end_line


class TaskItem(Record):
    text: str
    checked: bool
    struck: bool  # the text begins with ~~struck-through~~ text: not applicable
    line: int
    section: str | None  # the innermost heading above it

    @property
    def state(self) -> str:
        if self.struck:
            return "not-applicable"
        return "checked" if self.checked else "unchecked"

    def matches(self, name: str) -> bool:
        """The item is `name`, or begins with it followed by a non-word character."""
        text, wanted = normalise(self.text), normalise(name)
        if not wanted or not text.startswith(wanted):
            return False
        return len(text) == len(wanted) or not text[len(wanted)].isalnum()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "state": self.state, "line": self.line, "section": self.section}


class Link(Record):
    href: str
    line: int
    section: str | None


class MarkdownDoc(Record):
    sections: tuple[Section, ...]
    items: tuple[TaskItem, ...]
    links: tuple[Link, ...]
    text: str  # the whole body as text, HTML comments left out
    blocks: tuple[str, ...] = ()  # the same text block by block

    def find(self, title: str) -> list[Section]:
        return [s for s in self.sections if same_title(s.title, title)]


class _Open:
    """A section whose end is not yet reached, collecting its text."""

    __slots__ = ("level", "line", "parts", "title")

    def __init__(self, title: str, level: int, line: int) -> None:
        self.title = title
        self.level = level
        self.line = line
        self.parts: list[str] = []


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.disable("inline")  # run per paragraph below, within MAX_INLINE_CHARS
    md.disable("normalize")  # done by `line_ends`, which leaves most text as it is
    return md


def line_ends(text: str) -> str:
    """What markdown-it's `normalize` rule makes of the text: CR LF and CR are LF, NUL is U+FFFD.

    The rule runs two regular expressions over the whole body; text with
    neither CR nor NUL, nearly every body, is returned as it is.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    return text


def parse_markdown(text: str) -> MarkdownDoc:
    md = _parser()
    env: dict[str, Any] = {}
    tokens = md.parse(line_ends(text), env)
    builder = _Builder(md, env)
    for index, token in enumerate(tokens):
        builder.feed(tokens, index, token)
    last = max((t.map[1] for t in tokens if t.map), default=0)
    return builder.finish(last + 1)


class _Builder:
    """One pass over the block tokens, keeping the stack of open sections."""

    def __init__(self, md: MarkdownIt, env: dict[str, Any]) -> None:
        from markdown_it.token import Token

        self.md, self.env = md, env
        self.token = Token  # imported once here: an import statement per paragraph costs ~2 us
        self.root = _Open("", 0, 0)
        self.stack: list[_Open] = []
        self.sections: list[Section] = []
        self.items: list[TaskItem] = []
        self.links: list[Link] = []

    def feed(self, tokens: list[Token], index: int, token: Token) -> None:
        line = token.map[0] + 1 if token.map else 0
        if token.type == "heading_open":
            self._heading(int(token.tag[1:]), line, tokens[index + 1])
        elif token.type == "inline" and tokens[index - 1].type != "heading_open":
            self._inline(token, line, is_task(tokens, index), paragraph_kind(tokens, index))
        elif token.type in ("fence", "code_block"):
            self._add(token.content)
        elif token.type == "html_block":
            self._add(without_comment(token.content))

    def _heading(self, level: int, line: int, inline: Token) -> None:
        while self.stack and self.stack[-1].level >= level:
            self._close(self.stack.pop(), line)
        title = plain_text(self._children(inline.content), keep_html=False).strip()
        self.stack.append(_Open(title, level, line))

    def _inline(self, token: Token, line: int, task: bool, paragraph: str | None) -> None:
        content = token.content[3:] if task else token.content
        children = self._children(content)
        section = self.stack[-1].title if self.stack else None
        self.links.extend(Link(href, line + offset, section) for href, offset in links_in(children))
        body = plain_text(children, keep_html=True)
        struck = []
        if "~~" in content and paragraph is not None:
            first = "skip" if task else "box" if paragraph == "item" else "marked"
            struck = [TaskItem(text, checked, True, line + offset, section)
                      for offset, checked, text in struck_items(children, first)]
        if task:
            checked = token.content[1] in "xX"
            own = first_lines(children, struck[0].line - line) if struck else children
            text = plain_text(own, keep_html=False).strip()
            self.items.append(TaskItem(text, checked, starts_struck(children), line, section))
            body = ("[~] " if starts_struck(children) else "[x] " if checked else "[ ] ") + body
        self.items.extend(struck)
        self._add(body)

    def _children(self, content: str) -> list[Token]:
        if not content:
            return []
        if len(content) > MAX_INLINE_CHARS or not any(mark in content for mark in INLINE_MARKS):
            return [self.token("text", "", 0, content=content)]
        children: list[Token] = []
        self.md.inline.parse(content, self.md, self.env, children)
        return children

    def _add(self, text: str) -> None:
        if text.strip():
            self.root.parts.append(text)
            for open_section in self.stack:
                open_section.parts.append(text)

    def _close(self, section: _Open, end_line: int) -> None:
        self.sections.append(Section(section.title, section.level, section.line, end_line,
                                     "\n".join(section.parts), tuple(section.parts)))

    def finish(self, end_line: int) -> MarkdownDoc:
        while self.stack:
            self._close(self.stack.pop(), end_line)
        ordered = tuple(sorted(self.sections, key=lambda s: s.line))
        parts = self.root.parts
        return MarkdownDoc(ordered, tuple(self.items), tuple(self.links), "\n".join(parts), tuple(parts))


def is_task(tokens: list[Token], index: int) -> bool:
    """The tasklists rule: a list item's paragraph starting with `[ ]`, `[x]` or `[X]` and a space."""
    if index < 2 or tokens[index - 1].type != "paragraph_open":
        return False
    if tokens[index - 2].type != "list_item_open":
        return False
    content = tokens[index].content
    return content[:3] in TASK_MARKERS and len(content) > 3 and content[3] in GFM_WHITESPACE


def paragraph_kind(tokens: list[Token], index: int) -> str | None:
    """`item` for the first paragraph of a list item, `plain` for another paragraph,
    None for inline content that is no paragraph (a table cell)."""
    if index < 1 or tokens[index - 1].type != "paragraph_open":
        return None
    return "item" if index >= 2 and tokens[index - 2].type == "list_item_open" else "plain"


def struck_items(children: list[Token], first: str) -> list[tuple[int, bool, str]]:
    """(line offset, ticked, text) of the task items struck through as a whole.

    Striking the whole line (`~~- [ ] item~~`) makes it a paragraph, or the lazy
    continuation of the item above, not a list item: markdown-it gives `s_open`, a text
    token `- [ ] item` and `s_close`. So does `- ~~[ ] item~~`, a list item whose text
    starts with `~~`, not a box, which the tasklists rule does not take either. So a line
    counts as a struck item when its first token opens a strikethrough whose text starts
    with a bullet (`-`, `*`, `+`) or a number (`1.`, `1)`), a space and a box; on the first
    line of a paragraph, `first` says what is asked there instead: `marked` (the same),
    `box` (a list item's paragraph: the box alone) or `skip` (a task item's own line).
    """
    found = []
    for offset, line in enumerate(split_lines(children)):
        kind = first if offset == 0 else "marked"
        start = next((i for i, c in enumerate(line) if c.type != "text" or c.content.strip()), None)
        if kind == "skip" or start is None or line[start].type != "s_open":
            continue
        box = _struck_box(line[start + 1:], kind == "marked")
        if box is not None:
            found.append((offset, *box))
    return found


def _struck_box(line: list[Token], marked: bool) -> tuple[bool, str] | None:
    """(ticked, text) when the struck text that opens the line is a (list marker and) box."""
    end = next((i for i, c in enumerate(line) if c.type == "s_close"), len(line))
    struck = plain_text(line[:end], keep_html=False).lstrip()
    if marked:
        marker, _, struck = struck.partition(" ")
        if not (marker in BULLETS or (marker[:-1].isdigit() and marker[-1:] in ".)")):
            return None
        struck = struck.lstrip(" ")
    if not (struck[:3] in TASK_MARKERS and struck[3:4] and struck[3] in GFM_WHITESPACE):
        return None
    after = plain_text(line[end + 1:], keep_html=False)
    return struck[1] in "xX", " ".join((struck[4:] + after).split())


def first_lines(children: list[Token], count: int) -> list[Token]:
    """The inline tokens of the first `count` lines."""
    breaks = 0
    for index, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):
            breaks += 1
            if breaks == count:
                return children[:index]
    return children


def split_lines(children: list[Token]) -> list[list[Token]]:
    """Inline tokens cut at line breaks."""
    lines: list[list[Token]] = [[]]
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(child)
    return lines


def is_comment(html: str) -> bool:
    return html.lstrip().startswith("<!--")


def without_comment(html: str) -> str:
    """An HTML block's text; a comment's is what follows its end on the last line."""
    return html.rpartition("-->")[2] if is_comment(html) else html


def plain_text(children: list[Token], keep_html: bool) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content or str(child.attrs.get("src", "")))
        elif child.type == "html_inline" and keep_html and not is_comment(child.content):
            parts.append(child.content)
    return "".join(parts)


def starts_struck(children: list[Token]) -> bool:
    """Whether the first thing in the item, blanks aside, is struck through."""
    for child in children:
        if child.type == "text" and not child.content.strip():
            continue
        return child.type == "s_open"
    return False


def links_in(children: list[Token]) -> list[tuple[str, int]]:
    """(href, line offset) of each link: `[text](href)`, `<autolink>` and bare GitHub URLs."""
    found: list[tuple[str, int]] = []
    offset, depth = 0, 0
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            offset += 1
        elif child.type == "link_open":
            depth += 1
            found.append((str(child.attrs.get("href", "")), offset))
        elif child.type == "link_close":
            depth -= 1
        elif child.type == "text" and depth == 0:
            found.extend((word, offset) for word in bare_urls(child.content))
    return found


def bare_urls(text: str) -> list[str]:
    """Bare GitHub URLs in a text token, which GitHub shows as links."""
    if "github.com/" not in text:
        return []
    words = (w.rstrip(".,;:!?)'\"") for w in text.split())
    return [w for w in words if w.startswith(("https://github.com/", "http://github.com/"))]
