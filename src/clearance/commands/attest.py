"""`clearance attest ID --commit REV --by LOGIN`: write a sign-off record, and commit it signed.

The record (docs/attestations.md) names the commit it signs off (resolved to its
full id), or a release tag, and the environment when given; `at` is now (UTC,
SOURCE_DATE_EPOCH when set). Where it goes:

- by default into the working tree, under the policy's attestations folder, as
  `ID-COMMIT12.yaml`; with `--sign` it is then committed alone with
  `git commit -S` (the key of `user.signingkey`, SSH or OpenPGP by `gpg.format`),
  the way a pull request's sign-off is added;
- with `--ref REF` (e.g. refs/heads/clearance-signoffs, where the deployment
  stages read sign-offs of a deployed commit) it is committed onto that ref
  without touching the working tree or the index (`git commit-tree`, signed
  with `--sign`); a ref that does not exist yet starts at the commit signed off.
  Push the ref afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile

from clearance.commands.common import load, policy_arguments, repo_root
from clearance.errors import UsageError

RECORD_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}")
REF = re.compile(r"refs/[A-Za-z0-9._/-]+")
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}\.ya?ml")


def configure(p: argparse.ArgumentParser) -> None:
    policy_arguments(p)
    p.add_argument("id", metavar="ID", help="the record id the attestation rule reads (default: its rule id)")
    p.add_argument("--commit", metavar="REV",
                   help="the commit signed off (any revision; its full id is written)")
    p.add_argument("--release", metavar="TAG", help="the release tag signed off")
    p.add_argument("--environment", metavar="ENV", help="where it was checked (staging, production)")
    p.add_argument("--by", required=True, metavar="LOGIN", help="who signs off: your GitHub login")
    p.add_argument("--note", default="", help="what was checked")
    p.add_argument("--at", metavar="TIME", help="when (default: now, UTC)")
    p.add_argument("--file", metavar="NAME", help="the record's file name (default: ID-COMMIT12.yaml)")
    p.add_argument("--folder", metavar="DIR", help="the attestations folder (default: the policy's)")
    p.add_argument("--ref", metavar="REF", help="commit the record onto this ref, not the working tree")
    p.add_argument("--sign", action="store_true", help="sign the commit (git -S)")


def run(args: argparse.Namespace) -> int:
    root = repo_root(args)
    git = _Git(root)
    commit, release = _subject(git, args)
    path = _path(args, root, commit or release or "")
    text = record(args, commit, release)
    if not args.ref:
        _into_worktree(git, root, path, text, args)
        return 0
    made = _onto_ref(git, args, path, text, commit or git.commit_of(f"refs/tags/{release}"))
    print(f"committed {path} onto {args.ref} as {made}{' (signed)' if args.sign else ''}; "
          f"push it: git push origin {args.ref}")
    return 0


def _path(args: argparse.Namespace, root: str, subject: str) -> str:
    from clearance.evidence.attestations import parse_time
    from clearance.evidence.inputs import check_relative

    name = args.file or f"{args.id}-{subject[:12]}.yaml"
    if not RECORD_ID.fullmatch(args.id) or not FILE_NAME.fullmatch(name):
        raise UsageError(f"'{args.id}' or '{name}' is not a record id or a .yaml file name",
                         hint="use letters, digits, '.', '_' and '-'")
    try:
        parse_time(args.at or "2000-01-01")
    except ValueError as e:
        raise UsageError(f"--at {args.at!r} is not an ISO date or date-time") from e
    folder = (args.folder or _policy_folder(root, args)).removeprefix("./").strip("/")
    check_relative(folder)
    return f"{folder}/{name}"


def record(args: argparse.Namespace, commit: str | None, release: str | None) -> str:
    """The record's YAML; every value a JSON string, which YAML reads as the same string."""
    from clearance.run import run_time

    fields = {"rule": args.id, "by": args.by, "at": args.at or run_time(os.environ),
              "commit": commit, "release": release, "environment": args.environment,
              "note": args.note}
    return "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
                   for key, value in fields.items() if value)


def _subject(git: _Git, args: argparse.Namespace) -> tuple[str | None, str | None]:
    from clearance.evidence.attestations import TAG

    if not args.commit and not args.release:
        raise UsageError("name what you sign off: --commit REV or --release TAG")
    if args.release and not TAG.fullmatch(args.release):
        raise UsageError(f"--release {args.release!r} is not a tag name")
    commit = git.commit_of(args.commit) if args.commit else None
    if args.release:
        tagged = git.commit_of(f"refs/tags/{args.release}")
        if commit is not None and tagged != commit:
            raise UsageError(f"release {args.release} is commit {tagged}, not {commit}")
    return commit, args.release


def _policy_folder(root: str, args: argparse.Namespace) -> str:
    from clearance.evidence.attestations import DEFAULT_FOLDER

    return str(load(root, args.policy).inputs.get("attestations") or DEFAULT_FOLDER)


def _into_worktree(git: _Git, root: str, path: str, text: str, args: argparse.Namespace) -> None:
    target = os.path.join(root, path)
    if os.path.exists(target):
        raise UsageError(f"{path} exists already", hint="name another file with --file")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {path}")
    if args.sign:
        git("add", "--", path)
        git("commit", "-q", "-S", "-m", f"Sign off {args.id} for {args.commit or args.release}",
            "--", path)
        print(f"committed it, signed, as {git('rev-parse', 'HEAD').strip()}")


def _onto_ref(git: _Git, args: argparse.Namespace, path: str, text: str, start: str) -> str:
    if not REF.fullmatch(args.ref):
        raise UsageError(f"--ref {args.ref!r} is not a full ref name",
                         hint="e.g. refs/heads/clearance-signoffs")
    parent = git.find(args.ref) or start
    if git("ls-tree", "--name-only", parent, "--", path).strip():
        raise UsageError(f"{path} exists already on {args.ref}", hint="name another file with --file")
    blob = git("hash-object", "-w", "--stdin", stdin=text).strip()
    with tempfile.TemporaryDirectory(prefix="clearance-attest-") as folder:
        index = {"GIT_INDEX_FILE": os.path.join(folder, "index")}
        git("read-tree", parent, env=index)
        git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
        tree = git("write-tree", env=index).strip()
    message = f"Sign off {args.id} for {args.commit or args.release}"
    made = git("commit-tree", tree, "-p", parent, "-m", message, *(["-S"] if args.sign else [])).strip()
    old = git.find(args.ref) or "0" * len(made)
    git("update-ref", "-m", "clearance attest", args.ref, made, old)
    return made


class _Git:
    """git in one repository; a failure is a usage error that says what git said."""

    def __init__(self, root: str) -> None:
        self.root = root

    def __call__(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(["git", "-C", self.root, *args], input=stdin, capture_output=True,
                              text=True, env={**os.environ, **(env or {})}, check=False)
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
            raise UsageError(f"git {args[0]} failed: {detail}")
        return done.stdout

    def commit_of(self, revision: str) -> str:
        found = self.find(revision)
        if found is None:
            raise UsageError(f"'{revision}' names no commit of the repository",
                             hint="fetch it, or check the name")
        return found

    def find(self, revision: str) -> str | None:
        """The commit a revision names, or None."""
        if revision.startswith("-"):
            raise UsageError(f"'{revision}' is not a revision")
        done = subprocess.run(["git", "-C", self.root, "rev-parse", "--verify", "--quiet",
                               f"{revision}^{{commit}}"], capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else None
