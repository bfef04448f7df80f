"""`clearance template pr`: print the PR template generated from the policy in force."""

from __future__ import annotations

import argparse

from clearance.commands.common import load, policy_arguments, repo_root


def configure(p: argparse.ArgumentParser) -> None:
    policy_arguments(p)
    p.add_argument("what", choices=("pr",), help="pr: .github/pull_request_template.md")


def run(args: argparse.Namespace) -> int:
    from clearance.scaffold.prtemplate import pr_template

    policy = load(repo_root(args), args.policy)
    print(pr_template(policy), end="")
    return 0
