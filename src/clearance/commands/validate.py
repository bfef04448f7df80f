"""`clearance validate [POLICY...]`: schema and semantic checks of policy files."""

from __future__ import annotations

import argparse

from clearance.commands.common import load, repo_root
from clearance.errors import UsageError


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("policies", nargs="*", metavar="POLICY")
    p.add_argument("--repo", default=".", metavar="DIR")


def run(args: argparse.Namespace) -> int:
    try:
        root = repo_root(args)
    except UsageError:
        root = None
    if root is None:
        from pathlib import Path

        from clearance.policy.loader import load_policy

        policy = load_policy(args.policies or ["clearance.yaml"], Path.cwd())
    else:
        policy = load(root, args.policies, use_cache=False)
    import os

    from clearance.policy.waiver_terms import check_waiver_terms
    from clearance.run import run_time

    check_waiver_terms(policy, run_time(os.environ)[:10])
    print(f"{' + '.join(f.path for f in policy.files)}: valid "
          f"({len(policy.rules)} rules, {len(policy.waivers)} waivers)")
    return 0

