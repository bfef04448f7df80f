"""`clearance report`: render a saved results document (html, markdown or any format).

The document is read whole, checked against the results schema shipped in
the package, and rendered in every format asked, exactly as `clearance check`
would have rendered it. A file that is not JSON, is cut short or does not
match the schema is an input error (exit 2) that names the file and the spot.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from clearance.audit import command as audit
from clearance.errors import ClearanceError, UsageError
from clearance.outputs import parse_formats, write_outputs
from clearance.reporters import REPORTERS

SCHEMA = "results-v1.json"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("results", metavar="RESULTS.json", nargs="?",
                   help="a results document written by `clearance check --format json=FILE`, or -")
    p.add_argument("--format", "-f", action="append", default=[], metavar="FMT[=PATH]",
                   help=f"output format ({', '.join(REPORTERS)}; default html); FMT=PATH writes a "
                        "file; repeatable")
    p.add_argument("--output", "-o", metavar="FILE", help="write the single --format here")
    p.add_argument("--verbose", "-v", action="store_true", help="text format: list every rule")
    audit.configure(p)


def run(args: argparse.Namespace) -> int:
    if (args.index is None) == (args.results is None):
        raise UsageError("give either a results document or --index DIR")
    if args.index is not None:
        return audit.run_index(args)
    name = "<stdin>" if args.results == "-" else args.results
    data = sys.stdin.buffer.read() if args.results == "-" else _read(Path(args.results))
    doc = load_results(data, name)
    if args.by_control:
        return audit.run_by_control(doc, args)
    outputs = parse_formats(args.format or ["html"], args.output)
    written = write_outputs(doc, outputs, {"verbose": args.verbose, "color": False})
    _note_reformatted(data, doc, name)
    for path in written:
        print(f"clearance: wrote {path}", file=sys.stderr)
    return 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise ClearanceError(f"cannot read the results document: {e.strerror}", str(path)) from e


def load_results(data: bytes, name: str) -> dict[str, Any]:
    """The results document in `data`, parsed and valid against the results schema."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ClearanceError(f"not UTF-8 text (byte {e.start})", name,
                             hint="give the file `clearance check --format json=FILE` wrote") from e
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        cut = e.pos >= len(text.rstrip()) or not text.rstrip().endswith("}")
        what = f"not valid JSON: {e.msg}"
        if cut:
            what += "; the file ends before the document does (truncated?)"
        raise ClearanceError(what, name, e.lineno, e.colno,
                             hint="give the file `clearance check --format json=FILE` wrote") from e
    _validate(doc, name)
    result: dict[str, Any] = doc
    return result


def _validate(doc: Any, name: str) -> None:
    import jsonschema

    from clearance.policy.schema import dotted, load_schema

    if isinstance(doc, dict) and doc.get("version") not in (None, 1):
        raise ClearanceError(f"results document version {doc.get('version')!r} is not supported "
                             "(this clearance reads version 1)", name)
    validator = jsonschema.Draft202012Validator(load_schema(SCHEMA))
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        where = dotted(tuple(error.absolute_path))
        raise ClearanceError(f"not a valid results document: {where}: {error.message[:200]}", name,
                             hint="the schema is schemas/results-v1.json")


def _note_reformatted(data: bytes, doc: dict[str, Any], name: str) -> None:
    """Say so when the file is not byte for byte what clearance wrote: its sha256 will differ."""
    from clearance.reporters.context import build_context

    digest = build_context(doc)["digest"]
    if hashlib.sha256(data).hexdigest() != digest:
        print(f"clearance: note: {name} is not byte for byte as clearance wrote it; the report "
              f"gives the digest of the document as clearance writes it ({digest})", file=sys.stderr)
