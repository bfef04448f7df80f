"""read_junit over real reports (checked-in fixtures and pytest run here) and hostile ones."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.junit import JUnitResults, read_junit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports" / "junit"


def evidence_in(root: Path, junit: object = None) -> Evidence:
    return Evidence(RunSpec(root=root, stage="pr"), {} if junit is None else {"junit": junit})


def write(root: Path, rel: str, text: str) -> Path:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def outcomes(results: JUnitResults) -> dict[str, str]:
    return {case.name: case.outcome for case in results.cases}


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "reports")
    return tmp_path


# -- the checked-in reports (expected values from their README) -------------------

def test_pytest_fixture_counts_and_outcomes(fixtures: Path) -> None:
    results = read_junit(evidence_in(fixtures), ["reports/junit-pytest.xml"])
    assert (results.total, results.passed, results.failed, results.errors, results.skipped) == (4, 1, 1, 1, 1)
    assert outcomes(results) == {
        "test_addition_passes": "passed", "test_subtraction_fails": "failed",
        "test_uses_broken_fixture": "error", "test_skipped_feature": "skipped",
    }
    by_name = {case.name: case for case in results.cases}
    assert by_name["test_subtraction_fails"].message == "assert (5 - 3) == 1"
    assert by_name["test_uses_broken_fixture"].message == \
        'failed on setup with "RuntimeError: database unavailable"'
    assert by_name["test_skipped_feature"].message == "not implemented yet"
    assert {case.classname for case in results.cases} == {"test_sample"}
    assert {case.suite for case in results.cases} == {"pytest"}
    assert {case.report for case in results.cases} == {"reports/junit-pytest.xml"}
    assert by_name["test_addition_passes"].message == ""


def test_vitest_fixture_counts_and_names(fixtures: Path) -> None:
    results = read_junit(evidence_in(fixtures), ["reports/junit-vitest.xml"])
    assert (results.total, results.passed, results.failed, results.errors, results.skipped) == (2, 1, 1, 0, 0)
    assert outcomes(results) == {"auth > Successful sign in": "passed", "auth > Rejected sign in": "failed"}
    failed = next(c for c in results.cases if c.outcome == "failed")
    assert failed.message == "expected false to be true // Object.is equality"
    assert failed.classname == failed.suite == "test/auth.test.js"
    assert failed.file is None and failed.line is None


def test_default_globs_come_from_inputs_and_every_report_is_recorded(fixtures: Path) -> None:
    evidence = evidence_in(fixtures, ["reports/*.xml"])
    results = read_junit(evidence)
    assert results.reports == ("reports/junit-pytest.xml", "reports/junit-vitest.xml")
    assert results.total == 6
    for path in results.reports:
        digest = hashlib.sha256((fixtures / path).read_bytes()).hexdigest()
        assert evidence.records[path].sha256 == digest
        assert evidence.records[path].size == (fixtures / path).stat().st_size


def test_read_once_per_run_and_noted_for_every_rule(fixtures: Path) -> None:
    evidence = evidence_in(fixtures, "reports/junit-vitest.xml")
    first = read_junit(evidence)
    (fixtures / "reports/junit-vitest.xml").write_text("<testsuite/>", encoding="utf-8")
    evidence.start_rule()
    again = read_junit(evidence)
    assert again.total == first.total == 2
    assert [r.path for r in evidence.touched] == ["reports/junit-vitest.xml"]


# -- a report pytest writes here ---------------------------------------------------

SAMPLE = '''\
import pytest


@pytest.fixture
def broken():
    raise RuntimeError("no database")


def test_one():
    assert True


def test_two():
    assert 2 + 2 == 4


def test_three():
    assert "a" in "abc"


def test_wrong():
    assert 1 == 2, "one is not two"


def test_also_wrong():
    raise ValueError("bad value")


def test_needs_broken(broken):
    pass


@pytest.mark.skip(reason="later")
def test_skipped():
    pass


@pytest.mark.xfail(reason="known bug")
def test_expected_failure():
    assert False
'''


def run_pytest(folder: Path, *options: str) -> tuple[str, Path]:
    write(folder, "pytest.ini", "[pytest]\n")
    write(folder, "test_sample.py", SAMPLE)
    report = folder / "out" / "junit.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # a plain pytest, and a quick one
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={report}",
         *options, "test_sample.py"],
        cwd=folder, capture_output=True, text=True, env=env, check=False, timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return proc.stdout, report


def pytest_summary(stdout: str) -> dict[str, int]:
    """The counts of pytest's own last line: `2 failed, 3 passed, 1 skipped, ... in 0.1s`."""
    last = [line for line in stdout.splitlines() if line.strip()][-1]
    return {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", last.split(" in ")[0])}


def test_counts_agree_with_pytest_itself(tmp_path: Path) -> None:
    stdout, _ = run_pytest(tmp_path)
    told = pytest_summary(stdout)
    results = read_junit(evidence_in(tmp_path), ["out/*.xml"])
    assert results.failed == told["failed"]
    assert results.passed == told["passed"]
    assert results.errors == told.get("error", told.get("errors"))
    assert results.skipped == told["skipped"] + told["xfailed"]  # JUnit has no xfail
    assert results.total == sum(told.values())


def test_pytest_xunit1_file_and_line_point_at_the_test(tmp_path: Path) -> None:
    run_pytest(tmp_path, "-o", "junit_family=xunit1")
    results = read_junit(evidence_in(tmp_path), ["out/junit.xml"])
    wrong = next(c for c in results.cases if c.name == "test_wrong")
    source = SAMPLE.splitlines()
    assert wrong.file == "test_sample.py"
    assert wrong.line is not None
    assert source[wrong.line - 1] == "def test_wrong():"
    assert "one is not two" in wrong.message


# -- shapes of other runners, written by hand in their form ------------------------

GRADLE = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="com.example.CartTest" tests="3" skipped="1" failures="1" errors="0"
    timestamp="2026-01-02T03:04:05" hostname="ci" time="0.2">
  <properties/>
  <testcase name="addsItem()" classname="com.example.CartTest" time="0.01"/>
  <testcase name="removesItem()" classname="com.example.CartTest" time="0.02">
    <failure message="org.opentest4j.AssertionFailedError: expected: &lt;0&gt; but was: &lt;1&gt;"
        type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError
\tat com.example.CartTest.removesItem(CartTest.java:21)</failure>
  </testcase>
  <testcase name="emptiesCart()" classname="com.example.CartTest" time="0.0">
    <skipped/>
  </testcase>
  <system-out><![CDATA[]]></system-out>
  <system-err><![CDATA[]]></system-err>
</testsuite>
"""

PLAYWRIGHT = """<testsuites id="" name="" tests="3" failures="1" skipped="1" errors="0" time="4.2">
<testsuite name="login.spec.ts" timestamp="2026-01-02T03:04:05" hostname="chromium" tests="3"
    failures="1" skipped="1" time="3.1" errors="0">
<testcase name="Successful sign in" classname="login.spec.ts" time="1.2">
<properties><property name="owner" value="web"></property></properties>
<system-out>
<![CDATA[signed in
]]>
</system-out>
</testcase>
<testcase name="Locked account" classname="login.spec.ts" time="1.9">
<failure message="login.spec.ts:12:5 Locked account" type="FAILURE">
<![CDATA[  Error: expect(received).toBeVisible()
]]>
</failure>
</testcase>
<testcase name="Forgotten password" classname="login.spec.ts" time="0">
<skipped message="not on this browser">
</skipped>
</testcase>
</testsuite>
</testsuites>
"""

NESTED = """<testsuites>
  <testsuite name="outer">
    <testcase name="a"/>
    <testsuite name="inner">
      <testcase name="b"><error>Traceback (most recent call last):
  boom</error></testcase>
      <testsuite name="innermost"><testcase name="c"/></testsuite>
    </testsuite>
    <testcase name="d"><skipped/></testcase>
  </testsuite>
  <testsuite name="second"><testcase name="e" file="src/e.test.ts" line="12"/></testsuite>
</testsuites>
"""

SUREFIRE_FLAKY = """<testsuite name="com.example.RetryTest" tests="2">
  <testcase name="flaky" classname="com.example.RetryTest">
    <flakyFailure message="first try failed" type="java.lang.AssertionError"/>
  </testcase>
  <testcase name="broken" classname="com.example.RetryTest">
    <failure message="still failing"/>
    <rerunFailure message="failed again"/>
  </testcase>
</testsuite>
"""


def test_gradle_bare_testsuite(tmp_path: Path) -> None:
    write(tmp_path, "build/test-results/test/TEST-com.example.CartTest.xml", GRADLE)
    results = read_junit(evidence_in(tmp_path), ["**/build/test-results/**/*.xml"])
    assert outcomes(results) == {"addsItem()": "passed", "removesItem()": "failed",
                                 "emptiesCart()": "skipped"}
    assert results.cases[1].message == "org.opentest4j.AssertionFailedError: expected: <0> but was: <1>"
    assert {c.suite for c in results.cases} == {"com.example.CartTest"}


def test_playwright_shape(tmp_path: Path) -> None:
    write(tmp_path, "results.xml", PLAYWRIGHT)
    results = read_junit(evidence_in(tmp_path), ["results.xml"])
    assert outcomes(results) == {"Successful sign in": "passed", "Locked account": "failed",
                                 "Forgotten password": "skipped"}
    assert [c.message for c in results.cases] == ["", "login.spec.ts:12:5 Locked account",
                                                  "not on this browser"]


def test_nested_suites_name_the_nearest_suite(tmp_path: Path) -> None:
    write(tmp_path, "nested.xml", NESTED)
    results = read_junit(evidence_in(tmp_path), ["nested.xml"])
    assert [(c.name, c.suite, c.outcome) for c in results.cases] == [
        ("a", "outer", "passed"), ("b", "inner", "error"), ("c", "innermost", "passed"),
        ("d", "outer", "skipped"), ("e", "second", "passed"),
    ]
    assert results.cases[1].message == "Traceback (most recent call last):"
    assert (results.cases[4].file, results.cases[4].line) == ("src/e.test.ts", 12)


def test_surefire_reruns_that_passed_count_as_passed(tmp_path: Path) -> None:
    write(tmp_path, "TEST-retry.xml", SUREFIRE_FLAKY)
    results = read_junit(evidence_in(tmp_path), ["TEST-retry.xml"])
    assert outcomes(results) == {"flaky": "passed", "broken": "failed"}


def test_twenty_thousand_cases(tmp_path: Path) -> None:
    with (tmp_path / "big.xml").open("w", encoding="utf-8") as out:
        out.write('<testsuites><testsuite name="big">')
        for n in range(20_000):
            inner = '<failure message="m"/>' if n % 1000 == 7 else "<system-out>ok</system-out>"
            out.write(f'<testcase classname="pkg.T{n // 100}" name="t{n}">{inner}</testcase>')
        out.write("</testsuite></testsuites>")
    results = read_junit(evidence_in(tmp_path), ["big.xml"])
    assert results.total == 20_000
    assert results.failed == 20
    assert results.cases[7].outcome == "failed"
    assert results.cases[-1].name == "t19999"


# -- broken and hostile reports -------------------------------------------------------

def refused(root: Path, name: str, text: str) -> EvidenceError:
    write(root, name, text)
    with pytest.raises(EvidenceError) as caught:
        read_junit(evidence_in(root), [name])
    assert caught.value.path == name
    return caught.value


def test_truncated_report_names_file_and_line(tmp_path: Path) -> None:
    error = refused(tmp_path, "cut.xml", '<testsuites>\n<testsuite name="s">\n<testcase name="x">')
    assert error.line == 3
    assert "well-formed" in error.message


def test_empty_report(tmp_path: Path) -> None:
    error = refused(tmp_path, "empty.xml", "")
    assert error.line == 1


def test_other_xml_is_not_a_junit_report(tmp_path: Path) -> None:
    error = refused(tmp_path, "coverage.xml", '<?xml version="1.0"?><coverage line-rate="1"/>')
    assert "<coverage>" in error.message


def test_json_is_not_a_junit_report(tmp_path: Path) -> None:
    refused(tmp_path, "results.xml", '{"tests": 3}')


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    error = refused(tmp_path, "lol.xml", f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY l0 "lol">{entities}]>'
                    '<testsuite name="&l9;"><testcase name="&l9;"/></testsuite>')
    assert "refused" in error.message


def test_external_file_entity_is_not_included(tmp_path: Path) -> None:
    secret = write(tmp_path, "secret.txt", "TOPSECRET-123")
    error = refused(tmp_path, "xxe.xml", f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM '
                    f'"{secret.as_uri()}">]><testsuite name="s"><testcase name="&x;"/></testsuite>')
    assert "TOPSECRET" not in str(error)


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP port on 127.0.0.1 that records whatever connects to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(conn.recv(1024) or b"(connected)")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize("port", [None, 9])
def test_external_http_entity_is_not_fetched(tmp_path: Path, listener: tuple[int, list[bytes]],
                                             port: int | None) -> None:
    number, seen = listener
    url = f"http://127.0.0.1:{port or number}/evil"
    refused(tmp_path, "xxe.xml", f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "{url}">]>'
            '<testsuite name="s"><testcase name="&x;"/></testsuite>')
    refused(tmp_path, "pe.xml", f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY % p SYSTEM "{url}"> %p;]>'
            '<testsuite name="s"/>')
    assert seen == []


def test_external_dtd_is_not_fetched(tmp_path: Path, listener: tuple[int, list[bytes]]) -> None:
    number, seen = listener
    write(tmp_path, "dtd.xml", f'<?xml version="1.0"?><!DOCTYPE testsuite SYSTEM '
          f'"http://127.0.0.1:{number}/junit.dtd"><testsuite name="s"><testcase name="a"/></testsuite>')
    results = read_junit(evidence_in(tmp_path), ["dtd.xml"])
    assert results.total == 1
    assert seen == []


def test_no_report_matches(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match=re.escape("no JUnit report matches build/**/*.xml")):
        read_junit(evidence_in(tmp_path, "build/**/*.xml"))


def test_no_reports_configured(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no JUnit reports configured"):
        read_junit(evidence_in(tmp_path))


def test_a_path_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="leaves the repository"):
        read_junit(evidence_in(tmp_path), ["../*.xml"])


def test_an_error_is_remembered_for_the_next_rule(tmp_path: Path) -> None:
    evidence = evidence_in(tmp_path, "r.xml")
    write(tmp_path, "r.xml", "<testsuite>")
    with pytest.raises(EvidenceError):
        read_junit(evidence)
    write(tmp_path, "r.xml", "<testsuite/>")
    with pytest.raises(EvidenceError):
        read_junit(evidence)


def test_a_report_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    cases = "".join(f'<testcase name="t{n}"/>' for n in range(2000))
    write(tmp_path, "big.xml", f"<testsuite>{cases}</testsuite>")
    evidence = Evidence(RunSpec(root=tmp_path, stage="pr", max_input_bytes=20_000), {})
    with pytest.raises(EvidenceError, match="over the limit of 20000 bytes") as caught:
        read_junit(evidence, ["big.xml"])
    assert caught.value.path == "big.xml"
