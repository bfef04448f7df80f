"""What one SARIF 2.1.0 result means: its rule, level, message and suppression.

Each function follows a section of the OASIS standard: the rule a result
names (§3.27.5-7, §3.52), its level (§3.27.10, with the invocation's
configuration overrides of §3.20.5 and the rule's default configuration of
§3.49.14), its message (§3.11, message strings of §3.49.11) and whether it
is suppressed (§3.27.23, §3.35).
"""

from __future__ import annotations

from typing import Any


def rule_of(result: dict[str, Any], run: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The result's rule id and its reportingDescriptor (empty when the log has none)."""
    reference = _dict(result.get("rule"))
    rules = _descriptors(run, reference.get("toolComponent"))
    index = result.get("ruleIndex", reference.get("index", -1))
    descriptor: dict[str, Any] = {}
    if isinstance(index, int) and 0 <= index < len(rules) and isinstance(rules[index], dict):
        descriptor = rules[index]
    rule_id = result.get("ruleId") or reference.get("id") or descriptor.get("id") or ""
    if not descriptor and isinstance(rule_id, str):
        descriptor = _find_descriptor(rules, rule_id)
    return (rule_id if isinstance(rule_id, str) else str(rule_id)), descriptor


def _descriptors(run: dict[str, Any], component: Any) -> list[Any]:
    """The rules of the driver, or of the extension a toolComponent reference names."""
    tool = run.get("tool") or {}
    owner = tool.get("driver") or {}
    if isinstance(component, dict) and isinstance(component.get("index"), int):
        extensions = tool.get("extensions") or []
        if 0 <= component["index"] < len(extensions):
            owner = extensions[component["index"]]
    rules = owner.get("rules") if isinstance(owner, dict) else None
    return rules if isinstance(rules, list) else []


def _find_descriptor(rules: list[Any], rule_id: str) -> dict[str, Any]:
    """The descriptor with this id; a hierarchical id `A/b` falls back to `A` (§3.27.5)."""
    by_id = _by_id(rules)
    return by_id.get(rule_id) or by_id.get(rule_id.split("/")[0]) or {}


_INDEXES: dict[int, tuple[list[Any], dict[str, dict[str, Any]]]] = {}


def _by_id(rules: list[Any]) -> dict[str, dict[str, Any]]:
    """The first descriptor of each id, for a log's list of rules (tens of thousands of
    results name a few hundred rules). The list is kept with its index, so its id
    cannot be reused by another list while the index is cached."""
    cached = _INDEXES.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    index: dict[str, dict[str, Any]] = {}
    for rule in rules:
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            index.setdefault(rule["id"], rule)
    if len(_INDEXES) >= 8:
        _INDEXES.clear()
    _INDEXES[id(rules)] = (rules, index)
    return index


def level_of(result: dict[str, Any], run: dict[str, Any], rule_id: str,
           descriptor: dict[str, Any]) -> str:
    """SARIF 2.1.0 §3.27.10: the level of a result, with its defaults."""
    if result.get("kind", "fail") != "fail":
        return "none"
    level = result.get("level")
    if level is None:
        level = _override_level(result, run, rule_id, descriptor)
    if level is None:
        level = (descriptor.get("defaultConfiguration") or {}).get("level")
    return str(level) if level is not None else "warning"


def _override_level(result: dict[str, Any], run: dict[str, Any], rule_id: str,
                    descriptor: dict[str, Any]) -> Any:
    """The level a configuration override of the result's invocation sets, if any."""
    index = (result.get("provenance") or {}).get("invocationIndex", -1)
    invocations = run.get("invocations") or []
    if not isinstance(index, int) or not 0 <= index < len(invocations):
        return None
    for override in invocations[index].get("ruleConfigurationOverrides") or []:
        target = override.get("descriptor") or {}
        if target.get("id") in (rule_id, descriptor.get("id")) and target.get("id") is not None:
            return (override.get("configuration") or {}).get("level")
    return None


def message_of(result: dict[str, Any], descriptor: dict[str, Any]) -> str:
    """message.text, or the rule's message string that message.id names, arguments filled."""
    message = _dict(result.get("message"))
    text = message.get("text")
    if not isinstance(text, str):
        strings = descriptor.get("messageStrings") or {}
        text = (strings.get(message.get("id")) or {}).get("text", "")
        for number, argument in enumerate(message.get("arguments") or []):
            text = text.replace("{" + str(number) + "}", str(argument))
    return str(text).strip()


def is_suppressed(result: dict[str, Any]) -> bool:
    """Suppressed in source or externally, and no suppression is under review or rejected."""
    suppressions = result.get("suppressions")
    if not isinstance(suppressions, list) or not suppressions:
        return False
    statuses = {s.get("status", "accepted") for s in suppressions if isinstance(s, dict)}
    return statuses == {"accepted"}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
