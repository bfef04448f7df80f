"""Artifact locations of SARIF results, as repository-relative paths.

SARIF 2.1.0 §3.4 and §3.14.14: an `artifactLocation` holds a `uri`, absolute
or relative; a relative one is resolved against the `uriBaseId` it names,
which `run.originalUriBaseIds` may define (itself relative to another base).
A base the log does not define (`%SRCROOT%` left for the consumer) stands for
the repository root, as GitHub code scanning reads it. A location may also
point at `run.artifacts[index]` instead of holding a uri.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

MAX_DEPTH = 16  # the longest chain of uriBaseIds followed
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DRIVE = re.compile(r"^/[A-Za-z]:/")


def artifact_path(location: dict[str, Any], run: dict[str, Any],
                  roots: tuple[str, ...]) -> str | None:
    """The repository-relative path of an artifact location (absolute when outside the repo)."""
    uri = resolve_uri(location, run)
    if uri is None:
        return None
    return to_repo_path(uri, roots)


def resolve_uri(location: Any, run: dict[str, Any], seen: frozenset[str] = frozenset()) -> str | None:
    """The uri of a location with its base applied, relative to the repo when no base is known.

    A chain of bases that loops raises ValueError (the log is malformed).
    """
    if not isinstance(location, dict):
        return None
    uri = location.get("uri")
    if not isinstance(uri, str):
        return _from_artifacts(location.get("index"), run, seen)
    base_id = location.get("uriBaseId")
    if _SCHEME.match(uri) or not isinstance(base_id, str):
        return uri
    if base_id in seen or len(seen) > MAX_DEPTH:
        raise ValueError(f"uriBaseId '{base_id}' is defined in terms of itself")
    bases = run.get("originalUriBaseIds")
    base = resolve_uri(bases.get(base_id), run, seen | {base_id}) if isinstance(bases, dict) else None
    if not base:
        return uri
    return urljoin(base if base.endswith("/") else base + "/", uri)


def _from_artifacts(index: Any, run: dict[str, Any], seen: frozenset[str]) -> str | None:
    artifacts = run.get("artifacts")
    if not isinstance(index, int) or not isinstance(artifacts, list) or not 0 <= index < len(artifacts):
        return None
    artifact = artifacts[index]
    return resolve_uri(artifact.get("location"), run, seen) if isinstance(artifact, dict) else None


def to_repo_path(uri: str, roots: tuple[str, ...]) -> str:
    """A file uri or relative reference as a repository path; other uris unchanged."""
    parts = urlsplit(uri)
    if parts.scheme and parts.scheme != "file" and not _is_drive(parts.scheme):
        return uri
    if parts.scheme == "file":
        path = unquote(parts.path)
        path = path[1:] if _DRIVE.match(path) else path
    else:
        path = unquote(uri)
    path = posixpath.normpath(path.replace("\\", "/"))
    for root in roots:
        if path.startswith(root.rstrip("/") + "/"):
            return path[len(root.rstrip("/")) + 1:]
    return path.removeprefix("./")


def _is_drive(scheme: str) -> bool:
    """`C:` in `C:/x.py` parses as a scheme; it is a Windows drive."""
    return len(scheme) == 1
