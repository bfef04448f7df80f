"""cucumber-js: its JUnit report (`--format junit`, @cucumber/junit-xml-formatter).

Naming (cucumber-js 12.9.0, @cucumber/query 15.0.1; tests/fixtures/runners/NAMING.md,
"cucumber-js"), from `@cucumber/query/dist/src/Lineage.js:
BuiltinNamingStrategy.reduce` with the formatter's default strategy:

- `testcase/@classname` = the feature's name, or the feature file's uri when
  the feature has no name (`JUnitXmlPrinter.makeTestCases`);
- `testcase/@name` = these parts joined with `" - "`, empty ones dropped: the
  Rule's name; the scenario's name (the pickle's when the scenario has none);
  the Examples block's name; for an outline row `#E.R`, followed by
  `: <pickle name>` when the pickle's name differs from the scenario's;
- an empty `<failure/>` (no type, no message) is a step that is undefined,
  pending or ambiguous: the scenario is not implemented.

Two features with the same name are told apart by file order: cucumber-js
writes the cases sorted by uri, then line.
"""

from __future__ import annotations

from collections import defaultdict

from clearance.evidence.junit import JUnitResults, TestCase
from clearance.evidence.runners.binding import Binding, Collector, Expected, units
from clearance.evidence.spec import Example, Feature, Scenario, Spec

RUNNER = "cucumber-js"


def case_name(scenario: Scenario, row: Example | None) -> str:
    parts = [scenario.rule or "", scenario.name or (row.name if row else "")]
    if row is not None:
        parts.append(row.block_name)
        parts.append(f"#{row.number}" + (f": {row.name}" if row.name != scenario.name else ""))
    return " - ".join(p for p in parts if p)


def bind(spec: Spec, results: JUnitResults) -> Binding:
    by_class: dict[str, list[Feature]] = defaultdict(list)
    for feature in sorted(spec.features, key=lambda f: f.file):
        by_class[feature.name or feature.file].append(feature)
    names: dict[str, Expected] = {}
    found = Collector()
    for case in results.cases:
        features = by_class.get(case.classname) or _by_uri(spec, case.classname)
        if not features:
            found.refuse(case, "no feature of the spec has this name (the classname)")
            continue
        if case.classname not in names:
            names[case.classname] = _expected(features)
        found.by_name(names[case.classname], undefined(case), f"feature '{case.classname}'")
    return found.binding(RUNNER, results.reports)


def _by_uri(spec: Spec, classname: str) -> list[Feature]:
    return [f for f in spec.features if not f.name and (f.file == classname
                                                        or f.file.endswith("/" + classname))]


def _expected(features: list[Feature]) -> Expected:
    names = Expected()
    for feature in features:
        for scenario in feature.all_scenarios:
            for key, row in units(scenario):
                names.expect(case_name(scenario, row), key)
    return names


def undefined(case: TestCase) -> TestCase:
    """A failure without type or message: an undefined, pending or ambiguous step."""
    if case.outcome == "failed" and not case.message:
        return case._replace(outcome="undefined",
                             message="a step is undefined, pending or ambiguous (empty <failure/>)")
    return case
