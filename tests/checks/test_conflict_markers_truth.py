"""git.conflict_markers finds the markers git really writes, at the lines git counts (#15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Repo

POLICY = """rules:
  - id: code.no-conflict-markers
    stages: [commit, pr]
    check: {git.conflict_markers: {}}
  - id: code.no-todo
    stages: [commit]
    check: {files.contain: {paths: "**/*.txt", pattern: "TODO", absent: true}}
"""


def _check(cli, repo: Repo, tmp_path: Path) -> dict:
    out = tmp_path / "results.json"
    run = cli("check", "--repo", repo.path, "--stage", "commit", "--policy", repo.path / "policy.yaml",
              "--format", f"json={out}")
    assert run.code in (0, 1), run.err
    return {r["id"]: r for r in json.loads(out.read_text("utf-8"))["rules"]}


def _conflicted_merge(repo: Repo, attributes: str) -> str:
    """Merge two branches that change the same line of notes.md; git writes its markers."""
    repo.write("policy.yaml", POLICY)
    repo.write(".gitattributes", attributes)
    repo.write("notes.md", "# Notes\n\nfirst\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "other")
    repo.write("notes.md", "# Notes\n\ntheirs\n")
    repo.commit("theirs")
    repo.git("checkout", "-q", "main")
    repo.write("notes.md", "# Notes\n\nours\n")
    repo.commit("ours")
    repo.git("merge", "-q", "other", check=False)
    text = (repo.path / "notes.md").read_text("utf-8")
    repo.stage("notes.md")  # a developer who stages the file as git left it
    return text


@pytest.mark.parametrize("size", [7, 8, 12])
def test_markers_of_the_length_the_attribute_sets_are_found(repo: Repo, cli, tmp_path: Path,
                                                             size: int) -> None:
    text = _conflicted_merge(repo, f"*.md conflict-marker-size={size}\n")
    expected = [(n, line[:size]) for n, line in enumerate(text.split("\n"), start=1)
                if line[:1] in "<=>" and len(line) >= size and line[:size] == line[0] * size]
    assert [m for _, m in expected] == ["<" * size, "=" * size, ">" * size]  # git wrote them
    rule = _check(cli, repo, tmp_path)["code.no-conflict-markers"]
    assert rule["verdict"] == "fail"
    assert [(f["line"], f["message"]) for f in rule["findings"]] == [
        (n, f"conflict marker {m}") for n, m in expected]


def test_a_nul_byte_does_not_hide_markers(repo: Repo, cli, tmp_path: Path) -> None:
    repo.write("policy.yaml", POLICY)
    repo.commit("base")
    repo.write("data.txt", b"header\x00\nbody\n<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n")
    repo.stage("data.txt")
    rule = _check(cli, repo, tmp_path)["code.no-conflict-markers"]
    assert rule["verdict"] == "fail"
    assert [f["line"] for f in rule["findings"]] == [3, 5, 7]


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_line_numbers_count_newlines_only(repo: Repo, cli, tmp_path: Path, separator: str) -> None:
    repo.write("policy.yaml", POLICY)
    repo.commit("base")
    lines = [f"page one{separator}page two", "<<<<<<< ours", "a", "=======", "b", ">>>>>>> theirs",
             "TODO: remove"]
    repo.write("doc.txt", "\r\n".join(lines) + "\r\n")
    repo.stage("doc.txt")
    counted = int(repo.git("diff", "--cached", "--numstat", "--", "doc.txt").split()[0])
    assert counted == len(lines)  # git's own count of the lines
    rules = _check(cli, repo, tmp_path)
    assert [f["line"] for f in rules["code.no-conflict-markers"]["findings"]] == [2, 4, 6]
    assert [f["line"] for f in rules["code.no-todo"]["findings"]] == [7]


@pytest.mark.parametrize("size", [3, 5])
def test_markers_shorter_than_seven_are_found_when_the_attribute_says_so(repo: Repo, cli, tmp_path: Path,
                                                                         size: int) -> None:
    text = _conflicted_merge(repo, f"*.md conflict-marker-size={size}\n")
    lines = text.split("\n")
    expected = [n for n, line in enumerate(lines, start=1)
                if line[:size] in ("<" * size, "=" * size, ">" * size) and line[size:size + 1] in ("", " ")]
    assert len(expected) == 3  # git wrote them at that size
    rule = _check(cli, repo, tmp_path)["code.no-conflict-markers"]
    assert rule["verdict"] == "fail"
    assert [f["line"] for f in rule["findings"]] == expected
