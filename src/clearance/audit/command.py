"""`clearance report --index DIR` and `clearance report RESULTS --by-control`.

The options are declared here and added to `clearance report` by its
`configure`; `commands/report.py` hands over to `run_index` or `run_by_control`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import Any

from clearance.errors import UsageError
from clearance.policy.model import STAGES
from clearance.verdicts import VERDICTS

INDEX_FORMATS = ("html", "json")
BY_CONTROL_FORMATS = ("markdown", "text")


def configure(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("auditor's index (docs/report.md)")
    group.add_argument("--index", metavar="DIR",
                       help="index every results document below DIR (html and json formats)")
    group.add_argument("--since", metavar="YYYY-MM-DD", help="runs on or after this day (UTC)")
    group.add_argument("--until", metavar="YYYY-MM-DD", help="runs on or before this day (UTC)")
    group.add_argument("--repository", action="append", default=[], metavar="PATTERN",
                       help="runs of repositories matching this shell-style pattern; repeatable")
    group.add_argument("--stage", action="append", default=[], choices=STAGES, help="repeatable")
    group.add_argument("--verdict", action="append", default=[], choices=VERDICTS,
                       help="pass/fail: the run's verdict; another: a rule of the stage has it; repeatable")
    group.add_argument("--control", action="append", default=[], metavar="FRAMEWORK[:ID]",
                       help="runs with a rule of the stage that evidences it; repeatable")
    group.add_argument("--sample", type=int, default=0, metavar="N",
                       help="draw N changes from those that match")
    group.add_argument("--seed", type=int, default=0, metavar="S", help="the sample's seed (default 0)")
    p.add_argument("--by-control", action="store_true",
                   help="print the results document's view by control (markdown or text)")


def run_index(args: argparse.Namespace) -> int:
    from clearance import __version__
    from clearance.audit.index import IndexFilter, scan
    from clearance.audit.index_page import build_index, render_html, render_json

    if not os.path.isdir(args.index):
        raise UsageError(f"--index {args.index}: not a folder", hint="name the folder of stored results")
    if args.sample < 0:
        raise UsageError("--sample takes a number of changes, 0 or more")
    chosen = IndexFilter(since=_day(args.since, "--since"), until=_day(args.until, "--until"),
                         repositories=tuple(args.repository), stages=tuple(args.stage),
                         verdicts=tuple(args.verdict), controls=tuple(args.control))
    index = build_index(scan(args.index), chosen, args.sample, args.seed, args.index)
    renderers = {"html": lambda: render_html(index, __version__), "json": lambda: render_json(index)}
    _write(args, INDEX_FORMATS, renderers)
    return 0


def run_by_control(doc: dict[str, Any], args: argparse.Namespace) -> int:
    from clearance.audit.controls import render

    renderers = {fmt: (lambda f=fmt: render(doc, f)) for fmt in BY_CONTROL_FORMATS}
    _write(args, BY_CONTROL_FORMATS, renderers)
    return 0


def _write(args: argparse.Namespace, known: tuple[str, ...], renderers: dict[str, Any]) -> None:
    from clearance.outputs import parse_formats, write_atomic

    outputs = parse_formats(args.format or [known[0]], args.output)
    for name, _ in outputs:
        if name not in known:
            raise UsageError(f"format '{name}' is not offered here", hint=f"use one of {', '.join(known)}")
    for name, path in outputs:
        text = renderers[name]()
        if path is None:
            sys.stdout.write(text)
        else:
            write_atomic(path, text)
            print(f"clearance: wrote {path}", file=sys.stderr)


def _day(text: str | None, option: str) -> str | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError as e:
        raise UsageError(f"{option} {text}: not a day as YYYY-MM-DD") from e
