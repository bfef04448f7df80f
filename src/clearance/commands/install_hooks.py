"""`clearance install-hooks`: plain git hooks for repositories without the pre-commit framework.

Installs the `pre-commit`, `commit-msg` and `pre-push` scripts shipped in
`clearance/hooks/` (the same files as `hooks/` in the source tree) into the
directory git runs hooks from: `git rev-parse --git-path hooks`, which
follows `core.hooksPath` and linked worktrees.

A hook that clearance installed before (its second line names clearance) is
replaced. Any other existing hook is left alone unless `--force` is given;
then it is first renamed to `<hook>.clearance-backup` (or `.clearance-backup.2`,
... when that name is taken), and `--uninstall` puts it back.

Exit codes: 0 every hook asked for is in place; 1 some hook was left alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

from clearance.commands.common import repo_root
from clearance.errors import ClearanceError, UsageError

HOOKS = ("pre-commit", "commit-msg", "pre-push")
MARKER = "# clearance plain git hook"
BACKUP = ".clearance-backup"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repo", default=".", metavar="DIR", help="repository (default: .)")
    p.add_argument("--hook", action="append", choices=HOOKS, dest="hooks", metavar="HOOK",
                   help=f"install only this hook ({', '.join(HOOKS)}); repeatable (default: all)")
    p.add_argument("--force", action="store_true",
                   help=f"replace an existing hook, keeping it as <hook>{BACKUP}")
    p.add_argument("--uninstall", action="store_true",
                   help="remove clearance's hooks and restore the backups")


def run(args: argparse.Namespace) -> int:
    folder = hooks_dir(Path(repo_root(args)))
    names = args.hooks or list(HOOKS)
    if args.uninstall:
        for name in names:
            print(uninstall(folder / name))
        return 0
    refused = 0
    for name in names:
        done, message = install(folder / name, hook_text(name), args.force)
        refused += not done
        print(message)
    return 1 if refused else 0


def hooks_dir(root: Path) -> Path:
    """Where git looks for hooks: honours core.hooksPath and worktrees."""
    try:
        proc = subprocess.run(["git", "rev-parse", "--git-path", "hooks"], cwd=root,
                              capture_output=True, text=True, check=False)
    except OSError as e:
        raise UsageError(f"cannot run git: {e.strerror}") from e
    if proc.returncode != 0:
        raise UsageError(f"git cannot name the hooks directory: {proc.stderr.strip()}")
    return root / proc.stdout.rstrip("\n")


def hook_text(name: str) -> str:
    """The script shipped in the package."""
    from importlib import resources  # imports tempfile: only when installing

    return resources.files("clearance").joinpath("hooks").joinpath(name).read_text("utf-8")


def is_ours(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return any(MARKER in handle.readline() for _ in range(3))
    except OSError:
        return False


def install(path: Path, text: str, force: bool) -> tuple[bool, str]:
    """Install one hook: (whether it is in place, what was done)."""
    if path.exists() or path.is_symlink():
        if is_ours(path):
            if path.read_text("utf-8", errors="replace") == text:
                return True, f"{path}: already installed"
        elif not force:
            return False, (f"{path}: a hook is already there; left alone "
                           f"(--force replaces it and keeps it as {path.name}{BACKUP})")
        else:
            backup = backup_path(path)
            path.rename(backup)
            _write(path, text)
            return True, f"{path}: installed; the previous hook is kept as {backup}"
    _write(path, text)
    return True, f"{path}: installed"


def uninstall(path: Path) -> str:
    """Remove our hook and put the most recent backup back."""
    if not is_ours(path):
        return f"{path}: not clearance's hook; left alone"
    path.unlink()
    backups = sorted(path.parent.glob(f"{path.name}{BACKUP}*"), key=_backup_number)
    if backups:
        backups[-1].rename(path)
        return f"{path}: removed; restored {backups[-1].name}"
    return f"{path}: removed"


def backup_path(path: Path) -> Path:
    """`<hook>.clearance-backup`, or the first free `.clearance-backup.N`."""
    candidate = path.with_name(path.name + BACKUP)
    number = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(f"{path.name}{BACKUP}.{number}")
        number += 1
    return candidate


def _backup_number(path: Path) -> int:
    suffix = path.name.rsplit(BACKUP, 1)[1]
    return int(suffix[1:]) if suffix[1:].isdigit() else 1


def _write(path: Path, text: str) -> None:
    """Write an executable script whole or not at all."""
    tmp = path.with_name(f".{path.name}.clearance-tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.chmod(0o755)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ClearanceError(f"cannot write hook: {e.strerror}", str(path)) from e
