"""`clearance explain RULE|KIND`: what it checks, on what evidence, how to fix it."""

from __future__ import annotations

import argparse
import json

from clearance import checks
from clearance.commands.common import load, policy_arguments, repo_root
from clearance.errors import UsageError


def configure(p: argparse.ArgumentParser) -> None:
    policy_arguments(p)
    p.add_argument("name", metavar="RULE|KIND")


def run(args: argparse.Namespace) -> int:
    module = checks.load(args.name)
    if module is not None:
        _kind(args.name)
        return 0
    policy = load(repo_root(args), args.policy)
    rule = policy.rule(args.name)
    if rule is None:
        raise UsageError(f"no rule or check kind named '{args.name}'",
                         hint="see 'clearance list' and 'clearance list --kinds'")
    print(f"{rule.id}: {rule.title or '(no title)'}")
    if rule.checklist:
        print(f"checklist item: {rule.checklist}")
    print(f"defined at: {rule.origin}")
    print(f"stages: {', '.join(rule.stages)}; severity: {rule.severity}")
    if rule.when:
        print(f"applies when: {json.dumps(rule.when)}")
    print(f"check: {rule.kind} {json.dumps(rule.params)}")
    if rule.description:
        print(rule.description)
    print(f"fix: {rule.fix or 'see the findings of the check'}")
    waivers = [w for w in policy.waivers if w.rule == rule.id]
    for w in waivers:
        print(f"waiver: {w.owner} until {w.expires or 'no expiry'}: {w.reason} ({w.origin})")
    print()
    _kind(rule.kind)
    return 0


def _kind(kind: str) -> None:
    module = checks.load(kind)
    if module is None:
        return
    print(f"kind {kind}:")
    print("  " + "\n  ".join((module.__doc__ or "").strip().splitlines()))
    print(f"  evidence: {', '.join(getattr(module, 'EVIDENCE', ()))}")
    print(f"  parameters (JSON Schema): {json.dumps(module.SCHEMA.get('properties', {}))}")
