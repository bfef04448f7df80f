"""The Markdown model of a PR body: sections, task items and links, from
markdown-it-py's tokens; task items agree with the mdit-py-plugins tasklists plugin."""

from __future__ import annotations

import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clearance.evidence import prmarkdown
from clearance.evidence.prmarkdown import MAX_INLINE_CHARS, parse_markdown

BODY = """\
Intro line before any heading.

# Release notes
## Summary
Adds the login form.
<!-- Describe your change -->

### Screens
![form](docs/form.png)

## Testing
<!-- how did you test? -->

## Checklist:
- [x] Unit tests
- [ ] Docs
- [X] ~~Migration guide~~ no schema change
- [ ] Update ~~the~~ changelog
* [ ]not an item: no space after the box
- [] not an item: no space in the box
1. [x] Numbered item

   - [ ] Nested item
> - [x] Quoted item

```markdown
- [x] Fenced item
```

    - [x] Indented code item

<!--
- [x] Commented item
-->
Setext heading
--------------
Text <!-- inline comment --> after.
"""


@pytest.fixture(scope="module")
def doc():
    return parse_markdown(BODY)


def test_sections_have_title_level_line_and_end(doc) -> None:
    assert [(s.title, s.level, s.line, s.end_line) for s in doc.sections] == [
        ("Release notes", 1, 3, 38),
        ("Summary", 2, 4, 11),
        ("Screens", 3, 8, 11),
        ("Testing", 2, 11, 14),
        ("Checklist:", 2, 14, 35),
        ("Setext heading", 2, 35, 38),
    ]


def test_section_text_leaves_out_html_comments_and_includes_subsections(doc) -> None:
    summary = doc.find("summary")[0]
    assert summary.text == "Adds the login form.\nform"
    assert doc.find("Testing")[0].text == ""
    assert doc.find("setext heading")[0].text == "Text  after."


def test_titles_match_without_case_spacing_or_a_trailing_colon(doc) -> None:
    assert [s.line for s in doc.find("  CHECKLIST ")] == [14]
    assert doc.find("Check") == []


def test_task_items_with_state_line_and_section(doc) -> None:
    assert [(i.text, i.state, i.line, i.section) for i in doc.items] == [
        ("Unit tests", "checked", 15, "Checklist:"),
        ("Docs", "unchecked", 16, "Checklist:"),
        ("Migration guide no schema change", "not-applicable", 17, "Checklist:"),
        ("Update the changelog", "unchecked", 18, "Checklist:"),
        ("Numbered item", "checked", 21, "Checklist:"),
        ("Nested item", "unchecked", 23, "Checklist:"),
        ("Quoted item", "checked", 24, "Checklist:"),
    ]


def test_struck_items_keep_whether_the_box_was_ticked(doc) -> None:
    struck = [i for i in doc.items if i.struck]
    assert [(i.line, i.checked) for i in struck] == [(17, True)]


def test_items_agree_with_the_tasklists_plugin() -> None:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.tasklists import tasklists_plugin

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(tasklists_plugin)
    tokens = md.parse(BODY)
    expected = []
    for index, token in enumerate(tokens):
        if token.type == "list_item_open" and token.attrGet("class") == "task-list-item":
            box = tokens[index + 2].children[0].content
            expected.append((token.map[0] + 1, 'checked="checked"' in box))
    assert [(i.line, i.checked) for i in parse_markdown(BODY).items] == expected


def test_links_are_found_with_their_line_and_section() -> None:
    doc = parse_markdown(
        "## Spec\nSee [login](docs/login.feature) and\n<https://example.com/a> then\n"
        "https://github.com/acme/shop/blob/main/docs/x.feature, done.\n"
        "`[code](docs/no.feature)` ![img](docs/pic.png)\n\n"
        "[ref]\n\n[ref]: docs/ref.feature\n"
        "```\n[fenced](docs/fenced.feature)\n```\n")
    assert [(k.href, k.line, k.section) for k in doc.links] == [
        ("docs/login.feature", 2, "Spec"),
        ("https://example.com/a", 3, "Spec"),
        ("https://github.com/acme/shop/blob/main/docs/x.feature", 4, "Spec"),
        ("docs/ref.feature", 7, "Spec"),
    ]


def test_item_matching_by_name_or_prefix() -> None:
    items = parse_markdown("- [ ] All tests passing (CI green)\n- [ ] Docs updated\n").items
    assert items[0].matches("all  TESTS passing")
    assert not items[0].matches("All tests pass")
    assert not items[1].matches("Docs updated everywhere")
    assert not items[1].matches("")


def test_a_paragraph_over_the_inline_limit_is_plain_text() -> None:
    long = "[x](docs/hidden.feature) " + "[" * MAX_INLINE_CHARS
    doc = parse_markdown(f"## Notes\n{long}\n\n## Spec\n[x](docs/a.feature)\n")
    assert doc.find("Notes")[0].text == long
    assert [k.href for k in doc.links] == ["docs/a.feature"]
    shorter = parse_markdown(long[: MAX_INLINE_CHARS] + "\n")
    assert [k.href for k in shorter.links] == ["docs/hidden.feature"]


def test_many_items_are_parsed_in_linear_time() -> None:
    body = "## List\n" + "- [x] item\n" * 10_000
    started = time.perf_counter()
    doc = parse_markdown(body)
    assert len(doc.items) == 10_000
    assert doc.items[-1].line == 10_001
    assert time.perf_counter() - started < 15  # the tasklists plugin's lookup: over 20 s


def test_an_empty_body_has_nothing() -> None:
    doc = parse_markdown("")
    assert (doc.sections, doc.items, doc.links, doc.text) == ((), (), (), "")


# Text made of pieces where inline rules start, or nearly do, and plain prose.
_PIECES = ["Lorem ipsum", " ", "  ", "\n", "\t", "-", ":", ".", ",", "#", "##", "[", "]", "(", ")",
           "[x]", "[ ]", "!", "<", ">", "&", "&amp;", "&#1;", "\\", "`", "``", "~", "~~", "*", "**", "_",
           "https://github.com/o/r/pull/1", "<!-- c -->", "<b>", "\u00e9", "\U0001f483", "- [x] ",
           "1. ", "> ", "```", "    ", "|", "|---|", "\r", "\r\n", "\x00", "{", "}", "@", "%", "=", "+"]
_MARKDOWN = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(_MARKDOWN)
@example("## Notes\n\nLorem ipsum, dolor: sit.\n")
@example("- [x] done\n- [ ] not yet\n")
@example("##\n\n[x]\n")
@example("_emphasis_ here\n\n*strong* there\n")
def test_inline_content_gives_the_tokens_of_markdown_it_s_full_parse(text: str) -> None:
    """Each paragraph's inline tokens are the ones markdown-it's own parse makes (its inline
    rule on), whether the content went to the inline parser or was plain text. (The
    `text_join` rule, which merges the inline parser's text tokens afterwards, is off.)"""
    from markdown_it import MarkdownIt

    full = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("text_join")
    env: dict[str, object] = {}
    inline = [t for t in full.parse(text, env) if t.type == "inline"]
    builder = prmarkdown._Builder(prmarkdown._parser(), env)
    for token in inline:
        assert builder._children(token.content) == token.children


@given(st.text(st.characters(blacklist_characters="".join(prmarkdown.INLINE_MARKS))))
@example("")
@example("Lorem ipsum, dolor: sit amet -- #1 = 100% {x} @me ]")
def test_text_without_inline_marks_gives_the_tokens_of_the_parser(content: str) -> None:
    from markdown_it.token import Token

    md = prmarkdown._parser()
    parsed: list[Token] = []
    md.inline.parse(content, md, {}, parsed)
    assert len(parsed) <= 1  # one text token, none for no text
    children = prmarkdown._Builder(md, {})._children(content)
    assert [(c.type, c.content, c.level) for c in children] == [
        (c.type, c.content, c.level) for c in parsed]


@settings(max_examples=300, deadline=None)
@given(_MARKDOWN)
@example("a\r\nb\rc\n\r\n\x00d\r")
@example("- [x] a\r- [ ] b\r\n\r\n## T\x00\r")
def test_line_ends_are_those_of_the_normalize_rule(text: str) -> None:
    from markdown_it import MarkdownIt

    reference = MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable("inline")
    assert prmarkdown._parser().parse(prmarkdown.line_ends(text)) == reference.parse(text)
