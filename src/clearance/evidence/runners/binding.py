"""What every runner convention gives: each scenario's (and example row's) cases.

A `Binding` maps a scenario of the spec, by its feature file and line (an
outline row by the row's line), to the cases of the runner's output that
ran it, and to the source lines that bind it when the runner has such
(pytest-bdd). Cases that name nothing in the spec are kept as `unbound`, so
that a check can say so instead of ignoring them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from clearance.evidence.junit import TestCase
from clearance.evidence.spec import Example, Feature, Scenario, Spec
from clearance.evidence.titles import TestTitle
from clearance.records import Record

Key = tuple[str, int]  # (feature file, line of the scenario or of the example row)


class Binding(Record):
    runner: str
    cases: Mapping[Key, tuple[TestCase, ...]]
    tests: Mapping[Key, tuple[TestTitle, ...]] = MappingProxyType({})  # a default all share: read-only
    unbound: tuple[tuple[TestCase, str], ...] = ()  # each with why it names no scenario
    reports: tuple[str, ...] = ()
    from_sources: bool = False  # implemented means bound in a source (pytest-bdd), not run

    def cases_of(self, key: Key) -> tuple[TestCase, ...]:
        return self.cases.get(key, ())


class Collector:
    """Cases as a binder finds them, then frozen into a `Binding`."""

    def __init__(self) -> None:
        self.cases: dict[Key, list[TestCase]] = defaultdict(list)
        self.unbound: list[tuple[TestCase, str]] = []

    def add(self, key: Key, case: TestCase) -> None:
        self.cases[key].append(case)

    def refuse(self, case: TestCase, why: str) -> None:
        self.unbound.append((case, why))

    def by_name(self, names: Expected, case: TestCase, where: str) -> None:
        """Give the case to the one scenario (or row) of `where` its name names, or refuse it
        with the reason: no such name, or a name several of them share."""
        if names.ambiguous(case.name):
            self.refuse(case, f"several scenarios of {where} are named so: the report cannot tell "
                              "their cases apart (give each its own name)")
        elif (key := names.take(case.name)) is None:
            self.refuse(case, f"no scenario of {where} is named so")
        else:
            self.add(key, case)

    def binding(self, runner: str, reports: Sequence[str],
                tests: Mapping[Key, tuple[TestTitle, ...]] | None = None,
                from_sources: bool = False) -> Binding:
        return Binding(runner, {k: tuple(v) for k, v in self.cases.items()}, tests or {},
                       tuple(self.unbound), tuple(reports), from_sources)


def units(scenario: Scenario) -> list[tuple[Key, Example | None]]:
    """What a runner runs of a scenario: itself, or each example row of an outline."""
    if scenario.examples:
        return [((scenario.file, row.line), row) for row in scenario.examples]
    return [((scenario.file, scenario.line), None)]


class FeatureFiles:
    """Spec files found from the paths a runner writes (relative to its own working folder)."""

    def __init__(self, spec: Spec) -> None:
        self.features = {f.file: f for f in spec.features}
        self._by_name: dict[str, list[str]] = defaultdict(list)
        for path in self.features:
            self._by_name[path.rsplit("/", 1)[-1]].append(path)

    def find(self, uri: str) -> tuple[Feature | None, str]:
        """The feature a runner's uri names, or None and why not."""
        uri = uri.replace("\\", "/").removeprefix("./")
        candidates = [p for p in self._by_name.get(uri.rsplit("/", 1)[-1], ())
                      if p == uri or p.endswith("/" + uri) or uri.endswith("/" + p)]
        if len(candidates) == 1:
            return self.features[candidates[0]], ""
        if not candidates:
            return None, f"no feature file of the spec is {uri}"
        exact = [p for p in candidates if p == uri]
        if exact:
            return self.features[exact[0]], ""
        return None, f"{uri} could be any of {', '.join(sorted(candidates))}"


class Expected:
    """Names a runner gives, each to the scenario (or row) it stands for.

    When several scenarios that one report cannot tell apart have the same
    name, the name is `ambiguous`: which case ran which scenario depends on the
    order of the report (tags, parallel runs), so no case is given to any of
    them; the callers refuse such cases with the reason.
    """

    def __init__(self) -> None:
        self.keys: dict[str, list[Key]] = defaultdict(list)

    def expect(self, name: str, key: Key) -> None:
        self.keys[name].append(key)

    def ambiguous(self, name: str) -> bool:
        return len(self.keys.get(name, ())) > 1

    def take(self, name: str) -> Key | None:
        keys = self.keys.get(name)
        return keys[0] if keys and len(keys) == 1 else None

