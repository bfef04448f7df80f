"""`clearance init`: clearance.yaml extending a pack, a PR template generated from
the policy, a pre-commit configuration and a GitHub workflow. An existing file is
kept unless `--force` is given.

A PR template anywhere GitHub reads one (`.github/`, the root or `docs/`, the
name in any case, or a `PULL_REQUEST_TEMPLATE/` folder there) counts as
existing: init keeps it and writes no second one, which GitHub would ignore or
prefer. `--force` overwrites the one GitHub uses in place; beside a folder of
templates alone, it writes `.github/pull_request_template.md`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from clearance.errors import UsageError
from clearance.scaffold.files import SOURCE

POLICY = "clearance.yaml"
TEMPLATE = ".github/pull_request_template.md"
PRECOMMIT = ".pre-commit-config.yaml"
WORKFLOW = ".github/workflows/clearance.yml"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pack", default="spec-driven", metavar="NAME",
                   help="the built-in pack clearance.yaml extends (default: spec-driven)")
    p.add_argument("--force", action="store_true", help="overwrite files that exist")
    p.add_argument("--source", default=SOURCE, metavar="OWNER/REPO",
                   help="the GitHub repository holding clearance's action and hooks "
                        f"(default: {SOURCE}, to replace)")
    p.add_argument("--action-commit", type=_commit, metavar="SHA",
                   help="the commit of clearance's release tag, to pin the workflow's action to")
    p.add_argument("--repo", default=".", metavar="DIR", help="repository (default: .)")


def _commit(text: str) -> str:
    if len(text) not in (40, 64) or text.strip("0123456789abcdef"):
        raise argparse.ArgumentTypeError("a full commit id (40 or 64 lowercase hex digits)")
    return text


def run(args: argparse.Namespace) -> int:
    from clearance.config import find_root
    from clearance.policy.packs import builtin_names

    root = Path(find_root(args.repo))
    pack = args.pack.removeprefix("builtin:")
    if pack not in builtin_names():
        raise UsageError(f"no built-in pack '{pack}'", hint=f"choose one of: {', '.join(builtin_names())}")
    _write(root, POLICY, lambda: _policy(root, pack), args.force)
    _write_template(root, args.force)
    if not _write(root, PRECOMMIT, lambda: _precommit(args.source), args.force):
        _suggest_hooks(root / PRECOMMIT, args.source)
    if _write(root, WORKFLOW, lambda: _workflow(args.source, args.action_commit), args.force) \
            and not args.action_commit:
        print(f"pin the action in {WORKFLOW} to a commit: run init again with --action-commit SHA "
              "--force, SHA the commit of the release tag")
    if args.source.startswith("OWNER/"):
        print(f"replace OWNER in {PRECOMMIT} and {WORKFLOW} with the owner of clearance's "
              "repository, or run init again with --source OWNER/REPO --force")
    return 0


def _write(root: Path, name: str, text: Callable[[], str], force: bool) -> bool:
    """Whether the file was written; an existing one is kept without `force`."""
    target = root / name
    if target.exists() and not force:
        print(f"kept {name}: it exists (--force overwrites it)")
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text(), encoding="utf-8")
    print(f"wrote {name}")
    return True


def _write_template(root: Path, force: bool) -> None:
    """The PR template, unless GitHub already reads one from the repository."""
    from clearance.evidence.prbody import default_template, template_paths

    found = template_paths(_template_candidates(root))
    used = default_template(found)
    if not found or force or used == TEMPLATE:
        _write(root, used or TEMPLATE, lambda: _template(root), force)
        return
    others = [p for p in found if p != used]
    also = f" (also found: {', '.join(others)})" if used and others else ""
    if used:
        print(f"kept {used}: GitHub reads the PR template from there{also}; wrote none at "
              f"{TEMPLATE} (--force overwrites {used})")
    else:
        print(f"kept {', '.join(found)}: GitHub fills a new PR with one of these only when its link "
              f"names it (?template=); wrote no default template (--force writes {TEMPLATE})")


def _template_candidates(root: Path) -> list[str]:
    """Files of the working tree where GitHub looks for PR templates, repository-relative."""
    found: list[str] = []
    for folder in ("", ".github/", "docs/"):
        try:
            entries = sorted((root / folder).iterdir())
        except OSError:
            continue
        for entry in entries:
            name = folder + entry.name
            if entry.is_dir() and entry.name.casefold() == "pull_request_template":
                found += [f"{name}/{inner.name}" for inner in sorted(entry.iterdir()) if inner.is_file()]
            elif entry.is_file():
                found.append(name)
    return found


def _suggest_hooks(config: Path, source: str) -> None:
    """An existing pre-commit configuration without clearance: the entry to add."""
    from clearance.scaffold.files import hooks_repo, precommit_entry

    if hooks_repo(source) not in config.read_text("utf-8", errors="replace"):
        print(f"  add clearance's hooks under `repos:` in {PRECOMMIT}:")
        print(precommit_entry(source), end="")


def _policy(root: Path, pack: str) -> str:
    from clearance.policy.loader import load_policy
    from clearance.scaffold.files import policy_file

    inputs = load_policy([f"builtin:{pack}"]).inputs
    return policy_file(root.name or "repository", f"builtin:{pack}", inputs)


def _template(root: Path) -> str:
    """The template of the policy in force: the clearance.yaml just written, or the one kept."""
    from clearance.commands.common import load
    from clearance.scaffold.prtemplate import pr_template

    return pr_template(load(str(root), [], use_cache=False))


def _precommit(source: str) -> str:
    from clearance.scaffold.files import precommit_config

    return precommit_config(source)


def _workflow(source: str, commit: str | None) -> str:
    from clearance.scaffold.files import workflow

    return workflow(source, commit)
