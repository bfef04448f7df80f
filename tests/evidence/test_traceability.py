"""Matching test titles and JUnit cases to scenarios (docs/traceability.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.evidence.junit import JUnitResults, TestCase
from clearance.evidence.spec import Spec, parse_feature
from clearance.evidence.titles import TestTitle
from clearance.evidence.traceability import normalise, title_keys, trace

FEATURES = Path(__file__).parent.parent / "fixtures" / "features"


def line_of(path: Path, text: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def names(title: str, scenario: str) -> bool:
    return normalise(scenario) in title_keys(title)


@pytest.mark.parametrize(("title", "scenario"), [
    ("Successful sign in", "Successful sign in"),
    ("SUCCESSFUL   sign\tIN", "Successful sign in"),  # case and whitespace
    ("Successful sign-in!", "Successful sign in"),  # punctuation separates words
    ("User can't sign in", "User can\u2019t sign in"),  # typographic apostrophe too
    ("test_successful_sign_in", "Successful sign in"),  # pytest function
    ("test_successful_sign_in[chromium]", "Successful sign in"),  # pytest parameters
    ("testSuccessfulSignIn", "Successful sign in"),  # JUnit 4 style method
    ("successfulSignIn()", "Successful sign in"),  # JUnit XML method name
    ("Successful sign in()", "Successful sign in"),  # Kotlin backtick name in JUnit XML
    ("test_log_in_with_oauth", "Log in with OAuth"),  # no camelCase split on the scenario side
    ("auth > Successful sign in", "Successful sign in"),  # vitest describe > test
    ("Sign in \u203a Successful sign in", "Successful sign in"),  # Playwright
    ("auth > Successful sign in", "auth Successful sign in"),
    ("Sessão expirada", "SESSÃO EXPIRADA"),  # non-ASCII letters are letters
    ("💃", "💃"),  # a name with no letters at all still matches itself
    ("Sign in as $role", "Sign in as <role>"),  # Jest each-table title names the outline itself
])
def test_titles_that_name_a_scenario(title: str, scenario: str) -> None:
    assert names(title, scenario)


@pytest.mark.parametrize(("title", "scenario"), [
    ("Successful sign in twice", "Successful sign in"),  # whole names only, no substrings
    ("Successful", "Successful sign in"),
    ("test_successful_sign_in", "Test successful sign in again"),
    ("testimonial_page", "imonial page"),  # "test" is a prefix only before _ or a capital
    ("Sign in (admin)", "Sign in"),  # brackets in prose are kept as words
    ("auth > Successful sign in", "auth"),  # the describe alone is not the test
])
def test_titles_that_do_not(title: str, scenario: str) -> None:
    assert not names(title, scenario)


def spec_of(*files: str) -> Spec:
    features, errors = [], []
    for name in files:
        feature, problems = parse_feature(f"features/{name}", (FEATURES / name).read_bytes())
        errors.extend(problems)
        if feature is not None:
            features.append(feature)
    return Spec(tuple(f"features/{n}" for n in files), tuple(features), tuple(errors))


def title(name: str, line: int = 1, function: str | None = None) -> TestTitle:
    return TestTitle("tests/test_sign_in.py", line, name, "pytest", function)


def case(name: str, outcome: str, classname: str = "tests.test_sign_in") -> TestCase:
    return TestCase(name, classname, "pytest", outcome, "", None, None, "build/junit.xml")


def by_name(traces: tuple) -> dict:
    return {t.scenario.name: t for t in traces}


def test_implemented_excluded_and_outline_rows() -> None:
    tests = [title("test_successful_sign_in", 3), title("Sign in as admin", 7),
             title("Rejected sign in", 9), title("Rejected sign in", 12)]
    found = by_name(trace(spec_of("sign_in.feature"), tests))
    assert found["Successful sign in"].implemented
    assert [t.line for t in found["Rejected sign in"].tests] == [9, 12]
    outline = found["Sign in as <role>"]
    assert not outline.implemented  # "editor" is not named; "guest" is @wip
    assert [r.name for r in outline.unnamed_rows] == ["Sign in as editor"]
    assert found["Password hint after a failure"].result == "excluded"  # @wip
    assert found["Support unlocks the account"].result == "excluded"  # @manual
    assert found["Account locked after three failures"].result == "not-implemented"
    assert found["Successful sign in"].result == "not-run"  # no results consulted


def test_outline_named_by_itself_or_by_every_row() -> None:
    spec = spec_of("sign_in.feature")
    itself = by_name(trace(spec, [title("test_sign_in_as_role")]))["Sign in as <role>"]
    assert itself.implemented and itself.unnamed_rows == ()
    rows = by_name(trace(spec, [title("Sign in as admin"), title("sign in as EDITOR")]))
    assert rows["Sign in as <role>"].implemented


def test_exclude_tags_are_configurable() -> None:
    spec = spec_of("sign_in.feature")
    found = by_name(trace(spec, [], exclude_tags=["security"]))
    assert found["Account locked after three failures"].result == "excluded"  # rule tag inherited
    assert found["Password hint after a failure"].result == "not-implemented"  # @wip counts now
    outline = found["Sign in as <role>"]
    assert [r.name for r in outline.unnamed_rows] == ["Sign in as admin", "Sign in as editor",
                                                      "Sign in as guest"]


def test_results_passed_failed_not_run() -> None:
    spec = spec_of("sign_in.feature")
    tests = [title("test_successful_sign_in"), title("Rejected sign in", 5, "test_rejected"),
             title("test_account_locked_after_three_failures")]
    results = JUnitResults((
        case("test_successful_sign_in", "passed"),
        case("test_rejected", "passed"),  # bound through pytest-bdd's function
        case("test_rejected", "failed", classname="tests.test_other"),  # another file: not ours
        case("test_account_locked_after_three_failures", "skipped"),
        case("test_sign_in_as_role[admin]", "passed"),
        case("test_sign_in_as_role[editor]", "error"),
    ), ("build/junit.xml",))
    found = by_name(trace(spec, tests, results=results))
    assert found["Successful sign in"].result == "passed"
    assert found["Rejected sign in"].result == "passed"
    assert found["Account locked after three failures"].result == "not-run"
    assert found["Sign in as <role>"].result == "failed"  # one row errored
    assert found["Password hint after a failure"].result == "excluded"


def test_results_of_outline_rows_count_for_the_outline() -> None:
    spec = spec_of("sign_in.feature")
    results = JUnitResults((case("test_sign_in_as_admin", "passed"),
                            case("testSignInAsGuest", "failed"),  # @wip row: not looked up
                            case("test_sign_in_as_nobody", "failed")), ())
    outline = by_name(trace(spec, [], results=results))["Sign in as <role>"]
    assert outline.result == "passed"
    assert [c.name for c in outline.cases or ()] == ["test_sign_in_as_admin"]
    results += JUnitResults((case("Sign in as editor()", "failed"),), ())
    outline = by_name(trace(spec, [], results=results))["Sign in as <role>"]
    assert outline.result == "failed"


def test_vitest_describe_names_and_failures_win() -> None:
    spec = spec_of("sign_in.feature")
    results = JUnitResults((case("auth > Successful sign in", "passed", "test/auth.test.js"),
                            case("auth > Successful sign in", "failed", "test/auth.test.js")), ())
    found = by_name(trace(spec, [], results=results))
    assert found["Successful sign in"].result == "failed"
    row = found["Successful sign in"].to_row()
    assert row["cases"][1] == {"name": "auth > Successful sign in", "classname": "test/auth.test.js",
                               "outcome": "failed", "report": "build/junit.xml"}


def test_matrix_row_shape() -> None:
    spec = spec_of("sign_in.feature")
    found = by_name(trace(spec, [title("Rejected sign in", 9)]))
    assert found["Rejected sign in"].to_row() == {
        "feature": "Sign in", "file": "features/sign_in.feature",
        "line": line_of(FEATURES / "sign_in.feature", "Scenario: Rejected sign in"),
        "rule": "Wrong passwords are refused", "scenario": "Rejected sign in", "tags": ["@auth"],
        "tests": [{"file": "tests/test_sign_in.py", "line": 9, "name": "Rejected sign in"}],
        "result": "not-run",
    }


def test_cases_bound_through_a_function_count_once_each() -> None:
    # Thousands of parametrised cases of one bound function: each distinct case once,
    # a case reported twice (the same record in two reports) once.
    spec = spec_of("sign_in.feature")
    tests = [title("Rejected sign in", 5, "test_rejected")]
    params = [case(f"test_rejected[{n}]", "passed") for n in range(3000)]
    results = JUnitResults((*params, params[7], case("test_rejected[x]", "failed")), ("build/junit.xml",))
    cases = by_name(trace(spec, tests, results=results))["Rejected sign in"].cases
    assert len(cases) == 3001
    assert len(set(cases)) == len(cases)
    assert cases[-1].outcome == "failed"


def test_a_case_whose_classname_or_path_names_a_feature_counts_for_that_feature_only() -> None:
    """Two features with a `Sign in` each: a case of one never decides the other (issue #14)."""
    checkout, _ = parse_feature("checkout.feature", b"Feature: Checkout\n  Scenario: Sign in\n    Given x\n")
    account, _ = parse_feature("account.feature", b"Feature: Account\n  Scenario: Sign in\n    Given y\n")
    assert checkout is not None and account is not None
    spec = Spec(("checkout.feature", "account.feature"), (checkout, account), ())

    def case(name: str, classname: str, outcome: str) -> TestCase:
        return TestCase(name, classname, "", outcome, "", None, None, "junit.xml")

    for cases in ([case("Sign in", "Checkout", "failed"), case("Sign in", "Account", "passed")],
                  [case("Checkout > Sign in", "web/checkout.spec.ts", "failed"),
                   case("Account > Sign in", "web/account.spec.ts", "passed")]):
        found = trace(spec, [], (), JUnitResults(tuple(cases), ("junit.xml",)))
        assert [(t.scenario.feature, t.result) for t in found] == [("Checkout", "failed"), ("Account", "passed")]
    # a case that names no feature still counts for every scenario of its name, as before
    found = trace(spec, [], (), JUnitResults((case("test_sign_in", "tests.test_x", "passed"),), ("junit.xml",)))
    assert [t.result for t in found] == ["passed", "passed"]
