"""The argparse parsers of the command line (imported only when a command line needs them)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from clearance import __version__
from clearance.cli import COMMANDS


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, told the terminal width so that it does not import shutil."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _columns() - 2 if width is None else width)


def _columns() -> int:
    """The terminal width as shutil.get_terminal_size finds it: $COLUMNS, the terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The whole parser: every command, for `--help`, `--version` and mistakes.

    Only the chosen command's module is imported to add its arguments; the
    others get a bare sub-parser (enough for `--help` to list them).
    """
    parser = argparse.ArgumentParser(prog="clearance", formatter_class=_Formatter, description=(
        "Policy-as-code for delivery checklists: the same verdict at commit, in CI "
        "and in the compliance report."))
    parser.add_argument("--version", action="version", version=f"clearance {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (target, summary) in COMMANDS.items():
        command = sub.add_parser(name, help=summary, description=summary, formatter_class=_Formatter)
        if name == chosen:
            importlib.import_module(target).configure(command)
    return parser


def command_parser(name: str) -> argparse.ArgumentParser:
    """The parser of one command alone, named `clearance NAME` as its sub-parser is.

    `clearance check ...` (what every hook runs) parses with this one: building
    all nine sub-parsers costs a commit more than evaluating its rules.
    """
    target, summary = COMMANDS[name]
    parser = argparse.ArgumentParser(prog=f"clearance {name}", description=summary,
                                     formatter_class=_Formatter)
    importlib.import_module(target).configure(parser)
    return parser
