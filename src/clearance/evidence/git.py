"""Repository state through git: no shell, NUL-separated output, nothing written.

`GIT_OPTIONAL_LOCKS=0` keeps read-only commands from refreshing the index, so a
run leaves the index, the working tree and the refs as they were.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence

from clearance.errors import GitError
from clearance.evidence import spawn
from clearance.records import Record

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_GITHUB_REMOTE = re.compile(r"github\.com[:/]+([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")
_CONFIG = ("-c", "core.quotepath=off", "-c", "color.ui=never", "-c", "diff.noprefix=false")


GITLINK = "160000"  # a submodule entry: a commit, not a file
SYMLINK = "120000"  # a symbolic link: its blob holds the target's path
HEAD_AND_BRANCH = ("rev-parse", "HEAD^{commit}", "--symbolic-full-name", "HEAD")


class Change(Record):
    """One changed path: status letter (A, M, D, T), repository path, new mode."""

    status: str
    path: str
    mode: str = "100644"
    blob: str = ""  # the object id of the new content ("" when deleted)

    @property
    def deleted(self) -> bool:
        return self.status == "D"

    @property
    def is_file(self) -> bool:
        """A file whose new content can be read (not deleted, not a submodule)."""
        return not self.deleted and self.mode != GITLINK


class Git:
    """Runs read-only git commands in one repository."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = root
        self.env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C",
                    "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"}
        self.started: dict[tuple[str, ...], spawn.Running] = {}
        self.commits: dict[str, str] = {}  # what `rev` found: a run reads refs it does not move

    def _argv(self, args: Sequence[str]) -> list[str]:
        return ["git", "-C", str(self.root), *_CONFIG, *args]

    def start(self, *args: str) -> None:
        """Start a command now; the first later call with the same arguments takes its output.

        A commit hook starts the git commands every run makes before it
        imports its rules, so that git works on the other core meanwhile.
        """
        if args not in self.started:
            try:
                self.started[args] = spawn.start(self._argv(args), self.env)
            except OSError:
                return  # the call itself will say so

    def start_index_reads(self, staged: bool) -> None:
        """Start what every run on the index reads: the head and the branch and, when the
        staged change is under evaluation (not only the message), the changed files."""
        self.start(*HEAD_AND_BRANCH)
        if staged:
            self.start(*self.changes_args())

    def close(self) -> None:
        """Reap the commands started and never asked for."""
        for running in self.started.values():
            running.wait()
        self.started.clear()

    def run(self, *args: str, stdin: bytes | None = None, ok: Sequence[int] = (0,)) -> bytes:
        return self.call(*args, stdin=stdin, ok=ok)[1]

    def call(
        self, *args: str, stdin: bytes | None = None, ok: Sequence[int] = (0,)
    ) -> tuple[int, bytes]:
        running = self.started.pop(args, None) if stdin is None else None
        try:
            code, out, err = (running.wait() if running is not None
                              else spawn.run(self._argv(args), self.env, stdin))
        except OSError as e:
            raise GitError(f"cannot run git: {e.strerror}", hint="install git") from e
        if code not in ok:
            lines = err.decode("utf-8", "replace").strip().splitlines()
            detail = lines[-1] if lines else f"exit code {code}"
            raise GitError(f"git {args[0]} failed: {detail}")
        return code, out

    def rev(self, ref: str) -> str:
        """The commit id a ref names (asked of git once per run: the policy's reader and the
        evidence both resolve the base and the head)."""
        if ref in self.commits:
            return self.commits[ref]
        out = self.call(*self.rev_args(ref), ok=(0, 1))
        if out[0] != 0:
            raise GitError(f"unknown revision '{ref}'", hint="fetch it (checkout with fetch-depth: 0)")
        commit = self.commits[ref] = out[1].decode().strip()
        return commit

    @staticmethod
    def rev_args(ref: str) -> tuple[str, ...]:
        """The git arguments of `rev` (to start them ahead)."""
        return ("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")

    def head_and_branch(self) -> tuple[str, str | None]:
        """The commit HEAD names (the empty tree before the first commit) and the branch
        checked out (None when detached): one call where a commit hook would make two."""
        code, out = self.call(*HEAD_AND_BRANCH, ok=(0, 128))
        lines = out.decode("utf-8", "replace").split("\n")
        if code != 0 or len(lines) < 2:  # no commit yet: the branch is still named
            return EMPTY_TREE, self.branch()
        ref = lines[1].strip()
        return lines[0].strip(), ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None

    def branch(self) -> str | None:
        code, out = self.call("symbolic-ref", "--short", "-q", "HEAD", ok=(0, 1))
        return out.decode("utf-8", "replace").strip() if code == 0 else None

    @staticmethod
    def changes_args(*spec: str) -> tuple[str, ...]:
        """The git arguments of `changes` (to start them ahead)."""
        return ("diff", "--raw", "-z", "--no-renames", "--no-ext-diff", "--no-abbrev",
                *(spec or ("--cached",)))

    def changes(self, *spec: str) -> list[Change]:
        """Changed files of `diff --cached` (no spec) or `diff A...B`."""
        fields = self.run(*self.changes_args(*spec)).split(b"\0")
        changes = []
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            parts = meta.decode().split()
            if len(parts) == 5:
                status = parts[4][:1]
                blob = "" if status == "D" else parts[3]
                changes.append(Change(status, _path(path), parts[1], blob))
        return changes

    def changed_lines(self, *spec: str) -> dict[str, set[int]]:
        """Added or modified line numbers (new side) per changed file.

        Renames are followed as git follows them by default (`--find-renames`, 50%
        similarity), as diff-cover sees them: a file moved unchanged has no changed line,
        a moved and edited one only its edited lines. `changes` lists a rename as a
        deletion and an addition, so rules on changed files still see it.
        """
        args = ["diff", "-U0", "--no-color", "--find-renames", "--no-ext-diff", "--no-textconv",
                "--src-prefix=a/", "--dst-prefix=b/"]
        args += list(spec) if spec else ["--cached"]
        out: dict[str, set[int]] = {}
        current: set[int] | None = None
        for line in self.run(*args).split(b"\n"):
            if line.startswith(b"+++ "):
                target = line[4:]
                current = None if target == b"/dev/null" else out.setdefault(_diff_path(target), set())
            elif line.startswith(b"@@") and current is not None:
                match = _HUNK.match(line)
                if match:
                    start, count = int(match[1]), int(match[2] or b"1")
                    current.update(range(start, start + count))
        return out

    def list_entries(self, tree: str | None, links: set[str] | None = None) -> dict[str, str]:
        """Path -> object id of every file of a commit's tree, or of the index when tree is None;
        the paths of symbolic links are added to `links` when it is given.

        Submodules are left out: they are commits of another repository, not files.
        """
        if tree is None:
            out = self.run("ls-files", "-z", "--cached", "--stage")
        else:
            out = self.run("ls-tree", "-r", "-z", "--full-tree", tree)
        entries: dict[str, str] = {}
        for entry in out.split(b"\0"):
            meta, _, path = entry.partition(b"\t")
            fields = meta.split()
            if path and len(fields) >= 3 and fields[0] != GITLINK.encode():
                object_id = fields[1] if tree is None else fields[2]
                entries.setdefault(_path(path), object_id.decode())  # unmerged: first stage
                if links is not None and fields[0] == SYMLINK.encode():
                    links.add(_path(path))
        return entries

    def read_objects(self, ids: Iterable[str]) -> dict[str, bytes | None]:
        """Contents of objects by id in one `cat-file --batch`; None when git lacks one."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch", stdin="".join(i + "\n" for i in wanted).encode())
        return dict(zip(wanted, _batch(out, len(wanted)), strict=True))

    def read_blobs(self, names: Iterable[str]) -> dict[str, bytes | None]:
        """Contents of `REV:path` objects (paths holding a newline are reported absent)."""
        names = [n for n in names if "\n" not in n]
        if not names:
            return {}
        out = self.run("cat-file", "--batch", stdin="".join(n + "\n" for n in names).encode())
        return dict(zip(names, _batch(out, len(names)), strict=True))

    def attribute(self, name: str, paths: Iterable[str], cached: bool) -> dict[str, str]:
        """A gitattributes value for each path: the value, or `set`, `unset`, `unspecified`.
        `cached`: the .gitattributes of the index, else those of the working tree."""
        wanted = list(paths)
        if not wanted:
            return {}
        args = ("check-attr", "-z", "--stdin", *(("--cached",) if cached else ()), name)
        out = self.run(*args, stdin=b"".join(p.encode("utf-8", "surrogateescape") + b"\0"
                                              for p in wanted))
        values = out.split(b"\0")[2::3]  # PATH NUL ATTRIBUTE NUL VALUE NUL, in the order asked
        return {path: value.decode("utf-8", "replace") for path, value in zip(wanted, values, strict=False)}

    def origin_repository(self) -> str | None:
        """OWNER/REPO of a GitHub `origin` remote, or None (no remote, another host)."""
        code, out = self.call("config", "--get", "remote.origin.url", ok=(0, 1))
        match = _GITHUB_REMOTE.search(out.decode("utf-8", "replace").strip()) if code == 0 else None
        return f"{match[1]}/{match[2]}" if match else None

    def merge_conflicts(self, base: str, head: str) -> list[str] | None:
        """Files that conflict when head merges into base; None when it merges cleanly."""
        code, out = self.call("merge-tree", "--write-tree", "-z", "--name-only",
                              "--no-messages", base, head, ok=(0, 1))
        if code == 0:
            return None
        fields = out.split(b"\0")
        return sorted({_path(f) for f in fields[1:] if f})

    def messages(self, base: str, head: str) -> list[tuple[str, str]]:
        """(commit id, message) of every commit in base..head, oldest first."""
        span = head if base == EMPTY_TREE else f"{base}..{head}"
        out = self.run("log", "-z", "--reverse", "--format=%H%n%B", span)
        result = []
        for record in out.split(b"\0"):
            if record.strip():
                sha, _, body = record.decode("utf-8", "replace").partition("\n")
                result.append((sha, body.rstrip("\n")))
        return result

def _batch(out: bytes, count: int) -> list[bytes | None]:
    """Split `cat-file --batch` output into contents (None for a missing object)."""
    result: list[bytes | None] = []
    pos = 0
    for _ in range(count):
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        if header[-1] == b"missing" or len(header) < 3:
            result.append(None)
            continue
        size = int(header[2])
        result.append(out[pos:pos + size])
        pos += size + 1
    return result


def _path(raw: bytes) -> str:
    """A path as text; bytes that are not UTF-8 are shown as `\\xNN` (files are read by object id)."""
    return raw.decode("utf-8", "backslashreplace")


def _diff_path(raw: bytes) -> str:
    text = raw.rstrip(b"\t")
    if text.startswith(b'"') and text.endswith(b'"'):
        text = _unquote(text[1:-1])
    return _path(text[2:] if text.startswith(b"b/") else text)


def _unquote(text: bytes) -> bytes:
    """Undo git's C-style quoting of a path."""
    out = bytearray()
    i = 0
    simple = {ord("n"): 10, ord("t"): 9, ord('"'): 34, ord("\\"): 92, ord("a"): 7,
              ord("b"): 8, ord("f"): 12, ord("r"): 13, ord("v"): 11}
    while i < len(text):
        if text[i] == 92 and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in simple:
                out.append(simple[nxt])
                i += 2
                continue
            if 48 <= nxt <= 55:
                out.append(int(text[i + 1:i + 4], 8))
                i += 4
                continue
        out.append(text[i])
        i += 1
    return bytes(out)
