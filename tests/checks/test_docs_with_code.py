"""feature.docs-updated watches code wherever it is, not only src/, lib/ and app/ (#15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Repo


def _verdict(cli, repo: Repo, tmp_path: Path, files: dict[str, str]) -> dict:
    repo.write("README.md", "# tool\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    for path, text in files.items():
        repo.write(path, text)
    repo.commit("change")
    out = tmp_path / "results.json"
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", "main", "--policy", "builtin:spec-driven",
              "--format", f"json={out}")
    assert run.code in (0, 1), run.err
    return next(r for r in json.loads(out.read_text("utf-8"))["rules"] if r["id"] == "feature.docs-updated")


@pytest.mark.parametrize("code", ["mytool/core.py", "scripts/release.sh.py", "cmd/server/main.go",
                                  "packages/ui/index.ts"])
def test_code_outside_src_without_docs_fails(repo: Repo, cli, tmp_path: Path, code: str) -> None:
    rule = _verdict(cli, repo, tmp_path, {code: "VALUE = 1\n"})
    assert rule["verdict"] == "fail"
    assert [f["file"] for f in rule["findings"]] == [code]


def test_code_with_docs_passes(repo: Repo, cli, tmp_path: Path) -> None:
    rule = _verdict(cli, repo, tmp_path, {"mytool/core.py": "VALUE = 1\n", "docs/core.md": "# Core\n"})
    assert rule["verdict"] == "pass"


def test_tests_alone_need_no_docs_and_the_verdict_says_what_was_considered(repo: Repo, cli,
                                                                          tmp_path: Path) -> None:
    rule = _verdict(cli, repo, tmp_path, {"tests/test_core.py": "def test_x():\n    pass\n"})
    assert rule["verdict"] == "pass"
    assert "the one changed file is not one the condition watches" in rule["message"]
    assert "unless: tests/**" in rule["message"] and rule["message"].endswith(": tests/test_core.py")
