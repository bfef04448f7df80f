"""What the spec.* check kinds share: parameters, reading, the matrix, broken files.

A feature file that does not parse is reported by `spec.valid` as a `fail`
with each error at file:line. The other spec kinds cannot judge scenarios
they could not read, so they give `error` naming the broken files (their
findings are the parse errors), and still carry the matrix of the files that
did parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.spec import ParseError, Spec, read_spec
from clearance.evidence.traceability import EXCLUDE_TAGS, Trace, trace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TAGS: dict[str, Any] = {"type": "array", "items": {"type": "string", "minLength": 1}}
PATTERNS: dict[str, Any] = {"type": "array", "items": {"type": "string", "minLength": 1}}
SPEC_PARAMS: dict[str, Any] = {"features": GLOBS}
TRACE_PARAMS: dict[str, Any] = {
    "features": GLOBS, "tests": GLOBS, "patterns": PATTERNS, "exclude_tags": TAGS,
}
MAX_FINDINGS = 200
Problems = list[tuple[tuple[str | int, ...], str]]


def schema(**extra: Any) -> dict[str, Any]:
    """The JSON Schema of a spec kind's parameters."""
    return {"type": "object", "additionalProperties": False,
            "properties": {**TRACE_PARAMS, **extra}}


def pattern_problems(params: dict[str, Any]) -> Problems:
    """Each title pattern must compile and capture the title."""
    found: Problems = []
    for index, source in enumerate(params.get("patterns") or []):
        try:
            regex = re.compile(source)
        except re.error as e:
            found.append((("patterns", index), f"not a valid regular expression: {e}"))
            continue
        if regex.groups < 1:
            found.append((("patterns", index), "needs a capture group for the test title"))
    return found


def spec_of(params: dict[str, Any], evidence: Evidence) -> Spec:
    return read_spec(evidence, as_list(params.get("features")) or None)


def traces(params: dict[str, Any], evidence: Evidence, spec: Spec,
           with_results: bool = False) -> tuple[Trace, ...]:
    """The traces of every scenario; JUnit results are read only when asked."""
    from clearance.evidence.titles import read_titles

    titles = read_titles(evidence, as_list(params.get("tests")) or None,
                         list(params.get("patterns") or ()))
    results = None
    if with_results:
        from clearance.evidence.junit import read_junit

        results = read_junit(evidence, as_list(params.get("junit")) or None)
    exclude = params.get("exclude_tags", EXCLUDE_TAGS)
    return trace(spec, titles.titles, exclude, results)


def traced(params: dict[str, Any], evidence: Evidence,
           with_results: bool = False) -> tuple[Spec, tuple[Trace, ...]] | Outcome:
    """The spec and its traces, or the `error` outcome of a spec that did not parse."""
    spec = spec_of(params, evidence)
    failure = broken(params, evidence, spec)
    if failure is not None:
        return failure
    if not spec.scenarios:  # nothing to trace is no evidence that anything is traced
        findings = tuple(Finding(f, None, None, "no scenario") for f in spec.files[:MAX_FINDINGS])
        return Outcome("error", f"the feature files hold no scenario ({len(spec.files)} read)",
                       findings=findings)
    return spec, traces(params, evidence, spec, with_results)


def error_findings(errors: Sequence[ParseError]) -> tuple[Finding, ...]:
    return tuple(Finding(e.file, e.line, e.column, e.message) for e in errors[:MAX_FINDINGS])


def broken(params: dict[str, Any], evidence: Evidence, spec: Spec) -> Outcome | None:
    """An `error` outcome when some feature file did not parse, else None.

    Its data holds the matrix of the files that did parse, as far as the
    test sources can be read (test results are not read for it).
    """
    files = spec.broken_files
    if not files:
        return None
    message = (f"{plural(len(files), 'feature file')} could not be parsed, so the scenarios "
               f"cannot all be judged: {', '.join(files)}")
    try:
        data = matrix(traces(params, evidence, spec))
    except EvidenceError:
        data = {}
    return Outcome("error", message, findings=error_findings(spec.errors), data=data)


def matrix(found: Sequence[Trace]) -> dict[str, Any]:
    return {"traceability": [t.to_row() for t in found]}


def scenario_finding(t: Trace, message: str) -> Finding:
    s = t.scenario
    return Finding(s.file, s.line, s.column, message)


def counted(found: Sequence[Trace], good: int, noun: str) -> str:
    """`N of M scenarios NOUN (K excluded)`."""
    judged = sum(1 for t in found if not t.excluded)
    excluded = len(found) - judged
    note = f" ({excluded} excluded by tag)" if excluded else ""
    return f"{good} of {plural(judged, 'scenario')} {noun}{note}"
