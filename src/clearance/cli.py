"""The command line: parse arguments, dispatch, turn errors into exit codes.

Exit codes: 0 nothing blocks; 1 a blocking verdict; 2 a usage, policy or
input error, printed as one line that names the file and line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from clearance import __version__
from clearance.errors import ClearanceError
from clearance.textsafe import clean

COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("clearance.commands.check", "evaluate the rules of one stage"),
    "validate": ("clearance.commands.validate", "check policy files: schema and meaning"),
    "list": ("clearance.commands.listing", "the rules in force, with their checklist item"),
    "explain": ("clearance.commands.explain", "what a rule or check kind checks and how to fix it"),
    "report": ("clearance.commands.report", "render a saved results document (html, markdown, ...)"),
    "install-hooks": ("clearance.commands.install_hooks", "install plain git hooks that run clearance"),
    "init": ("clearance.commands.init", "write clearance.yaml, a PR template, hook and workflow config"),
    "template": ("clearance.commands.template", "print a file generated from the policy (pr)"),
    "test": ("clearance.commands.policy_test", "run a policy's tests: fixture evidence, expected verdicts"),
}


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


def _chosen(argv: Sequence[str]) -> str | None:
    """The command named on the command line: its first word that is not an option."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        args = command_parser(argv[0]).parse_args(argv[1:])
        args.command = argv[0]
    else:
        args = build_parser(_chosen(argv)).parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        code: int = module.run(args)
    except ClearanceError as e:
        for line in str(e).splitlines():
            print(f"clearance: {clean(line)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("clearance: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `clearance list | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return code
