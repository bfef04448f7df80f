"""Runner conventions against the real outputs in tests/fixtures/runners (see NAMING.md there).

Each runner's project is committed into a fresh repository with its output
files, and `clearance check` judges the spec. The expected result of every
scenario and example row is read from the runner's *other* output by the
test itself (behave's JSON locations, cucumber-js's Cucumber JSON lines,
pytest's JUnit with pytest-bdd's Cucumber JSON, the runners' stdout
summaries), never from clearance.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from helpers import Repo
from runner_projects import BDD, BEHAVE, CUKE, RESULTS, check, project, units


def cucumber_json_oracle(path: Path, prefix: str = "") -> dict[tuple[str, int], str]:
    """Each element's worst step status, by uri and line (cucumber-js: the row's line)."""
    order = ["passed", "skipped", "pending", "undefined", "ambiguous", "failed"]
    found = {}
    for feature in json.loads(path.read_text("utf-8")):
        for element in feature["elements"]:
            statuses = [s["result"]["status"] for s in element["steps"]]
            worst = max(statuses, key=order.index)
            found[(prefix + feature["uri"], element["line"])] = RESULTS[worst]
    return found


def summary(text: str, noun: str) -> Counter[str]:
    """`19 scenarios (4 failed, 2 undefined, 13 passed)` -> the counts."""
    line = re.search(rf"^\d+ {noun} \(([^)]*)\)", text, re.MULTILINE)
    assert line, text
    return Counter({k: int(n) for n, k in re.findall(r"(\d+) (\w+)", line.group(1))})


CUKE_CASES = {
    "cucumber-messages": ({"reports/out.ndjson": CUKE / "out.ndjson"}, {"messages": ["reports/*.ndjson"]}),
    "cucumber-js": ({"reports/junit.xml": CUKE / "out.xml"}, {"junit": ["reports/*.xml"]}),
    "cucumber-json": ({"reports/out.json": CUKE / "out.json"}, {"cucumber_json": ["reports/*.json"]}),
}


@pytest.mark.parametrize("runner", sorted(CUKE_CASES))
@pytest.mark.parametrize("named", [True, False], ids=["named", "auto"])
def test_cucumber_js_outputs_judge_every_scenario_and_row_as_cucumber_did(
        repo: Repo, cli: Any, runner: str, named: bool) -> None:
    outputs, inputs = CUKE_CASES[runner]
    base = project(repo, CUKE / "project", outputs, inputs, {"runner": runner} if named else {})
    rules = check(cli, repo, base)
    expected = cucumber_json_oracle(CUKE / "out.json")
    found = units(rules["passing"])
    assert found == expected
    # cucumber's own summary: 19 scenarios (4 failed, 2 undefined, 13 passed)
    told = summary((CUKE / "out-summary.txt").read_text("utf-8"), "scenarios")
    assert Counter(found.values()) == Counter(
        {RESULTS[k]: n for k, n in told.items()})
    assert {row["runner"] for row in rules["passing"]["data"]["traceability"]} == {runner}
    assert rules["passing"]["verdict"] == "fail"
    assert rules["implemented"]["verdict"] == "fail"
    not_implemented = [f["line"] for f in rules["implemented"]["findings"]]
    assert len(not_implemented) == told["undefined"]


def test_cucumber_outline_rule_shared_name_and_empty_name(repo: Repo, cli: Any) -> None:
    outputs, inputs = CUKE_CASES["cucumber-messages"]
    base = project(repo, CUKE / "project", outputs, inputs)
    rows = check(cli, repo, base)["passing"]["data"]["traceability"]
    by_name = {(r["feature"], r["scenario"]): r for r in rows}
    outline = by_name[("Checkout", "Apply a discount code")]
    assert outline["result"] == "failed"  # one row of three failed
    assert [e["number"] for e in outline["examples"] if e["result"] == "failed"] == ["1.2"]
    assert by_name[("Checkout", "Free shipping at the limit")]["rule"] == "Orders of 100 or more ship free"
    assert by_name[("Checkout", "Sign in")]["result"] == "failed"
    assert by_name[("Account", "Sign in")]["result"] == "passed"  # not through Checkout's case
    assert by_name[("Account", "")].get("unnamed") is True


def test_cucumber_retries_count_the_last_attempt_only(repo: Repo, cli: Any) -> None:
    base = project(repo, CUKE / "project", {"reports/out.ndjson": CUKE / "out-retry.ndjson"},
                   {"messages": ["reports/*.ndjson"]})
    found = units(check(cli, repo, base)["passing"])
    # the oracle: the last testCaseStarted attempt of each test case, read here by hand
    messages = [json.loads(line) for line in (CUKE / "out-retry.ndjson").read_text("utf-8").splitlines()]
    retried = {m["testCaseFinished"]["testCaseStartedId"] for m in messages
               if "testCaseFinished" in m and m["testCaseFinished"]["willBeRetried"]}
    assert retried  # the fixture does retry
    assert Counter(found.values()) == Counter(cucumber_json_oracle(CUKE / "out.json").values())


def behave_oracle() -> dict[tuple[str, int], str]:
    """behave's JSON: each scenario's (and row's) location and its steps' worst status.

    Judged from the steps, not `status`, which behave 1.3.3 misplaces around a Rule
    (NAMING.md, "behave's JSON formatter").
    """
    order = [None, "skipped", "untested", "passed", "undefined", "error", "failed"]
    found = {}
    for feature in json.loads((BEHAVE / "out.json").read_text("utf-8")):
        for element in feature["elements"]:
            if element["type"] != "scenario":
                continue
            statuses = [s.get("result", {}).get("status") for s in element["steps"]]
            file, line = element["location"].rsplit(":", 1)
            found[(file, int(line))] = RESULTS[max(statuses, key=order.index) or "passed"]
    return found


@pytest.mark.parametrize("named", [True, False], ids=["named", "auto"])
def test_behave_junit_judges_every_scenario_and_row_as_behave_did(repo: Repo, cli: Any, named: bool) -> None:
    outputs = {f"reports/{p.name}": p for p in (BEHAVE / "out-junit").glob("TESTS-*.xml")}
    base = project(repo, BEHAVE / "project", outputs, {"junit": ["reports/TESTS-*.xml"]},
                   {"runner": "behave"} if named else {})
    rules = check(cli, repo, base)
    found = units(rules["passing"])
    assert found == behave_oracle()
    # behave's own summary: 13 scenarios passed, 4 failed, 2 error, 0 skipped
    told = re.search(r"^(\d+) scenarios passed, (\d+) failed, (\d+) error",
                     (BEHAVE / "out-stdout.txt").read_text("utf-8"), re.MULTILINE)
    assert told
    passed, failed, errors = map(int, told.groups())
    counted = Counter(found.values())
    assert (counted["passed"], counted["failed"], counted["not-implemented"]) == (passed, failed, errors)
    assert {r["runner"] for r in rules["passing"]["data"]["traceability"]} == {"behave"}
    by_name = {(r["feature"], r["scenario"]): r for r in rules["passing"]["data"]["traceability"]}
    assert by_name[("Checkout", "Sign in")]["result"] == "failed"
    assert by_name[("Account", "Sign in")]["result"] == "passed"
    assert by_name[("Account", "")]["result"] == "passed" and by_name[("Account", "")]["unnamed"]


def pytest_junit_oracle(project_dir: Path) -> dict[tuple[str, int], str]:
    """pytest's JUnit outcome of each test, placed by pytest-bdd's own Cucumber JSON.

    The JSON (same run) names each element by the pytest item name (`id`), with the
    feature's uri (parent folder/file) and the scenario's line; an outline's rows are
    its elements with that line, in row order. The feature files tell the row lines.
    """
    outcomes = {}
    for case in ET.parse(project_dir / "out-junit.xml").iter("testcase"):
        kinds = {child.tag for child in case}
        text = "".join(c.get("message", "") for c in case)
        outcome = ("not-implemented" if "StepDefinitionNotFoundError" in text else
                   "failed" if kinds & {"failure", "error"} else "passed")
        outcomes[(case.get("classname"), case.get("name"))] = outcome
    # which module binds which feature: the path its scenarios("...") call names
    modules = {f"tests.{p.stem}": re.findall(r'scenarios\("\.\./([^"]+)"\)', p.read_text("utf-8"))
               for p in (project_dir / "tests").glob("test_*.py")}
    found = {}
    seen: Counter[tuple[str, int]] = Counter()
    for feature in json.loads((project_dir / "out-cucumber.json").read_text("utf-8")):
        file = next(str(p.relative_to(project_dir)) for p in (project_dir / "features").rglob("*.feature")
                    if str(p).endswith("/" + feature["uri"]))
        lines = (project_dir / file).read_text("utf-8").splitlines()
        for element in feature["elements"]:
            line = element["line"]
            rows = _row_lines(lines, line)
            target = rows[seen[(file, line)]] if rows else line
            seen[(file, line)] += 1
            module = next(m for m, paths in modules.items() if any(file.startswith(p) for p in paths))
            found[(file, target)] = outcomes[(module, element["id"])]
    return found


def _row_lines(lines: list[str], outline: int) -> list[int]:
    """The table body rows below an outline's Examples headers (1-based), up to the next scenario."""
    rows, header = [], False
    for number in range(outline + 1, len(lines) + 1):
        text = lines[number - 1].strip()
        if text.startswith(("Scenario", "Rule:", "Feature:")):
            break
        if text.startswith("Examples"):
            header = True
        elif text.startswith("|"):
            if header:
                header = False
            else:
                rows.append(number)
    return rows


def pytest_summary(project_dir: Path) -> Counter[str]:
    """pytest's last line: `6 failed, 17 passed in 1.28s`."""
    last = (project_dir / "out-pytest.txt").read_text("utf-8").strip().splitlines()[-1]
    return Counter({k: int(n) for n, k in re.findall(r"(\d+) (failed|passed|error)", last)})


@pytest.mark.parametrize("named", [True, False], ids=["named", "auto"])
def test_pytest_bdd_scenarios_binding_names_tests_as_pytest_did(repo: Repo, cli: Any, named: bool) -> None:
    source = BDD / "scenarios"
    base = project(repo, source, {"reports/junit.xml": source / "out-junit.xml"},
                   {"tests": ["tests/**/*.py"], "junit": ["reports/junit.xml"]},
                   {"runner": "pytest-bdd"} if named else {})
    rules = check(cli, repo, base)
    found = units(rules["passing"])
    expected = pytest_junit_oracle(source)
    assert {k: found[k] for k in expected} == expected
    # what pytest-bdd binds nothing to: the wishlist, and the first of two same-named scenarios
    rest = {k: v for k, v in found.items() if k not in expected}
    assert set(rest.values()) == {"not-implemented"}
    assert {file for file, _ in rest} == {"features/wishlist.feature", "features/account/quirks.feature"}
    told = pytest_summary(source)
    assert sum(1 for v in expected.values() if v == "passed") == told["passed"]
    assert {r["runner"] for r in rules["passing"]["data"]["traceability"]} == {"pytest-bdd"}


@pytest.mark.parametrize("name", ["decorator", "basedir"])
def test_pytest_bdd_decorator_and_base_dir_bind_as_pytest_did(repo: Repo, cli: Any, name: str) -> None:
    source = BDD / name
    base = project(repo, source, {"reports/junit.xml": source / "out-junit.xml"},
                   {"tests": ["tests/**/*.py"], "junit": ["reports/junit.xml"]})
    rules = check(cli, repo, base)
    rows = rules["passing"]["data"]["traceability"]
    cases = [c for r in rows for c in r.get("cases", [])]
    junit = list(ET.parse(source / "out-junit.xml").iter("testcase"))
    # every case pytest wrote is bound to exactly one scenario or row
    assert sorted((c["classname"], c["name"]) for c in cases) == sorted(
        (c.get("classname"), c.get("name")) for c in junit)
    told = pytest_summary(source)
    found = Counter(units(rules["passing"]).values())
    assert found["passed"] == told["passed"]
    by_name = {(r["feature"], r["scenario"]): r for r in rows}
    # Sign in fails in Checkout and passes in Account (pytest's FAILED lines name the module)
    failed = re.findall(r"^FAILED tests/(\w+)\.py::(\w+)", (source / "out-pytest.txt").read_text("utf-8"),
                        re.MULTILINE)
    checkout_sign_in = next(f for f in failed if f[1].startswith("test_sign_in"))
    assert by_name[("Checkout", "Sign in")]["result"] == "failed"
    assert [c["name"] for c in by_name[("Checkout", "Sign in")]["cases"]] == [checkout_sign_in[1]]
    assert by_name[("Account", "Sign in")]["result"] == "passed"
    assert by_name[("Checkout", "Apply a discount code")]["result"] == "failed"
    assert [e["result"] for e in by_name[("Checkout", "Apply a discount code")]["examples"]] == [
        "passed", "failed", "passed"]


def test_findings_say_what_the_runner_said(repo: Repo, cli: Any) -> None:
    outputs = {f"reports/{p.name}": p for p in (BEHAVE / "out-junit").glob("TESTS-*.xml")}
    base = project(repo, BEHAVE / "project", outputs, {"junit": ["reports/TESTS-*.xml"]})
    rules = check(cli, repo, base)
    passing = {f["line"]: f["message"] for f in rules["passing"]["findings"]
               if f["file"] == "features/checkout.feature"}
    checkout = (BEHAVE / "project" / "features" / "checkout.feature").read_text("utf-8").splitlines()
    outline = next(n for n, line in enumerate(checkout, 1) if "Apply a discount code" in line)
    gift = next(n for n, line in enumerate(checkout, 1) if "Pay with a gift card" in line)
    assert passing[outline].startswith("scenario 'Apply a discount code' failed (example rows #1.2)")
    assert "step without definition" in passing[gift] and "undefined" in passing[gift]
    implemented = {f["line"]: f["message"] for f in rules["implemented"]["findings"]}
    assert "step without definition" in implemented[gift]
