"""Test titles found in test sources by the built-in and custom patterns."""

from __future__ import annotations

import pytest

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.titles import custom_patterns, is_test_file, read_titles, scan_source
from helpers import Repo

PYTEST = '''\
import pytest
from pytest_bdd import scenario


@scenario("features/sign_in.feature", "Successful sign in")
def test_sign_in_flow():
    pass


@scenario(
    "features/sign_in.feature",
    scenario_name='Rejected sign in',
)
def test_rejected():
    pass


async def test_account_locked_after_three_failures():
    pass


def helper_not_a_test():
    pass


class TestSupport:
    def testUnlock(self):
        pass
'''

PLAYWRIGHT = '''\
import { test, expect } from '@playwright/test';

test.describe('Sign in', () => {
  test('Successful sign in', async ({ page }) => {});
  it.todo('Remember me');
  test.skip("Rejected \\"wrong\\" sign in", async () => {});
  it(`Sign in as ${role}`, () => {});
});
// mytest('not a test call')
'''

JAVA = '''\
class SignInTest {
    @Test
    @DisplayName("Successful sign in")
    void signsIn() {}

    @Test
    public void accountLockedAfterThreeFailures() {}
}
'''

KOTLIN = '''\
class SignInTest {
    @Test
    fun `Rejected sign in`() {}

    @Test
    @DisplayName("Successful sign in")
    fun signsIn() {}
}
'''


def titles(path: str, source: str, patterns: list[str] | None = None) -> list[tuple[int, str, str]]:
    found = scan_source(path, source.encode(), custom_patterns(patterns or []))
    return [(t.line, t.name, t.framework) for t in found]


def test_pytest_and_pytest_bdd() -> None:
    assert titles("tests/test_sign_in.py", PYTEST) == [
        (5, "Successful sign in", "pytest-bdd"),
        (6, "test_sign_in_flow", "pytest"),
        (12, "Rejected sign in", "pytest-bdd"),
        (14, "test_rejected", "pytest"),
        (18, "test_account_locked_after_three_failures", "pytest"),
        (27, "testUnlock", "pytest"),
    ]
    bound = scan_source("tests/test_sign_in.py", PYTEST.encode())
    assert [t.function for t in bound if t.framework == "pytest-bdd"] == ["test_sign_in_flow",
                                                                          "test_rejected"]


def test_playwright_jest_vitest() -> None:
    # describe('Sign in') on line 3 groups tests: it names no scenario by itself
    assert titles("web/sign-in.spec.ts", PLAYWRIGHT) == [
        (4, "Successful sign in", "js"),
        (6, 'Rejected "wrong" sign in', "js"),
        (7, "Sign in as ${role}", "js"),
    ]


def test_jest_each_tables() -> None:
    source = (
        "test.each([\n  ['admin'],\n  ['editor'],\n])('Sign in as %s', (role) => {});\n"
        "describe.each`\n  role\n  ${'admin'}\n`('Sign in as $role', ({ role }) => {});\n"
    )
    assert titles("sign-in.test.ts", source) == [(4, "Sign in as %s", "js")]  # describe.each: a group


def test_junit5_java_and_kotlin() -> None:
    assert titles("src/test/java/SignInTest.java", JAVA) == [
        (3, "Successful sign in", "junit"),
        (4, "signsIn", "junit"),
        (7, "accountLockedAfterThreeFailures", "junit"),
    ]
    assert titles("src/test/kotlin/SignInTest.kt", KOTLIN) == [
        (3, "Rejected sign in", "kotlin"),
        (6, "Successful sign in", "junit"),
        (7, "signsIn", "junit"),
    ]
    kotlin = scan_source("SignInTest.kt", KOTLIN.encode())
    assert [t.function for t in kotlin if t.name == "Successful sign in"] == ["signsIn"]


def test_patterns_follow_the_file_type() -> None:
    assert titles("tests/test_x.py", "test('not python')\n") == []
    assert titles("web/a.test.js", "def test_not_js():\n") == []
    # a file of no known test language (notes, Markdown) gets no built-in pattern
    assert titles("specs/a.robot", "def test_anything():\n") == []
    assert titles("docs/notes.md", "test('Successful sign in')\n") == []


def test_only_test_files_and_test_calls_bind() -> None:
    """Unit-test code outside test files, and describe blocks, name no scenario (issue #14)."""
    source = "describe('raw', () => {\n  it('Successful sign in', () => {});\n});\n"
    assert titles("src/parser.ts", source) == []  # not a test file
    assert titles("src/parser.test.ts", source) == [(2, "Successful sign in", "js")]
    assert titles("web/__tests__/parser.ts", source) == [(2, "Successful sign in", "js")]
    assert titles("tests/helpers.py", "def test_x():\n") == [(1, "test_x", "pytest")]
    assert titles("src/app/util.py", "def test_x():\n") == []
    assert is_test_file("service/src/test/kotlin/SignIn.kt")
    assert is_test_file("SignInSpec.kt") and is_test_file("sign_in_test.py")
    assert not is_test_file("src/main/kotlin/SignIn.kt") and not is_test_file("README.md")


def test_custom_patterns_take_the_first_group_or_title() -> None:
    source = "Scenario('Successful sign in')\n\n#[scenario = \"Rejected sign in\"]\n"
    assert titles("t.rs", source, [r"Scenario\('([^']+)'\)", r'scenario = "(?P<title>[^"]+)"']) == [
        (1, "Successful sign in", "custom"),
        (3, "Rejected sign in", "custom"),
    ]
    with pytest.raises(ValueError, match="capture group"):
        custom_patterns(["no group"])


def test_binary_files_have_no_titles() -> None:
    assert scan_source("tests/test_blob.py", b"\0\0def test_x():\n") == []


def test_crlf_sources_count_lines_the_same() -> None:
    crlf = PYTEST.replace("\n", "\r\n")
    assert titles("tests/test_sign_in.py", crlf) == titles("tests/test_sign_in.py", PYTEST)


def test_read_titles_reads_committed_sources_only(repo: Repo) -> None:
    repo.write("tests/test_sign_in.py", PYTEST)
    repo.write("web/sign-in.spec.ts", PLAYWRIGHT)
    repo.commit("tests")
    repo.write("tests/test_new.py", "def test_not_committed():\n    pass\n")
    evidence = Evidence(RunSpec(root=repo.path, stage="pr"), {"tests": ["tests/**/*.py", "web/**"]})
    found = read_titles(evidence)
    assert found.files == ("tests/test_sign_in.py", "web/sign-in.spec.ts")
    assert len(found.titles) == 9  # not the describe block
    assert "test_not_committed" not in {t.name for t in found.titles}
    assert evidence.records["web/sign-in.spec.ts"].source == "git"
    only_js = read_titles(evidence, ["web/*.ts"])
    assert {t.file for t in only_js.titles} == {"web/sign-in.spec.ts"}


def test_read_titles_without_globs_is_an_error(repo: Repo) -> None:
    repo.commit("empty")
    evidence = Evidence(RunSpec(root=repo.path, stage="pr"), {})
    with pytest.raises(EvidenceError, match="no test sources configured"):
        read_titles(evidence)
    with pytest.raises(EvidenceError, match="bad title pattern"):
        read_titles(evidence, ["tests/**"], ["(unclosed"])
