"""A real git repository built from a case's fixture evidence, in a temporary folder.

The base files are committed on `main`. At the commit stages the change is
staged; at the others it is committed on a branch, and `upstream` files are
committed on `main` after it (to make the two conflict); `signoffs` files (with
`{head}` replaced by the change's commit id) are committed on the branch
`clearance-signoffs` made from the change, where sign-offs of a deployed commit
are read (docs/attestations.md); `tags` are made at the base or the head.
Reports, results documents of earlier stages (below `.clearance/results/`, with
`{head}` replaced) and program stand-ins are written last, untracked, as CI
would leave them. Commits carry a
pinned author and date, and git reads no configuration of the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from clearance.errors import PolicyError
from clearance.policy.model import COMMIT_STAGES
from clearance.policytest.case import Case, Tree

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Policy Test", "GIT_AUTHOR_EMAIL": "policy-test@example.com",
    "GIT_COMMITTER_NAME": "Policy Test", "GIT_COMMITTER_EMAIL": "policy-test@example.com",
    "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}
RESULTS = ".clearance/results"  # where the results documents of earlier stages are written
STUB = "#!/bin/sh\ncat <<'CLEARANCE_STUB_END'\n{output}\nCLEARANCE_STUB_END\nexit {code}\n"


@dataclass(frozen=True)
class Workspace:
    root: Path
    base: str
    head: str
    branch: str
    bin: Path  # stand-ins for programs named without a path; put first on PATH


def build(case: Case, folder: Path) -> Workspace:
    root = folder / "repo"
    root.mkdir()
    git = _Git(root)
    git("init", "-q", "-b", "main")
    write_tree(root, case.tree("base"))
    base = git.commit("base")
    branch = str(case.data.get("branch") or "feature/change")
    if case.stage in COMMIT_STAGES:
        _apply_change(case, root, git)
        git("add", "-A")
        head = base
    else:
        git("checkout", "-q", "-b", branch)
        _apply_change(case, root, git)
        head = git.commit("change")
        if "upstream" in case.data:
            git("checkout", "-q", "main")
            write_tree(root, case.tree("upstream"))
            base = git.commit("upstream")
            git("checkout", "-q", branch)
        if "signoffs" in case.data:
            _signoffs(case, root, git, head, branch)
    for name, at in (case.data.get("tags") or {}).items():
        git("tag", name, head if at == "head" else base)
    write_tree(root, case.tree("reports"))
    write_tree(root / RESULTS, case.tree("results"), {"{head}": head})
    stubs = folder / "bin"
    stubs.mkdir()
    _programs(case, root, stubs)
    return Workspace(root, base, head, branch, stubs)


def _signoffs(case: Case, root: Path, git: _Git, head: str, branch: str) -> None:
    git("checkout", "-q", "-b", "clearance-signoffs")
    tree = case.tree("signoffs")
    write_tree(root, Tree(tree.folder, {p: t.replace("{head}", head) for p, t in tree.files.items()}))
    git.commit("sign-offs")
    git("checkout", "-q", branch)


def write_tree(root: Path, tree: Tree, names: dict[str, str] | None = None) -> None:
    """The tree's files below `root`, each `names` key in them replaced by its value."""
    def filled(data: bytes) -> bytes:
        for name, value in (names or {}).items():
            data = data.replace(name.encode(), value.encode())
        return data

    if tree.folder is not None:
        for source in sorted(tree.folder.rglob("*")):
            if source.is_file():
                _write(root, source.relative_to(tree.folder).as_posix(), filled(source.read_bytes()))
    for path, text in tree.files.items():
        _write(root, path, filled(text.encode("utf-8")))


def _write(root: Path, relative: str, data: bytes) -> None:
    target = (root / relative).resolve()
    if root.resolve() not in target.parents:
        raise PolicyError(f"fixture path '{relative}' leads out of the repository")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _apply_change(case: Case, root: Path, git: _Git) -> None:
    write_tree(root, case.tree("change"))
    for path in case.data.get("delete", []):
        target = root / path
        if not target.is_file():
            raise PolicyError(f"delete: '{path}' is not a file of the base", str(case.folder / "case.yaml"))
        target.unlink()
    if "patch" in case.data:
        git("apply", "--whitespace=nowarn", str(case.path(case.data["patch"])))


def _programs(case: Case, root: Path, stubs: Path) -> None:
    for name, spec in (case.data.get("programs") or {}).items():
        where = root if "/" in name else stubs
        script = STUB.format(output=spec.get("output", ""), code=int(spec.get("exit", 0)))
        _write(where, name, script.encode("utf-8"))
        (where / name).chmod(0o755)


class _Git:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("GIT_")}, **GIT_ENV}

    def __call__(self, *args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=self.root, env=self.env, capture_output=True,
                              text=True, check=False)
        if proc.returncode != 0:
            raise PolicyError(f"git {' '.join(args[:2])} failed: {proc.stderr.strip()}")
        return proc.stdout

    def commit(self, message: str) -> str:
        self("add", "-A")
        self("commit", "-q", "--allow-empty", "--no-verify", "-m", message)
        return self("rev-parse", "HEAD").strip()


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
