"""The PR body has every `required` section, and each one is filled in.

A section is a Markdown heading of any level whose text equals the title
(case, spacing and a trailing colon aside) and what follows it up to the next
heading of the same or a higher rank. It is not filled when its text (HTML
comments left out) is empty, or equals (spacing and case aside) a
placeholder: the text under the same heading in the repository's PR template
(`template`, by default `.github/pull_request_template.md` or another place
GitHub looks; `false` for none), or a `placeholders` text (a map of title to
text, or a list of texts for any section). `min_chars` asks for at least that
many characters of text. Each section missing or not filled is reported at
its line of the PR body; see docs/pr-body.md.
"""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._pr import TITLES, listing, shorten
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import check_relative
from clearance.evidence.prbody import pull_request
from clearance.evidence.prmarkdown import MarkdownDoc, Section, normalise, parse_markdown

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
TEMPLATE_PATHS = (".github/pull_request_template.md", "pull_request_template.md",
                  "docs/pull_request_template.md")
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
    if text in placeholders:
        return "placeholder"
    if len(text) < min_chars:
        return "short"
    return "filled"


def _placeholders(params: dict[str, Any], template: MarkdownDoc | None, title: str) -> set[str]:
    """The normalised texts that count as not filled for one section."""
    texts: list[str] = []
    given = params.get("placeholders", {})
    if isinstance(given, list):
        texts.extend(given)
    else:
        texts.extend(text for name, text in given.items() if normalise(name) == normalise(title))
    found = {normalise(parse_markdown(text).text) for text in texts}
    if template is not None:
        found.update(normalise(section.text) for section in template.find(title))
    found.discard("")
    return found


def _template(params: dict[str, Any], evidence: Evidence) -> MarkdownDoc | None:
    """The repository's PR template, parsed; None when there is none to use."""
    wanted = params.get("template")
    if wanted is False:
        return None
    if isinstance(wanted, str):
        check_relative(wanted)
        path = wanted.removeprefix("./")
    else:
        known = {p.casefold(): p for p in evidence.tracked_files}
        path = next((known[p] for p in TEMPLATE_PATHS if p in known), "")
        if not path:
            return None
    data = evidence.read(path)
    if data is None:
        raise EvidenceError("PR template not found in the repository", path,
                            hint="fix the template: parameter, or set it to false")
    return parse_markdown(data.decode("utf-8", "replace"))
