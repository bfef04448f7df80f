"""`clearance check`: evaluate one stage and write its results in every format asked."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping, Sequence

from clearance.commands.common import POLICY_OPTIONS, load, repo_root, stage_option
from clearance.errors import ClearanceError, UsageError
from clearance.options import Option, add_options, quick_parse
from clearance.outputs import parse_formats, write_outputs
from clearance.policy.model import COMMIT_STAGES, Policy
from clearance.reporters import REPORTERS

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from clearance.evidence.context import RunSpec
    from clearance.evidence.git import Git

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
    Option(("--format", "-f"), "format",
           f"output format ({', '.join(REPORTERS)}); FMT=PATH writes a file; repeatable",
           action="append", default=[], metavar="FMT[=PATH]"),
    Option(("--output", "-o"), "output", "write the single --format here", metavar="FILE"),
    Option(("--fail-on",), "fail_on", "which severities block (default: error)", default="error",
           choices=("error", "warning", "never")),
    Option(("--verbose", "-v"), "verbose", "list every rule", action="store_true", default=False),
    Option(("--no-cache",), "no_cache", "do not use the validated-policy cache",
           action="store_true", default=False),
)


def configure(p: argparse.ArgumentParser) -> None:
    add_options(p, OPTIONS)
    p.add_argument("files", nargs="*", metavar="FILES", help="limit the change to these files")


def quick_args(argv: Sequence[str]) -> SimpleNamespace | None:
    """The arguments of a plain hook command line without argparse (see options.py)."""
    return quick_parse(OPTIONS, argv, "files")


def run(args: argparse.Namespace) -> int:
    root = repo_root(args)
    git = _git_started(root, args.stage)
    try:
        return _run(args, root, git)
    finally:
        git.close()


def _git_started(root: str, stage: str) -> Git:
    """The repository's git, with the commands every commit-stage run makes already started:
    they run on another core while the policy, the evidence layer and the rules load."""
    from clearance.evidence.git import HEAD_AND_BRANCH, Git

    git = Git(root)
    if stage in COMMIT_STAGES:
        git.start(*HEAD_AND_BRANCH)
        if stage == "commit":
            git.start(*Git.changes_args())
    return git


def _run(args: argparse.Namespace, root: str, git: Git) -> int:
    outputs = parse_formats(args.format, args.output)
    policy = load(root, args.policy, use_cache=not args.no_cache)
    env = os.environ
    spec = run_spec(args, root, policy, env)
    when = run_time(env)
    from clearance.engine import evaluate
    from clearance.evidence.context import Evidence
    from clearance.results import build_document

    evidence = Evidence(spec, policy.inputs, policy.attestors, git=git)
    results = evaluate(policy, evidence, when[:10], timings="SOURCE_DATE_EPOCH" not in env)
    doc = build_document(policy, results, evidence, when, args.fail_on,
                         repository=env.get("GITHUB_REPOSITORY") or os.path.basename(root))
    write_outputs(doc, outputs, {"verbose": args.verbose, "color": _color(env)})
    return 1 if doc["summary"]["blocking"] else 0


def run_spec(args: argparse.Namespace, root: str, policy: Policy,
             env: Mapping[str, str]) -> RunSpec:
    """What the evidence layer needs, from arguments first and the environment second."""
    from clearance.evidence.context import RunSpec

    event_file = args.event or (None if args.stage in COMMIT_STAGES else env.get("GITHUB_EVENT_PATH"))
    refs = _event_refs(event_file) if event_file else {}
    base, head = args.base, args.head
    if args.stage == "push":
        base = base or env.get("PRE_COMMIT_FROM_REF")
        head = head or env.get("PRE_COMMIT_TO_REF")
    files, message_file = list(args.files), args.message_file
    if args.stage == "commit-msg" and message_file is None and len(files) == 1:
        message_file, files = files[0], []  # a commit-msg hook passes the message file as FILES
    pr_body_text = _stdin_text() if args.pr_body == "-" else None
    settings = policy.settings
    return RunSpec(
        root=root, stage=args.stage, base=base or refs.get("base"), head=head or refs.get("head"),
        branch=args.branch or refs.get("branch") or env.get("GITHUB_HEAD_REF") or None,
        files=tuple(files),
        message_file=message_file or None,
        pr_body_file=args.pr_body if args.pr_body and args.pr_body != "-" else None,
        pr_body_text=pr_body_text,
        event_file=event_file or None,
        github_token=env.get("CLEARANCE_GITHUB_TOKEN") or env.get("GITHUB_TOKEN"),
        github_api=env.get("GITHUB_API_URL", "https://api.github.com"),
        github_repository=env.get("GITHUB_REPOSITORY"),
        allow_commands=bool(settings.get("commands", False)),
        refuse_self_granted=(settings.get("self_granted_waivers") == "refuse"
                             or args.stage in settings.get("refuse_self_granted_in", [])),
        max_input_bytes=settings.get("max_input_bytes"),
    )


def _event_refs(path: str) -> dict[str, str]:
    """Base, head and branch of a pull_request event; nothing when unreadable."""
    from pathlib import Path

    from clearance.evidence.event import read_event

    try:
        event = read_event(Path(path))
    except ClearanceError:
        return {}
    pr = event.get("pull_request") if isinstance(event.get("pull_request"), dict) else None
    if pr is None:
        return {}
    refs: dict[str, str] = {}
    for key, side in (("base", "base"), ("head", "head")):
        part = pr.get(side)
        if isinstance(part, dict) and isinstance(part.get("sha"), str):
            refs[key] = part["sha"]
    head = pr.get("head")
    if isinstance(head, dict) and isinstance(head.get("ref"), str):
        refs["branch"] = head["ref"]
    return refs


def _stdin_text() -> str:
    """Standard input as text whatever the locale; undecodable bytes survive as surrogates."""
    return sys.stdin.buffer.read().decode("utf-8", "surrogateescape")


def run_time(env: Mapping[str, str]) -> str:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible output), as `YYYY-MM-DDTHH:MM:SSZ` in UTC.

    The `time` module rather than `datetime`: a commit hook does not import it.
    """
    epoch = env.get("SOURCE_DATE_EPOCH")
    try:
        moment = time.gmtime(None if epoch is None else int(epoch))
    except (ValueError, OverflowError, OSError) as e:
        raise UsageError(f"SOURCE_DATE_EPOCH is not a whole number of seconds: {epoch!r}") from e
    if not 1 <= moment.tm_year <= 9999:
        raise UsageError(f"SOURCE_DATE_EPOCH is outside the years 1 to 9999: {epoch!r}")
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", moment)


def _color(env: Mapping[str, str]) -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in env and env.get("TERM") != "dumb"
