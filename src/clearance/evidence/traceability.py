"""Scenario traceability: which tests name each scenario, and how they ended.

A scenario is *implemented* when a test source names it, and *passing* when
a JUnit case that names it passed and none failed. Names are compared after
`normalise` (docs/traceability.md gives the rules with examples):

- case is ignored, and runs of whitespace and punctuation count as one space;
- underscores are spaces, so `test_successful_sign_in` names "Successful sign in";
- identifiers lose a leading `test_`/`test` and are also split at camelCase;
- "describe > test" names (vitest, Jest, and Playwright's angle-quote form) also count by
  each tail: `auth > Successful sign in` names "Successful sign in";
- pytest parameters in brackets are dropped: `test_sign_in[admin]`;
- a title bound to a function (pytest-bdd `@scenario`, `@DisplayName`) also
  counts through the JUnit case of that function in the same file;
- an outline is named by its own name or by its example rows, each with the
  row's values put in for the placeholders.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from clearance.evidence.spec import Example, Scenario, Spec
from clearance.evidence.titles import TestTitle
from clearance.records import Record

if TYPE_CHECKING:
    from clearance.evidence.junit import JUnitResults, TestCase

EXCLUDE_TAGS = ("@wip", "@manual")
FAILED = ("failed", "error")
_SEPARATORS = re.compile("\\s+(?:>|\u203a)\\s+")
_PARAMS = re.compile(r"(?<=\w)\[[^\]]*\]$")
_SIGNATURE = re.compile(r"\([^)]*\)$")
_PREFIX_END = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # after `test`, as in `testSignIn`
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_PUNCTUATION = re.compile(r"[\W_]+")
_WHITESPACE = re.compile(r"\s")
# For `normalise` of ASCII text: A-Z to a-z, letters and digits kept, any other byte a space.
_ASCII_WORDS = bytes(c + 32 if 65 <= c <= 90 else c if chr(c).isascii() and chr(c).isalnum() else 32
                     for c in range(256))
_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_ASCII_NOT_ALNUM = bytes(c for c in range(256) if not (chr(c).isascii() and chr(c).isalnum()))


def normalise(text: str) -> str:
    """Case-folded words separated by single spaces; punctuation is a separator.

    ASCII text, nearly every name, takes one byte translation: upper case to
    lower, every character that is not a letter or digit (`_` included) to a
    space, then words split and joined. That is what the regular expression
    of the general path does to ASCII text (a property test compares both).
    """
    if text.isascii():
        ascii_words = text.encode().translate(_ASCII_WORDS).split()
        if ascii_words:
            return b" ".join(ascii_words).decode()
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKC", text).casefold()
    words = _PUNCTUATION.sub(" ", text).strip()
    return words or " ".join(text.split())


def title_keys(title: str) -> frozenset[str]:
    """Every normalised name a test title or JUnit case name stands for.

    Each step runs only when the title can hold what it removes: a run
    reads tens of thousands of JUnit case names through here. An ASCII
    title of one word with no `>` or `]` (`test_sign_in`, `signIn()`, most
    JUnit case names) has only the forms of an identifier.
    """
    title = title.strip()
    if title.isascii() and ">" not in title and "]" not in title and len(title.split()) == 1:
        keys = set(map(normalise, _identifier_forms(title)))
        keys.discard("")
        return frozenset(keys)
    names = {title}
    if ">" in title or "\u203a" in title:
        parts = _SEPARATORS.split(title)
        names.update(" ".join(parts[i:]) for i in range(1, len(parts)))
    if "]" in title:
        names.update({_PARAMS.sub("", name) for name in names})
    for name in list(names):
        if name and _WHITESPACE.search(name) is None:
            names.update(_identifier_forms(name))
    keys = set(map(normalise, names))
    keys.discard("")
    return frozenset(keys)


def _without_test_prefix(name: str) -> str:
    """A name without a leading `test_` (and more `_`), or `test` before a capital or digit."""
    if not name.startswith("test"):
        return name
    if name.startswith("test_"):
        return name[5:].lstrip("_")
    return name[4:] if name[4:5] in _PREFIX_END else name


def _identifier_forms(name: str) -> tuple[str, ...]:
    """A one-word name, without its `test` prefix, and split at camelCase when it has capitals."""
    bare = _without_test_prefix(name)
    return (name, bare) if bare.islower() else (name, bare, _CAMEL.sub(" ", bare))


def tag_set(tags: Iterable[str]) -> frozenset[str]:
    """Tags compared without case, with or without their `@`."""
    return frozenset("@" + t.casefold().lstrip("@") for t in tags)


class RowTrace(Record):
    """One example row of an outline, judged on its own from a runner's cases."""

    example: Example
    cases: tuple[TestCase, ...]
    result: str  # passed, failed, not-run or not-implemented

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.example.name, "line": self.example.line,
                "number": self.example.number, "result": self.result}


class Trace(Record):
    """One scenario, the tests that name it and, when consulted, its JUnit cases."""

    scenario: Scenario
    excluded: bool
    tests: tuple[TestTitle, ...]
    unnamed_rows: tuple[Example, ...] = ()  # outline rows no test names
    cases: tuple[TestCase, ...] | None = None  # None: results not consulted
    runner: str = "titles"  # the convention that bound it (docs/traceability.md)
    rows: tuple[RowTrace, ...] = ()  # outline rows judged one by one (runner conventions)
    judged: str | None = None  # the result a runner convention decided

    @property
    def implemented(self) -> bool:
        if self.judged is not None:
            return not self.excluded and self.judged != "not-implemented"
        return not self.excluded and bool(self.tests) and not self.unnamed_rows

    @property
    def result(self) -> str:
        """excluded, failed, passed, not-implemented or not-run."""
        if self.excluded:
            return "excluded"
        if self.judged is not None:
            return self.judged
        outcomes = {case.outcome for case in self.cases or ()}
        if outcomes & set(FAILED):
            return "failed"
        if "passed" in outcomes:
            return "passed"
        return "not-run" if self.implemented else "not-implemented"

    def to_row(self) -> dict[str, Any]:
        s = self.scenario
        row: dict[str, Any] = {
            "feature": s.feature, "file": s.file, "line": s.line, "rule": s.rule,
            "scenario": s.name, "tags": list(s.tags),
            "tests": [t.to_dict() for t in self.tests], "result": self.result,
        }
        if self.runner != "titles":
            row["runner"] = self.runner
        if not s.name:
            row["unnamed"] = True  # a scenario without a name, reported as such
        if self.rows:
            row["examples"] = [r.to_dict() for r in self.rows]
        if self.unnamed_rows:
            row["unnamed_examples"] = [{"name": r.name, "line": r.line} for r in self.unnamed_rows]
        if self.cases is not None:
            row["cases"] = [{"name": c.name, "classname": c.classname, "outcome": c.outcome,
                             "report": c.report} for c in self.cases]
        return row


class _Index:
    """Items by each normalised name they stand for."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[Any]] = defaultdict(list)

    def add(self, item: Any, keys: Iterable[str]) -> None:
        for key in keys:
            self.by_key[key].append(item)

    def find(self, keys: Iterable[str]) -> list[Any]:
        found: dict[int, Any] = {}
        for key in keys:
            for item in self.by_key.get(key, ()):
                found.setdefault(id(item), item)
        return list(found.values())


def trace(spec: Spec, titles: Sequence[TestTitle], exclude_tags: Iterable[str] = EXCLUDE_TAGS,
          results: JUnitResults | None = None) -> tuple[Trace, ...]:
    """One trace per scenario of the spec, in feature file order."""
    excluded = tag_set(exclude_tags)
    index = _Index()
    for title in titles:
        index.add(title, title_keys(title.name))
    scenarios = spec.scenarios
    asked = [_asked(s, excluded) for s in scenarios]
    cases = None
    if results is not None:
        wanted = {key for names in asked if names is not None for key in names.keys}
        functions = {title.function for title in titles if title.function}
        features = frozenset(normalise(f.name) for f in spec.features if f.name)
        cases = _CaseIndex(results, wanted, functions, features)
    return tuple(_trace(s, names, index, cases) for s, names in zip(scenarios, asked, strict=True))


class _Asked(Record):
    """The normalised names a scenario is looked up by: its own, then each row's."""

    own: str
    rows: tuple[Example, ...]  # the rows not excluded by tag
    row_keys: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.own, *self.row_keys)


def _asked(scenario: Scenario, excluded: frozenset[str]) -> _Asked | None:
    """None for a scenario excluded by tag."""
    if tag_set(scenario.tags) & excluded:
        return None
    rows = tuple(r for r in scenario.examples if not tag_set(r.tags) & excluded)
    return _Asked(normalise(scenario.name), rows, tuple(normalise(r.name) for r in rows))


def _trace(scenario: Scenario, asked: _Asked | None, index: _Index,
           cases: _CaseIndex | None) -> Trace:
    if asked is None:
        return Trace(scenario, True, ())
    named_itself = index.find([asked.own])
    by_row = {r: index.find([key]) for r, key in zip(asked.rows, asked.row_keys, strict=True)}
    tests: list[TestTitle] = list(named_itself)
    for found in by_row.values():
        tests.extend(t for t in found if t not in tests)
    unnamed = () if named_itself else tuple(r for r, found in by_row.items() if not found)
    matched = None if cases is None else cases.find(asked.keys, tests, scenario.feature)
    tests.sort(key=lambda t: (t.file, t.line))
    return Trace(scenario, False, tuple(tests), unnamed, matched)


class _CaseIndex:
    """JUnit cases by name, and by the function a test title is bound to.

    Only what a lookup can ask for is kept: the names in `wanted` (every
    key of every scenario looked up) and the functions in `functions` (every
    function a test title is bound to). A case's other keys could never be
    found, so leaving them out changes no result.
    """

    def __init__(self, results: JUnitResults, wanted: set[str], functions: set[str],
                 features: frozenset[str] = frozenset()) -> None:
        self.names = _Index()
        self.functions: dict[str, list[TestCase]] = defaultdict(list)
        self.owners: dict[TestCase, str] = {}  # a case whose classname or path names a feature
        squashed = squash(wanted)
        for case in results.cases:
            if not may_name(case.name, squashed):
                continue
            keys = title_keys(case.name) & wanted
            if keys:
                self.names.add(case, keys)
                owner = _feature_of(case, features)
                if owner is not None:
                    self.owners[case] = owner
        if functions:
            for case in results.cases:
                function = _function_name(case.name)
                if function in functions:
                    self.functions[function].append(case)

    def find(self, keys: Sequence[str], tests: Sequence[TestTitle],
             feature: str = "") -> tuple[TestCase, ...]:
        """The cases that name the scenario; one that names another feature is not its."""
        mine = normalise(feature) if feature else ""
        found: list[TestCase] = [c for c in self.names.find(keys)
                                 if self.owners.get(c, mine) == mine]
        seen = set(found)  # cases compare by value: a set keeps this linear in the cases bound
        for test in tests:
            if test.function:
                for case in self.functions.get(test.function, ()):
                    if case not in seen and _same_source(case, test):
                        found.append(case)
                        seen.add(case)
        return tuple(found)


def _feature_of(case: TestCase, features: frozenset[str]) -> str | None:
    """The feature a case names: its classname (Cucumber-JVM, cucumber-js), or the head of its
    `describe > test` path, when that is a feature's name; else None (any feature)."""
    if not features:
        return None
    owner = normalise(case.classname) if case.classname else ""
    if owner in features:
        return owner
    parts = _SEPARATORS.split(case.name.strip())
    head = normalise(parts[0]) if len(parts) > 1 else ""
    return head if head in features else None


def squash(keys: Iterable[str]) -> frozenset[bytes]:
    """Normalised names without their spaces, as `may_name` compares them."""
    return frozenset(key.replace(" ", "").encode() for key in keys)


def may_name(title: str, squashed: frozenset[bytes]) -> bool:
    """False only when no key of `title_keys(title)` is among the names `squashed` came from.

    For an ASCII title with no `>` or `]`, take S, its letters and digits
    in lower case. When S is longer than 4, every key holds a letter or
    digit, so without its spaces it is the letters and digits of the form it
    was made from: the whole title (S), or one without a `test` prefix and
    `_`s (S less its first 4), split at camelCase or not (spaces only).
    So a key among the names has S or S[4:] among the squashed names.
    Any other title may name anything.
    """
    if not title.isascii() or ">" in title or "]" in title:
        return True
    letters = title.encode().translate(_ASCII_LOWER, _ASCII_NOT_ALNUM)
    return len(letters) <= 4 or letters in squashed or letters[4:] in squashed


def _function_name(name: str) -> str:
    """A case name without its parameters and signature (each removed only when present)."""
    name = name.strip()
    if name.endswith("]"):
        name = _PARAMS.sub("", name)
    if name.endswith(")"):
        name = _SIGNATURE.sub("", name)
    return name


def _same_source(case: TestCase, test: TestTitle) -> bool:
    """Whether a case bound by function name comes from the test's file."""
    stem = test.file.rsplit("/", 1)[-1].split(".", 1)[0]
    if case.file:
        return case.file.replace("\\", "/").endswith(test.file.rsplit("/", 1)[-1])
    return stem in re.split(r"[./]", case.classname)
