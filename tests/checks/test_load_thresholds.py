"""load.thresholds over real Locust output and k6 summaries in k6's documented shape
(tests/fixtures/load/README.md). Expectations come from the reports themselves, read here
with the csv and json modules, or from how the fixture's server answers."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from clearance.checks import load_thresholds
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from helpers import Repo

LOAD = Path(__file__).parent.parent / "fixtures" / "load"
LOCUST_STATS = LOAD / "locust" / "checkout_stats.csv"


def locust_row(name: str) -> dict[str, str]:
    with LOCUST_STATS.open(encoding="utf-8", newline="") as handle:
        return next(r for r in csv.DictReader(handle) if r["Name"] == name)


def k6(name: str) -> dict[str, Any]:
    return dict(json.loads((LOAD / "k6" / name).read_text("utf-8"))["metrics"])


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(LOAD / "locust", tmp_path / "load", ignore=shutil.ignore_patterns("*.py", "*.sh"))
    shutil.copytree(LOAD / "k6", tmp_path / "k6")
    return tmp_path


def judge(root: Path, params: dict[str, Any]) -> Any:
    return load_thresholds.run({"reports": "load/*_stats.csv", **params},
                               Evidence(RunSpec(root=root, stage="staging")))


# -- Locust ---------------------------------------------------------------------------------

def test_p95_and_failure_ratio_at_their_limits_pass(root: Path) -> None:
    row = locust_row("Aggregated")
    ratio = int(row["Failure Count"]) / int(row["Request Count"])
    outcome = judge(root, {"max": {"p95": float(row["95%"]), "failure_ratio": ratio}})
    assert outcome.verdict == "pass", outcome.message
    figures = outcome.data["load"]["reports"][0]["figures"]
    assert figures["p95"] == float(row["95%"])
    assert figures["requests"] == int(row["Request Count"])
    assert figures["rps"] == float(row["Requests/s"])


def test_p95_above_its_limit_fails_with_the_figures(root: Path) -> None:
    row = locust_row("Aggregated")
    p95 = float(row["95%"])
    outcome = judge(root, {"max": {"p95": p95 - 1}})
    assert outcome.verdict == "fail"
    assert [f.message for f in outcome.findings] == [f"p95 {p95:g} > {p95 - 1:g} (Aggregated)"]
    assert outcome.findings[0].file == "load/checkout_stats.csv"


def test_a_failure_ratio_above_its_limit_fails(root: Path) -> None:
    row = locust_row("Aggregated")
    ratio = int(row["Failure Count"]) / int(row["Request Count"])
    assert 0 < ratio < 1
    outcome = judge(root, {"max": {"failure_ratio": ratio * 0.99}})
    assert outcome.verdict == "fail"
    assert outcome.findings[0].message.startswith("failure_ratio ")


def test_too_few_requests_fail(root: Path) -> None:
    requests = int(locust_row("Aggregated")["Request Count"])
    assert judge(root, {"min": {"requests": requests}}).verdict == "pass"
    assert judge(root, {"min": {"requests": requests + 1}}).verdict == "fail"


def test_rows_are_judged_by_name_as_the_server_answers_them(root: Path) -> None:
    # The server sleeps 120 ms on /slow, 5 ms on /fast, and answers /broken with 500 always.
    assert judge(root, {"name": "/slow", "min": {"p50": 120}}).verdict == "pass"
    assert judge(root, {"name": "/fast", "max": {"p50": 120}}).verdict == "pass"
    broken = judge(root, {"name": "/broken", "max": {"failure_ratio": 0.5}})
    assert broken.verdict == "fail"
    assert broken.findings[0].message == "failure_ratio 1 > 0.5 (/broken)"


def test_an_unknown_row_is_an_error_naming_the_rows(root: Path) -> None:
    with pytest.raises(EvidenceError, match=r"no row named '/checkout' \(rows: /broken, /fast, /slow, Aggregated\)"):
        judge(root, {"name": "/checkout", "max": {"p95": 100}})


def test_a_run_without_requests_is_an_error(root: Path) -> None:
    lines = LOCUST_STATS.read_text("utf-8").splitlines()
    header, rows = lines[0], [r for r in lines[1:] if ",Aggregated," in r]
    fields = rows[0].split(",")
    fields[2:4] = ["0", "0"]
    (root / "load" / "checkout_stats.csv").write_text(f"{header}\n{','.join(fields)}\n", "utf-8")
    with pytest.raises(EvidenceError, match="counts no request"):
        judge(root, {"max": {"p95": 100}})


def test_a_file_that_is_no_stats_report_is_an_error(root: Path) -> None:
    with pytest.raises(EvidenceError, match="neither a Locust stats CSV"):
        judge(root, {"reports": "load/checkout_failures.csv", "max": {"p95": 100}})


def test_no_report_is_an_error(root: Path) -> None:
    with pytest.raises(EvidenceError, match="no load-test report matches"):
        judge(root, {"reports": "build/locust/*_stats.csv", "max": {"p95": 100}})


# -- k6 ---------------------------------------------------------------------------------

def test_a_k6_threshold_that_k6_failed_fails_unless_told_otherwise(root: Path) -> None:
    metrics = k6("summary-export.json")
    duration, failed = metrics["http_req_duration"], metrics["http_req_failed"]
    params = {"reports": "k6/summary-export.json",
              "max": {"p95": duration["p(95)"], "failure_ratio": failed["value"]}}
    outcome = judge(root, params)
    assert outcome.verdict == "fail"
    crossed = [t for t, failed_flag in duration["thresholds"].items() if failed_flag]
    assert [f.message for f in outcome.findings] == [f"k6 threshold failed: http_req_duration: {t}" for t in crossed]
    assert judge(root, {**params, "k6_thresholds": False}).verdict == "pass"


def test_k6_figures_are_read_from_the_summary_export(root: Path) -> None:
    metrics = k6("summary-export.json")
    outcome = judge(root, {"reports": "k6/summary-export.json", "min": {"requests": 1}, "k6_thresholds": False})
    figures = outcome.data["load"]["reports"][0]["figures"]
    assert figures["requests"] == metrics["http_reqs"]["count"]
    assert figures["rps"] == metrics["http_reqs"]["rate"]
    assert figures["failures"] == metrics["http_req_failed"]["passes"]
    assert figures["p50"] == metrics["http_req_duration"]["med"]
    assert figures["p90"] == metrics["http_req_duration"]["p(90)"]


def test_a_percentile_k6_did_not_summarise_is_an_error(root: Path) -> None:
    assert "p(99)" not in k6("summary-export.json")["http_req_duration"]
    with pytest.raises(EvidenceError, match="has no p99") as raised:
        judge(root, {"reports": "k6/summary-export.json", "max": {"p99": 1000}})
    assert raised.value.hint == "add it to summaryTrendStats"


def test_the_handle_summary_shape_is_read_too(root: Path) -> None:
    values = k6("handle-summary.json")["http_req_duration"]["values"]
    outcome = judge(root, {"reports": "k6/handle-summary.json", "max": {"p99": values["p(99)"] - 1}})
    assert outcome.verdict == "fail"
    assert [f.message for f in outcome.findings] == [
        f"p99 {values['p(99)']:g} > {values['p(99)'] - 1:g}",
        "k6 threshold failed: http_req_duration: p(99)<300",
    ]
    ratio = k6("handle-summary.json")["http_req_failed"]["values"]["rate"]
    assert judge(root, {"reports": "k6/handle-summary.json", "max": {"failure_ratio": ratio},
                        "k6_thresholds": False}).verdict == "pass"


def test_name_is_refused_for_a_k6_summary(root: Path) -> None:
    with pytest.raises(EvidenceError, match="judged on the whole run"):
        judge(root, {"reports": "k6/handle-summary.json", "name": "/fast", "max": {"p95": 1}})


# -- the policy ---------------------------------------------------------------------------

def test_validate_refuses_an_unknown_figure_and_a_rule_without_limits(repo: Repo, cli: Any) -> None:
    repo.write("clearance.yaml", """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: load, version: 1.0.0}
rules:
  - id: load.p95
    stages: [staging]
    check: {load.thresholds: {reports: load/*_stats.csv, max: {p96: 500}}}
  - id: load.nothing
    stages: [staging]
    check: {load.thresholds: {reports: load/*_stats.csv}}
""")
    run = cli("validate", repo.path / "clearance.yaml")
    assert run.code == 2
    assert "clearance.yaml:7:" in run.err + run.out
    assert "clearance.yaml:10:" in run.err + run.out
