"""Attestation records: committed YAML files saying who signed off a manual gate, for what.

Records live under `.clearance/attestations/` (or the folder named by the
policy's `inputs.attestations`). A file holds one record or a list of them:

    rule: staging.smoke-tests     # the id the attestation rule looks for
    by: "@qa-lead"                # who signs off (a GitHub login)
    at: 2026-01-05T14:30:00Z      # when (an ISO date or date-time; UTC unless it says)
    commit: 3f2c9e...             # what: the full id of the commit signed off,
    release: v2.0                 #   or a release tag naming it,
    environment: staging          #   and where it was checked
    note: Smoke tests run on staging build 1423, all green.

Where records are read (`attestations`):
- the snapshot under evaluation (the index at the commit stages, else the
  head commit), as git objects;
- at the deployment stages also the sign-off refs a rule names (by default
  the branch `clearance-signoffs`, local or origin's): a record naming the
  deployed commit is written after that commit, so it is never in its tree.

`in_force_at_base` reads the records of the base revision, in the folder the
base revision's own policy names: a record that is not among them is
self-added, whatever file it sits in (a record is known by its content).

A file that cannot be read as records is a problem, reported by a rule that
finds no record of its own (see checks/attestation.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from clearance.errors import ClearanceError, EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import check_relative, record_for
from clearance.records import Record

DEFAULT_FOLDER = ".clearance/attestations"
DEFAULT_REFS = ("refs/heads/clearance-signoffs", "refs/remotes/origin/clearance-signoffs")
MAX_RECORD_BYTES = 64 << 10
SUFFIXES = (".yaml", ".yml")
COMMIT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/+-]{0,199}")
SUBJECT = ("commit", "release", "environment")


class Attestation(Record):
    rule: str
    by: str
    at: str
    note: str
    source: str  # [REF:]PATH:LINE, for people
    path: str = ""  # the record's file (a file name may hold a colon: never split `source`)
    commit: str = ""  # the subject: a full commit id, a release tag, an environment
    release: str = ""
    environment: str = ""
    revision: str = ""  # the ref it was read from; "" for the snapshot under evaluation

    @property
    def key(self) -> tuple[str, ...]:
        """What the record says: two files saying the same are the same record."""
        return (self.rule, self.by, self.at, self.note, self.commit, self.release, self.environment)

    @property
    def subject(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in SUBJECT if getattr(self, name)}

    @property
    def time(self) -> dt.datetime:
        return parse_time(self.at)

    def to_dict(self) -> dict[str, Any]:
        return {"by": self.by, "at": self.at, "note": self.note, "source": self.source,
                "subject": self.subject}


class RecordProblem(Record):
    path: str
    line: int | None
    message: str


class Attestations(Record):
    folder: str
    records: tuple[Attestation, ...]
    problems: tuple[RecordProblem, ...]
    refs: tuple[str, ...] = ()  # the sign-off refs that were looked at


class InForce(Record):
    """The records in force at the base revision (their keys), or None with the reason
    they cannot be known (no base revision, no policy known at the base)."""

    keys: frozenset[tuple[str, ...]] | None
    why: str
    revision: str = ""


def attestations(evidence: Evidence, refs: Sequence[str] = ()) -> Attestations:
    """Every record of the snapshot and of the sign-off `refs` that exist, read once per run."""
    folder = records_folder(evidence)
    refs = tuple(refs)
    return evidence.memo(f"attestations:{folder}:{' '.join(refs)}",
                         lambda: _read_all(evidence, folder, refs))


def in_force_at_base(evidence: Evidence) -> InForce:
    """The records in force before the change: those of the base revision, in the folder its
    own policy names. Unknown (fail closed) without a base policy or a base revision."""
    return evidence.memo("attestations:base", lambda: _base(evidence))


def records_folder(evidence: Evidence) -> str:
    """The folder of records under the policy in force (`inputs.attestations`)."""
    return _folder(evidence.inputs_config.get("attestations"))


def _folder(value: object) -> str:
    folder = str(value or DEFAULT_FOLDER)
    check_relative(folder)
    return folder.removeprefix("./").strip("/")


def _read_all(evidence: Evidence, folder: str, refs: tuple[str, ...]) -> Attestations:
    prefix = folder + "/"
    named = [p for p in evidence.tracked_files if p.startswith(prefix) and p.endswith(SUFFIXES)]
    # A record is a file of its own: through a link, its content could change while the
    # record's file (what a review or a signature saw) stays the same.
    paths = [p for p in named if evidence.resolved(p) == p]
    found = _parsed(evidence.read_many(paths).items(), "")
    seen = {r.key for r in found.records}
    records, problems = list(found.records), list(found.problems)
    problems += [RecordProblem(p, None, "a record must be a file, not a symbolic link")
                 for p in named if p not in paths]
    for ref in refs:
        commit = _commit_of(evidence, ref)
        if commit is None:
            continue
        more = _parsed(_tree_records(evidence, commit, folder, ref), ref)
        records.extend(r for r in more.records if r.key not in seen)
        seen.update(r.key for r in more.records)
        problems.extend(more.problems)
    return Attestations(folder, tuple(records), tuple(problems), refs)


def _parsed(contents: Iterable[tuple[str, bytes | None]], revision: str) -> Attestations:
    records: list[Attestation] = []
    problems: list[RecordProblem] = []
    for path, data in contents:
        if data is None:
            continue
        found, wrong = parse_records(path, data, revision)
        records.extend(found)
        problems.extend(wrong)
    return Attestations("", tuple(records), tuple(problems))


def _commit_of(evidence: Evidence, ref: str) -> str | None:
    code, out = evidence.git.call("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}",
                                  ok=(0, 1, 128))
    return out.decode().strip() if code == 0 else None


def tree_files(evidence: Evidence, revision: str, folder: str) -> dict[str, str]:
    """Path -> object id of the record files under `folder` in a commit's tree."""
    out = evidence.git.run("ls-tree", "-r", "-z", "--full-tree", revision, "--", folder + "/")
    files: dict[str, str] = {}
    for entry in out.split(b"\0"):
        meta, _, raw = entry.partition(b"\t")
        fields = meta.split()
        path = raw.decode("utf-8", "surrogateescape")
        if len(fields) == 3 and fields[1] == b"blob" and path.endswith(SUFFIXES):
            files[path] = fields[2].decode()
    return files


def _tree_records(evidence: Evidence, revision: str, folder: str,
                  shown: str) -> list[tuple[str, bytes | None]]:
    """(path, content) of the record files of a commit; each read noted as `SHOWN:PATH`."""
    files = tree_files(evidence, revision, folder)
    contents = evidence.git.read_objects(files.values())
    read = [(path, contents.get(object_id)) for path, object_id in files.items()]
    for path, data in read:
        if data is not None:
            evidence.note(record_for(f"{shown}:{path}", data, "git"))
    return read


def _base(evidence: Evidence) -> InForce:
    policy = evidence.base_policy
    if policy is None:
        return InForce(None, "the policy of the base revision is not known")
    try:
        base = evidence.base
    except EvidenceError as e:
        return InForce(None, e.message)
    folder = _folder(policy.inputs.get("attestations"))
    found = _parsed(_tree_records(evidence, base, folder, base[:12]), base)
    return InForce(frozenset(r.key for r in found.records), "", base)


def parse_records(path: str, data: bytes,
                  revision: str = "") -> tuple[list[Attestation], list[RecordProblem]]:
    """The records of one file, and what is wrong with it."""
    from clearance.policy.yamlfile import parse_yaml

    if len(data) > MAX_RECORD_BYTES:
        return [], [RecordProblem(path, None, f"record file over {MAX_RECORD_BYTES} bytes")]
    try:
        parsed, positions = parse_yaml(data.decode("utf-8", "replace"), path)
    except ClearanceError as e:
        return [], [RecordProblem(path, e.line, e.message)]
    entries = [(parsed, ())] if not isinstance(parsed, list) else [
        (item, (index,)) for index, item in enumerate(parsed)]
    records: list[Attestation] = []
    problems: list[RecordProblem] = []
    where = f"{revision}:{path}" if revision else path
    for entry, at in entries:
        line = positions.get(at, (1, 1))[0]
        try:
            records.append(_record(entry, f"{where}:{line}", path, revision))
        except ValueError as e:
            problems.append(RecordProblem(path, line, str(e)))
    return records, problems


def _record(entry: Any, source: str, path: str, revision: str) -> Attestation:
    if not isinstance(entry, dict):
        raise ValueError("an attestation record is a mapping with rule, by, at and note")
    for key in ("rule", "by", "at"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"attestation record lacks '{key}' (a non-empty string)")
    when = str(entry["at"]).strip()
    try:
        parse_time(when)
    except ValueError:
        raise ValueError(f"'at' is not an ISO date or date-time: {when!r}") from None
    note = entry.get("note")
    return Attestation(entry["rule"].strip(), entry["by"].strip(), when,
                       "" if note is None else str(note).strip(), source, path,
                       **_subject(entry), revision=revision)


def _subject(entry: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in SUBJECT:
        value = entry.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"'{name}' is not a string: quote it ({name}: \"{value}\")")
        found[name] = value.strip()
    commit = found.get("commit", "").lower()
    if commit and not COMMIT_ID.fullmatch(commit):
        raise ValueError(f"'commit' is not a full commit id (40 or 64 hex digits): {commit[:80]!r}")
    if "release" in found and not TAG.fullmatch(found["release"]):
        raise ValueError(f"'release' is not a tag name: {found['release'][:80]!r}")
    return {**found, **({"commit": commit} if commit else {})}


def parse_time(value: str) -> dt.datetime:
    """An ISO date (midnight UTC) or date-time (UTC unless it names an offset)."""
    if len(value) == 10:
        day = dt.date.fromisoformat(value)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
