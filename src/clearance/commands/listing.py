"""`clearance list`: the rules in force with their stages and checklist items."""

from __future__ import annotations

import argparse

from clearance.commands.common import load, policy_arguments, repo_root, stage_argument
from clearance.textsafe import clean


def configure(p: argparse.ArgumentParser) -> None:
    policy_arguments(p)
    stage_argument(p, None)
    p.add_argument("--kinds", action="store_true", help="list the check kinds instead")


def run(args: argparse.Namespace) -> int:
    if args.kinds:
        from clearance import checks

        for kind in checks.known_kinds():
            module = checks.load(kind) if checks.available(kind) else None
            doc = (module.__doc__ or "").strip().split("\n\n")[0] if module else ""
            print(f"{kind}: {' '.join(doc.split())}")
        return 0
    policy = load(repo_root(args), args.policy)
    rules = policy.rules_for(args.stage) if args.stage else policy.rules
    for rule in rules:
        item = f"  [{rule.checklist}]" if rule.checklist else ""
        print(f"{rule.id}  ({rule.kind}; {rule.severity}; {', '.join(rule.stages)}){item}")
        if rule.title:
            print(f"    {clean(rule.title)}")
    print(f"{len(rules)} rules" + (f" at stage {args.stage}" if args.stage else ""))
    return 0
