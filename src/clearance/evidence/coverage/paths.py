"""Source paths in coverage reports, mapped to repository paths.

Reports name files in many ways: relative to the directory the tool ran in,
absolute on the machine that measured, relative to a Cobertura `<source>`, or
as a JaCoCo package and file name. The rules, in order:

1. `\\` becomes `/`, `./` and `..` segments are resolved textually;
2. an absolute path below the repository root loses that prefix;
3. an absolute path elsewhere (measured in another checkout) becomes its
   longest trailing part that names a file in the working tree; if none does,
   it is kept as written (it then matches no changed file);
4. a relative path is taken as relative to the repository root.

A suite's `root` (the folder its tool ran in) is applied to the mapped paths
afterwards (`PathMapper.rooted`), and a report path that still names no file
is "unmatched": `suggest_root` finds the folder that would map most of them.
"""

from __future__ import annotations

import os
import posixpath
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from clearance.pathmatch import is_absolute

DEFAULT_ROOTS = ("src/main/java", "src/main/kotlin")


def _clean(raw: str) -> str:
    text = raw.strip().replace("\\", "/")
    if text.startswith("file://"):
        text = text[len("file://"):]
    absolute = text.startswith("/") or text[1:3] == ":/"
    norm = posixpath.normpath(text) if text else text
    if not absolute:
        norm = norm.removeprefix("./")
    return "" if norm == "." else norm


class PathMapper:
    """Maps report paths to repository paths below `root`.

    A plain class, not a record: it caches the files of the folders it looks in, and the
    `<source>` folders of a report cleaned once.
    """

    __slots__ = ("listings", "prefixes", "root", "roots", "sources")

    def __init__(self, root: Path, prefixes: tuple[str, ...] = (),
                 roots: tuple[str, ...] = DEFAULT_ROOTS) -> None:
        self.root = root
        self.prefixes = prefixes
        self.roots = roots
        self.listings: dict[str, frozenset[str]] = {}  # folder -> the names of its files
        self.sources: dict[str, str] = {}  # a report's <source> folders, cleaned

    @classmethod
    def at(cls, root: Path, roots: Iterable[str] | None = None) -> PathMapper:
        """A mapper for a repository; the root is matched as given and resolved."""
        prefixes = {_clean(str(root)), _clean(str(root.resolve()))}
        found = tuple(roots) if roots else DEFAULT_ROOTS
        return cls(root, tuple(sorted(prefixes, key=len, reverse=True)), found)

    def exists(self, path: str) -> bool:
        """Whether a repository path names a file in the working tree.

        A folder is listed once, its files told from its folders then (`os.scandir`, which
        needs no `stat` but for a symbolic link): a report's 20,000 files, each asked about
        when it is mapped and again when it is placed, cost no system call each."""
        if not path or path.startswith("/") or path[1:3] == ":/" or ".." in path.split("/"):
            return False  # outside the repository (a JaCoCo `sourcefile` may hold `../`)
        folder, _, name = path.rpartition("/")
        files = self.listings.get(folder)
        if files is None:
            files = self.listings[folder] = _files(os.path.join(self.root, folder))
        return name in files

    def repo_path(self, raw: str) -> str:
        path = _clean(raw)
        if not is_absolute(path):
            return path
        inside = self._below_root(path)
        if inside is not None:
            return inside
        return self._suffix(path) or path

    def joined(self, sources: Iterable[str], filename: str) -> str:
        """A Cobertura class filename, against the report's `<source>` folders."""
        name = _clean(filename)
        if is_absolute(name):
            return self.repo_path(name)
        cleaned = self.sources
        candidates = [self.repo_path(posixpath.join(
            cleaned[s] if s in cleaned else cleaned.setdefault(s, _clean(s)), name))
            for s in sources if s.strip()]
        for candidate in [*candidates, name]:
            if self.exists(candidate):
                return candidate
        inside = [c for c in candidates if not is_absolute(c) and not c.startswith("../")]
        return inside[0] if inside else name

    def package_path(self, package: str, name: str) -> str:
        """A JaCoCo/Kover `package/sourcefile` below one of the source roots."""
        rel = posixpath.join(_clean(package), name) if package else name
        candidates = [posixpath.join(_clean(r), rel) if _clean(r) else rel for r in self.roots]
        for candidate in candidates:
            if self.exists(candidate):
                return candidate
        return candidates[0] if candidates else rel

    def rooted(self, path: str, base: str) -> str:
        """A mapped report path read below a suite's `root` folder `base`.

        A relative path becomes `base/path` and an absolute one outside the
        repository its longest trailing part below `base`, when that names a file;
        otherwise the path stays as it was mapped.
        """
        if not base:
            return path
        if is_absolute(path):
            return self._suffix(path, base) or path
        moved = posixpath.normpath(posixpath.join(base, path))
        return moved if self.exists(moved) else path

    def _below_root(self, path: str) -> str | None:
        for prefix in self.prefixes:
            if path == prefix:
                return ""
            if path.startswith(prefix.rstrip("/") + "/"):
                return path[len(prefix.rstrip("/")) + 1:]
        return None

    def _suffix(self, path: str, base: str = "") -> str | None:
        parts = path.split("/")
        for start in range(1, len(parts)):
            candidate = posixpath.join(base, "/".join(parts[start:]))
            if self.exists(candidate):
                return candidate
        return None


def _files(folder: str) -> frozenset[str]:
    """The names of the files in a folder (symbolic links to files included, as
    `os.path.isfile` has it); nothing for a folder that cannot be read, or listed but not
    entered (no search permission: `os.path.isfile` could not see its files either)."""
    if not os.access(folder, os.X_OK):
        return frozenset()
    try:
        with os.scandir(folder) as entries:
            return frozenset(entry.name for entry in entries if _is_file(entry))
    except OSError:
        return frozenset()


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def suggest_root(unmatched: Iterable[str], files: Iterable[str], report: str,
                 exists: Callable[[str], bool]) -> str | None:
    """The folder that, as the suite's `root`, makes the most unmatched report paths
    name a file: one of the report's own folders (where tools usually run), or a
    folder that one of `files` (repository files) has before an unmatched path."""
    wanted = sorted(p for p in unmatched if p)[:MAX_SUGGESTED]
    candidates = [*_folders(posixpath.dirname(report)), *_prefixes(wanted, files)]
    scores = Counter({c: sum(any(exists(n) for n in _below(c, p)) for p in wanted)
                      for c in dict.fromkeys(candidates)})
    best = scores.most_common(1)
    return best[0][0] if best and best[0][1] > 0 else None


MAX_SUGGESTED = 50  # unmatched paths looked at for a suggestion


def _below(folder: str, path: str) -> list[str]:
    """What a report path may name below a root folder (as `PathMapper.rooted` reads it)."""
    if not is_absolute(path):
        return [posixpath.normpath(posixpath.join(folder, path))]
    parts = path.split("/")
    return [posixpath.join(folder, "/".join(parts[start:])) for start in range(1, len(parts))]


def _folders(folder: str) -> list[str]:
    """A folder and its parents, deepest first, the repository root left out."""
    out = []
    while folder and folder not in (".", "/"):
        out.append(folder)
        folder = posixpath.dirname(folder)
    return out


def _prefixes(paths: list[str], files: Iterable[str]) -> list[str]:
    """Folders F such that F/path is one of `files`, for the plain relative paths; most
    found first."""
    plain = {p for p in paths if not is_absolute(p) and not p.startswith("../")}
    found: Counter[str] = Counter()
    for name in files if plain else ():
        cut = name.find("/")
        while cut != -1:
            if name[cut + 1:] in plain:
                found[name[:cut]] += 1
            cut = name.find("/", cut + 1)
    return [prefix for prefix, _ in found.most_common(10)]
