"""The HTML report in a real browser: headless Chromium loads it from disk.

Asserts on the DOM Chromium built (`--dump-dom`): every rule id and verdict
is there, the hostile strings of the fixture are text, and no script element,
event-handler attribute or `javascript:` link came from the data. Chromium's
console log must show no Content-Security-Policy violation: the inline
stylesheet is allowed by its hash and nothing else was attempted. The
screenshot is kept in tests/artifacts/report.png.

Skips only when /usr/bin/chromium is absent and CI is not set; in CI a
missing browser fails the test (`.ci/run` installs Debian's `chromium`).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from browser import WIDTHS, DomCensus, assert_fits, chromium, need_chromium
from clearance.reporters import render
from clearance.reporters.context import OTHER_STAGE, VERDICTS

ALL_VERDICTS = Path(__file__).parent / "fixtures" / "results-all-verdicts.json"
ARTIFACTS = Path(__file__).parent.parent / "artifacts"


def symbol(rule: dict[str, Any]) -> str:
    return VERDICTS[rule["verdict"]][0] if rule["in_stage"] else OTHER_STAGE[0]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The HTML report of the all-verdicts document, as a file:// URL."""
    need_chromium()
    doc = json.loads(ALL_VERDICTS.read_text(encoding="utf-8"))
    report = tmp_path_factory.mktemp("browser") / "report.html"
    report.write_text(render("html", doc, {}), encoding="utf-8")
    return report.as_uri()


@pytest.fixture(scope="module")
def loaded(page: str, tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """Chromium's DOM of the page on stdout, its console log on stderr."""
    run = chromium(tmp_path_factory.mktemp("chromium"), "--enable-logging=stderr", "--v=0",
                   "--dump-dom", page)
    assert run.returncode == 0, run.stderr[-2000:]
    return run


def test_the_census_sees_what_it_must_refuse() -> None:
    census = DomCensus.of('<p><script>x</script><img src=x onerror="a()"><a href="javascript:b">c</a></p>')
    assert census.tags.count("script") == 1
    assert ("onerror", "a()") in census.attrs and ("href", "javascript:b") in census.attrs


def test_the_browser_shows_every_rule_and_verdict(loaded: subprocess.CompletedProcess[str],
                                                  doc: dict[str, Any]) -> None:
    run = loaded
    census = DomCensus.of(run.stdout)
    assert "Compliance report: shop-delivery 1.2.0, pr stage" in census.words
    labels = {"not-applicable": "not applicable"}
    for rule in doc["rules"]:
        rows = [r for r in census.rows if rule["id"] in r.split()]
        if not rule["in_stage"]:  # one compact row: rule, checklist item, stages
            stages = ", ".join(rule["stages"])
            assert any(r.startswith(rule["id"]) and r.endswith(stages) for r in rows), (rule["id"], rows)
            continue
        label = labels.get(rule["verdict"], rule["verdict"])
        assert any(r.startswith(f"{symbol(rule)} {label} ") for r in rows), (rule["id"], rows)
    for verdict, n in doc["summary"]["counts"].items():
        assert any(r.endswith(f" {labels.get(verdict, verdict)} {n}") for r in census.rows), verdict
    assert "Content Security Policy" not in run.stderr, "the page broke its own CSP"


def test_hostile_text_is_inert(loaded: subprocess.CompletedProcess[str], hostile: tuple[str, ...]) -> None:
    census = DomCensus.of(loaded.stdout)
    assert census.tags.count("script") == 0
    assert census.tags.count("img") == 0
    assert not [a for a in census.attrs if a[0].startswith("on")]
    hrefs = [value for name, value in census.attrs if name == "href"]
    assert hrefs and all(href.startswith("#") for href in hrefs)
    for text in hostile:
        assert text in census.words


def test_screenshot(page: str, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    run = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", page)
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 50_000


# -- layout: no horizontal page scroll on a phone or a desktop ---------------------------

def with_scenarios(doc: dict[str, Any], count: int) -> dict[str, Any]:
    """The all-verdicts document with `count` scenarios in its traceability matrix, with long
    names, tags and paths, as a large spec gives them."""
    doc = json.loads(json.dumps(doc))
    rule = next(r for r in doc["rules"] if isinstance(r["data"], dict) and "traceability" in r["data"])
    rows = rule["data"]["traceability"]
    rule["data"]["traceability"] = [
        {**rows[i % len(rows)], "scenario": f"Scenario {i}: a customer applies a discount code twice "
         "and the second application is refused with a message", "line": 10 + i,
         "file": f"docs/spec/features/checkout/discounts/very_long_feature_file_name_{i}.feature",
         "tags": ["@smoke", "@regression", f"@ticket-{i}"]} for i in range(count)]
    return doc


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["demo", "500 scenarios"])
def test_no_horizontal_page_scroll(which: str, width: int, tmp_path: Path, doc: dict[str, Any],
                                   request: pytest.FixtureRequest) -> None:
    need_chromium()
    source = request.getfixturevalue("demo_doc") if which == "demo" else with_scenarios(doc, 500)
    report = tmp_path / "report.html"
    report.write_text(render("html", source, {}), encoding="utf-8")
    measured = assert_fits(tmp_path, report, width)
    assert not measured["wide"], measured
