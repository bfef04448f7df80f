"""The quick reader of hook command lines agrees with argparse, or steps aside.

For every generated command line, `clearance check`'s quick reader either
declines (returns None, and argparse parses the line) or gives exactly the
values argparse gives.
"""

from __future__ import annotations

import argparse
import contextlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.commands import check
from clearance.parser import command_parser
from examples_count import counted

FLAGS = sorted({flag for o in check.OPTIONS for flag in o.flags})
WORDS = ["commit", "pr", "nope", "builtin:spec-driven", "a.py", "-", "--", "-x", "", "json=out.json",
         "error", "never", "src/app.py", "--stage=commit", "--stage=pr", "--policy=p.yaml",
         "--format=text", "--verbose=yes", "--sta", "-vf", "-h", "-fjson", "--fail-on=warning", "-1"]


def argparse_values(argv: list[str]) -> dict[str, object] | None:
    """argparse's values, or None when it refuses the line (it exits with 2)."""
    parser = command_parser("check")
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return vars(parser.parse_args(argv))
        except SystemExit:
            return None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FLAGS + WORDS), max_size=8))
def test_the_quick_reader_agrees_with_argparse_or_declines(argv: list[str]) -> None:
    counted("command line: quick reader vs argparse")
    quick = check.quick_args(argv)
    if quick is not None:
        assert vars(quick) == argparse_values(argv), argv


def test_the_lines_hooks_pass_are_read_without_argparse() -> None:
    lines = [
        ["--stage", "commit"],
        ["--stage", "commit-msg", ".git/COMMIT_EDITMSG"],
        ["--stage=push", "--policy", "builtin:spec-driven", "--policy", "extra.yaml", "-v"],
        ["--stage", "pr", "--base", "abc123", "--format", "json=out.json", "-f", "sarif=s.sarif",
         "--fail-on", "warning", "--no-cache", "a.py", "b.py"],
    ]
    for argv in lines:
        quick = check.quick_args(argv)
        assert quick is not None, argv
        assert vars(quick) == argparse_values(argv)
    assert vars(check.quick_args(lines[3]))["format"] == ["json=out.json", "sarif=s.sarif"]


def test_anything_else_is_left_to_argparse() -> None:
    for argv in (["-h"], ["--sta", "commit"], ["--stage", "nope"], ["--stage"], ["--", "a.py"],
                 ["a.py", "--stage", "pr"], ["-vf", "json"], ["--verbose=1"], ["--base", "-x"]):
        assert check.quick_args(argv) is None, argv


def test_defaults_are_fresh_lists_each_time() -> None:
    first = check.quick_args(["--policy", "a.yaml"])
    second = check.quick_args([])
    assert first is not None and second is not None
    assert (first.policy, second.policy, second.format) == (["a.yaml"], [], [])
    assert isinstance(argparse.Namespace(**vars(second)), argparse.Namespace)
