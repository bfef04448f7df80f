"""The PR body links to at least `min` (default 1) files of the repository
matching `to` (globs such as `docs/**/*.feature`; any file when left out),
optionally only within `section`, and every such link resolves to a file that
exists in the snapshot under evaluation.

A link counts when it is relative (`docs/login.feature`, `./docs/...`,
`/docs/...`, taken from the repository root) or a GitHub file URL
`https://github.com/OWNER/REPO/blob/REF/PATH` of this repository (when its
name is known from the event payload or GITHUB_REPOSITORY). `#fragments` and
`?queries` are dropped. Links leading out of the repository (`..`, or a
tracked symbolic link whose target is outside it or nowhere), to another
repository or to another site do not count. A link to a file that does
not exist fails, naming it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import SplitResult, unquote, urlsplit

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.checks._pr import listing, shorten
from clearance.evidence.context import Evidence
from clearance.evidence.prbody import pull_request
from clearance.evidence.prmarkdown import Link
from clearance.pathmatch import filter_paths
from clearance.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("PR body", "tracked files")
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "to": GLOBS,
        "section": {"type": "string", "minLength": 1},
        "min": {"type": "integer", "minimum": 0},
    },
}
GITHUB_HOSTS = ("github.com", "www.github.com")


class Target(Record):
    """Where one link leads: `kind` is file, missing, outside, other-repo or external."""

    href: str
    line: int
    kind: str
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"href": self.href, "line": self.line, "kind": self.kind, "path": self.path}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    pr = pull_request(evidence)
    links = list(pr.body.links)
    section = params.get("section")
    if section:
        sections = pr.body.find(section)
        if not sections:
            problem = f"no section '{shorten(section)}'"
            return Outcome.failed(f"{problem} in the PR body",
                                  findings=(Finding(pr.name, None, None, problem),))
        links = [k for k in links if any(s.holds(k.line) for s in sections)]
    globs = as_list(params.get("to"))
    tracked = set(evidence.tracked_files)
    targets = [resolve(link, pr.repository, tracked, globs, evidence.resolved) for link in links]
    return _verdict(targets, int(params.get("min", 1)), globs, pr.name)


def _verdict(targets: list[Target], least: int, globs: list[str], name: str) -> Outcome:
    links_out = [t for t in targets if t.kind == "outside" and t.path]  # tracked symbolic links
    data = {"links": [t.to_dict() for t in targets if t.kind in ("file", "missing") or t in links_out]}
    found = sorted({t.path for t in targets if t.kind == "file" and t.path})
    missing = [t for t in targets if t.kind == "missing"]
    what = " or ".join(globs) if globs else "a repository file"
    findings = tuple(Finding(name, t.line, None, f"link to '{shorten(t.path or '')}': no such file "
                             "in the repository") for t in missing)
    aside = (f"; not counted: {listing([t.path or '' for t in links_out])} (a symbolic link out of "
             "the repository or to no file)") if links_out else ""
    if missing:
        return Outcome.failed(f"{plural(len(missing), 'link')} to missing files: "
                              f"{listing([t.path or '' for t in missing])}{aside}", findings=findings,
                              data=data)
    if len(found) < least:
        return Outcome.failed(f"{plural(len(found), 'link')} to {what} in the PR body, fewer than "
                              f"{least}{aside}", figure=f"{len(found)} < {least}", data=data)
    return Outcome.passed((f"links to {listing(found)}" if found else "no link needed") + aside,
                          data=data)


def resolve(link: Link, repository: str | None, tracked: set[str], globs: list[str],
            follow: Callable[[str], str | None]) -> Target:
    """Classify a link: an existing file, a missing one, or one that does not count.

    `follow` gives the file a tracked path stands for through its symbolic links, or None
    when a link leads out of the repository or to nothing (`Evidence.resolved`): such a
    path is no file of the repository, even though git tracks the link.
    """
    kind, candidates = candidate_paths(link.href, repository)
    if kind != "file":
        return Target(link.href, link.line, kind)
    existing = next((c for c in candidates if c in tracked), None)
    if existing is not None:
        if globs and not filter_paths(globs, [existing]):
            return Target(link.href, link.line, "external", existing)
        return Target(link.href, link.line, "file" if follow(existing) else "outside", existing)
    relevant = [c for c in candidates if not globs or filter_paths(globs, [c])]
    if not relevant:
        return Target(link.href, link.line, "external")
    return Target(link.href, link.line, "missing", relevant[0])


def candidate_paths(href: str, repository: str | None) -> tuple[str, list[str]]:
    """("file", repository paths it may name, likeliest first), or the kind of a link that does not count."""
    parts = urlsplit(href.strip())
    if parts.scheme or parts.netloc:
        return _github_paths(parts, repository)
    if not parts.path:
        return "external", []  # a #fragment of the page itself
    path = inside(unquote(parts.path))
    return ("file", [path]) if path else ("outside", [])


def _github_paths(parts: SplitResult, repository: str | None) -> tuple[str, list[str]]:
    """A blob URL names OWNER/REPO/blob/REF/PATH, where REF may itself hold slashes."""
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in GITHUB_HOSTS:
        return "external", []
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if len(segments) < 5 or segments[2] != "blob":
        return "external", []
    if repository and f"{segments[0]}/{segments[1]}".casefold() != repository.casefold():
        return "other-repo", []
    rest = segments[3:]
    paths = [inside("/".join(rest[cut:])) for cut in range(1, len(rest))]
    found = [p for p in paths if p]
    return ("file", found) if found else ("outside", [])


def inside(path: str) -> str | None:
    """A repository path from a link's path, or None when it leads out of the repository."""
    normal = posixpath.normpath(path.lstrip("/"))
    if normal in (".", "..") or normal.startswith("../"):
        return None
    return normal
