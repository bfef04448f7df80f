"""Evidence files on disk (reports written by CI), read safely and recorded.

Paths come from policies and may be hostile: absolute paths and `..` are
refused, symlinks that lead out of the repository are refused, and files
larger than the configured limit are not read. Every file read is recorded
with its sha256 digest for the results document.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from clearance.digest import hexdigest
from clearance.errors import EvidenceError
from clearance.pathmatch import expand_braces, filter_paths, has_magic, leaves_root
from clearance.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_MAX_BYTES = 64 << 20
TAIL = 64
SKIP_DIRS = {".git", "node_modules", ".venv", "__pycache__"}


class InputRecord(Record):
    """One evidence file read during the run."""

    path: str
    sha256: str
    size: int
    source: str  # "file" (on disk) or "git" (from the snapshot under evaluation)

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "sha256": self.sha256, "size": self.size,
                "source": self.source}


def record_for(path: str, data: bytes, source: str) -> InputRecord:
    return InputRecord(path, hexdigest(data), len(data), source)


def check_relative(pattern: str) -> None:
    """Refuse absolute paths and `..` in a path or glob from a policy."""
    if leaves_root(pattern):
        raise EvidenceError(f"path '{pattern}' leaves the repository",
                            hint="use a path relative to the repository root, without '..'")


def _fixed_folder(pattern: str) -> str:
    """The folder a glob's leading segments without wildcards name ("" for the root)."""
    fixed = []
    for part in pattern.split("/")[:-1]:
        if has_magic(part):
            break
        fixed.append(part)
    return "/".join(fixed)


def _walk(top: str, prefix: str) -> list[str]:
    """The files below `top` as `prefix` + their path below it (see `InputFiles._listing`)."""
    listing: list[str] = []
    folders = [(top, prefix)]
    while folders:
        path, rel = folders.pop()
        files, below = [], []
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    name = entry.name
                    if not _is_dir(entry):
                        files.append(rel + name)
                    elif name not in SKIP_DIRS and not _is_link(entry):
                        below.append((entry.path, f"{rel}{name}/"))
        except OSError:
            continue  # as os.walk: a folder it cannot read (or finish reading) is left out
        listing += files
        folders += reversed(below)
    return listing


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False  # as os.path.islink, which os.walk asks


class InputFiles:
    """Finds and reads evidence files below the repository root."""

    def __init__(self, root: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.given = root
        self.max_bytes = max_bytes
        self._root: Path | None = None
        self._listings: dict[str, list[str]] = {}  # folder -> the files below it (see _listing)
        self._matched: dict[tuple[str, str], list[str]] = {}  # (folder, glob) -> its files

    @property
    def root(self) -> Path:
        """The repository root, resolved (made when first asked: a commit hook never asks)."""
        if self._root is None:
            from pathlib import Path

            self._root = Path(self.given).resolve()
        return self._root

    def find(self, patterns: Iterable[str]) -> list[str]:
        """Repository paths of the files that the globs name, sorted."""
        found: set[str] = set()
        for pattern in (alternative for given in patterns for alternative in expand_braces(given)):
            check_relative(pattern)
            pattern = pattern.removeprefix("./")
            if not has_magic(pattern):
                if (self.root / pattern).exists():
                    found.add(pattern)
                continue
            found.update(self._matches(_fixed_folder(pattern), pattern))
        return sorted(found)

    def _matches(self, folder: str, glob: str) -> list[str]:
        """The files below `folder` that a glob matches, matched once per run: a pack's rules
        ask for the same inputs again and again (the junit globs of a fullstack pack, four
        times), and a monorepo's tree holds 100,000 files. Only the files whose names end
        as every match of the glob must are run through its regular expression."""
        key = (folder, glob)
        if key not in self._matched:
            self._matched[key] = filter_paths([glob], self._listing(folder))
        return self._matched[key]

    def _listing(self, folder: str) -> list[str]:
        """Repository paths of the files below `folder`, walked once per run: the inputs of a
        monorepo's policy name a dozen `**` globs, each of which would walk the whole tree.
        As `os.walk` walks (links to folders listed with neither, not followed; a folder
        that cannot be read left out), without a system call per folder to ask for links."""
        if folder not in self._listings:
            top = os.fspath(self.root.joinpath(*folder.split("/") if folder else ()))
            rel = os.path.relpath(top, self.root).replace(os.sep, "/")
            self._listings[folder] = _walk(top, "" if rel == "." else f"{rel}/")
        return self._listings[folder]

    def resolve(self, path: str) -> Path:
        """The real file for a repository path; refuses escapes through links."""
        check_relative(path)
        full = self.root / path
        try:
            real = full.resolve(strict=True)
        except (OSError, RuntimeError) as e:
            raise EvidenceError("file not found", path, hint="check that the step producing it ran") from e
        if real != self.root and self.root not in real.parents:
            raise EvidenceError("symlink points outside the repository; not read", path)
        if not real.is_file():
            raise EvidenceError("not a regular file", path)
        return real

    def read(self, path: str) -> tuple[bytes, InputRecord]:
        """Read a whole evidence file within the size limit."""
        real = self.resolve(path)
        try:
            size = real.stat().st_size
            if size > self.max_bytes:
                raise EvidenceError(
                    f"file is {size} bytes, over the limit of {self.max_bytes}", path,
                    hint="raise settings.max_input_bytes in the policy if this is expected")
            with real.open("rb") as handle:
                data = handle.read(self.max_bytes + 1)
        except OSError as e:
            raise EvidenceError(f"cannot read file: {e.strerror}", path) from e
        if len(data) > self.max_bytes:
            raise EvidenceError(f"file grew over the limit of {self.max_bytes} bytes", path)
        return data, record_for(path, data, "file")


class HashingReader:
    """A binary file reader that digests what passes through it, within a limit.

    Streaming parsers (XML iterparse, JSON) read through it, so a report is
    read once, hashed on the way and never held whole in memory.
    """

    def __init__(self, path: str, real: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.size = 0
        import hashlib  # OpenSSL's SHA-256: the fastest on large reports

        self._hash = hashlib.sha256()
        self.tail = b""  # the last TAIL bytes read: what ends the file once it is read
        self._handle = real.open("rb")

    def read(self, n: int = -1) -> bytes:
        data = self._handle.read(n)
        self.size += len(data)
        if data:
            self.tail = data[-TAIL:] if len(data) >= TAIL else (self.tail + data)[-TAIL:]
        if self.size > self.max_bytes:
            raise EvidenceError(
                f"file is over the limit of {self.max_bytes} bytes", self.path,
                hint="raise settings.max_input_bytes in the policy if this is expected")
        self._hash.update(data)
        return data

    def finish(self) -> InputRecord:
        """Digest the rest of the file and close it."""
        while self.read(1 << 20):
            pass
        self._handle.close()
        return InputRecord(self.path, self._hash.hexdigest(), self.size, "file")

    def close(self) -> None:
        self._handle.close()


def open_stream(files: InputFiles, path: str) -> HashingReader:
    """Open an evidence file for streaming; call `finish()` for its record."""
    real = files.resolve(path)
    try:
        return HashingReader(path, real, files.max_bytes)
    except OSError as e:
        raise EvidenceError(f"cannot read file: {e.strerror}", path) from e
