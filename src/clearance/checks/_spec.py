"""What the spec.* check kinds share: parameters, reading, the matrix, broken files.

A feature file that does not parse is reported by `spec.valid` as a `fail`
with each error at file:line. The other spec kinds cannot judge scenarios
they could not read, so they give one `error` saying how many files could
not be parsed (the errors themselves are spec.valid's findings), and still
carry the matrix of the files that did parse.

The scenarios are traced by a runner convention (`runner`, else
`inputs.runner`, else `auto`: evidence/runners/__init__.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.runners import RUN_EVIDENCE, RUNNERS, Sources, bind, detect
from clearance.evidence.spec import ParseError, Spec, read_spec
from clearance.evidence.titles import TestTitle
from clearance.evidence.traceability import EXCLUDE_TAGS, Trace, trace
from clearance.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from clearance.evidence.runners.binding import Binding

TAGS: dict[str, Any] = {"type": "array", "items": {"type": "string", "minLength": 1}}
PATTERNS: dict[str, Any] = {"type": "array", "items": {"type": "string", "minLength": 1}}
SPEC_PARAMS: dict[str, Any] = {"features": GLOBS}
RUNNER: dict[str, Any] = {"enum": list(RUNNERS)}
TRACE_PARAMS: dict[str, Any] = {
    "features": GLOBS, "tests": GLOBS, "patterns": PATTERNS, "exclude_tags": TAGS,
    "runner": RUNNER, "junit": GLOBS, "messages": GLOBS, "cucumber_json": GLOBS,
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
    return found + negation_problems(params)


def negation_problems(params: dict[str, Any]) -> Problems:
    """`!globs` take files away from `features` and `tests`; report files take none."""
    found: Problems = []
    for key in ("junit", "messages", "cucumber_json"):
        value = params.get(key)
        for index, glob in enumerate([value] if isinstance(value, str) else value or []):
            if isinstance(glob, str) and glob.startswith("!"):
                where: tuple[str | int, ...] = (key,) if isinstance(value, str) else (key, index)
                found.append((where, f"'{glob}': a '!' glob takes files away only in features "
                              "and tests; name the report files to read instead"))
    return found


def spec_of(params: dict[str, Any], evidence: Evidence) -> Spec:
    return read_spec(evidence, as_list(params.get("features")) or None)


def sources(params: dict[str, Any], evidence: Evidence) -> Sources:
    """The globs of each kind of evidence: the rule's, else the policy's inputs."""
    def globs(name: str) -> list[str]:
        return as_list(params.get(name)) or evidence.input_globs(name)
    return Sources(globs("junit"), globs("messages"), globs("cucumber_json"), globs("tests"))


def runner_of(params: dict[str, Any], evidence: Evidence, given: Sources) -> str:
    runner = str(params.get("runner") or evidence.inputs_config.get("runner") or "auto")
    return detect(evidence, given) if runner == "auto" else runner


class Traced(Record):
    spec: Spec
    traces: tuple[Trace, ...]
    binding: Binding | None  # None: test titles (the `titles` runner)


def traces(params: dict[str, Any], evidence: Evidence, spec: Spec,
           with_results: bool = False) -> tuple[tuple[Trace, ...], Binding | None]:
    """The traces of every scenario; test results are read only when asked or needed."""
    given = sources(params, evidence)
    runner = runner_of(params, evidence, given)
    exclude = params.get("exclude_tags", EXCLUDE_TAGS)
    if runner != "titles":
        from clearance.evidence.runners.judge import trace_bound

        binding = bind(runner, spec, evidence, given, with_results or runner in RUN_EVIDENCE)
        return trace_bound(spec, binding, exclude), binding
    from clearance.evidence.titles import read_titles

    titles: tuple[TestTitle, ...] = ()
    if given.tests or not with_results:  # results alone judge passing (names of the cases)
        titles = read_titles(evidence, given.tests, list(params.get("patterns") or ())).titles
    results = None
    if with_results:
        from clearance.evidence.junit import read_junit

        results = read_junit(evidence, given.junit or None)
    return trace(spec, titles, exclude, results), None


def traced(params: dict[str, Any], evidence: Evidence,
           with_results: bool = False) -> Traced | Outcome:
    """The spec and its traces, or the `error` outcome of what cannot be judged."""
    spec = spec_of(params, evidence)
    failure = broken(params, evidence, spec)
    if failure is not None:
        return failure
    if not spec.scenarios:  # nothing to trace is no evidence that anything is traced
        findings = tuple(Finding(f, None, None, "no scenario") for f in spec.files[:MAX_FINDINGS])
        return Outcome("error", f"the feature files hold no scenario ({len(spec.files)} read)",
                       findings=findings)
    found, binding = traces(params, evidence, spec, with_results)
    if all(t.excluded for t in found):
        return Outcome("error", f"exclude_tags leave out every scenario ({len(found)}): nothing "
                       "was judged", data=matrix(found))
    if binding is not None and binding.unbound:
        return unbound(binding, found)
    return Traced(spec, found, binding)


def unbound(binding: Binding, found: Sequence[Trace]) -> Outcome:
    """`error`: cases of the runner's report that name no scenario of the spec."""
    findings = tuple(Finding(case.report, case.line, None,
                             f"case '{case.name}' (classname '{case.classname}'): {why}")
                     for case, why in binding.unbound[:MAX_FINDINGS])
    return Outcome("error", f"{plural(len(binding.unbound), 'case')} of the {binding.runner} "
                   "report name no scenario of the spec, so the report and the spec do not "
                   "match", findings=findings, data=matrix(found))


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
    message = (f"{plural(len(files), 'feature file')} could not be parsed (see spec.valid), so "
               "the scenarios cannot all be judged")
    try:
        data = matrix(traces(params, evidence, spec)[0])
    except EvidenceError:
        data = {}
    return Outcome("error", message, data=data)


def matrix(found: Sequence[Trace]) -> dict[str, Any]:
    return {"traceability": [t.to_row() for t in found]}


def scenario_finding(t: Trace, message: str) -> Finding:
    s = t.scenario
    return Finding(s.file, s.line, s.column, message)


def not_implemented(t: Trace) -> str:
    """Why a scenario traced by a runner convention is not implemented."""
    name = t.scenario.name if t.scenario.name else "(no name)"
    undefined = [c for c in t.cases or () if c.outcome == "undefined"]
    if undefined:
        return (f"scenario '{name}' has a step without definition: "
                f"{(undefined[0].message.splitlines() or [''])[0][:160]} ({undefined[0].report})")
    if t.runner == "pytest-bdd" and not t.tests:
        return f"no test module binds scenario '{name}' (@scenario or scenarios())"
    rows = [f"#{r.example.number}" for r in t.rows if r.result == "not-implemented"]
    which = f" (example rows {', '.join(rows)})" if rows and len(rows) < len(t.rows) else ""
    return f"no case of the {t.runner} report ran scenario '{name}'{which}"


def counted(found: Sequence[Trace], good: int, noun: str) -> str:
    """`N of M scenarios NOUN (K excluded)`."""
    judged = sum(1 for t in found if not t.excluded)
    excluded = len(found) - judged
    note = f" ({excluded} excluded by tag)" if excluded else ""
    return f"{good} of {plural(judged, 'scenario')} {noun}{note}"
