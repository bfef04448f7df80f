"""The auditor's index: many stored results documents, filtered, with a reproducible sample.

`scan(folder)` reads every `*.json` file below a folder (recursively, in
path order) one at a time and keeps only what the index page shows of each
results document: where it is and its sha256, the run (repository, stage,
time, commit, branch, pull request), the verdict, the rule verdicts of the
stage and, per control, the verdicts of the rules that evidence it. A file
that is not JSON or lacks those keys is listed as not read, with the reason;
JSON that is not a results document (another tool's file) is counted and
skipped. Nothing else of a document is kept, so memory grows with the number
of runs, not with their size.

The filters (`IndexFilter`) are applied by the command line, so the page is
written already filtered: it holds no script (docs/report.md). A change is a
pull request of a repository when the run names one (`run.subject`), else a
commit; `sample` draws N changes from the filtered ones with a seeded
generator, so the same documents, filters and seed give the same sample.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import random
from collections.abc import Iterator
from typing import Any

from clearance.records import Record

RESULTS_SCHEMA = "https://clearance.dev/schemas/results-v1.json"
RUN_VERDICTS = ("pass", "fail")  # --verdict pass|fail: the run's; any other: a rule's of the stage


class RunEntry(Record):
    """What the index keeps of one results document."""

    path: str  # relative to the folder scanned, with `/`
    sha256: str
    repository: str
    stage: str
    verdict: str
    time: str
    commit: str | None
    branch: str | None
    pull_request: int | None
    blocking: int
    counts: dict[str, int]  # rule verdicts of the stage
    controls: dict[str, dict[str, int]]  # control -> verdict -> rules of the stage


class Unread(Record):
    path: str
    reason: str


class Scan(Record):
    runs: tuple[RunEntry, ...]
    unread: tuple[Unread, ...]
    other_json: int  # JSON files that are not results documents


class IndexFilter(Record):
    since: str | None = None  # YYYY-MM-DD, inclusive, UTC
    until: str | None = None
    repositories: tuple[str, ...] = ()  # shell-style patterns
    stages: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()  # FRAMEWORK:ID, or FRAMEWORK for all of its controls

    def admits(self, run: RunEntry) -> bool:
        day = run.time[:10]
        return ((self.since is None or day >= self.since)
                and (self.until is None or day <= self.until)
                and (not self.repositories
                     or any(fnmatch.fnmatchcase(run.repository, p) for p in self.repositories))
                and (not self.stages or run.stage in self.stages)
                and (not self.verdicts or any(_has_verdict(run, v) for v in self.verdicts))
                and (not self.controls or any(_names(run, c) for c in self.controls)))

    def described(self) -> list[tuple[str, str]]:
        """(filter, value) pairs of the filters given, for the page."""
        pairs = [("since", self.since), ("until", self.until)]
        pairs += [(name, ", ".join(values)) for name, values in (
            ("repository", self.repositories), ("stage", self.stages),
            ("verdict", self.verdicts), ("control", self.controls)) if values]
        return [(name, value) for name, value in pairs if value]


def _has_verdict(run: RunEntry, verdict: str) -> bool:
    if verdict in RUN_VERDICTS:
        return run.verdict == verdict
    return run.counts.get(verdict, 0) > 0


def _names(run: RunEntry, control: str) -> bool:
    return any(c == control or c.startswith(control + ":") for c in run.controls)


def scan(folder: str) -> Scan:
    """Every results document below `folder`, as index entries, in path order."""
    runs: list[RunEntry] = []
    unread: list[Unread] = []
    other = 0
    for path, shown in _json_files(folder):
        try:
            entry = read_entry(path, shown)
        except ValueError as e:
            unread.append(Unread(shown, str(e)))
            continue
        if entry is None:
            other += 1
        else:
            runs.append(entry)
    return Scan(tuple(runs), tuple(unread), other)


def _json_files(folder: str) -> Iterator[tuple[str, str]]:
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".json"):
                path = os.path.join(top, name)
                yield path, os.path.relpath(path, folder).replace(os.sep, "/")


def read_entry(path: str, shown: str) -> RunEntry | None:
    """The index entry of one file; None for JSON that is not a results document.
    Raises ValueError, saying why, for a file that cannot be read as one."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        doc = json.loads(data)
    except OSError as e:
        raise ValueError(f"cannot be read: {e.strerror}") from e
    except (ValueError, RecursionError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ValueError(f"not valid JSON: {e}") from e
    if not isinstance(doc, dict) or doc.get("$schema") != RESULTS_SCHEMA:
        return None
    try:
        return _entry(doc, shown, hashlib.sha256(data).hexdigest())
    except (KeyError, TypeError, AttributeError) as e:
        raise ValueError(f"not a complete results document: {type(e).__name__} {e}") from e


def _entry(doc: dict[str, Any], shown: str, sha256: str) -> RunEntry:
    run, summary = doc["run"], doc["summary"]
    counts: dict[str, int] = {}
    controls: dict[str, dict[str, int]] = {}
    for rule in doc["rules"]:
        if not rule["in_stage"]:
            continue
        verdict = str(rule["verdict"])
        counts[verdict] = counts.get(verdict, 0) + 1
        for control in rule.get("controls") or ():
            seen = controls.setdefault(str(control), {})
            seen[verdict] = seen.get(verdict, 0) + 1
    subject = run.get("subject") or {}
    pull = subject.get("pull_request") or {}
    return RunEntry(
        path=shown, sha256=sha256, repository=str(run["repository"]), stage=str(run["stage"]),
        verdict=str(summary["verdict"]), time=str(run["time"]), commit=run["commit"],
        branch=run["branch"], pull_request=pull.get("number"), blocking=int(summary["blocking"]),
        counts=counts, controls=controls)


def select(found: Scan, chosen: IndexFilter) -> list[RunEntry]:
    """The runs the filter admits, oldest first (then by repository and file)."""
    return sorted((r for r in found.runs if chosen.admits(r)), key=lambda r: (r.time, r.repository, r.path))


def changes(runs: list[RunEntry]) -> dict[tuple[str, str], list[RunEntry]]:
    """The runs of each change: (repository, `#N`) for a pull request, with the runs of
    any commit that a run of that pull request evaluated (its merge, its deployments);
    (repository, commit) for a commit no pull request names; the file otherwise."""
    pulls: dict[tuple[str, str | None], int] = {
        (r.repository, r.commit): r.pull_request for r in runs if r.pull_request is not None and r.commit}
    found: dict[tuple[str, str], list[RunEntry]] = {}
    for run in runs:
        pull = run.pull_request if run.pull_request is not None else pulls.get((run.repository, run.commit))
        key = f"#{pull}" if pull is not None else run.commit or run.path
        found.setdefault((run.repository, key), []).append(run)
    return found


def sample(runs: list[RunEntry], size: int, seed: int) -> list[tuple[tuple[str, str], list[RunEntry]]]:
    """`size` changes drawn from those of `runs` with a generator seeded by `seed`, each with
    its runs; the changes are ordered before drawing, so file order does not matter."""
    found = changes(runs)
    keys = sorted(found)
    drawn = random.Random(seed).sample(keys, min(size, len(keys)))
    return [(key, found[key]) for key in sorted(drawn)]
