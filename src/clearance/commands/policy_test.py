"""`clearance test [DIR]`: run a policy's own tests, folders holding a case.yaml with
fixture evidence and the verdict expected of each rule. Every mismatch is printed
as `case: rule expected X, got Y (message)`. Exit 0 when all match, 1 on any
mismatch, 2 when a case file is broken or there is no case."""

from __future__ import annotations

import argparse
from pathlib import Path

from clearance.errors import UsageError


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", default=".", metavar="DIR",
                   help="folder searched for case.yaml files (default: .)")
    p.add_argument("--verbose", "-v", action="store_true", help="name every case as it passes")


def run(args: argparse.Namespace) -> int:
    from clearance.errors import ClearanceError
    from clearance.policy.model import Policy
    from clearance.policytest.case import Case, discover, read_case
    from clearance.policytest.runner import Mismatch, run_case
    from clearance.textsafe import clean

    root = Path(args.dir)
    if not root.is_dir():
        raise UsageError(f"not a folder: {root}")
    folders = discover(root)
    if not folders:
        raise UsageError(f"no case.yaml below {root}", hint="see docs/policy-tests.md")
    broken: list[str] = []
    mismatches: list[Mismatch] = []
    policies: dict[tuple[str, str], Policy] = {}
    checked = 0
    for folder in folders:
        name = folder.relative_to(root).as_posix() if folder != root else folder.name
        try:
            case: Case = read_case(folder, name)
            found = run_case(case, policies)
        except ClearanceError as e:
            broken.append(f"{name}: {e}")
            continue
        checked += len(case.expect)
        mismatches += found
        if args.verbose and not found:
            print(f"ok {name} ({len(case.expect)} verdicts)")
    for line in [*(str(m) for m in mismatches), *broken]:
        print(clean(line))
    print(f"{len(folders)} cases, {checked} verdicts checked: {len(mismatches)} mismatches"
          + (f", {len(broken)} broken cases" if broken else ""))
    return 2 if broken else 1 if mismatches else 0
