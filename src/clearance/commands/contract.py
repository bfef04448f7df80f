"""The contract of a sub-command, checked by mypy on every member of `cli.COMMANDS`.

Read by the type checker and the tests only: `COMMAND_MODULES` assigns each
registered module to the protocol, and a test refuses a registry entry that
is missing here.
"""

from __future__ import annotations

import argparse
from typing import Protocol

from clearance.commands import (
    attest,
    check,
    explain,
    init,
    install_hooks,
    listing,
    policy_test,
    release,
    report,
    sign,
    template,
    validate,
    verify,
)


class Command(Protocol):
    """What every sub-command's module provides; `cli.main` imports only the chosen one."""

    def configure(self, p: argparse.ArgumentParser) -> None:
        """Add the command's arguments to its parser."""

    def run(self, args: argparse.Namespace) -> int:
        """Do the command's work; the exit code (0, 1, or 2 for usage, policy and input
        errors, which are raised as `ClearanceError` and printed once by `cli.main`)."""


COMMAND_MODULES: dict[str, Command] = {
    "check": check,
    "validate": validate,
    "list": listing,
    "explain": explain,
    "report": report,
    "install-hooks": install_hooks,
    "init": init,
    "template": template,
    "test": policy_test,
    "attest": attest,
    "release": release,
    "verify": verify,
    "sign": sign,
}
