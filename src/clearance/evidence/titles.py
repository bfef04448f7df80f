"""Test titles found in committed test sources, by title patterns per framework.

The built-in patterns read the places where each framework writes the name
of a test: pytest functions, pytest-bdd `@scenario(...)`, Jest, Vitest and
Playwright `test(...)`, `it(...)` and `describe(...)`, JUnit 5
`@DisplayName(...)`, Kotlin backtick function names and `@Test` methods.
A policy may add patterns of its own: regular expressions whose first
capture group (or group `title`) is the title. docs/traceability.md lists
them all.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.spec import select_paths
from clearance.patterns import searching
from clearance.records import Record

PYTHON = (".py",)
SCRIPT = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts")
JVM = (".java", ".kt", ".kts", ".groovy", ".scala")
KOTLIN = (".kt", ".kts")

# A string literal on one line, in single, double or back quotes.
_STRING = r"""(?P<q>["'`])(?P<title>(?:\\.|(?!(?P=q))[^\\\n])*)(?P=q)"""
_MODIFIERS = r"(?:(?:public|protected|private|internal|open|override|suspend|final|static)\s+)*"


class TitlePattern(Record):
    """Where one framework names a test, in the files it applies to (all when empty).

    `binds` finds, after a decorator or annotation, the function it names: the
    JUnit report then carries the function's name rather than the title.
    """

    framework: str
    regex: re.Pattern[str]
    suffixes: tuple[str, ...] = ()
    binds: re.Pattern[str] | None = None

    def applies(self, path: str) -> bool:
        return not self.suffixes or path.lower().endswith(self.suffixes)


def _pattern(framework: str, source: str, suffixes: tuple[str, ...],
             binds: re.Pattern[str] | None = None) -> TitlePattern:
    return TitlePattern(framework, re.compile(source, re.MULTILINE), suffixes, binds)


_PY_DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)
_JVM_METHOD = re.compile(r"\b(?:void|fun)[ \t]+(\w+|`[^`\n]+`)[ \t]*\(")


BUILTIN: tuple[TitlePattern, ...] = (
    _pattern("pytest", r"^[ \t]*(?:async[ \t]+)?def[ \t]+(?P<title>test\w*)[ \t]*\(", PYTHON),
    _pattern("pytest-bdd", r"@[ \t]*(?:[\w.]+\.)?scenario[ \t]*\(\s*(?:feature_name\s*=\s*)?"
             r"[^,()]+,\s*(?:scenario_name\s*=\s*)?[rRuU]?" + _STRING, PYTHON, _PY_DEF),
    _pattern("js", r"(?<![\w$.])(?:test|it|specify)"
             r"(?:\.(?!todo\b|describe\b)[A-Za-z]\w*)*[ \t]*\(\s*" + _STRING, SCRIPT),
    _pattern("js", r"(?<![\w$.])(?:test|it)(?:\.(?!describe\b)[A-Za-z]\w*)*\.each[ \t]*"
             r"(?:\((?:[^()]|\([^()]*\))*\)|`[^`]*`)[ \t]*\(\s*" + _STRING, SCRIPT),
    _pattern("junit", r"@DisplayName[ \t]*\(\s*\"(?P<title>(?:\\.|[^\"\\\n])*)\"", JVM, _JVM_METHOD),
    _pattern("kotlin", r"\bfun[ \t]+(?:<[^>\n]*>[ \t]*)?`(?P<title>[^`\n]+)`[ \t]*\(", KOTLIN),
    _pattern("junit", r"@(?:Test|ParameterizedTest|RepeatedTest)\b(?:[ \t]*\([^)]*\))?\s+"
             r"(?:@\w+(?:\([^)]*\))?\s+)*" + _MODIFIERS + r"(?:void|fun)\s+(?P<title>\w+)\s*\(", JVM),
)
_KNOWN = tuple(s for p in BUILTIN for s in p.suffixes)


class TestTitle(Record):
    """One test named in a source file."""

    file: str
    line: int
    name: str
    framework: str
    function: str | None = None  # the function the title is bound to (pytest-bdd, @DisplayName)

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "name": self.name}


TestTitle.__test__ = False  # type: ignore[attr-defined]  # not a pytest test class, despite the name


class Titles(Record):
    """Every title found, and the files looked at."""

    files: tuple[str, ...]
    titles: tuple[TestTitle, ...]


def custom_patterns(sources: Iterable[str]) -> tuple[TitlePattern, ...]:
    """Patterns from a policy; each needs a capture group for the title."""
    patterns = []
    for source in sources:
        regex = re.compile(source, re.MULTILINE)
        if regex.groups < 1:
            raise ValueError(f"pattern /{source}/ has no capture group for the title")
        patterns.append(TitlePattern("custom", regex))
    return tuple(patterns)


def source_globs(evidence: Evidence, globs: Sequence[str] | None = None) -> list[str]:
    """The globs of test sources: those given, else `inputs.tests`; an error when neither."""
    found = list(globs) if globs else evidence.input_globs("tests")
    if not found:
        raise EvidenceError("no test sources configured",
                            hint="set inputs.tests in the policy, e.g. ['tests/**/*.py']")
    return found


def read_titles(evidence: Evidence, globs: Sequence[str] | None = None,
                patterns: Sequence[str] = ()) -> Titles:
    """The test titles in the committed test sources that the globs name, once per run."""
    found = source_globs(evidence, globs)

    def compute() -> Titles:
        try:
            extra = custom_patterns(patterns)
        except (re.error, ValueError) as e:
            raise EvidenceError(f"bad title pattern: {e}", hint="fix the check's patterns") from e
        paths = select_paths(found, evidence.tracked_files)
        titles: list[TestTitle] = []
        for path, data in evidence.read_many(paths).items():
            with searching(path, "|".join(p.regex.pattern for p in extra) or "the test-title patterns"):
                titles.extend(scan_source(path, data or b"", extra))
        return Titles(tuple(paths), tuple(titles))

    titles = evidence.memo("titles:" + "\0".join([*found, "", *patterns]), compute)
    evidence.read_many(titles.files)  # from the cache: records the files for this rule too
    return titles


_TEST_FOLDERS = frozenset({"test", "tests", "__tests__", "spec", "specs", "e2e", "playwright",
                           "cypress", "it", "integrationtest", "androidtest", "testfixtures"})
_TEST_STEMS = re.compile(r"(?:^test_|_test$|^test$|^conftest$|[.-](?:test|spec|e2e|cy)$"
                         r"|(?:Test|Tests|Spec|IT|TestCase)$)")


def is_test_file(path: str) -> bool:
    """A file of a known test language named or placed as its test runners expect.

    `test_x.py`, `x_test.py`, `x.test.ts`, `x.spec.tsx`, `x.e2e.ts`, `XTest.kt`,
    `XSpec.kt`, or any such file below a folder `tests`, `test`, `__tests__`,
    `e2e`, `spec`, `src/test/...` (Maven, Gradle). Notes, Markdown and unit-test
    code elsewhere are not searched with the built-in patterns.
    """
    parts = path.replace("\\", "/").split("/")
    if any(part.lower() in _TEST_FOLDERS for part in parts[:-1]):
        return True
    stem = parts[-1].rsplit(".", 1)[0]
    return _TEST_STEMS.search(stem) is not None


def scan_source(path: str, data: bytes, extra: Sequence[TitlePattern] = ()) -> list[TestTitle]:
    """The titles in one source file, in file order; none in a binary file.

    The built-in patterns read test files of the languages they know
    (`is_test_file`); a policy's own patterns read every file given.
    """
    if b"\0" in data[:8192]:
        return []
    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    builtin = BUILTIN if path.lower().endswith(_KNOWN) and is_test_file(path) else ()
    found: dict[tuple[int, str], TestTitle] = {}
    for pattern in [*builtin, *extra]:
        if not pattern.applies(path):
            continue
        for match in pattern.regex.finditer(text):
            title, offset = _title(match)
            if title.strip():
                line = bisect.bisect_right(starts, offset)
                function = _bound(pattern, text, match.end())
                found.setdefault((offset, title),
                                 TestTitle(path, line, title, pattern.framework, function))
    return sorted(found.values(), key=lambda t: (t.line, t.name))


def _title(match: re.Match[str]) -> tuple[str, int]:
    group: int | str = "title" if "title" in match.re.groupindex else 1
    raw = match.group(group) or ""
    return re.sub(r"\\(.)", r"\1", raw), match.start(group)


def _bound(pattern: TitlePattern, text: str, end: int) -> str | None:
    """The name of the first function defined after a decorator or annotation."""
    if pattern.binds is None:
        return None
    match = pattern.binds.search(text, end)
    return match.group(1).strip("`") if match else None
