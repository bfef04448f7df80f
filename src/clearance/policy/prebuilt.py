"""The built-in packs validated at build time: a cold start reads no YAML and runs no schema.

A pack's `policy.yaml` is parsed and validated when the package is built
(`python -m clearance.policy.prebuilt` writes `policy.prebuilt.json` beside
it; tests/policy/test_prebuilt.py fails when a shipped file differs from what
the sources give). The file holds the parsed document (its data and the
position of every node, so origins and messages are the YAML's) and the
checks whose parameters passed their schema, and is used only while the
digest of the `policy.yaml` beside it is the one it records; otherwise the
YAML is read and validated as any policy file is.

A validated pack is valid wherever it is applied: its own params override any
earlier ones of the same names and it defines every param it uses, and an
earlier definition of one of its rules only drops "required" errors. So the
loader skips the schema checks of its document and of its rules' parameters,
and, after the merge, of every rule whose check is one listed here.
"""

from __future__ import annotations

import json
import os

from clearance.digest import hexdigest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

FORMAT = 1
SUFFIX = ".prebuilt.json"


def prebuilt_path(source: str | os.PathLike[str]) -> str:
    """Where the validated form of a pack's policy file is shipped."""
    base, _ = os.path.splitext(os.fspath(source))
    return base + SUFFIX


def check_key(kind: str, params: Any) -> str:
    """A check and its parameters as one canonical string: what a schema saw."""
    return json.dumps([kind, params], sort_keys=True, separators=(",", ":"), default=str)


def read_prebuilt(source: Path, raw: bytes) -> dict[str, Any] | None:
    """The validated form of the pack file `source` whose bytes are `raw`, or None when it is
    missing, of another format, or made from other bytes (stale)."""
    try:
        with open(prebuilt_path(source), "rb") as handle:
            found = json.load(handle)
    except (OSError, ValueError):
        return None
    if (not isinstance(found, dict) or found.get("format") != FORMAT
            or found.get("sha256") != hexdigest(raw)):
        return None
    return found


def positions_from(rows: list[list[Any]]) -> dict[tuple[str | int, ...], tuple[int, int]]:
    """Positions as the YAML reader gives them, from `[path, line, column]` rows."""
    return {tuple(path): (line, column) for path, line, column in rows}


def build(name: str) -> dict[str, Any]:
    """The validated form of `builtin:NAME`, from its YAML; PolicyError when it is not valid."""
    from pathlib import Path

    from clearance.policy.loader import Loader, yaml_document  # YAML and schemas: build time only
    from clearance.policy.packs import BUILTIN, builtin_path

    source = Path(builtin_path(name))
    doc = yaml_document(source, f"{BUILTIN}{name}/policy.yaml")
    loader = Loader()
    loader.apply(doc)
    policy = loader.build()  # raises the pack's errors, if any
    return {
        "format": FORMAT,
        "sha256": doc.sha256,
        "data": doc.data,
        "positions": [[list(path), *at] for path, at in doc.positions.items()],
        # every rule's check passed its schema, in _check_kind or after the merge
        "valid_checks": sorted({check_key(rule.kind, rule.params) for rule in policy.rules}),
    }


def write(name: str) -> Path:
    from pathlib import Path

    from clearance.policy.packs import builtin_path

    target = Path(prebuilt_path(builtin_path(name)))
    target.write_text(render(build(name)), "utf-8")
    return target


def render(prebuilt: dict[str, Any]) -> str:
    return json.dumps(prebuilt, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> int:
    """Regenerate the validated form of every built-in pack."""
    from clearance.policy.packs import builtin_names

    for name in builtin_names():
        print(write(name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
