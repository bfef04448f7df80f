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

COMMANDS = {
    "check": "clearance.commands.check",
    "validate": "clearance.commands.validate",
    "list": "clearance.commands.listing",
    "explain": "clearance.commands.explain",
}
STAGES = ("commit", "commit-msg", "push", "pr", "merge", "staging", "production")
FORMATS = ("text", "json")


def _policy_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", action="append", default=[], metavar="FILE",
                        help="policy file or builtin:NAME (repeatable; applied in order)")
    parser.add_argument("--repo", default=".", metavar="DIR", help="repository (default: .)")


def _check_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="evaluate the rules of one stage")
    _policy_args(p)
    p.add_argument("--stage", default="commit", choices=STAGES)
    p.add_argument("--base", metavar="REF", help="the revision the change is measured against")
    p.add_argument("--head", metavar="REF", help="the revision under evaluation (default HEAD)")
    p.add_argument("--branch", help="branch name (default: the checked-out branch)")
    p.add_argument("--message-file", metavar="FILE", help="commit message file (commit-msg)")
    p.add_argument("--pr-body", metavar="FILE", help="PR body from a file, or - for stdin")
    p.add_argument("--event", metavar="FILE", help="GitHub event payload (default: $GITHUB_EVENT_PATH)")
    p.add_argument("--format", "-f", action="append", default=[], metavar="FMT[=PATH]",
                   help=f"output format ({', '.join(FORMATS)}); FMT=PATH writes a file; repeatable")
    p.add_argument("--output", "-o", metavar="FILE", help="write the single --format here")
    p.add_argument("--fail-on", default="error", choices=("error", "warning", "never"),
                   help="which severities block (default: error)")
    p.add_argument("--verbose", "-v", action="store_true", help="list every rule")
    p.add_argument("files", nargs="*", metavar="FILES", help="limit the change to these files")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clearance", description=(
        "Policy-as-code for delivery checklists: the same verdict at commit, in CI "
        "and in the compliance report."))
    parser.add_argument("--version", action="version", version=f"clearance {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _check_parser(sub)
    p = sub.add_parser("validate", help="check policy files: schema and meaning")
    p.add_argument("policies", nargs="*", metavar="POLICY")
    p.add_argument("--repo", default=".", metavar="DIR")
    p = sub.add_parser("list", help="the rules in force, with their checklist item")
    _policy_args(p)
    p.add_argument("--stage", choices=STAGES)
    p.add_argument("--kinds", action="store_true", help="list the check kinds instead")
    p = sub.add_parser("explain", help="what a rule or check kind checks and how to fix it")
    _policy_args(p)
    p.add_argument("name", metavar="RULE|KIND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command])
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
