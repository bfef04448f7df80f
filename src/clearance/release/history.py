"""The commits of a release: the first-parent history of HEAD since BASE, read from git.

First parent only: the commits that landed on the branch, one per merge, squash or
rebased commit; the commits a merge brought in stay behind their merge commit. Patch
ids (`git patch-id --stable`: the diff with line numbers and whitespace ignored) say
when a commit on the branch is the same change as a commit or a whole pull request
that a results document was written for (a rebase or a squash rewrites the sha).
"""

from __future__ import annotations

from dataclasses import dataclass

from clearance.errors import GitError, UsageError
from clearance.evidence.git import Git

_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cI", "%s", "%b")
_FORMAT = "%x00".join(_FIELDS)


@dataclass(frozen=True)
class Commit:
    """One commit on the branch, oldest first in a `History`."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    authored: str
    committed: str
    subject: str
    body: str

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    def to_dict(self) -> dict[str, object]:
        return {"sha": self.sha, "parents": list(self.parents), "author": self.author,
                "authored": self.authored, "committed": self.committed, "subject": self.subject}


@dataclass(frozen=True)
class History:
    """The range as given, both ends resolved, and its first-parent commits oldest first."""

    range: str
    base: str
    head: str
    commits: tuple[Commit, ...]


def split_range(text: str) -> tuple[str, str]:
    """`BASE..HEAD` as its two revisions (three dots are refused: a release is linear)."""
    base, sep, head = text.partition("..")
    if not sep or not base or head.startswith(".") or not head:
        raise UsageError(f"not a range: {text!r}", hint="give BASE..HEAD, e.g. v1.0..v1.1")
    return base, head


def read_history(git: Git, text: str) -> History:
    """The first-parent commits of `BASE..HEAD`, oldest first."""
    base_ref, head_ref = split_range(text)
    base, head = git.rev(base_ref), git.rev(head_ref)
    if git.call("merge-base", "--is-ancestor", base, head, ok=(0, 1))[0] != 0:
        raise UsageError(f"{base_ref} is not an ancestor of {head_ref}",
                         hint="a release range runs from an earlier release to a later one")
    out = git.run("log", "--first-parent", "-z", f"--format={_FORMAT}", f"{base}..{head}")
    return History(text, base, head, tuple(reversed(_commits(out))))


def _commits(out: bytes) -> list[Commit]:
    fields = out.decode("utf-8", "replace").split("\0")
    size = len(_FIELDS)
    found = []
    for i in range(0, len(fields) - size + 1, size):
        sha, parents, author, email, authored, committed, subject, body = fields[i:i + size]
        found.append(Commit(sha.strip(), tuple(parents.split()), author, email, authored,
                            committed, subject, body.strip()))
    return found


def patch_ids(git: Git, *log_args: str) -> dict[str, str]:
    """Commit sha -> patch id for the commits `git log` names (merges have none)."""
    diff = git.run("log", "-p", "--no-color", "--no-ext-diff", "--format=commit %H", *log_args)
    return {commit: pid for pid, commit in _pairs(_patch_id(git, diff))}


def diff_patch_id(git: Git, base: str, head: str) -> str | None:
    """The patch id of a whole change, `base...head`, as a squash merge would commit it."""
    try:
        diff = git.run("diff", "--no-color", "--no-ext-diff", f"{base}...{head}")
    except GitError:
        return None  # a revision this clone does not hold
    pairs = list(_pairs(_patch_id(git, diff)))
    return pairs[0][0] if pairs else None


def _patch_id(git: Git, diff: bytes) -> bytes:
    return git.run("patch-id", "--stable", stdin=diff) if diff.strip() else b""


def _pairs(out: bytes) -> list[tuple[str, str]]:
    return [(p[0], p[1]) for p in (line.split() for line in out.decode().splitlines()) if len(p) == 2]


def known(git: Git, sha: str) -> bool:
    """Whether this clone holds the commit."""
    return git.call("cat-file", "-e", f"{sha}^{{commit}}", ok=(0, 1, 128))[0] == 0
