"""`clearance release BASE..HEAD`: the record of one release, with its flags.

Every commit of the first-parent history of HEAD since BASE, the pull request that
brought it (release/attribution.py), the results of each stage that decided for it
by sha256 (release/record.py), and every change without a passing PR result, every
stage missing or failed, every waiver and every unverified or self-added sign-off.
Exit 0 when nothing is flagged, 1 when something is, 2 on bad input.
"""

from __future__ import annotations

import argparse
import os
import sys

from clearance.errors import UsageError
from clearance.evidence.git import Git
from clearance.outputs import write_atomic
from clearance.release.record import STAGES
from clearance.release.render import FORMATS


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("range", metavar="BASE..HEAD", help="the release: the previous release's "
                   "revision, two dots, this release's (e.g. v1.4..v1.5)")
    p.add_argument("--results", action="append", default=[], metavar="DIR",
                   help="a folder of results documents, read recursively; repeatable")
    p.add_argument("--notes", action="store_true",
                   help="also read the results `clearance check --record` kept in refs/notes/clearance")
    p.add_argument("--stages", default=",".join(STAGES), metavar="S,S",
                   help=f"the stages every change must pass (default {','.join(STAGES)})")
    p.add_argument("--repository", metavar="OWNER/REPO",
                   help="for the GitHub API (default $GITHUB_REPOSITORY, else origin)")
    p.add_argument("--format", "-f", action="append", default=[], metavar="FMT[=PATH]",
                   help=f"output format ({', '.join(FORMATS)}; default text); FMT=PATH writes "
                        "a file; repeatable")
    p.add_argument("--repo", default=".", metavar="DIR", help="repository (default: .)")


def run(args: argparse.Namespace) -> int:
    from clearance.config import find_root
    from clearance.release.build import Request, build

    outputs = _outputs(args.format)
    stages = _stages(args.stages)
    if not args.results and not args.notes:
        raise UsageError("no results to read", hint="give --results DIR and/or --notes")
    git = Git(find_root(args.repo))
    request = Request(args.range, tuple(args.results), args.notes, stages, args.repository)
    record = build(git, request, os.environ)
    for name, path in outputs:
        text = FORMATS[name](record)
        if path is None:
            sys.stdout.write(text)
        else:
            from pathlib import Path

            write_atomic(Path(path), text)
            print(f"clearance: wrote {path}", file=sys.stderr)
    return 0 if record["summary"]["verdict"] == "clean" else 1


def _outputs(formats: list[str]) -> list[tuple[str, str | None]]:
    pairs = []
    for item in formats or ["text"]:
        name, sep, path = item.partition("=")
        if name not in FORMATS:
            raise UsageError(f"unknown format '{name}'", hint=f"use one of {', '.join(FORMATS)}")
        pairs.append((name, path if sep and path else None))
    if sum(1 for _, p in pairs if p is None) > 1:
        raise UsageError("only one format can go to standard output",
                         hint="give the others a file: --format html=release.html")
    return pairs


def _stages(text: str) -> tuple[str, ...]:
    stages = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in stages if s not in STAGES]
    if unknown or not stages:
        raise UsageError(f"--stages: {', '.join(unknown) or 'none given'}",
                         hint=f"choose from {', '.join(STAGES)}")
    return stages
