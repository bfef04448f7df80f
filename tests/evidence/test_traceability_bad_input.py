"""Bad runner output: an `error` naming the file and line, or a clear finding; never a pass.

The inputs are the real cucumber-js and behave outputs of tests/fixtures/runners,
broken here in one place each.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from helpers import Repo
from runner_projects import BEHAVE, CUKE, check, project

NDJSON = (CUKE / "out.ndjson").read_text("utf-8")
MESSAGES = {"messages": ["reports/*.ndjson"]}


def lines_where(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def run_messages(repo: Repo, cli: Any, text: str) -> dict[str, Any]:
    broken = repo.path.parent / "broken.ndjson"
    broken.write_text(text, "utf-8")
    base = project(repo, CUKE / "project", {"reports/out.ndjson": broken}, MESSAGES)
    return check(cli, repo, base)["passing"]


def test_truncated_messages_are_an_error_at_the_cut(repo: Repo, cli: Any) -> None:
    lines = NDJSON.splitlines(keepends=True)
    cut = len(lines) // 2
    text = "".join(lines[:cut]) + lines[cut][: len(lines[cut]) // 2]
    rule = run_messages(repo, cli, text)
    assert rule["verdict"] == "error"
    assert "reports/out.ndjson" in rule["message"] and f":{cut + 1}:" in rule["message"] + ":"
    assert "cut short" in rule["message"]


def test_a_message_of_an_unknown_type_is_an_error_at_its_line(repo: Repo, cli: Any) -> None:
    lines = NDJSON.splitlines(keepends=True)
    lines.insert(3, '{"testCaseExploded":{"id":"1"}}\n')
    rule = run_messages(repo, cli, "".join(lines))
    assert rule["verdict"] == "error"
    assert "reports/out.ndjson:4" in rule["message"] and "testCaseExploded" in rule["message"]


def test_a_test_case_of_a_pickle_the_file_lacks_is_an_error(repo: Repo, cli: Any) -> None:
    first = json.loads(next(line for line in NDJSON.splitlines() if line.startswith('{"testCase":')))
    pickle = first["testCase"]["pickleId"]
    text = NDJSON.replace(f'"pickleId":"{pickle}"', '"pickleId":"no-such-pickle"', 1)
    rule = run_messages(repo, cli, text)
    assert rule["verdict"] == "error"
    line = lines_where(text, "no-such-pickle")
    assert f"reports/out.ndjson:{line}" in rule["message"] and "no-such-pickle" in rule["message"]


def test_a_pickle_without_a_test_case_is_not_run_never_passed(repo: Repo, cli: Any) -> None:
    """cucumber-js writes no test case for a pickle it filtered out: the scenario did not run."""
    messages = [json.loads(line) for line in NDJSON.splitlines()]
    pickle = next(m["pickle"]["id"] for m in messages
                  if "pickle" in m and m["pickle"]["name"] == "Pay with a saved card")
    case = next(m["testCase"]["id"] for m in messages
                if "testCase" in m and m["testCase"]["pickleId"] == pickle)
    started = next(m["testCaseStarted"]["id"] for m in messages
                   if "testCaseStarted" in m and m["testCaseStarted"]["testCaseId"] == case)
    kept = [line for line in NDJSON.splitlines(keepends=True) if case not in line and started not in line]
    rule = run_messages(repo, cli, "".join(kept))
    assert rule["verdict"] == "fail"
    row = next(r for r in rule["data"]["traceability"] if r["scenario"] == "Pay with a saved card")
    assert row["result"] == "not-implemented" and row["cases"] == []


def test_a_test_case_started_for_no_test_case_is_an_error(repo: Repo, cli: Any) -> None:
    kept = [line for line in NDJSON.splitlines(keepends=True) if not line.startswith('{"testCase":')]
    rule = run_messages(repo, cli, "".join(kept))
    assert rule["verdict"] == "error" and "reports/out.ndjson:" in rule["message"]
    assert "testCaseStarted names test case" in rule["message"]


@pytest.mark.parametrize("runner", ["behave", "cucumber-js"])
def test_junit_with_an_unknown_classname_is_an_error_naming_the_case(repo: Repo, cli: Any,
                                                                     runner: str) -> None:
    source = BEHAVE / "out-junit" / "TESTS-checkout.xml" if runner == "behave" else CUKE / "out.xml"
    text = source.read_text("utf-8")
    old = 'classname="checkout.Checkout"' if runner == "behave" else 'classname="Checkout"'
    text = text.replace(old, 'classname="Basket"', 1)
    broken = repo.path.parent / "TESTS-broken.xml"
    broken.write_text(text, "utf-8")
    base = project(repo, (BEHAVE if runner == "behave" else CUKE) / "project",
                   {"reports/TESTS-broken.xml": broken}, {"junit": ["reports/*.xml"]},
                   {"runner": runner})
    rules = check(cli, repo, base)
    for rule in rules.values():
        assert rule["verdict"] == "error", rule["message"]
        assert any("Basket" in f["message"] and f["file"] == "reports/TESTS-broken.xml"
                   for f in rule["findings"])


def test_messages_given_as_junit_say_so(repo: Repo, cli: Any) -> None:
    base = project(repo, CUKE / "project", {"reports/out.xml": CUKE / "out.ndjson"},
                   {"junit": ["reports/*.xml"]}, {"runner": "cucumber-js"})
    rule = check(cli, repo, base)["passing"]
    assert rule["verdict"] == "error"
    assert "not JUnit XML" in rule["message"] and "Cucumber Messages" in rule["message"]
    assert "well-formed" not in rule["message"]


def test_exclude_tags_that_leave_out_every_scenario_are_an_error(repo: Repo, cli: Any) -> None:
    base = project(repo, CUKE / "project", {"reports/out.ndjson": CUKE / "out.ndjson"}, MESSAGES,
                   {"exclude_tags": ["@nothing"]})
    for path in (repo.path / "features").rglob("*.feature"):
        path.write_text(re.sub(r"^Feature:", "@nothing\nFeature:", path.read_text("utf-8"), flags=re.M))
    repo.git("add", "-A")
    repo.commit("chore: park everything")
    rules = check(cli, repo, base)
    for rule in rules.values():
        assert rule["verdict"] == "error", rule["message"]
        assert "nothing was judged" in rule["message"]


def test_negated_globs_take_feature_files_away(repo: Repo, cli: Any) -> None:
    outputs = {"reports/out.ndjson": CUKE / "out.ndjson"}
    base = project(repo, CUKE / "project", outputs, MESSAGES)
    policy = (repo.path / "clearance.yaml").read_text("utf-8")
    policy = policy.replace('features: ["features/**/*.feature"]',
                            'features: ["features/**/*.feature", "!features/wishlist.feature"]')
    repo.write("clearance.yaml", policy)
    base = repo.commit("chore: leave the wishlist out")  # in force from here on
    rules = check(cli, repo, base)
    files = {r["file"] for r in rules["passing"]["data"]["traceability"]}
    assert files == {"features/checkout.feature", "features/account/account.feature"}
    # ... and the wishlist's cases are then cases of no spec scenario: said, not passed
    assert rules["passing"]["verdict"] == "error"
    assert any("wishlist" in f["message"] for f in rules["passing"]["findings"])


def _finish_line(text: str) -> int:
    return lines_where(text, '"testRunFinished"')


def test_a_failed_run_hook_is_an_error_though_the_scenarios_ran(repo: Repo, cli: Any) -> None:
    lines = NDJSON.splitlines(keepends=True)
    at = _finish_line(NDJSON) - 1
    lines.insert(at, '{"testRunHookFinished":{"testRunHookStartedId":"h1","result":'
                     '{"status":"FAILED","duration":{"seconds":0,"nanos":1}},'
                     '"timestamp":{"seconds":1,"nanos":0}}}\n')
    rule = run_messages(repo, cli, "".join(lines))
    assert rule["verdict"] == "error"
    assert f"reports/out.ndjson:{at + 1}" in rule["message"] and "run hook" in rule["message"]


def test_a_run_ended_by_an_exception_is_an_error(repo: Repo, cli: Any) -> None:
    finished = '"success":false}}'
    assert NDJSON.count(finished) == 1
    text = NDJSON.replace(finished, '"success":false,"exception":{"type":"Error","message":"AfterAll exploded"}}}')
    rule = run_messages(repo, cli, text)
    assert rule["verdict"] == "error"
    assert "AfterAll exploded" in rule["message"]


def test_scenarios_sharing_a_name_in_one_feature_bind_no_case_by_report_order(repo: Repo, cli: Any,
                                                                              tmp_path: Any) -> None:
    """Two scenarios named alike in one feature: behave's report cannot say which case ran which
    (a tag filter or a parallel run changes the order), so no case is given to either."""
    import shutil

    source = tmp_path / "project"
    shutil.copytree(BEHAVE / "project", source)
    feature = source / "features" / "checkout.feature"
    feature.write_text(feature.read_text("utf-8").replace("Scenario: Pay with an expired card",
                                                          "Scenario: Pay with a saved card"), "utf-8")
    report = (BEHAVE / "out-junit" / "TESTS-checkout.xml").read_text("utf-8")
    assert report.count('name="Pay with an expired card"') == 1
    broken = repo.path.parent / "TESTS-checkout.xml"
    broken.write_text(report.replace('name="Pay with an expired card"', 'name="Pay with a saved card"'),
                      "utf-8")
    base = project(repo, source, {"reports/TESTS-checkout.xml": broken}, {"junit": ["reports/*.xml"]},
                   {"runner": "behave"})
    rule = check(cli, repo, base)["passing"]
    assert rule["verdict"] == "error"
    refused = [f for f in rule["findings"] if "several scenarios of" in f["message"]]
    assert len(refused) == 2 and all(f["file"] == "reports/TESTS-checkout.xml" for f in refused)
