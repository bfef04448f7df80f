"""The `github` format and the workflow-command helpers: exact escaping, stop-commands, outputs."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clearance.github_actions import (
    command,
    escape_data,
    escape_property,
    output_block,
    stop_commands,
    write_outputs,
)
from clearance.reporters import render
from frontends.support import outside_stop_blocks, parse_github_output, scrub, stop_token, write_policy
from helpers import Repo, Run
from regold import compare

GOLDEN = Path(__file__).parent / "golden"
COMMAND_LINE = re.compile(r"::(error|warning|notice) (file|title)=|::group::|::endgroup::$")


@pytest.mark.parametrize(("text", "expected"), [
    ("plain", "plain"),
    ("100% done", "100%25 done"),
    ("a\nb", "a%0Ab"),
    ("a\r\nb", "a%0D%0Ab"),
    ("%0A is not a line break", "%250A is not a line break"),
    ("keep: colons, commas", "keep: colons, commas"),
    ("\x1b[31mred", "\\x1b[31mred"),
])
def test_message_escaping(text: str, expected: str) -> None:
    assert escape_data(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("src/app.py", "src/app.py"),
    ("a:b,c", "a%3Ab%2Cc"),
    ("50%\r\n", "50%25%0D%0A"),
    ("::error::x", "%3A%3Aerror%3A%3Ax"),
])
def test_property_escaping(text: str, expected: str) -> None:
    assert escape_property(text) == expected


def test_command_leaves_out_empty_properties() -> None:
    line = command("warning", {"file": "a,b.py", "line": 3, "col": None, "title": "t: x"}, "m\nn")
    assert line == "::warning file=a%2Cb.py,line=3,title=t%3A x::m%0An"
    assert command("notice", {}, "hi") == "::notice::hi"


def test_stop_commands_wraps_every_line_and_refuses_its_own_token() -> None:
    assert stop_commands(["a\n::set-output name=x::y", "b"], "T0K") == [
        "::stop-commands::T0K", "a", "::set-output name=x::y", "b", "::T0K::"]
    with pytest.raises(ValueError):
        stop_commands(["::T0K::"], "T0K")


def test_outputs_use_a_delimiter_the_value_does_not_hold(tmp_path: Path) -> None:
    block = output_block("verdict", "a\nghadelimiter_x\nb", delimiter="ghadelimiter_x")
    head, *_ = block.splitlines()
    delimiter = head.split("<<", 1)[1]
    assert delimiter != "ghadelimiter_x" and block.endswith(f"\n{delimiter}\n")
    target = tmp_path / "out"
    write_outputs(target, {"one": "1", "two": "x\ny"})
    assert parse_github_output(target.read_text("utf-8")) == {"one": "1", "two": "x\ny"}
    with pytest.raises(ValueError):
        output_block("bad name", "x")


def test_github_format_matches_its_golden_file(sample_repo: Repo, cli: Callable[..., Run],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767409200")
    result = cli("check", "--repo", sample_repo.path, "--stage", "commit", "--format", "github")
    assert result.code == 1
    token = stop_token(result.out)
    assert token is not None and re.fullmatch(r"[0-9a-f]{32}", token)
    compare(scrub(result.out, token), GOLDEN / "github-commit.txt")


def test_github_format_keeps_forged_commands_inside_the_stop_block(
        sample_repo: Repo, cli: Callable[..., Run]) -> None:
    out = cli("check", "--repo", sample_repo.path, "--stage", "commit", "--format", "github").out
    assert "::error::forged" in out  # the hostile file name is shown, but only inside the block
    for line in outside_stop_blocks(out):
        assert line.startswith("clearance: ") or COMMAND_LINE.match(line), line


def test_github_format_of_a_passing_stage_is_one_summary_line(repo: Repo, cli: Callable[..., Run]) -> None:
    write_policy(repo, {"rules": [{"id": "docs.readme", "stages": ["commit"],
                                   "check": {"files.exist": {"paths": ["README.md"]}}}]})
    repo.write("README.md", "# ok\n")
    repo.stage()
    result = cli("check", "--repo", repo.path, "--stage", "commit", "--format", "github")
    assert (result.code, result.out) == (0, "clearance: commit stage passed: 1 passed\n")


def test_annotations_stop_at_twenty_per_rule_and_builtin_rules_point_at_no_file(
        sample_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(sample_doc)
    markers = doc["rules"][0]
    markers["findings"] = [{"file": "a.py", "line": n, "column": None, "message": "m"} for n in range(1, 26)]
    error = next(r for r in doc["rules"] if r["id"] == "tests.passing")
    error["origin"] = {"path": "builtin:spec-driven/policy.yaml", "line": 3}
    doc["policy"]["files"] = [{"path": "builtin:spec-driven/policy.yaml", "sha256": "0" * 64}]
    lines = render("github", doc, {"token": "T"}).splitlines()
    assert sum(1 for line in lines if line.startswith("::error file=a.py,")) == 20
    assert "::error title=code.no-conflict-markers%3A No merge conflict markers::... and 5 more" \
        " findings of code.no-conflict-markers" in lines
    assert any(line.startswith("::error title=tests.passing%3A Tests pass::evidence error: ") for line in lines)
