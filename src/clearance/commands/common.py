"""Pieces shared by the sub-commands: arguments, the repository, the policy in force."""

from __future__ import annotations

import os
from collections.abc import Sequence

from clearance.config import Source, find_root, policy_sources
from clearance.options import Option, add_options
from clearance.policy.cache import cached_policy, default_directory
from clearance.policy.model import STAGES, Policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from clearance.policy.loader import Document

POLICY_OPTIONS = (
    Option(("--policy",), "policy", "policy file or builtin:NAME (repeatable; applied in order)",
           action="append", default=[], metavar="FILE"),
    Option(("--repo",), "repo", "repository (default: .)", default=".", metavar="DIR"),
)


def stage_option(default: str | None) -> Option:
    return Option(("--stage",), "stage", f"the stage to evaluate (default: {default or 'all'})",
                  default=default, choices=STAGES)


def policy_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, POLICY_OPTIONS)


def stage_argument(parser: argparse.ArgumentParser, default: str | None) -> None:
    add_options(parser, [stage_option(default)])


def repo_root(args: argparse.Namespace) -> str:
    return find_root(args.repo)


def load(root: str, given: list[str], use_cache: bool = True) -> Policy:
    """The policy in force for a repository, from arguments or discovery.

    The validated policy is cached (see policy/cache.py) unless `use_cache` is
    false or $CLEARANCE_NO_CACHE is set.
    """
    directory = default_directory(os.environ) if use_cache else None
    return cached_policy(policy_sources(root, given), root, directory, _load_files)


def _load_files(sources: Sequence[Source], root: str) -> tuple[Policy, list[Document]]:
    """Read and validate the policy files: only when the cache cannot answer."""
    from pathlib import Path

    from clearance.policy.loader import load_with_documents

    return load_with_documents(sources, Path(root))
