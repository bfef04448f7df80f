"""Policy files of one revision, read from git objects: a commit's tree or the index.

The policy that judges a change is read from what git recorded, never from the
working tree, so an unstaged edit or a file the change adds cannot steer it.
Symbolic links are followed inside the revision (as the link's blob names
its target); a link leading out of the repository, to nothing or round in a
loop reads as absent, and is refused where the policy names it.
"""

from __future__ import annotations

import posixpath

from clearance.errors import GitError, PolicyError
from clearance.evidence.git import GITLINK, SYMLINK, Git
from clearance.pathmatch import is_absolute, leaves_root

MAX_LINK_HOPS = 40
INDEX = "index"


class Tree:
    """The files of `revision` (a commit id, or None for the index) of one repository."""

    def __init__(self, git: Git, revision: str | None) -> None:
        self.git = git
        self.revision = revision
        self._entries: dict[str, tuple[str, str] | None] = {}

    @property
    def label(self) -> str:
        """How messages name the revision: `index`, or the commit's short id."""
        return INDEX if self.revision is None else self.revision[:12]

    def shown(self, path: str) -> str:
        """How messages name a file: `REV:path` as `git show` takes it; in the index the
        path alone (a commit hook sees the staged file in the working tree)."""
        return path if self.revision is None else f"{self.revision[:12]}:{path}"

    def lookup(self, paths: list[str] | tuple[str, ...]) -> dict[str, tuple[str, str] | None]:
        """(mode, object id) of each path in the revision, None when it holds none."""
        wanted = [p for p in dict.fromkeys(paths) if p not in self._entries]
        if wanted:
            self._entries.update(self.listing(wanted))
        return {p: self._entries[p] for p in paths}

    def read_paths(self) -> dict[str, str]:
        """Path -> object id of every existing entry looked up so far (what a load read)."""
        return {p: e[1] for p, e in self._entries.items() if e is not None}

    def listing(self, paths: list[str]) -> dict[str, tuple[str, str] | None]:
        """One git call listing `paths` (files, not folders)."""
        found: dict[str, tuple[str, str] | None] = dict.fromkeys(paths)
        for path, mode, oid in parse_listing(self.git.run(*self.listing_args(paths)),
                                             index=self.revision is None):
            if path in found and mode != GITLINK and mode != "040000":
                found[path] = (mode, oid)
        return found

    def listing_args(self, paths: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        if self.revision is None:  # literal: a path holding `*` or `[` names itself
            return ("ls-files", "--stage", "-z", "--", *(f":(literal){p}" for p in paths))
        return ("ls-tree", "-z", "--full-tree", self.revision, "--", *paths)

    def read(self, path: str) -> tuple[str, bytes] | None:
        """(the path read once links are followed, its content), or None when absent."""
        for _ in range(MAX_LINK_HOPS):
            entry = self.lookup([path])[path]
            if entry is None:
                return None
            mode, oid = entry
            data = self.git.read_objects([oid]).get(oid)
            if data is None:
                return None
            if mode != SYMLINK:
                return path, data
            target = data.decode("utf-8", "surrogateescape")
            if is_absolute(target):
                return None
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if leaves_root(joined):
                return None
            path = joined
        return None


def parse_listing(out: bytes, index: bool) -> list[tuple[str, str, str]]:
    """(path, mode, object id) of each entry of `ls-files --stage -z` or `ls-tree -z`."""
    entries = []
    for entry in out.split(b"\0"):
        meta, _, raw = entry.partition(b"\t")
        fields = meta.split()
        if raw and len(fields) >= 3:
            oid = fields[1] if index else fields[2]
            entries.append((raw.decode("utf-8", "surrogateescape"), fields[0].decode(), oid.decode()))
    return entries


def repository_path(ref: str, folder: str) -> str:
    """`ref` named in a file of `folder` as a repository path; PolicyError when it leaves."""
    if is_absolute(ref):
        raise PolicyError(f"'{ref}' is an absolute path",
                          hint="name a file inside the repository, relative to it")
    joined = posixpath.normpath(posixpath.join(folder, ref.replace("\\", "/")))
    if leaves_root(joined) or joined in (".", ""):
        raise PolicyError(f"'{ref}' leads out of the repository",
                          hint="name a file inside the repository, relative to it")
    return joined


def commit_of(git: Git, ref: str) -> str:
    """The commit a ref names, or a policy error naming it (the policy cannot be read)."""
    try:
        return git.rev(ref)
    except GitError as e:
        raise PolicyError(f"the policy cannot be read at '{ref}': {e.message}",
                          hint="fetch the base revision (actions/checkout with fetch-depth: 0)") from e
