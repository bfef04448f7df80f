"""What git says of the revisions a sign-off names: read-only queries, each once per run.

A record names a commit or a release tag; the attestation kind asks whether it
is the commit under evaluation, an ancestor of it with no release between, or a
commit with the same files as the head (sign-off records aside).
"""

from __future__ import annotations

from clearance.evidence.context import Evidence


def object_id(evidence: Evidence, name: str) -> str | None:
    """The object a revision expression names (`v2.0^{commit}`, `HEAD:path`), or None."""
    def compute() -> str | None:
        code, out = evidence.git.call("rev-parse", "--verify", "--quiet", name, ok=(0, 1, 128))
        return out.decode().strip() if code == 0 else None
    return evidence.memo(f"rev-parse:{name}", compute)


def commit_of(evidence: Evidence, name: str) -> str | None:
    """The commit a commit id or ref names, or None when the repository has none."""
    return object_id(evidence, f"{name}^{{commit}}")


def is_ancestor(evidence: Evidence, old: str, new: str) -> bool:
    """Whether `old` is `new` or one of its ancestors."""
    return evidence.memo(f"is-ancestor:{old}:{new}", lambda: evidence.git.call(
        "merge-base", "--is-ancestor", old, new, ok=(0, 1))[0] == 0)


def tags_after(evidence: Evidence, old: str, new: str) -> list[str]:
    """Tags of the commits after `old` up to `new` (`new` included, `old` not)."""
    def compute() -> list[str]:
        out = evidence.git.run("for-each-ref", "--format=%(refname:short)%00%(*objectname)%00%(objectname)",
                               "--contains", old, "--merged", new, "refs/tags")
        fields = (line.split("\0") for line in out.decode("utf-8", "replace").splitlines())
        return [f[0] for f in fields if len(f) == 3 and (f[1] or f[2]) != old]
    return evidence.memo(f"tags-after:{old}:{new}", compute)


def changed_between(evidence: Evidence, old: str, new: str, outside: str) -> list[str]:
    """Files that differ between two commits, except those under the folder `outside`."""
    def compute() -> list[str]:
        out = evidence.git.run("diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", old, new)
        return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]
    prefix = outside.strip("/") + "/"
    return [p for p in evidence.memo(f"changed:{old}:{new}", compute) if not p.startswith(prefix)]
