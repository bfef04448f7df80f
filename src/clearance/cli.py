"""The command line: parse arguments, dispatch, turn errors into exit codes.

Exit codes: 0 nothing blocks; 1 a blocking verdict; 2 a usage, policy or
input error, printed as one line that names the file and line.
"""

from __future__ import annotations

import argparse
import importlib
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


def build_parser() -> argparse.ArgumentParser:
    """Every command module adds its own arguments through `configure(parser)`."""
    parser = argparse.ArgumentParser(prog="clearance", description=(
        "Policy-as-code for delivery checklists: the same verdict at commit, in CI "
        "and in the compliance report."))
    parser.add_argument("--version", action="version", version=f"clearance {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (target, summary) in COMMANDS.items():
        try:
            module = importlib.import_module(target)
        except ModuleNotFoundError as e:
            if e.name != target:
                raise
            continue
        module.configure(sub.add_parser(name, help=summary, description=summary))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
    return code
