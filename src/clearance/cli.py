"""The command line: parse arguments, dispatch, turn errors into exit codes.

Exit codes: 0 nothing blocks; 1 a blocking verdict; 2 a usage, policy or
input error, printed as one line that names the file and line.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
from collections.abc import Sequence

from clearance.errors import ClearanceError
from clearance.textsafe import clean

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from clearance.commands.contract import Command

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
    "attest": ("clearance.commands.attest", "write a sign-off record for a commit, and commit it signed"),
    "release": ("clearance.commands.release", "a release: its PRs, their results by stage, what is flagged"),
    "verify": ("clearance.commands.verify", "check a results document: schema, summary, digests, signature"),
    "sign": ("clearance.commands.sign", "sign a results document's in-toto statement (DSSE, local key)"),
}


def _chosen(argv: Sequence[str]) -> str | None:
    """The command named on the command line: its first word that is not an option."""
    return next((a for a in argv if not a.startswith("-")), None)


def _quick(argv: Sequence[str]) -> Any:
    """The arguments of a plain `clearance COMMAND ...` line read without argparse, when the
    command offers a quick reader (see options.py); None otherwise."""
    if not argv or argv[0] not in COMMANDS:
        return None
    quick = getattr(importlib.import_module(COMMANDS[argv[0]][0]), "quick_args", None)
    args = quick(argv[1:]) if quick is not None else None
    if args is not None:
        args.command = argv[0]
    return args


def utf8_streams() -> None:
    """Standard output and error in UTF-8 whatever the console's code page (Windows without
    UTF-8 mode encodes piped output as cp1252, which has no emoji for a PR title).

    `backslashreplace` for the one thing UTF-8 cannot encode, a lone surrogate (a file name
    with bytes that are not UTF-8): it shows as `\\udcff`, where `replace` would print `?`
    and hide which byte it was; the output stays valid UTF-8 for the runner's log.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    utf8_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _quick(argv)
    if args is None:
        from clearance.parser import build_parser, command_parser

        if argv and argv[0] in COMMANDS:
            args = command_parser(argv[0]).parse_args(argv[1:])
            args.command = argv[0]
        else:
            args = build_parser(_chosen(argv)).parse_args(argv)
    module: Command = importlib.import_module(COMMANDS[args.command][0])
    try:
        code = module.run(args)
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
