"""The PR body has every `required` section, and each one is filled in.

A section is a Markdown heading of any level whose words are the title's
(case, punctuation, emoji and other symbols aside: `#### 🧪 Testing approach:`
is "Testing approach") and what follows it up to the next heading of the same
or a higher rank. It is not filled when its text (HTML comments left out) is
empty, or when every block of it (paragraph, task item with its box, code
block; spacing and case aside) is a placeholder block: one of the same section
of the repository's PR template as it stands at the base revision (`template`,
by default the one GitHub uses; `false` for none), or of a `placeholders` text
(a map of title to text, or a list of texts for any section). A section with
any block of its own is filled, whatever template lines it keeps. `min_chars`
asks for at least that many characters of text. Each section missing or not
filled is reported at its line of the PR body; see docs/pr-body.md.
"""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._pr import TITLES, listing, shorten
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import check_relative
from clearance.evidence.prbody import pr_template, pull_request
from clearance.evidence.prmarkdown import MarkdownDoc, Section, normalise, parse_markdown, same_title

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("PR body", "PR template")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["required"],
    "properties": {
        "required": TITLES,
        "placeholders": {"oneOf": [
            {"type": "object", "additionalProperties": {"type": "string"}},
            {"type": "array", "items": {"type": "string"}},
        ]},
        "template": {"oneOf": [{"type": "string", "minLength": 1}, {"const": False}]},
        "min_chars": {"type": "integer", "minimum": 1},
    },
}
PROBLEMS = {
    "missing": "no section '{title}': add a heading '## {title}'",
    "empty": "section '{title}' is empty",
    "placeholder": "section '{title}' still holds the template's placeholder text",
    "short": "section '{title}' is shorter than {min_chars} characters",
}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    pr = pull_request(evidence)
    template = _template(params, evidence)
    min_chars = int(params.get("min_chars", 0))
    judged = []
    for title in params["required"]:
        placeholders = _placeholders(params, template, title)
        state, section = _judge(pr.body.find(title), placeholders, min_chars)
        judged.append((title, state, section))
    data = {"sections": [{"title": t, "state": s, "line": sec.line if sec else None}
                         for t, s, sec in judged]}
    bad = [(t, s, sec) for t, s, sec in judged if s != "filled"]
    if not bad:
        return Outcome.passed(f"all {len(judged)} required sections filled", data=data)
    findings = tuple(Finding(pr.name, sec.line if sec else None, None,
                             PROBLEMS[s].format(title=shorten(t), min_chars=min_chars))
                     for t, s, sec in bad)
    summary = listing([f"{t} ({s})" for t, s, _ in bad], limit=len(bad))
    return Outcome.failed(f"{len(bad)} of {len(judged)} required sections not filled: {summary}",
                          findings=findings, data=data)


def _judge(found: list[Section], placeholders: set[str],
           min_chars: int) -> tuple[str, Section | None]:
    """The best state among the sections of that title: filled wins."""
    if not found:
        return "missing", None
    states = [(_state(section, placeholders, min_chars), section) for section in found]
    return next((s for s in states if s[0] == "filled"), states[0])


def _state(section: Section, placeholders: set[str], min_chars: int) -> str:
    text = normalise(section.text)
    if not text:
        return "empty"
    if {normalise(block) for block in section.blocks} <= placeholders:
        return "placeholder"
    if len(text) < min_chars:
        return "short"
    return "filled"


def _placeholders(params: dict[str, Any], template: MarkdownDoc | None, title: str) -> set[str]:
    """The normalised blocks (paragraphs, items with their box, code blocks) that a section
    may hold and still not be filled: those of the same section in the template, and of the
    `placeholders` texts."""
    texts: list[str] = []
    given = params.get("placeholders", {})
    if isinstance(given, list):
        texts.extend(given)
    else:
        texts.extend(text for name, text in given.items() if same_title(name, title))
    found = {normalise(block) for text in texts for block in parse_markdown(text).blocks}
    if template is not None:
        found.update(normalise(block) for section in template.find(title) for block in section.blocks)
    found.discard("")
    return found


def _template(params: dict[str, Any], evidence: Evidence) -> MarkdownDoc | None:
    """The PR template at the base revision, parsed; None when there is none to use."""
    wanted = params.get("template")
    if wanted is False:
        return None
    if isinstance(wanted, str):
        check_relative(wanted)
    found = pr_template(evidence, wanted.removeprefix("./") if isinstance(wanted, str) else None)
    return found.doc if found is not None else None
