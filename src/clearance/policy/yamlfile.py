"""Read a YAML file into plain data, keeping the line and column of every node.

ruamel.yaml's round-trip loader constructs no arbitrary objects; aliases are
shared by reference there, so expanding them into plain data is bounded by a
node budget to stop alias bombs. Positions are 1-based and keyed by the path
of the node: `("rules", 0, "severity")`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from clearance.errors import PolicyError

MAX_BYTES = 1 << 20
MAX_NODES = 100_000
MAX_DEPTH = 64

NodePath = tuple[str | int, ...]
KEY = "\0key"  # appended to a node path: the position of the key rather than its value
Positions = dict[NodePath, tuple[int, int]]


class _Converter:
    def __init__(self, path: str) -> None:
        self.path = path
        self.positions: Positions = {}
        self.nodes = 0

    def convert(self, node: Any, at: NodePath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise PolicyError(
                f"more than {MAX_NODES} YAML nodes (an alias bomb?)", self.path,
                hint="keep policy files small and avoid nested aliases",
            )
        if depth > MAX_DEPTH:
            line, col = self.positions.get(at, (None, None))
            raise PolicyError(f"YAML nested deeper than {MAX_DEPTH} levels", self.path, line, col)
        if isinstance(node, dict):
            return self._mapping(node, at, depth)
        if isinstance(node, list):
            return self._sequence(node, at, depth)
        if isinstance(node, dt.datetime):
            return node.isoformat()
        if isinstance(node, dt.date):
            return node.isoformat()
        if node is None or type(node) in (bool, int, float):
            return node
        if isinstance(node, (int, float)):  # ruamel's ScalarInt, ScalarFloat, ScalarBoolean
            return _plain_number(node)
        return str(node)

    def _mapping(self, node: Any, at: NodePath, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = (*at, str(key))
            self._note(child, node, "value", key)
            self._note((*child, KEY), node, "key", key)
            out[str(key)] = self.convert(value, child, depth + 1)
        return out

    def _sequence(self, node: Any, at: NodePath, depth: int) -> list[Any]:
        out: list[Any] = []
        for index, value in enumerate(node):
            child = (*at, index)
            self._note(child, node, "item", index)
            out.append(self.convert(value, child, depth + 1))
        return out

    def _note(self, child: NodePath, parent: Any, how: str, key: Any) -> None:
        lc = getattr(parent, "lc", None)
        if lc is None:
            return
        try:
            line, col = getattr(lc, how)(key)
        except (KeyError, IndexError, TypeError):
            return
        self.positions[child] = (line + 1, col + 1)


def _plain_number(node: int | float) -> bool | int | float:
    """A number as the built-in type, without ruamel's formatting subclass (plain data caches well)."""
    from ruamel.yaml.scalarbool import ScalarBoolean

    if isinstance(node, ScalarBoolean):
        return bool(node)
    return float(node) if isinstance(node, float) else int(node)


@lru_cache(maxsize=1)
def _constructor() -> Any:
    """The round-trip constructor, but dates stay strings: checked by us, with positions."""
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        pass

    Constructor.add_constructor("tag:yaml.org,2002:timestamp", Constructor.construct_yaml_str)
    return Constructor


def parse_yaml(text: str, path: str) -> tuple[Any, Positions]:
    """Parse YAML text; return plain data and the positions of its nodes."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _constructor()
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = e.problem or e.context or "invalid YAML"
        raise PolicyError(f"YAML syntax: {problem}", path, line, col) from e
    except (YAMLError, RecursionError) as e:
        raise PolicyError(f"YAML could not be read: {e}", path) from e
    except TypeError as e:  # ruamel builds a mapping whose key is a list or a mapping
        raise PolicyError(f"YAML could not be read: a key that is not a plain value ({e})", path,
                          hint="quote the key, or remove the stray '&', '*', '[' or '{'") from e
    converter = _Converter(path)
    converter.positions[()] = (1, 1)
    data = converter.convert(raw, (), 0)
    return data, converter.positions


def read_yaml(path: Path, name: str | None = None) -> tuple[Any, Positions, bytes]:
    """Read and parse a YAML file; return data, positions and the raw bytes.

    `name` is how errors name the file (repository-relative where possible).
    """
    shown = name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise PolicyError(f"cannot read policy file: {e.strerror}", shown) from e
    data, positions = parse_bytes(raw, shown)
    return data, positions, raw


def parse_bytes(raw: bytes, shown: str) -> tuple[Any, Positions]:
    """Parse a policy file's bytes (size and encoding checked first)."""
    if len(raw) > MAX_BYTES:
        raise PolicyError(f"policy file larger than {MAX_BYTES} bytes", shown)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise PolicyError("not valid UTF-8", shown, line) from e
    return parse_yaml(text, shown)
