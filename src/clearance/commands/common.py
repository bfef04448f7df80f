"""Pieces shared by the sub-commands: the repository and the policy in force."""

from __future__ import annotations

import argparse
from pathlib import Path

from clearance.config import find_root, policy_sources
from clearance.policy.loader import load_policy
from clearance.policy.model import Policy


def repo_root(args: argparse.Namespace) -> Path:
    return find_root(Path(args.repo))


def load(root: Path, given: list[str]) -> Policy:
    """The policy in force for a repository, from arguments or discovery."""
    return load_policy(policy_sources(root, given), root)
