"""The validated-policy cache: skip YAML parsing and schema checks when no policy file changed.

An entry is keyed by the clearance version, the Python version, the
repository root and the path and digest of each policy named on the command
line (or discovered); it lists every file the policy was built from (the
whole `extends` chain) with its digest, and is used only while all of them are
unchanged. Entries are written to a temporary file and renamed, so concurrent
runs never read half an entry; an unreadable or stale entry is ignored and
rewritten.

An entry is a header line, `clearance-policy-cache FORMAT PYTHON SHA256`, and
the policy in Python's `marshal` format: built into the interpreter, so a
commit hook imports no JSON parser, and read only after the payload's digest
matches the header, so a damaged file is never decoded.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable, Sequence

from clearance import __version__
from clearance.digest import hexdigest
from clearance.policy.model import Policy
from clearance.policy.packs import BUILTIN, builtin_path

TYPE_CHECKING = False
if TYPE_CHECKING:  # the loader (YAML, schemas) is imported only when the cache misses
    from typing import Any

    from clearance.policy.loader import Document
    from clearance.policy.revision import Tree
    from clearance.policy.trusted import Loading

GIT = "git:"  # an entry's file read from a revision: `git:PATH` -> object id

FORMAT = 4  # 4: rules carry controls, waivers granted
MAGIC = b"clearance-policy-cache"


def default_directory(env: dict[str, str] | os._Environ[str]) -> str | None:
    """Where entries live: $CLEARANCE_CACHE_DIR, else the user cache directory."""
    if env.get("CLEARANCE_NO_CACHE"):
        return None
    if env.get("CLEARANCE_CACHE_DIR"):
        return env["CLEARANCE_CACHE_DIR"]
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "clearance")


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hexdigest(handle.read())
    except OSError:
        return None


def _identity(source: str | Document, cwd: str) -> str:
    if not isinstance(source, str):
        return f"{source.name}\0{source.sha256}"
    path = (builtin_path(source[len(BUILTIN):]) if source.startswith(BUILTIN)
            else os.path.normpath(os.path.join(cwd, source)))
    return f"{path}\0{_digest(path)}"


def cache_key(sources: Sequence[str | Document], root: str | os.PathLike[str]) -> str:
    cwd = os.getcwd()
    parts = [__version__, str(FORMAT), sys.implementation.cache_tag or "", os.fspath(root),
             *(_identity(s, cwd) for s in sources)]
    return hexdigest("\n".join(parts).encode())[:40]


def _header(payload: bytes) -> bytes:
    tag = (sys.implementation.cache_tag or "python").encode()
    return b" ".join((MAGIC, str(FORMAT).encode(), tag, hexdigest(payload).encode())) + b"\n"


def _read_entry(path: str, tree: Tree | None = None) -> dict[str, Any] | None:
    """The entry when its files are unchanged: on disk by digest, in `tree` by object id."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        end = data.find(b"\n") + 1
        if not end or data[:end] != _header(data[end:]):
            return None  # another format, another Python, or a damaged file
        entry: dict[str, Any] = marshal.loads(data[end:])
        if not _unchanged(entry["files"], tree):
            return None
        entry["policy"] = Policy.from_dict(entry["policy"])
        return entry
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None


def _unchanged(files: dict[str, str], tree: Tree | None) -> bool:
    """Whether every file a policy was built from is as it was: on disk by digest, in `tree`
    (a file read from git) by object id."""
    in_git = [name[len(GIT):] for name in files if name.startswith(GIT)]
    if in_git and tree is None:
        return False
    if any(_digest(name) != sha for name, sha in files.items() if not name.startswith(GIT)):
        return False
    if in_git and tree is not None:
        now = tree.lookup(in_git)
        return all((now[p] or ("", ""))[1] == files[GIT + p] for p in in_git)
    return True


def _write_entry(path: str, policy: Policy, files: dict[str, str], **extra: Any) -> None:
    try:
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        import tempfile  # only when writing: it pulls in shutil, random and compressors

        payload = marshal.dumps({"files": files, "policy": policy.to_dict(), **extra})
        fd, tmp = tempfile.mkstemp(prefix=".policy-", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_header(payload) + payload)
        os.replace(tmp, path)
    except (OSError, ValueError):  # ValueError: a value marshal cannot hold; run without the cache
        return


def cached_policy(
    sources: Sequence[str | Document], root: str, directory: str | None,
    load: Callable[[Sequence[str | Document], str], tuple[Policy, list[Document]]],
) -> Policy:
    """The policy from the cache when fresh, else loaded (and the cache refreshed)."""
    if directory is None:
        return load(sources, root)[0]
    entry = os.path.join(directory, f"policy-{cache_key(sources, root)}.bin")
    cached = _read_entry(entry)
    if cached is not None:
        policy: Policy = cached["policy"]
        return policy
    policy, documents = load(sources, root)
    files = {str(d.source): d.sha256 for d in documents if d.source is not None}
    _write_entry(entry, policy, files)
    return policy


def cached_revision_policy(loading: Loading, tree: Tree) -> tuple[Policy, bool]:
    """The effective policy at a revision (see policy/trusted.py), and whether the revision
    holds a policy of its own; from the cache while every file it was built from is unchanged.

    The key is what the revision holds under the names searched (their object ids), so
    the base, the head and the index share an entry while the policy files are the same.
    """
    from clearance.policy.trusted import DISCOVERED

    names = [ref for how, ref in loading.named() if how == "repo"] if loading.given else DISCOVERED
    listing = tree.lookup(names)
    outside = [ref for how, ref in loading.named() if how != "repo"] + loading.overlays
    parts = [__version__, str(FORMAT), sys.implementation.cache_tag or "", "revision", loading.root,
             *(f"{n}\0{(e or ('', ''))[0]}\0{(e or ('', ''))[1]}" for n, e in listing.items()),
             *(_identity(ref, loading.root) for ref in outside)]
    key = hexdigest(chr(10).join(parts).encode())[:40]
    entry = None
    if loading.cache is not None:
        entry = os.path.join(loading.cache, f"policy-{key}.bin")
        cached = _read_entry(entry, tree)
        if cached is not None:
            return cached["policy"], bool(cached.get("found"))
    elif key in _LOADED and _unchanged(_LOADED[key][2], tree):
        return _LOADED[key][0], _LOADED[key][1]
    policy, documents, found = _load_revision(loading, tree)
    files = {str(d.source): d.sha256 for d in documents if d.source is not None}
    files.update({GIT + path: oid for path, oid in tree.read_paths().items()})
    if entry is not None:
        _write_entry(entry, policy, files, found=found)
    else:
        _LOADED[key] = (policy, found, files)
    return policy, found


# Without a cache folder (the gates keep none: the change's own steps could write it), the
# policies this process loaded, by the key above: a gate's base and head usually hold the
# same policy files, which were otherwise read and validated twice.
_LOADED: dict[str, tuple[Policy, bool, dict[str, str]]] = {}


def _load_revision(loading: Loading, tree: Tree) -> tuple[Policy, list[Document], bool]:
    from pathlib import Path

    from clearance.policy.loader import load_with_documents

    sources, found = loading.sources(tree)
    policy, documents = load_with_documents(sources, Path(loading.root))
    return policy, documents, found
