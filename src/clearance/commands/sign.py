"""`clearance sign RESULTS --key KEY`: a DSSE envelope of the document's in-toto statement.

The statement is the one `--format intoto` writes (reporters/intoto.py); the
envelope is signed with a local PEM private key and verified with
`clearance verify RESULTS --envelope FILE --key PUBKEY`. The document is read
as `clearance report` reads it (valid against the results schema); a results
file that is not byte for byte as clearance wrote it is refused, since the
statement names the sha256 of the file clearance writes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from clearance.commands.report import load_results
from clearance.errors import ClearanceError
from clearance.outputs import write_atomic
from clearance.reporters import render


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("results", metavar="RESULTS.json", help="a results document (--format json)")
    p.add_argument("--key", required=True, metavar="KEY",
                   help="PEM private key (Ed25519, ECDSA or RSA; unencrypted PKCS#8)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the envelope here (default: "
                   "standard output)")


def run(args: argparse.Namespace) -> int:
    from clearance import signing
    from clearance.reporters.intoto import statement

    try:
        data = Path(args.results).read_bytes()
    except OSError as e:
        raise ClearanceError(f"cannot read the results document: {e.strerror}", args.results) from e
    doc = load_results(data, args.results)
    if data != render("json", doc, {}).encode("utf-8"):
        raise ClearanceError("not byte for byte as clearance wrote it: the signed statement would "
                             "name another sha256 than the file's", args.results,
                             hint="sign the file `clearance check --format json=FILE` wrote")
    text = json.dumps(signing.sign(statement(doc), args.key), separators=(",", ":")) + "\n"
    if args.output:
        write_atomic(Path(args.output), text)
        print(f"clearance: wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
