"""The feature spec: Gherkin `.feature` files, parsed with the official parser.

Feature files are committed files: they are found among the tracked files of
the snapshot under evaluation and read from git. Each file is parsed on its
own; a file that does not parse yields its parse errors as file:line:column
and the other files are still read. The model keeps what traceability needs:
features, rules, backgrounds, scenarios, the example rows of outlines, tags
and locations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.gherkin_errors import ParseError as ParseError  # spec.ParseError
from clearance.evidence.gherkin_errors import parse
from clearance.pathmatch import filter_paths
from clearance.records import Record

Node = Mapping[str, Any]


class Example(Record):
    """One row of an outline's Examples table: the scenario it stands for."""

    name: str  # the outline's name with this row's values put in for <placeholders>
    line: int
    tags: tuple[str, ...]  # the tags of its Examples block
    block: int = 1  # 1-based index of its Examples block in the outline (behave's and cucumber's E)
    # 1-based index of the row in that block's table body (R); as a field it hides tuple.index
    index: int = 1  # type: ignore[assignment]
    block_name: str = ""  # the Examples block's name, as written
    values: tuple[str, ...] = ()  # the row's cells, in column order
    keys: tuple[str, ...] = ()  # the table header's cells

    @property
    def number(self) -> str:
        """`E.R`, as behave (`-- @E.R`) and cucumber-js (`#E.R`) number rows."""
        return f"{self.block}.{self.index}"


class Scenario(Record):
    """A Scenario, Example or Scenario Outline, with the tags it inherits."""

    name: str
    keyword: str
    file: str
    line: int
    column: int
    feature: str
    rule: str | None
    tags: tuple[str, ...]  # feature, rule and scenario tags, in that order
    steps: int
    outline: bool = False  # it has Examples blocks (a Scenario Outline)
    examples: tuple[Example, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


class Background(Record):
    name: str
    keyword: str
    line: int
    steps: int


class Rule(Record):
    name: str
    keyword: str
    file: str
    line: int
    tags: tuple[str, ...]  # feature and rule tags
    background: Background | None
    scenarios: tuple[Scenario, ...]


class Feature(Record):
    name: str
    keyword: str
    file: str
    line: int
    language: str
    tags: tuple[str, ...]
    background: Background | None
    scenarios: tuple[Scenario, ...]  # those outside any rule
    rules: tuple[Rule, ...]

    @property
    def all_scenarios(self) -> tuple[Scenario, ...]:
        """Every scenario in file order, inside rules or not."""
        found = list(self.scenarios) + [s for r in self.rules for s in r.scenarios]
        return tuple(sorted(found, key=lambda s: s.line))


class Spec(Record):
    """Every feature file that the globs name, parsed."""

    files: tuple[str, ...]
    features: tuple[Feature, ...]
    errors: tuple[ParseError, ...]

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        return tuple(s for f in self.features for s in f.all_scenarios)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(r for f in self.features for r in f.rules)

    @property
    def broken_files(self) -> tuple[str, ...]:
        """The files that did not parse, in order, once each."""
        return tuple(dict.fromkeys(e.file for e in self.errors))


def feature_globs(evidence: Evidence, globs: Sequence[str] | None = None) -> list[str]:
    """The globs to read: those given, else `inputs.features`; an error when neither."""
    found = list(globs) if globs else evidence.input_globs("features")
    if not found:
        raise EvidenceError("no feature files configured",
                            hint="set inputs.features in the policy, e.g. ['features/**/*.feature']")
    return found


def select_paths(patterns: Sequence[str], paths: Sequence[str],
                 exclude: Sequence[str] = ()) -> list[str]:
    """The paths some glob names and no `!glob` (nor `exclude` glob) names, in their order.

    A leading `!` takes away what the other globs name, wherever it stands in
    the list (order does not matter, unlike .gitignore).
    """
    wanted = [p for p in patterns if not p.startswith("!")]
    unwanted = [p[1:] for p in patterns if p.startswith("!")] + list(exclude)
    found = filter_paths(wanted, paths)
    if unwanted:
        dropped = set(filter_paths(unwanted, found))
        found = [p for p in found if p not in dropped]
    return found


def read_spec(evidence: Evidence, globs: Sequence[str] | None = None) -> Spec:
    """Parse the committed feature files that the globs name, once per run."""
    patterns = feature_globs(evidence, globs)

    def compute() -> Spec:
        paths = select_paths(patterns, evidence.tracked_files)
        if not paths:
            raise EvidenceError(f"no committed file matches {', '.join(patterns)}",
                                hint="commit the feature files or fix inputs.features")
        return parse_files(evidence.read_many(paths).items())

    spec = evidence.memo("spec:" + "\0".join(patterns), compute)
    evidence.read_many(spec.files)  # from the cache: records the files for this rule too
    return spec


def parse_files(contents: Iterable[tuple[str, bytes | None]]) -> Spec:
    files, features, errors = [], [], []
    for path, data in contents:
        files.append(path)
        feature, problems = parse_feature(path, data)
        errors.extend(problems)
        if feature is not None:
            features.append(feature)
    return Spec(tuple(files), tuple(features), tuple(errors))


def parse_feature(path: str, data: bytes | None) -> tuple[Feature | None, list[ParseError]]:
    """The feature of one file (None when it has none) or its parse errors."""
    if data is None:
        return None, [ParseError(path, None, None, "cannot be read from the snapshot")]
    try:
        text = decode(data)
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        return None, [ParseError(path, line, None, f"not valid UTF-8 (byte {e.start})")]
    document, errors = parse(path, text)
    if document is None or "feature" not in document:
        return None, errors
    return build_feature(path, document["feature"]), []


def decode(data: bytes) -> str:
    """UTF-8 text without a byte-order mark, with CRLF line ends made LF."""
    return data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")


def build_feature(path: str, node: Node) -> Feature:
    tags = _tags(node)
    context = (path, node["name"], None, tags)
    scenarios, rules, background = [], [], None
    for child in node["children"]:
        if "background" in child:
            background = _background(child["background"])
        elif "rule" in child:
            rules.append(_rule(path, node["name"], tags, child["rule"]))
        else:
            scenarios.append(_scenario(context, child["scenario"]))
    return Feature(node["name"], node["keyword"], path, node["location"]["line"],
                   node["language"], tags, background, tuple(scenarios), tuple(rules))


def _rule(path: str, feature: str, inherited: tuple[str, ...], node: Node) -> Rule:
    tags = inherited + _tags(node)
    context = (path, feature, node["name"], tags)
    scenarios, background = [], None
    for child in node["children"]:
        if "background" in child:
            background = _background(child["background"])
        else:
            scenarios.append(_scenario(context, child["scenario"]))
    return Rule(node["name"], node["keyword"], path, node["location"]["line"], tags,
                background, tuple(scenarios))


def _background(node: Node) -> Background:
    return Background(node["name"], node["keyword"], node["location"]["line"], len(node["steps"]))


def _scenario(context: tuple[str, str, str | None, tuple[str, ...]], node: Node) -> Scenario:
    path, feature, rule, inherited = context
    location = node["location"]
    examples = tuple(row for number, block in enumerate(node["examples"], start=1)
                     for row in _rows(node["name"], block, number))
    return Scenario(node["name"], node["keyword"], path, location["line"], location["column"],
                    feature, rule, inherited + _tags(node), len(node["steps"]),
                    bool(node["examples"]), examples)


def _rows(name: str, block: Node, number: int) -> list[Example]:
    """One Example per body row, named as the pickle compiler names it."""
    header = block.get("tableHeader")
    if not header:
        return []
    keys = tuple(cell["value"] for cell in header["cells"])
    tags = _tags(block)
    rows = []
    for index, row in enumerate(block["tableBody"], start=1):
        values = tuple(cell["value"] for cell in row["cells"])
        rows.append(Example(fill(name, dict(zip(keys, values, strict=False))), row["location"]["line"],
                            tags, number, index, block["name"], values, keys))
    return rows


def fill(template: str, values: Mapping[str, str]) -> str:
    """Put example values in for `<name>` placeholders."""
    for key, value in values.items():
        template = template.replace(f"<{key}>", value)
    return template


def _tags(node: Node) -> tuple[str, ...]:
    return tuple(tag["name"] for tag in node.get("tags", ()))
