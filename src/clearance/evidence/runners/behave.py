"""behave: the JUnit files of `behave --junit` (one `TESTS-<F>.xml` per feature).

Naming (behave 1.3.3; tests/fixtures/runners/NAMING.md, "behave"):

- `testcase/@classname` = `<F>.<feature name>` (`behave/reporter/junit.py:
  JUnitReporter.feature`, `make_feature_filename`), F being the feature file's
  path below the features folder, `.feature` dropped, `/` made `.`
  (`account.account.Account`). A feature is found by its name and by F being
  a dotted tail of its path in the repository; an empty feature name is F.
- `testcase/@name` = the scenario's name as written (`_process_scenario`); an
  outline row is `"{name} -- @{E}.{R} {examples name}"` with the row's values
  put in for the placeholders of both names (`behave/model.py:
  ScenarioOutlineBuilder.make_scenario_name`, its default
  `annotation_schema`); a Rule leaves no trace.
- `status="error"` with "undefined" in the failing step's text is a step
  without definition: the scenario is not implemented.
"""

from __future__ import annotations

from collections import defaultdict

from clearance.evidence.junit import JUnitResults, TestCase
from clearance.evidence.runners.binding import Binding, Collector, Expected, units
from clearance.evidence.spec import Feature, Spec, fill

RUNNER = "behave"


def row_name(scenario_name: str, row_values: dict[str, str], number: str, block: str) -> str:
    return f"{fill(scenario_name, row_values)} -- @{number} {fill(block, row_values)}"


def classnames(feature: Feature) -> list[str]:
    """Every classname behave may give the feature, for each folder it may have been run from."""
    parts = feature.file.removesuffix(".feature").split("/")
    found = []
    for start in range(len(parts)):
        dotted = ".".join(parts[start:])
        found.append(f"{dotted}.{feature.name or dotted}")
    return found


def expected(feature: Feature) -> Expected:
    names = Expected()
    for scenario in feature.all_scenarios:
        for key, row in units(scenario):
            if row is None:
                names.expect(scenario.name, key)
            else:
                values = dict(zip(row.keys, row.values, strict=False))
                names.expect(row_name(scenario.name, values, row.number, row.block_name), key)
    return names


def bind(spec: Spec, results: JUnitResults) -> Binding:
    by_class: dict[str, list[Feature]] = defaultdict(list)
    for feature in spec.features:
        for name in classnames(feature):
            by_class[name].append(feature)
    names: dict[str, Expected] = {}
    found = Collector()
    for case in results.cases:
        features = by_class.get(case.classname, [])
        if len(features) != 1:
            why = ("no feature of the spec has this classname" if not features else
                   "several feature files could have this classname: "
                   + ", ".join(f.file for f in features))
            found.refuse(case, why)
            continue
        feature = features[0]
        if feature.file not in names:
            names[feature.file] = expected(feature)
        found.by_name(names[feature.file], undefined(case), feature.file)
    return found.binding(RUNNER, results.reports)


def undefined(case: TestCase) -> TestCase:
    """An error case whose failing step is undefined, marked so."""
    if case.outcome == "error" and " undefined" in case.message:
        return case._replace(outcome="undefined")
    return case
