"""The validated-policy cache: used while fresh, ignored when stale or corrupt."""

from __future__ import annotations

import json
import os
from pathlib import Path

from helpers import Repo

POLICY = """\
extends: [packs/base.yaml]
rules:
  - {id: readme, stages: [commit], check: {files.exist: {paths: [README.md]}}}
"""
BASE = "rules:\n  - {id: license, stages: [commit], check: {files.exist: {paths: [LICENSE]}}}\n"


def cache_files() -> list[Path]:
    return sorted(Path(os.environ["CLEARANCE_CACHE_DIR"]).glob("policy-*.json"))


def setup(repo: Repo) -> None:
    repo.write("clearance.yaml", POLICY)
    repo.write("packs/base.yaml", BASE)
    repo.write("README.md", "hi\n")
    repo.write("LICENSE", "MIT\n")
    repo.commit("initial")


def rules(cli, repo: Repo) -> dict[str, str]:
    run = cli("check", "--repo", repo.path, "-f", "json")
    return {r["id"]: r["verdict"] for r in json.loads(run.out)["rules"]}


def test_a_run_writes_one_entry_and_the_next_reuses_it(repo: Repo, cli) -> None:
    setup(repo)
    assert rules(cli, repo) == {"license": "pass", "readme": "pass"}
    [entry] = cache_files()
    files = json.loads(entry.read_text())["files"]
    assert sorted(Path(p).name for p in files) == ["base.yaml", "clearance.yaml"]
    stamp = entry.stat().st_mtime_ns
    assert rules(cli, repo) == {"license": "pass", "readme": "pass"}
    assert entry.stat().st_mtime_ns == stamp


def test_an_edit_to_an_extended_file_makes_the_entry_stale(repo: Repo, cli) -> None:
    setup(repo)
    rules(cli, repo)
    repo.write("packs/base.yaml", BASE.replace("LICENSE", "COPYING"))
    assert rules(cli, repo)["license"] == "fail"


def test_a_corrupt_entry_is_ignored_and_rewritten(repo: Repo, cli) -> None:
    setup(repo)
    rules(cli, repo)
    [entry] = cache_files()
    entry.write_text('{"files": {"x": ')
    assert rules(cli, repo) == {"license": "pass", "readme": "pass"}
    assert json.loads(entry.read_text())["policy"]["name"] == "unnamed"


def test_an_entry_is_never_taken_for_a_broken_policy(repo: Repo, cli) -> None:
    setup(repo)
    rules(cli, repo)
    repo.write("clearance.yaml", POLICY.replace("files.exist", "files.exists"))
    run = cli("check", "--repo", repo.path)
    assert run.code == 2
    assert "unknown check kind 'files.exists'" in run.err


def test_no_cache_option_and_an_unwritable_directory(repo: Repo, cli, monkeypatch, tmp_path) -> None:
    setup(repo)
    assert cli("check", "--repo", repo.path, "--no-cache").code == 0
    assert cache_files() == []
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(blocker / "sub"))
    assert cli("check", "--repo", repo.path).code == 0
