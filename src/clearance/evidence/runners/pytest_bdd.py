"""pytest-bdd: scenarios bound in test modules, and the names pytest gives their tests.

Binding, read from the committed test modules with `ast` (pytest-bdd 9.0.1,
`pytest_bdd/scenario.py`; tests/fixtures/runners/NAMING.md, "pytest-bdd"):

- `@scenario(feature, name)` (also `feature_name=`, `scenario_name=`) binds one
  scenario; the test is named after the decorated function.
- `scenarios(path, ...)` binds every scenario of each file, and of every
  `*.feature` below each folder; features sorted by feature name (the file
  name when it has none, `get_features`); a feature's scenarios by name, the
  last of a name winning at the first one's place (`parser.py`); a scenario
  that an earlier `@scenario` of the module binds is left out.
- Paths are relative to `features_base_dir=`, else to the ini option
  `bdd_features_base_dir` joined to the folder of the ini file that sets it
  (pytest.ini, tox.ini, setup.cfg, pyproject.toml), else to the module's folder
  (`get_features_base_dir`).

Test names (`get_python_name_generator`, `make_python_name`): `test_` and
the scenario name with each space made `_`, every other character that is
not a Unicode word character deleted, leading digits (and the `_` after
them) deleted, lower-cased; a name already in the module (an earlier
function or scenario) gets `_1`, `_2`, ...

Outline rows are pytest parameters: id = the row's cells joined with `-`
(`collect_example_parametrizations`), non-ASCII escaped as pytest does
(`_pytest/compat.py: ascii_escaped`), repeated ids numbered 0, 1, ... with a
`_` first when the id ends in a digit (`_pytest/python.py:
make_unique_parameterset_ids`). The JUnit case is `classname` = the module's
path with `/` made `.` and `.py` dropped (relative to pytest's rootdir: any
dotted tail of the module's path), `name` = `<test name>[<id>]`.
"""

from __future__ import annotations

import ast
import configparser
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from clearance.evidence.junit import JUnitResults, TestCase
from clearance.evidence.runners.binding import Binding, Collector, Key, units
from clearance.evidence.spec import Feature, Scenario, Spec
from clearance.evidence.titles import TestTitle

RUNNER = "pytest-bdd"
INI_FILES = ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
_NOT_WORD = re.compile(r"\W")
_LEADING_DIGITS = re.compile(r"^\d+_*")
_BASE_DIR = re.compile(r"^\s*bdd_features_base_dir\s*=\s*[\"']?([^\"'\n#;]*)", re.MULTILINE)


def python_name(name: str) -> str:
    """pytest-bdd's `make_python_name`, as NAMING.md describes it."""
    name = _NOT_WORD.sub("", name.replace(" ", "_"))
    return _LEADING_DIGITS.sub("", name).lower()


def parameter_ids(rows: Sequence[Sequence[str]]) -> list[str]:
    """pytest's ids for the example rows of an outline, in order."""
    ids = ["-".join(values).encode("unicode_escape").decode("ascii") for values in rows]
    repeated = {i for i, n in Counter(ids).items() if n > 1}
    counters: dict[str, int] = defaultdict(int)
    unique = []
    for given in ids:
        if given in repeated:
            suffix = "_" if given[-1:].isdigit() else ""
            unique.append(f"{given}{suffix}{counters[given]}")
            counters[given] += 1
        else:
            unique.append(given)
    return unique


def base_dirs(files: Mapping[str, bytes | None]) -> dict[str, str]:
    """Folder of an ini file -> the features base dir it sets (repository path)."""
    found = {}
    for path, data in files.items():
        text = (data or b"").decode("utf-8", "replace")
        match = _BASE_DIR.search(text) if _sets_pytest_options(path, text) else None
        if match and match.group(1).strip():
            folder = posixpath.dirname(path)
            found[folder] = posixpath.normpath(posixpath.join(folder, match.group(1).strip()))
    return found


def _sets_pytest_options(path: str, text: str) -> bool:
    if path.endswith(".toml"):
        return "[tool.pytest" in text
    if path.endswith(".ini") and path.rsplit("/", 1)[-1] == "pytest.ini":
        return True
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return False
    return parser.has_section("pytest") or parser.has_section("tool:pytest")


def module_base(module: str, bases: Mapping[str, str]) -> str:
    """Where the module's relative feature paths start."""
    folder = posixpath.dirname(module)
    while True:
        if folder in bases:
            return bases[folder]
        if not folder:
            return posixpath.dirname(module)
        folder = posixpath.dirname(folder)


class ModuleBinding:
    """The scenarios one test module binds: key -> (test name, line), outline ids by row."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.tests: dict[Key, tuple[str, int]] = {}

    def add(self, scenario: Scenario, test: str, line: int) -> None:
        self.tests[(scenario.file, scenario.line)] = (test, line)


def bind_module(module: str, source: bytes, spec: Spec, base: str) -> ModuleBinding:
    """What one module binds, in the order pytest-bdd binds it."""
    found = ModuleBinding(module)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return found
    namespace: set[str] = set()
    decorated: set[tuple[str, str]] = set()
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            namespace.add(statement.name)
            for target in _decorator_targets(statement, module, base, spec):
                decorated.add((target.file, target.name))
                found.add(target, statement.name, statement.lineno)
        elif isinstance(statement, ast.Assign):
            namespace.update(t.id for t in statement.targets if isinstance(t, ast.Name))
        for call in _scenarios_calls(statement):
            _bind_all(found, call, module, base, spec, namespace, decorated)
    return found


def _decorator_targets(node: ast.AST, module: str, base: str, spec: Spec) -> list[Scenario]:
    targets: list[Scenario] = []
    for decorator in getattr(node, "decorator_list", []):
        if isinstance(decorator, ast.Call) and _called(decorator) == "scenario":
            args = _strings(decorator.args)
            keywords = {k.arg: _string(k.value) for k in decorator.keywords}
            feature = keywords.get("feature_name") or (args[0] if args else None)
            name = keywords.get("scenario_name") or (args[1] if len(args) > 1 else None)
            start = _start(keywords.get("features_base_dir"), module, base)
            if feature is not None and name is not None:
                path = _join(start, feature)
                named = [s for s in spec.scenarios if s.file == path and s.name == name]
                targets.extend(named[-1:])  # a feature keeps the last scenario of a name
    return targets


def _scenarios_calls(statement: ast.stmt) -> list[ast.Call]:
    value = statement.value if isinstance(statement, ast.Expr | ast.Assign) else None
    return [value] if isinstance(value, ast.Call) and _called(value) == "scenarios" else []


def _bind_all(found: ModuleBinding, call: ast.Call, module: str, base: str, spec: Spec,
              namespace: set[str], decorated: set[tuple[str, str]]) -> None:
    keywords = {k.arg: _string(k.value) for k in call.keywords}
    start = _start(keywords.get("features_base_dir"), module, base)
    features: dict[str, Feature] = {}
    for path in _strings(call.args):
        for feature in _features_at(spec, _join(start, path)):
            features.setdefault(feature.file, feature)
    for feature in sorted(features.values(), key=lambda f: f.name or f.file.rsplit("/", 1)[-1]):
        for scenario in _by_name(feature.all_scenarios):
            if (feature.file, scenario.name) in decorated:
                continue
            name = "test_" + python_name(scenario.name)
            test, n = name, 0
            while test in namespace:
                n += 1
                test = f"{name}_{n}"
            namespace.add(test)
            found.add(scenario, test, call.lineno)


def _by_name(scenarios: Iterable[Scenario]) -> list[Scenario]:
    """One scenario per name: the last of the name, in the first one's place."""
    kept: dict[str, Scenario] = {}
    for scenario in scenarios:
        kept[scenario.name] = scenario
    return list(kept.values())


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _strings(nodes: Iterable[ast.expr]) -> list[str]:
    return [s for s in map(_string, nodes) if s is not None]


def _start(given: str | None, module: str, base: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(module), given)) if given else base


def _join(start: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(start, path))


def _features_at(spec: Spec, path: str) -> list[Feature]:
    if path.endswith(".feature"):
        return [f for f in spec.features if f.file == path]
    prefix = "" if path == "." else path + "/"
    return [f for f in spec.features if f.file.startswith(prefix)]


def bind(spec: Spec, sources: Mapping[str, bytes | None], ini: Mapping[str, bytes | None],
         results: JUnitResults | None) -> Binding:
    bases = base_dirs(ini)
    modules = [bind_module(path, data or b"", spec, module_base(path, bases))
               for path, data in sources.items() if path.endswith(".py")]
    modules = [m for m in modules if m.tests]
    tests: dict[Key, list[TestTitle]] = defaultdict(list)
    expected: dict[str, dict[str, Key]] = {}
    by_key = {(s.file, s.line): s for s in spec.scenarios}
    for module in modules:
        names = expected.setdefault(module.module, {})
        for key, (test, line) in module.tests.items():
            tests[key].append(TestTitle(module.module, line, test, RUNNER, test))
            names.update(_case_names(by_key[key], test))
    found = Collector()
    if results is not None:
        _bind_cases(found, results, expected)
    return found.binding(RUNNER, results.reports if results else (),
                         {k: tuple(v) for k, v in tests.items()}, from_sources=True)


def _case_names(scenario: Scenario, test: str) -> dict[str, Key]:
    rows = units(scenario)
    if not scenario.examples:
        return {test: rows[0][0]}
    ids = parameter_ids([row.values for row in scenario.examples])
    return {f"{test}[{given}]": key for given, (key, _) in zip(ids, rows, strict=True)}


def _bind_cases(found: Collector, results: JUnitResults, expected: dict[str, dict[str, Key]]) -> None:
    dotted = {module.removesuffix(".py").replace("/", "."): names for module, names in expected.items()}
    for case in results.cases:
        names = _module_of(case.classname, dotted)
        if names is None:
            continue  # a test of a module that binds no scenario: not ours to judge
        key = names.get(case.name)
        if key is not None:
            found.add(key, _undefined(case))


def _module_of(classname: str, dotted: Mapping[str, dict[str, Key]]) -> dict[str, Key] | None:
    if classname in dotted:
        return dotted[classname]
    matches = [names for module, names in dotted.items() if module.endswith("." + classname)]
    return matches[0] if len(matches) == 1 else None


def _undefined(case: TestCase) -> TestCase:
    if case.outcome == "failed" and "StepDefinitionNotFoundError" in case.message:
        return case._replace(outcome="undefined")
    return case
