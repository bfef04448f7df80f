"""Command options as data: argparse reads them, and so does a quick reader for hooks.

A hook runs `clearance check --stage commit` on every commit. Importing
argparse (with gettext and locale) and building its parser costs that commit
more than evaluating the rules, so a command may declare its options here once:
`add_options` gives them to argparse, and `quick_parse` reads the plain command
lines hooks pass (`--opt VALUE`, `--opt=VALUE`, flags, then file names) into
the same values argparse would give. Any other command line (help, an unknown
or abbreviated option, a missing or invalid value, `--`) is left to argparse,
which parses it or explains the mistake. tests/commands/test_options.py checks
that both readers agree on generated command lines.
"""

from __future__ import annotations

from types import SimpleNamespace

from clearance.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any


class Option(Record):
    """One option: its flags, where its value goes, and how it reads."""

    flags: tuple[str, ...]
    dest: str
    help: str
    action: str = "store"  # store, append (repeatable) or store_true (a flag)
    default: Any = None
    choices: tuple[str, ...] | None = None
    metavar: str | None = None


def add_options(parser: argparse.ArgumentParser, options: Sequence[Option]) -> None:
    """Declare the options to argparse."""
    for o in options:
        extra: dict[str, Any] = {}
        if o.action != "store_true":
            extra = {"choices": o.choices, "metavar": o.metavar}
        parser.add_argument(*o.flags, dest=o.dest, action=o.action, default=o.default,
                            help=o.help, **extra)


def quick_parse(options: Sequence[Option], argv: Sequence[str],
                positional: str | None = None) -> SimpleNamespace | None:
    """The values of a plain command line, as argparse would give them; None for any other.

    `positional` names the one positional argument (`nargs="*"`) the command
    takes, which must come after every option.
    """
    by_flag = {flag: o for o in options for flag in o.flags}
    values: dict[str, Any] = {o.dest: list(o.default) if o.action == "append" else o.default
                              for o in options}
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if not arg.startswith("-") or arg == "-":
            if positional is None:
                return None
            rest.append(arg)
            continue
        name, eq, attached = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        option = by_flag.get(name)
        if rest or option is None:  # an option after a file name, or one argparse must judge
            return None
        if option.action == "store_true":
            if eq:
                return None
            values[option.dest] = True
            continue
        value = attached if eq else next(args, None)
        if value is None or value.startswith("-") or (option.choices and value not in option.choices):
            return None
        if option.action == "append":
            values[option.dest].append(value)
        else:
            values[option.dest] = value
    if positional is not None:
        values[positional] = rest
    return SimpleNamespace(**values)
