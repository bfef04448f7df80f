"""`clearance report --index DIR`: runs filtered by the command line, counts by control, and a
sample of changes that the same seed draws again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from audit.stored import RUNS, results_doc, store


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stored")
    store(root)
    (root / "notes").mkdir()
    (root / "notes" / "sarif.json").write_text('{"version": "2.1.0", "runs": []}', "utf-8")
    (root / "notes" / "cut.json").write_text('{"$schema": "https://clearance.dev/sch', "utf-8")
    (root / "old.json").write_text(json.dumps(results_doc(*RUNS[0][:6], False, controls=False)), "utf-8")
    return root


def index(cli, folder: Path, *args: str) -> dict[str, Any]:
    run = cli("report", "--index", folder, "-f", "json", *args)
    assert run.code == 0, run.err
    data: dict[str, Any] = json.loads(run.out)
    return data


def keys(data: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(r["repository"], r["stage"], r["time"][:10]) for r in data["runs"]}


def test_every_document_below_the_folder_is_a_run_and_the_rest_is_accounted_for(cli, folder: Path) -> None:
    data = index(cli, folder)
    assert data["totals"] == {"runs": 13, "changes": 8, "repositories": 4}
    assert data["documents"] == {"results": 13, "not_read": 1, "other_json": 1}
    assert data["not_read"][0]["path"] == "notes/cut.json"
    assert "not valid JSON" in data["not_read"][0]["reason"]
    first = data["runs"][0]
    assert first["path"] == "acme-shop/pr/results-00.json" and len(first["sha256"]) == 64
    times = [r["time"] for r in data["runs"]]
    assert times == sorted(times)


@pytest.mark.parametrize(("args", "expected"), [
    (("--since", "2026-03-01", "--until", "2026-04-01"),
     {("acme/api", "pr", "2026-03-01"), ("acme/api", "pr", "2026-03-02"),
      ("acme/api", "staging", "2026-03-03"), ("acme/web", "pr", "2026-04-01")}),
    (("--repository", "beta/*"),
     {("beta/svc", "pr", "2026-05-01"), ("beta/svc", "pr", "2026-05-02"), ("beta/svc", "production", "2026-05-03")}),
    (("--stage", "production", "--stage", "staging"),
     {("acme/shop", "production", "2026-02-11"), ("acme/api", "staging", "2026-03-03"),
      ("beta/svc", "production", "2026-05-03")}),
    (("--verdict", "fail", "--repository", "acme/*"),
     {("acme/shop", "pr", "2026-01-05"), ("acme/api", "pr", "2026-03-02"), ("acme/web", "merge", "2026-04-02")}),
    (("--verdict", "pending",), {("acme/shop", "pr", "2026-01-05"), ("acme/api", "pr", "2026-03-02")}),
    (("--control", "ISO27001:A.8.29", "--until", "2026-01-31"),
     {("acme/shop", "pr", "2026-01-05"), ("acme/shop", "merge", "2026-01-06")}),  # not old.json
])
def test_filters(cli, folder: Path, args: tuple[str, ...], expected: set[tuple[str, str, str]]) -> None:
    data = index(cli, folder, *args)
    assert keys(data) == expected
    assert data["filters"]  # the page says which filters made it


def test_a_framework_alone_matches_its_controls(cli, folder: Path) -> None:
    assert len(index(cli, folder, "--control", "SOC2")["runs"]) == 12  # all but the old document
    assert index(cli, folder, "--control", "SOC2:CC6.1")["runs"] == []


def test_controls_count_the_rules_of_the_stage_that_evidence_them(cli, folder: Path) -> None:
    data = index(cli, folder, "--repository", "acme/shop")
    rows = {c["control"]: c for c in data["controls"]}
    assert list(rows) == ["ISO27001:A.8.25", "ISO27001:A.8.29", "ISO27001:A.8.32", "SOC2:CC8.1"]
    assert rows["SOC2:CC8.1"]["runs"] == 4
    assert rows["SOC2:CC8.1"]["verdicts"] | {} == {"pass": 4, "fail": 4, "waived": 0, "not-applicable": 0,
                                                 "pending": 0, "error": 0}
    assert rows["ISO27001:A.8.32"]["verdicts"]["pass"] == 4  # the production-approval rule is another stage's


def test_the_same_seed_draws_the_same_changes_from_the_filtered_ones(cli, folder: Path, tmp_path: Path) -> None:
    def drawn(root: Path, *args: str) -> list[tuple[str, str]]:
        sample = index(cli, root, "--sample", "3", *args)["sample"]
        return [(c["repository"], c["change"]) for c in sample["changes"]]

    first = drawn(folder, "--seed", "7")
    assert len(first) == 3 and first == drawn(folder, "--seed", "7")
    renamed = tmp_path / "copy"
    shutil.copytree(folder, renamed / "z")  # other paths and order: the same changes
    assert drawn(renamed, "--seed", "7") == first
    assert {tuple(drawn(folder, "--seed", str(s))) for s in range(8)} != {tuple(first)}
    only_beta = drawn(folder, "--seed", "7", "--repository", "beta/*")
    assert {repo for repo, _ in only_beta} == {"beta/svc"} and len(only_beta) == 2


def test_a_change_is_its_pull_request_else_its_commit_with_all_its_runs(cli, folder: Path) -> None:
    sample = index(cli, folder, "--sample", "50", "--repository", "acme/shop")["sample"]
    assert (sample["asked"], sample["drawn"], sample["from"]) == (50, 2, 2)
    changes = {c["change"]: [(r["stage"], r["path"]) for r in c["runs"]] for c in sample["changes"]}
    assert changes == {  # the merge commit and the deployment of #2's commit join their pull request
        "#1": [("pr", "acme-shop/pr/results-00.json"), ("pr", "old.json"), ("merge", "acme-shop/merge/results-01.json")],
        "#2": [("pr", "acme-shop/pr/results-02.json"), ("production", "acme-shop/production/results-03.json")],
    }
    web = index(cli, folder, "--sample", "5", "--repository", "acme/web")["sample"]["changes"]
    assert [c["change"] for c in web] == ["#3", "e2".ljust(40, "0")]  # a merge no pull request names


@pytest.mark.parametrize(("args", "message"), [
    (("--since", "2026-13-01"), "--since 2026-13-01: not a day as YYYY-MM-DD"),
    (("-f", "markdown"), "format 'markdown' is not offered here"),
])
def test_usage_errors(cli, folder: Path, args: tuple[str, ...], message: str) -> None:
    run = cli("report", "--index", folder, *args)
    assert run.code == 2 and message in run.err, run.err


def test_the_page_and_the_json_are_written_together(cli, folder: Path, tmp_path: Path) -> None:
    page, data = tmp_path / "index.html", tmp_path / "index.json"
    run = cli("report", "--index", folder, "--sample", "2", "--seed", "1", "-f", f"html={page}",
              "-f", f"json={data}")
    assert run.code == 0, run.err
    html = page.read_text("utf-8")
    assert "<script" not in html and "Content-Security-Policy" in html
    assert "feat/&lt;script&gt;" not in html  # branches are not shown; hostile names stay escaped
    assert json.loads(data.read_text("utf-8"))["sample"]["seed"] == 1
