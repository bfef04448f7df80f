"""A policy pattern cannot hang a run or pass by giving up: a search over its time budget is
an `error` naming the file, and the packs' own patterns finish on large files (#15)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Repo


def _results(cli, repo: Repo, tmp_path: Path, *args: str) -> dict[str, dict]:
    out = tmp_path / "results.json"
    run = cli("check", "--repo", repo.path, *args, "--format", f"json={out}")
    assert run.code in (0, 1), run.err
    return {r["id"]: r for r in json.loads(out.read_text("utf-8"))["rules"]}


def test_a_pattern_that_backtracks_without_end_is_an_error_naming_the_file(repo: Repo, cli,
                                                                          tmp_path: Path) -> None:
    repo.write("policy.yaml", "rules:\n  - id: catastrophic\n    stages: [commit]\n"
                              "    check: {files.contain: {paths: ['*.txt'], pattern: '^(a+)+$'}}\n")
    repo.write("big.txt", "a" * 64 + "b\n")  # 2**64 ways to split the a's before failing
    repo.commit("data")
    rule = _results(cli, repo, tmp_path, "--stage", "commit", "--policy", repo.path / "policy.yaml")["catastrophic"]
    assert rule["verdict"] == "error"
    assert rule["findings"][0]["file"] == "big.txt"
    assert "took over" in rule["message"] and "anchor lookaheads" in rule["findings"][0]["message"]


def _dashboard(size: int, categories: list[str]) -> str:
    panels = [{"title": f"{c} panel", "expr": f"{c}_metric"} for c in categories]
    filler = [{"title": f"panel {i}", "expr": "rate(x[5m])"} for i in range(size // 40)]
    return json.dumps({"panels": filler + panels})


def test_the_fullstack_dashboard_rule_judges_large_dashboards(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("README.md", "# shop\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    folder = "infra/observability/grafana/dashboards"
    for name in ("orders", "payments"):
        repo.write(f"{folder}/{name}-metrics.json",
                   _dashboard(120_000, ["jvm", "http", "hikari", "environment"]))
    repo.write(f"{folder}/stock-metrics.json", _dashboard(120_000, ["jvm", "http", "hikari"]))
    repo.commit("dashboards")
    rules = _results(cli, repo, tmp_path, "--stage", "pr", "--base", "main",
                     "--policy", "builtin:spec-driven-fullstack")
    rule = rules["observability.grafana-dashboard"]
    assert rule["verdict"] == "fail", rule["message"]
    assert [f["file"] for f in rule["findings"]] == [f"{folder}/stock-metrics.json"]


def test_messages_say_what_the_pattern_looks_for_in_words(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("policy.yaml", "rules:\n  - id: endpoint\n    stages: [commit]\n    check:\n      files.contain:\n"
                              "        paths: ['*.yml']\n        pattern: '(?ms)^endpoints:\\s*$.*?^\\s+prometheus:'\n"
                              "        what: \"a prometheus entry under endpoints:\"\n")
    repo.write("application.yml", "endpoints:\n  health:\n    enabled: true\n")
    repo.commit("config")
    rule = _results(cli, repo, tmp_path, "--stage", "commit", "--policy", repo.path / "policy.yaml")["endpoint"]
    assert rule["verdict"] == "fail"
    assert rule["message"] == "1 file without a prometheus entry under endpoints:"
    assert rule["findings"][0]["message"] == "does not contain a prometheus entry under endpoints:"


def test_a_commit_message_cannot_hang_a_pattern(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("policy.yaml", "rules:\n  - id: subject\n    stages: [commit-msg]\n"
                              "    check: {git.commit_message: {forbid: '^(a+)+$'}}\n")
    repo.commit("policy")
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("a" * 64 + "b\n", encoding="utf-8")
    rule = _results(cli, repo, tmp_path, "--stage", "commit-msg", "--message-file", str(message),
                    "--policy", repo.path / "policy.yaml")["subject"]
    assert rule["verdict"] == "error"
    assert "took over" in rule["message"]


def test_a_pr_title_cannot_hang_a_pattern(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("policy.yaml", "rules:\n  - id: title\n    stages: [pr]\n"
                              "    check: {pr.title: {pattern: '^(a+)+$'}}\n")
    base = repo.commit("policy")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"title": "a" * 64 + "b", "body": ""}}), encoding="utf-8")
    rule = _results(cli, repo, tmp_path, "--stage", "pr", "--base", base, "--event", str(event),
                    "--policy", repo.path / "policy.yaml")["title"]
    assert rule["verdict"] == "error"
    assert "took over" in rule["message"] and "PR title" in rule["message"]
