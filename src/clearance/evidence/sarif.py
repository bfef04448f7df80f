"""Tool findings from SARIF 2.1.0 logs (linters, type checkers, security scanners).

Only the structure a verdict needs is checked: `version` "2.1.0", `runs[]`
with `tool.driver.name`, and a `results` array in each run (a run without
one records a tool that did not complete, which is not a clean result). For
each result: its rule (`ruleId`, `rule.id` or `ruleIndex`), its level, its
message and its first physical location.

The level follows SARIF 2.1.0 §3.27.10: a result whose `kind` is not "fail"
has level "none"; an absent level comes from the invocation's rule
configuration override, then the rule's `defaultConfiguration.level`, then
"warning". Artifact URIs are resolved through `uriBaseId` and the run's
`originalUriBaseIds`, %-decoded, and made relative to the repository root
(sarif_uri.py). A result with accepted suppressions (in source or external)
is marked `suppressed` (§3.27.23); what each result means is in sarif_rules.py.

Every log, whatever its size, is read as a stream (sarif_stream.py): each
result becomes a finding as it is read, with the members of its run read so
far; a run whose rules, invocations, base URIs or artifacts come after its
results has its results read again, once the whole log is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import InputRecord
from clearance.evidence.sarif_rules import is_suppressed, level_of, message_of, rule_of
from clearance.evidence.sarif_stream import CHUNK_BYTES, HINT, RunRecord, read_file
from clearance.evidence.sarif_uri import artifact_path
from clearance.pathmatch import as_list
from clearance.records import Record

LEVELS = ("none", "note", "warning", "error")


class SarifResult(Record):
    """One result of one run, with its level resolved and its path made repository-relative."""

    tool: str
    rule_id: str
    level: str  # none, note, warning or error
    message: str
    file: str | None
    line: int | None
    column: int | None
    report: str
    suppressed: bool = False  # accepted suppressions (in source or external), §3.27.23

    def at_least(self, level: str) -> bool:
        """Whether this result is at or above a level; "none" results never are."""
        return self.level != "none" and LEVELS.index(self.level) >= LEVELS.index(level)


class SarifResults:
    """Every result of the logs read, in log order.

    A plain class rather than a record: its `+` and `count` are not a tuple's.
    """

    __slots__ = ("reports", "results", "tools")

    def __init__(self, results: tuple[SarifResult, ...], reports: tuple[str, ...],
                 tools: tuple[str, ...]) -> None:
        self.results = results
        self.reports = reports
        self.tools = tools

    def __eq__(self, other: object) -> bool:  # the same log read in any chunk size (tests)
        if not isinstance(other, SarifResults):
            return NotImplemented
        return (self.results, self.reports, self.tools) == (other.results, other.reports, other.tools)

    def __repr__(self) -> str:
        return f"SarifResults(results={self.results!r}, reports={self.reports!r}, tools={self.tools!r})"

    def count(self, level: str) -> int:
        return sum(1 for r in self.results if r.level == level)

    def of_tool(self, name: str) -> SarifResults:
        """Only the runs of one tool (its driver name, compared without case)."""
        tools = tuple(t for t in self.tools if t.lower() == name.lower())
        return SarifResults(tuple(r for r in self.results if r.tool in tools), self.reports, tools)

    def __add__(self, other: SarifResults) -> SarifResults:
        tools = self.tools + tuple(t for t in other.tools if t not in self.tools)
        return SarifResults(self.results + other.results, self.reports + other.reports, tools)


def sarif_globs(evidence: Evidence, tool: str | None = None) -> tuple[list[str], str | None]:
    """The globs to read and the driver name to keep, from `inputs.sarif`.

    `inputs.sarif` is globs, or a mapping of tool names to globs. With a
    mapping, `tool` picks its globs; with plain globs, `tool` keeps only the
    runs whose `tool.driver.name` it names.
    """
    config = evidence.inputs_config.get("sarif")
    if not isinstance(config, Mapping):
        return evidence.input_globs("sarif"), tool
    if tool is None:
        return [g for value in config.values() for g in as_list(value)], None
    if tool not in config:
        known = ", ".join(sorted(config)) or "none"
        raise EvidenceError(f"inputs.sarif names no tool '{tool}' (known: {known})",
                            hint="add the tool under inputs.sarif or fix the rule's `tool`")
    return as_list(config[tool]), None


def read_sarif(evidence: Evidence, globs: Sequence[str] | None = None,
               tool: str | None = None, chunk_bytes: int = CHUNK_BYTES) -> SarifResults:
    """The results of every log the globs name (default: `inputs.sarif`); each log is
    read `chunk_bytes` at a time (sarif_stream.py)."""
    patterns, driver = (list(globs), tool) if globs is not None else sarif_globs(evidence, tool)
    if not patterns:
        raise EvidenceError("no SARIF reports configured",
                            hint="set inputs.sarif in the policy or `reports` in the rule")
    paths = evidence.find_inputs(patterns)
    if not paths:
        raise EvidenceError(f"no SARIF report matches {', '.join(patterns)}", hint=HINT)
    found = SarifResults((), (), ())
    for path in paths:
        log, record = evidence.memo(f"sarif:{path}", partial(_read_report, evidence, path, chunk_bytes))
        evidence.note(record)
        found += log if driver is None else log.of_tool(driver)
    if driver is not None and not found.tools:
        raise EvidenceError(f"no run of tool '{driver}' in {', '.join(paths)}",
                            hint="check the tool's name (tool.driver.name) and that it ran")
    return found


def _read_report(evidence: Evidence, path: str, chunk_bytes: int) -> tuple[SarifResults, InputRecord]:
    """One log, read once; twice when a run's rules or base URIs come after its results."""
    reading = _Resolver(path, _roots(evidence))
    log, record = read_file(evidence.files, path, reading.as_read, evidence.note, chunk_bytes)
    evidence.note(record)
    runs = _runs_of(log, path)
    late = {run.serial: run for run in runs if isinstance(run, RunRecord) and run.late}
    if late:
        read_file(evidence.files, path, partial(reading.again, late), evidence.note, chunk_bytes, record)
    found = [_run_results(run, f"runs[{i}]", path) for i, run in enumerate(runs)]
    return sum(found, SarifResults((), (path,), ())), record


def _runs_of(log: Any, path: str) -> list[Any]:
    if not isinstance(log, dict):
        raise EvidenceError("not a SARIF log: the top level is not an object", path)
    if log.get("version") != "2.1.0":
        raise EvidenceError(f"SARIF version {log.get('version')!r} is not supported; 2.1.0 expected",
                            path, hint="have the tool write SARIF 2.1.0")
    runs = _array(log, "runs", path, "")
    if not runs:
        raise EvidenceError("the log holds no run: no tool reported", path, hint=HINT)
    return runs


class _Resolver:
    """Turns results into findings as they are read, with the members of their run."""

    def __init__(self, path: str, roots: tuple[str, ...]) -> None:
        self.path = path
        self.roots = roots

    def as_read(self, run: RunRecord, index: int, item: Any) -> None:
        """First reading: with what the run has shown so far (a late run is read again)."""
        self.resolve(run, index, item, run)

    def again(self, late: dict[int, RunRecord], run: RunRecord, index: int, item: Any) -> None:
        """Second reading: the results of late runs, with all of their first reading's members."""
        if run.serial in late:
            self.resolve(late[run.serial], index, item, late[run.serial])

    def resolve(self, run: RunRecord, index: int, item: Any, into: RunRecord) -> None:
        if index == 0:  # a run may hold `results` twice: the last one counts, as for json
            into.findings, into.error, into.paths = [], None, {}
        name = _driver_name(run.context)
        if into.error is not None or name is None:  # a run without a tool is refused as a whole
            return
        where = f"runs[{run.index}].results[{index}]"
        try:
            into.findings.append(_result(_object(item, where, self.path), run.context, name, where,
                                         self.path, self.roots, into.paths))
        except EvidenceError as e:
            into.error = e
        except (AttributeError, TypeError, ValueError) as e:  # a property of an unexpected type
            into.error = EvidenceError(f"malformed SARIF log: {e}", self.path, hint=HINT)
            into.error.__cause__ = e


def _driver_name(context: dict[str, Any]) -> str | None:
    driver = _dict(_dict(context.get("tool")).get("driver"))
    name = driver.get("name")
    return name if isinstance(name, str) and name else None


def _run_results(run: Any, where: str, path: str) -> SarifResults:
    """The findings of one run, or the first thing wrong with it."""
    if not isinstance(run, RunRecord):
        raise EvidenceError(f"{where} is not an object", path, hint=HINT)
    driver = _object(_object(run.context.get("tool"), f"{where}.tool", path).get("driver"),
                     f"{where}.tool.driver", path)
    name = driver.get("name")
    if not isinstance(name, str) or not name:
        raise EvidenceError(f"{where}.tool.driver.name is missing", path)
    _check_execution(run.context, name, path)
    if run.results_missing:
        raise EvidenceError(f"{where} ({name}) has no results array: the tool did not complete",
                            path, hint=HINT)
    if run.result_count is None:
        raise EvidenceError(f"{where}.results is missing or not an array", path, hint=HINT)
    if run.result_count == 0:  # the last `results` counts: an earlier one left nothing
        return SarifResults((), (), (name,))
    if run.error is not None:
        raise run.error
    return SarifResults(tuple(run.findings), (), (name,))


def _check_execution(run: dict[str, Any], name: str, path: str) -> None:
    for invocation in run.get("invocations") or []:
        if isinstance(invocation, dict) and invocation.get("executionSuccessful") is False:
            raise EvidenceError(f"{name} reports that its execution failed "
                                "(invocations[].executionSuccessful is false)", path, hint=HINT)


def _result(result: dict[str, Any], run: dict[str, Any], tool: str, where: str, path: str,
            roots: tuple[str, ...], paths: dict[tuple[Any, ...], str | None]) -> SarifResult:
    rule_id, descriptor = rule_of(result, run)
    if not rule_id:
        raise EvidenceError(f"{where} names no rule (ruleId, rule.id or ruleIndex)", path)
    level = level_of(result, run, rule_id, descriptor)
    if level not in LEVELS:
        raise EvidenceError(f"{where}.level {level!r} is not one of {', '.join(LEVELS)}", path)
    file, line, column = _location(result, run, roots, paths)
    return SarifResult(tool, rule_id, level, message_of(result, descriptor), file, line, column, path,
                       suppressed=is_suppressed(result))


def _location(result: dict[str, Any], run: dict[str, Any], roots: tuple[str, ...],
              paths: dict[tuple[Any, ...], str | None]) -> tuple[str | None, int | None, int | None]:
    locations = result.get("locations") or []
    first = locations[0] if isinstance(locations, list) and locations else {}
    physical = first.get("physicalLocation") if isinstance(first, dict) else None
    if not isinstance(physical, dict):
        return None, None, None
    artifact = physical.get("artifactLocation") or {}
    key = _artifact_key(artifact)
    if key is None or key not in paths:
        file = artifact_path(artifact, run, roots)
        if key is not None:
            paths[key] = file
    else:
        file = paths[key]
    region = _dict(physical.get("region"))
    return file, _positive(region.get("startLine")), _positive(region.get("startColumn"))


def _artifact_key(artifact: Any) -> tuple[Any, ...] | None:
    """What an artifact location's path depends on (`uri`, `uriBaseId`, `index`), when it
    can key a cache: many results point into the same file."""
    if not isinstance(artifact, dict):
        return None
    key = (artifact.get("uri"), artifact.get("uriBaseId"), artifact.get("index"))
    return key if all(v is None or type(v) in (str, int) for v in key) else None


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _roots(evidence: Evidence) -> tuple[str, ...]:
    """The repository root as given and as resolved (they differ through symlinks)."""
    given = Path(evidence.spec.root).absolute().as_posix()
    return tuple(dict.fromkeys((evidence.files.root.as_posix(), given)))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _object(value: Any, where: str, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise EvidenceError(f"{where or 'the log'} is not an object", path, hint=HINT)
    return value


def _array(value: dict[str, Any], key: str, path: str, where: str) -> list[Any]:
    items = value.get(key)
    if not isinstance(items, list):
        name = f"{where}.{key}" if where else key
        raise EvidenceError(f"{name} is missing or not an array", path, hint=HINT)
    return items
