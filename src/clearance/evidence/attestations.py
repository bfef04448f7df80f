"""Attestation records: committed YAML files saying who signed off a manual gate.

Records live under `.clearance/attestations/` (or the folder named by the
policy's `inputs.attestations`) in the snapshot under evaluation, so they are
reviewed and versioned like code. A file holds one record or a list of them:

    rule: release.smoke-tests     # the id the attestation rule looks for
    by: "@ada"                    # who attests
    at: 2026-01-05T14:30:00Z      # when (an ISO date or date-time)
    note: Smoke tests run on staging build 1423, all green.

A file that cannot be read as records is a problem, reported by a rule that
finds no record of its own (see checks/attestation.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from clearance.errors import ClearanceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import InputRecord, check_relative, record_for

DEFAULT_FOLDER = ".clearance/attestations"
MAX_RECORD_BYTES = 64 << 10
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Attestation:
    rule: str
    by: str
    at: str
    note: str
    source: str  # path:line
    path: str = ""  # the record's file (a file name may hold a colon: never split `source`)

    def to_dict(self) -> dict[str, str]:
        return {"by": self.by, "at": self.at, "note": self.note, "source": self.source}


@dataclass(frozen=True)
class RecordProblem:
    path: str
    line: int | None
    message: str


@dataclass(frozen=True)
class Attestations:
    folder: str
    records: tuple[Attestation, ...]
    problems: tuple[RecordProblem, ...]


def attestations(evidence: Evidence) -> Attestations:
    """Every attestation record of the snapshot, read once per run."""
    folder = _folder(evidence)
    found, records = evidence.memo(f"attestations:{folder}", lambda: _read(evidence, folder))
    for record in records:
        evidence.note(record)
    return found


def _folder(evidence: Evidence) -> str:
    folder = evidence.inputs_config.get("attestations") or DEFAULT_FOLDER
    check_relative(str(folder))
    return str(folder).removeprefix("./").strip("/")


def _read(evidence: Evidence, folder: str) -> tuple[Attestations, tuple[InputRecord, ...]]:
    prefix = folder + "/"
    paths = [p for p in evidence.tracked_files if p.startswith(prefix) and p.endswith(SUFFIXES)]
    contents = evidence.read_many(paths)
    records: list[Attestation] = []
    problems: list[RecordProblem] = []
    for path, data in contents.items():
        if data is None:
            continue
        found, wrong = parse_records(path, data)
        records.extend(found)
        problems.extend(wrong)
    read = tuple(record_for(p, d, "git") for p, d in contents.items() if d is not None)
    return Attestations(folder, tuple(records), tuple(problems)), read


def parse_records(path: str, data: bytes) -> tuple[list[Attestation], list[RecordProblem]]:
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
    for entry, at in entries:
        line = positions.get(at, (1, 1))[0]
        try:
            records.append(_record(entry, f"{path}:{line}", path))
        except ValueError as e:
            problems.append(RecordProblem(path, line, str(e)))
    return records, problems


def _record(entry: Any, source: str, path: str) -> Attestation:
    if not isinstance(entry, dict):
        raise ValueError("an attestation record is a mapping with rule, by, at and note")
    for key in ("rule", "by", "at"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"attestation record lacks '{key}' (a non-empty string)")
    when = str(entry["at"]).strip()
    if not _is_time(when):
        raise ValueError(f"'at' is not an ISO date or date-time: {when!r}")
    note = entry.get("note")
    return Attestation(entry["rule"].strip(), entry["by"].strip(), when,
                       "" if note is None else str(note).strip(), source, path)


def _is_time(value: str) -> bool:
    try:
        if len(value) == 10:
            dt.date.fromisoformat(value)
        else:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return False
    return True
