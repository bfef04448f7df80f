"""`clearance check`: evaluate one stage and write its results in every format asked."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from clearance.commands.common import POLICY_OPTIONS, repo_root, stage_option
from clearance.evidence.git import Git
from clearance.options import Option, add_options, quick_parse
from clearance.outputs import parse_formats, write_outputs
from clearance.policy.cache import default_directory
from clearance.policy.model import COMMIT_STAGES
from clearance.policy.revision import Tree
from clearance.policy.trusted import DISCOVERED, Loading, resolve
from clearance.reporters import REPORTERS
from clearance.run import run_refs, run_spec, run_stage, run_time

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

OPTIONS = (
    *POLICY_OPTIONS,
    stage_option("commit"),
    Option(("--base",), "base", "the revision the change is measured against", metavar="REF"),
    Option(("--head",), "head", "the revision under evaluation (default HEAD)", metavar="REF"),
    Option(("--branch",), "branch", "branch name (default: the checked-out branch)"),
    Option(("--message-file",), "message_file", "commit message file (commit-msg)", metavar="FILE"),
    Option(("--pr-body",), "pr_body", "PR body from a file, or - for stdin", metavar="FILE"),
    Option(("--event",), "event", "GitHub event payload (default: $GITHUB_EVENT_PATH)",
           metavar="FILE"),
    Option(("--environment",), "environment", "the deployment environment the run is about "
           "(default: the stage name at staging and production)", metavar="NAME"),
    Option(("--release",), "release", "the release tag the run is about (default: a tag "
           "pointing at the evaluated commit)", metavar="TAG"),
    Option(("--format", "-f"), "format",
           f"output format ({', '.join(REPORTERS)}); FMT=PATH writes a file; repeatable",
           action="append", default=[], metavar="FMT[=PATH]"),
    Option(("--output", "-o"), "output", "write the single --format here", metavar="FILE"),
    Option(("--fail-on",), "fail_on", "which severities block (default: error)", default="error",
           choices=("error", "warning", "never")),
    Option(("--verbose", "-v"), "verbose", "list every rule", action="store_true", default=False),
    Option(("--listed-only",), "listed_only", "check only the FILES listed, none when none is "
           "(pre-commit's file selection)", action="store_true", default=False),
    Option(("--no-cache",), "no_cache", "do not use the validated-policy cache",
           action="store_true", default=False),
    Option(("--record",), "record", "also keep the results document as a git note on the "
           "evaluated commit, in refs/notes/clearance (docs/release.md)", action="store_true",
           default=False),
    Option(("--policy-source",), "policy_source", "where the policy in force is read at stages "
           "with a base: base (default) or head (the pull request adding a first policy)",
           default="base", choices=("base", "head")),
    Option(("--overlay",), "overlay", "a policy file outside the repository applied after the "
           "policy in force (the GitHub Action's inputs); repeatable", action="append", default=[],
           metavar="FILE"),
)


def configure(p: argparse.ArgumentParser) -> None:
    add_options(p, OPTIONS)
    p.add_argument("files", nargs="*", metavar="FILES", help="limit the change to these files")


def quick_args(argv: Sequence[str]) -> SimpleNamespace | None:
    """The arguments of a plain hook command line without argparse (see options.py)."""
    return quick_parse(OPTIONS, argv, "files")


def run(args: argparse.Namespace) -> int:
    root = repo_root(args)
    git = Git(root)
    if args.stage in COMMIT_STAGES:  # git works on the other core while the rules load
        git.start_index_reads(staged=args.stage == "commit")
        if not args.policy:
            git.start(*Tree(git, None).listing_args(DISCOVERED))
        refs = None
    else:  # the gates resolve the base and the head first (the policy is read at the base)
        refs = run_refs(args.stage, os.environ, base=args.base, head=args.head, event=args.event)
        for ref in (refs["head"] or "HEAD", refs["base"]):
            if ref and set(ref) != {"0"}:  # not git's null id (a new branch)
                git.start(*git.rev_args(ref))
    try:
        return _run(args, root, git, refs)
    finally:
        git.close()


def _run(args: argparse.Namespace, root: str, git: Git, refs: dict[str, str | None] | None) -> int:
    outputs = parse_formats(args.format, args.output)
    env = os.environ
    if refs is None:
        refs = run_refs(args.stage, env, base=args.base, head=args.head, event=args.event)
    # The validated-policy cache serves the commit hooks' budget only: a gate's policy is
    # always read from git, since a cache folder can be written by what the change runs.
    cached = not args.no_cache and args.stage in COMMIT_STAGES
    loading = Loading(git, root, args.policy, args.overlay,
                      default_directory(env) if cached else None)
    policies = resolve(loading, args.stage, refs["base"], refs["head"], args.policy_source)
    spec = run_spec(root, args.stage, policies.in_force, env, base=args.base, head=args.head,
                    branch=args.branch, files=args.files, message_file=args.message_file,
                    pr_body=args.pr_body if args.pr_body != "-" else None,
                    pr_body_text=_stdin_text() if args.pr_body == "-" else None,
                    event=args.event, environment=args.environment, release=args.release)
    if args.listed_only:
        spec = spec._replace(listed_only=True)
    doc = run_stage(policies, spec, run_time(env), args.fail_on, git=git,
                    repository=env.get("GITHUB_REPOSITORY"),
                    timings="SOURCE_DATE_EPOCH" not in env)
    write_outputs(doc, outputs, {"verbose": args.verbose, "color": _color(env)})
    if args.record:
        from clearance.release.notes import record_results

        record_results(git, doc)
    return 1 if doc["summary"]["blocking"] else 0


def _stdin_text() -> str:
    """Standard input as text whatever the locale; undecodable bytes survive as surrogates."""
    return sys.stdin.buffer.read().decode("utf-8", "surrogateescape")


def _color(env: Mapping[str, str]) -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in env and env.get("TERM") != "dumb"
