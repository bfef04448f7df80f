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
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import InputRecord
from clearance.evidence.sarif_rules import is_suppressed, level_of, message_of, rule_of
from clearance.evidence.sarif_uri import artifact_path

LEVELS = ("none", "note", "warning", "error")
STREAM_ABOVE = 8 << 20  # bytes; larger logs are streamed (sarif_stream.py)
_HINT = "check that the analysis step ran and wrote a SARIF 2.1.0 log"


@dataclass(frozen=True)
class SarifResult:
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


@dataclass(frozen=True)
class SarifResults:
    """Every result of the logs read, in log order."""

    results: tuple[SarifResult, ...]
    reports: tuple[str, ...]
    tools: tuple[str, ...]

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
        return [g for value in config.values() for g in _as_list(value)], None
    if tool not in config:
        known = ", ".join(sorted(config)) or "none"
        raise EvidenceError(f"inputs.sarif names no tool '{tool}' (known: {known})",
                            hint="add the tool under inputs.sarif or fix the rule's `tool`")
    return _as_list(config[tool]), None


def read_sarif(evidence: Evidence, globs: Sequence[str] | None = None,
               tool: str | None = None) -> SarifResults:
    """The results of every log the globs name (default: `inputs.sarif`)."""
    patterns, driver = (list(globs), tool) if globs is not None else sarif_globs(evidence, tool)
    if not patterns:
        raise EvidenceError("no SARIF reports configured",
                            hint="set inputs.sarif in the policy or `reports` in the rule")
    paths = evidence.find_inputs(patterns)
    if not paths:
        raise EvidenceError(f"no SARIF report matches {', '.join(patterns)}", hint=_HINT)
    found = SarifResults((), (), ())
    for path in paths:
        log, record = evidence.memo(f"sarif:{path}", partial(_read_report, evidence, path))
        evidence.note(record)
        found += log if driver is None else log.of_tool(driver)
    if driver is not None and not found.tools:
        raise EvidenceError(f"no run of tool '{driver}' in {', '.join(paths)}",
                            hint="check the tool's name (tool.driver.name) and that it ran")
    return found


def _read_report(evidence: Evidence, path: str) -> tuple[SarifResults, InputRecord]:
    streamed = evidence.files.resolve(path).stat().st_size > STREAM_ABOVE
    if streamed:  # see sarif_stream.py: memory bounded by the findings, not the log
        from clearance.evidence import sarif_stream

        log, record = sarif_stream.skeleton(evidence.files, path, evidence.note)
    else:
        data, record = evidence.files.read(path)
        evidence.note(record)
        log = load_json(data, path)
    if not isinstance(log, dict):
        raise EvidenceError("not a SARIF log: the top level is not an object", path)
    if log.get("version") != "2.1.0":
        raise EvidenceError(f"SARIF version {log.get('version')!r} is not supported; 2.1.0 expected",
                            path, hint="have the tool write SARIF 2.1.0")
    runs = _array(log, "runs", path, "")
    if not runs:
        raise EvidenceError("the log holds no run: no tool reported", path, hint=_HINT)
    roots = _roots(evidence)
    entries: Generator[Any, None, None] | None = (
        sarif_stream.results(evidence.files, path, record) if streamed else None)
    try:
        found = [_run_results(run, f"runs[{i}]", path, roots, entries) for i, run in enumerate(runs)]
    except (AttributeError, TypeError, ValueError) as e:  # a property of an unexpected type
        raise EvidenceError(f"malformed SARIF log: {e}", path, hint=_HINT) from e
    finally:
        if entries is not None:
            entries.close()
    return sum(found, SarifResults((), (path,), ())), record


def load_json(data: bytes, path: str) -> Any:
    """A whole log as JSON; an error names the line and column where the JSON breaks."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise EvidenceError("not UTF-8 text, so not a SARIF log", path) from e
    except json.JSONDecodeError as e:
        raise EvidenceError(f"invalid JSON: {e.msg}", path, e.lineno, e.colno, hint=_HINT) from e
    except (ValueError, RecursionError) as e:
        raise EvidenceError(f"invalid JSON: {e}", path, hint=_HINT) from e


def _run_results(run: Any, where: str, path: str, roots: tuple[str, ...],
                 entries: Iterator[Any] | None = None) -> SarifResults:
    """The findings of one run; `entries` streams the results of every run in order
    (the run's own `results` then holds only as many placeholders)."""
    run = _object(run, where, path)
    driver = _object(_object(run.get("tool"), f"{where}.tool", path).get("driver"),
                     f"{where}.tool.driver", path)
    name = driver.get("name")
    if not isinstance(name, str) or not name:
        raise EvidenceError(f"{where}.tool.driver.name is missing", path)
    _check_execution(run, name, path)
    if run.get("results") is None:
        raise EvidenceError(f"{where} ({name}) has no results array: the tool did not complete",
                            path, hint=_HINT)
    listed = _array(run, "results", path, where)
    items: Iterable[Any] = listed if entries is None else itertools.islice(entries, len(listed))
    paths: dict[tuple[Any, ...], str | None] = {}  # artifact location -> repository path, per run
    results = tuple(_result(_object(item, f"{where}.results[{i}]", path), run, name,
                            f"{where}.results[{i}]", path, roots, paths)
                    for i, item in enumerate(items))
    return SarifResults(results, (), (name,))


def _check_execution(run: dict[str, Any], name: str, path: str) -> None:
    for invocation in run.get("invocations") or []:
        if isinstance(invocation, dict) and invocation.get("executionSuccessful") is False:
            raise EvidenceError(f"{name} reports that its execution failed "
                                "(invocations[].executionSuccessful is false)", path, hint=_HINT)


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
        raise EvidenceError(f"{where or 'the log'} is not an object", path, hint=_HINT)
    return value


def _array(value: dict[str, Any], key: str, path: str, where: str) -> list[Any]:
    items = value.get(key)
    if not isinstance(items, list):
        name = f"{where}.{key}" if where else key
        raise EvidenceError(f"{name} is missing or not an array", path, hint=_HINT)
    return items


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])
