"""Load policy files, resolve `extends`, validate, and merge into one `Policy`.

Override rules (docs/policy.md):
- packs named in `extends` apply first, in order; the file itself applies last;
- a rule whose id was defined earlier is updated key by key; when `check`
  names the same kind, its parameters are merged key by key, otherwise replaced;
- `enabled: false` removes an inherited rule;
- `metadata`, `settings`, `attestors` and `inputs` merge key by key (coverage
  suites by name); waivers from every file add up.
"""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from clearance import checks
from clearance.digest import hexdigest
from clearance.errors import PolicyError
from clearance.pathmatch import leaves_root, shown_path
from clearance.policy.model import DEFAULT_STAGES, Origin, Policy, PolicyFile, Rule, Waiver
from clearance.policy.packs import BUILTIN, builtin_names, builtin_path
from clearance.policy.prebuilt import check_key, positions_from, read_prebuilt
from clearance.policy.revision import Tree
from clearance.policy.schema import load_schema, position, schema_errors
from clearance.policy.yamlfile import Positions, parse_yaml, read_yaml


class Document:
    """One policy file as read: display name, data, node positions, digest."""

    __slots__ = ("blob", "data", "directory", "name", "positions", "sha256", "source", "tree",
                 "valid_checks")

    def __init__(self, name: str, data: dict[str, Any], positions: Positions, sha256: str,
                 directory: Path | None, source: Path | None = None, tree: Tree | None = None,
                 blob: str | None = None, valid_checks: frozenset[str] | None = None) -> None:
        self.name = name
        self.data = data
        self.positions = positions
        self.sha256 = sha256
        self.directory = directory
        self.source = source  # the file read, for the validated-policy cache
        self.tree = tree  # the revision the file was read from (git objects), if any
        self.blob = blob  # its object id there: what the validated-policy cache compares
        # A built-in pack validated at build time (policy/prebuilt.py): the keys of its checks,
        # which passed their schemas; None for a file read and validated now.
        self.valid_checks = valid_checks

    @property
    def key(self) -> str:
        """What tells two files apart in an `extends` chain."""
        if self.tree is not None:
            return f"{self.tree.label}:{self.name}"
        return self.name if self.directory is None else f"{self.directory}/{self.name}"

    def at(self, *path: str | int) -> Origin:
        line, col = position(self.positions, path)
        return Origin(self.name, line or 1, col or 1)


def read_document(ref: str, relative_to: Path | None, display_root: Path | None) -> Document:
    """Read one policy: `builtin:NAME`, or a path (relative to the including file)."""
    if ref.startswith(BUILTIN):
        name = ref[len(BUILTIN):]
        path = Path(builtin_path(name))
        if not path.is_file():
            known = ", ".join(BUILTIN + n for n in builtin_names())
            raise PolicyError(f"no built-in pack '{name}' (known: {known})")
        return pack_document(path, f"{ref}/policy.yaml")
    else:
        path = Path(ref) if relative_to is None else relative_to / ref
        display = shown_path(path, display_root)
        if not path.is_file():
            raise PolicyError(f"policy file not found: {display}", hint="check the path")
        if path.name == "pyproject.toml":
            doc = pyproject_document(path, display)
            if doc is None:
                raise PolicyError("no [tool.clearance] table", display, hint="add one, or name a YAML policy")
            return doc
    return yaml_document(path, display)


def yaml_document(path: Path, display: str) -> Document:
    """A policy file read and parsed now."""
    data, positions, raw = read_yaml(path, display)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError("a policy file must be a mapping of keys", display, 1, 1)
    sha = hexdigest(raw)
    return Document(display, data, positions, sha, path.resolve().parent, path.resolve())


def pack_document(path: Path, display: str) -> Document:
    """A built-in pack's file: its validated form while that was made from these bytes."""
    try:
        found = read_prebuilt(path, path.read_bytes())
    except OSError as e:
        raise PolicyError(f"cannot read policy file: {e.strerror}", display) from e
    if found is None:
        return yaml_document(path, display)
    resolved = path.resolve()
    return Document(display, found["data"], positions_from(found["positions"]), found["sha256"],
                    resolved.parent, resolved, valid_checks=frozenset(found["valid_checks"]))


def pyproject_document(path: Path, display: str = "pyproject.toml") -> Document | None:
    """`[tool.clearance]` of a pyproject.toml as a policy document; None without the table."""
    doc = pyproject_from_bytes(path.read_bytes(), display)
    if doc is not None:
        doc.directory, doc.source = path.parent, path
    return doc


def pyproject_from_bytes(raw: bytes, display: str) -> Document | None:
    """`[tool.clearance]` of a pyproject.toml's content; None without the table."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise PolicyError(f"pyproject.toml cannot be read: {e}", display) from e
    section = data.get("tool", {}).get("clearance")
    if section is None:
        return None
    section = _toml_plain(section)
    line = next((n for n, text in enumerate(raw.decode().splitlines(), 1)
                 if text.strip().startswith("[tool.clearance")), 1)
    return Document(display, section, {(): (line, 1)}, hexdigest(raw), None)


def tree_document(tree: Tree, path: str) -> Document:
    """A policy file as the revision `tree` holds it (links followed inside the revision);
    errors name it as `git show` does, `REV:path`."""
    from clearance.policy.yamlfile import parse_bytes

    found = tree.read(path)
    if found is None:
        raise PolicyError(f"policy file not found at {tree.label}: {tree.shown(path)}",
                          hint="commit it (the policy in force is read from git, not the working tree)")
    read, raw = found
    shown = tree.shown(path)
    if posixpath.basename(read) == "pyproject.toml":
        doc = pyproject_from_bytes(raw, shown)
        if doc is None:
            raise PolicyError("no [tool.clearance] table", shown, hint="add one, or name a YAML policy")
    else:
        data, positions = parse_bytes(raw, shown)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise PolicyError("a policy file must be a mapping of keys", shown, 1, 1)
        doc = Document(shown, data, positions, hexdigest(raw), None)
    doc.tree, doc.blob = tree, (tree.lookup([read])[read] or ("", ""))[1]
    doc.name = path  # origins name the repository path; errors add the revision (see Loader)
    return doc


def _toml_plain(value: Any) -> Any:
    """TOML dates and times as the ISO strings a YAML policy would hold."""
    import datetime as dt

    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _toml_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_toml_plain(v) for v in value]
    return value


def document_from_text(text: str, name: str) -> Document:
    """A policy from text (tests, `[tool.clearance]`); `extends` paths resolve from the cwd."""
    data, positions = parse_yaml(text, name)
    sha = hexdigest(text.encode())
    return Document(name, data or {}, positions, sha, None)


class Loader:
    """Reads a chain of policy files and merges them, collecting every error."""

    def __init__(self, display_root: Path | None = None) -> None:
        self.display_root = display_root
        # Paths in policy files stay below this folder: the repository root when known,
        # else the folder of the first file read.
        self.boundary = display_root.resolve() if display_root is not None else None
        self.errors: list[PolicyError] = []
        self.documents: list[Document] = []
        self.rules: dict[str, dict[str, Any]] = {}
        self.origins: dict[str, Origin] = {}
        self.merged_ids: set[str] = set()  # rules defined in more than one file
        self.waivers: list[tuple[Document, int, dict[str, Any]]] = []
        self.shown: dict[str, str] = {}  # a file read from a revision -> `REV:path`, for errors
        self.merged: dict[str, dict[str, Any]] = {
            "metadata": {}, "settings": {}, "attestors": {}, "inputs": {}, "params": {},
        }
        self.valid_checks: set[str] = set()  # checks of built-in packs validated at build time

    def apply(self, doc: Document, chain: tuple[str, ...] = ()) -> None:
        key = doc.key
        if doc.tree is not None:
            self.shown[doc.name] = doc.tree.shown(doc.name)
        errors = [] if doc.valid_checks is not None else list(
            schema_errors(doc.data, load_schema("policy-v1.json"), doc.positions, doc.name))
        self.valid_checks.update(doc.valid_checks or ())
        if self.boundary is None and doc.directory is not None:
            self.boundary = doc.directory.resolve()
        errors += self._paths_leaving(doc)
        self.errors.extend(errors)
        if errors:
            return
        for index, ref in enumerate(doc.data.get("extends", [])):
            self._extend(doc, index, ref, (*chain, key))
        self.documents.append(doc)
        self._merge_sections(doc)  # first: the file's own params are in force for its rules
        self._merge_rules(doc)
        self.waivers.extend((doc, i, w) for i, w in enumerate(doc.data.get("waivers", [])))

    def _paths_leaving(self, doc: Document) -> list[PolicyError]:
        """An error at its place for every path of a repository policy file (`extends`, every
        string under `inputs`) that is absolute or leads out of the repository; checked
        before any of them is opened. Built-in packs are not in the repository."""
        if doc.tree is None and (doc.name.startswith(BUILTIN) or doc.directory is None
                                 or not _inside(doc.directory, self.boundary)):
            return []  # a pack, or a file the caller named outside the repository (an org policy)
        places: list[tuple[tuple[str | int, ...], str]] = [
            (("extends", i), ref) for i, ref in enumerate(doc.data.get("extends") or [])
            if isinstance(ref, str) and not ref.startswith(BUILTIN)]
        places += [(("inputs", *at), text) for at, text in _strings(doc.data.get("inputs") or {})]
        found = [_negated(doc, at, text) for at, text in places
                 if at[0] == "inputs" and text.startswith("!") and at[1] not in NEGATABLE]
        for at, text in places:
            # An extends is resolved now, links included (a revision's reader follows them
            # inside the revision); an input names evidence CI writes later, whose links the
            # reader refuses when it opens them (an error verdict).
            reason = _leaves(text)
            if at[0] == "extends" and doc.tree is not None and reason is None:
                joined = posixpath.normpath(posixpath.join(posixpath.dirname(doc.name), text))
                reason = "leads out of the repository" if leaves_root(joined) else None
            elif at[0] == "extends" and doc.tree is None:
                reason = _leaves(text, doc.directory, self.boundary)
            if reason:
                origin = doc.at(*at)
                found.append(PolicyError(f"{'.'.join(map(str, at))}: '{text}' {reason}", origin.path,
                                         origin.line, origin.column,
                                         hint="name a file inside the repository, relative to it"))
        return found

    def _extend(self, doc: Document, index: int, ref: str, chain: tuple[str, ...]) -> None:
        origin = doc.at("extends", index)
        try:
            if doc.tree is not None and not ref.startswith(BUILTIN):
                path = posixpath.normpath(posixpath.join(posixpath.dirname(doc.name), ref))
                child = tree_document(doc.tree, path)
            else:
                child = read_document(ref, doc.directory, self.display_root)
        except PolicyError as e:
            self.errors.append(_located(e, origin))
            return
        child_key = child.key
        if child_key in chain:
            names = [c.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for c in (*chain, child_key)]
            self.errors.append(PolicyError(
                f"extends cycle: {' -> '.join(names)}", origin.path, origin.line, origin.column,
                hint="remove one of the extends entries"))
            return
        self.apply(child, chain)

    def _merge_rules(self, doc: Document) -> None:
        seen: dict[str, int] = {}
        for index, raw in enumerate(doc.data.get("rules", [])):
            rule_id = raw["id"]
            origin = doc.at("rules", index)
            if rule_id in seen:
                first = doc.at("rules", seen[rule_id]).line
                self.errors.append(PolicyError(
                    f"duplicate rule id '{rule_id}' (first defined at line {first})",
                    origin.path, origin.line, origin.column,
                    hint="give each rule its own id; to change an inherited rule, reuse its id once"))
                continue
            seen[rule_id] = index
            if doc.valid_checks is None:  # a validated pack is valid wherever it is applied
                self._check_kind(doc, index, raw)
            if raw.get("enabled") is False:
                self.rules.pop(rule_id, None)
                continue
            if rule_id in self.rules:
                self.merged_ids.add(rule_id)
            self.rules[rule_id] = _override(self.rules.get(rule_id, {}), raw)
            self.origins[rule_id] = origin

    def _check_kind(self, doc: Document, index: int, raw: dict[str, Any]) -> None:
        if "check" not in raw:
            return
        (kind, params), = raw["check"].items()
        where = ("rules", index, "check", kind)
        try:
            module = checks.load(kind)
        except Exception as e:  # a plug-in whose module (or what it imports) is gone
            origin = doc.at("rules", index, "check")
            self.errors.append(PolicyError(
                f"rules[{index}].check: check kind '{kind}' cannot be loaded: {type(e).__name__}: {e}",
                origin.path, origin.line, origin.column,
                hint="install the package that provides it, or remove the rule"))
            return
        if module is None:
            origin = doc.at("rules", index, "check")
            import difflib

            near = difflib.get_close_matches(kind, checks.known_kinds(), n=1)
            hint = f"did you mean '{near[0]}'?" if near else "run 'clearance list --kinds'"
            self.errors.append(PolicyError(
                f"rules[{index}].check: unknown check kind '{kind}'",
                origin.path, origin.line, origin.column, hint=hint))
            return
        params, missing = substitute(params or {}, self.merged["params"])
        for node, name in missing:
            at = doc.at(*where, *node)
            self.errors.append(PolicyError(f"no param named '{name}'", at.path, at.line, at.column,
                                           hint="define it under params: in this file or one it extends"))
        if missing:
            return
        earlier = self.rules.get(raw["id"], {}).get("check", {})
        partial = kind in earlier
        self.errors.extend(schema_errors(params, module.SCHEMA, doc.positions, doc.name, where, partial))
        for node, message in getattr(module, "problems", lambda p: [])(params):
            origin = doc.at(*where, *node)
            self.errors.append(PolicyError(message, origin.path, origin.line, origin.column))

    def _merge_sections(self, doc: Document) -> None:
        for section in ("metadata", "settings", "attestors", "params"):
            self.merged[section].update(doc.data.get(section, {}))
        inputs = doc.data.get("inputs", {})
        earlier = dict(self.merged["inputs"])
        self.merged["inputs"].update(inputs)
        for name in ("coverage", "junit"):  # named suites merge by name
            old, new = earlier.get(name), inputs.get(name)
            if isinstance(old, dict) and isinstance(new, dict):
                self.merged["inputs"][name] = {**old, **new}

    def build(self) -> Policy:
        rules = tuple(self._rule(rid, raw) for rid, raw in self.rules.items())
        waivers = tuple(self._waiver(doc, i, w) for doc, i, w in self.waivers)
        if self.errors:
            raise PolicyErrors([_shown_at(e, self.shown) for e in self.errors])
        meta = self.merged["metadata"]
        files = tuple(PolicyFile(d.name, d.sha256) for d in self.documents)
        digest = hexdigest("".join(f"{f.path}\0{f.sha256}\n" for f in files).encode())
        return Policy(
            name=meta.get("name", "unnamed"), version=str(meta.get("version", "")),
            source=meta.get("source", ""), rules=rules, waivers=waivers,
            inputs=self.merged["inputs"], settings=self.merged["settings"],
            attestors=self.merged["attestors"], files=files, digest=digest,
        )

    def _rule(self, rule_id: str, raw: dict[str, Any]) -> Rule:
        origin = self.origins[rule_id]
        if "check" not in raw:
            self.errors.append(PolicyError(
                f"rule '{rule_id}' has no check", origin.path, origin.line, origin.column,
                hint="add check: {KIND: {...}}, or reuse the id of an inherited rule"))
            return Rule(rule_id, "", {}, origin)
        (kind, written), = raw["check"].items()
        values = self.merged["params"]
        params = substitute(written or {}, values)[0]
        checked = rule_id in self.merged_ids or params != (written or {})  # merged, or with params
        checked = checked and check_key(kind, params or {}) not in self.valid_checks
        try:
            module = checks.load(kind) if checked else None
        except Exception:  # reported at the rule by _check_kind
            module = None
        if module is not None:  # merged from several files or with params: check the result whole
            at: Positions = {(): (origin.line, origin.column)}
            self.errors.extend(schema_errors(params or {}, module.SCHEMA, at, origin.path,
                                             ("rules", rule_id, "check", kind)))
        return Rule(
            id=rule_id, kind=kind, params=params or {}, origin=origin,
            title=fill(raw.get("title", ""), values), checklist=raw.get("checklist", ""),
            description=fill(raw.get("description", ""), values),
            stages=tuple(raw.get("stages", DEFAULT_STAGES)),
            severity=raw.get("severity", "error"), when=raw.get("when", {}),
            fix=fill(raw.get("fix", ""), values), controls=tuple(raw.get("controls", ())),
        )

    def _waiver(self, doc: Document, index: int, raw: dict[str, Any]) -> Waiver:
        origin = doc.at("waivers", index)
        if raw["rule"] not in self.rules:
            self.errors.append(PolicyError(
                f"waivers[{index}]: waiver names no rule in force: '{raw['rule']}'",
                origin.path, origin.line, origin.column, hint="fix the rule id or remove the waiver"))
        import datetime as dt

        for key in ("expires", "granted"):
            try:
                dt.date.fromisoformat(raw.get(key) or "2000-01-01")
            except ValueError:
                at = doc.at("waivers", index, key)
                self.errors.append(PolicyError(
                    f"waivers[{index}].{key}: '{raw[key]}' is not a real date (YYYY-MM-DD)",
                    at.path, at.line, at.column))
        return Waiver(raw["rule"], raw["reason"], raw["owner"], origin, raw.get("expires"),
                      raw.get("granted"))


NEGATABLE = ("features", "tests")  # inputs whose globs take `!` to leave files out


def _negated(doc: Document, at: tuple[str | int, ...], text: str) -> PolicyError:
    origin = doc.at(*at)
    return PolicyError(f"{'.'.join(map(str, at))}: '{text}': a '!' glob is taken only in "
                       f"{' and '.join('inputs.' + n for n in NEGATABLE)}", origin.path, origin.line,
                       origin.column, hint="list the report files to read instead")


def _strings(value: Any, at: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    """Every string in a policy section, with its node path."""
    if isinstance(value, str):
        return [(at, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _strings(item, (*at, key))]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _strings(item, (*at, i))]
    return []


def _inside(folder: Path, boundary: Path | None) -> bool:
    folder = folder.resolve()
    return boundary is None or folder == boundary or boundary in folder.parents


def _leaves(text: str, base: Path | None = None, boundary: Path | None = None) -> str | None:
    """Why a policy path leaves the repository (absolute, or past its root once resolved
    from `base`, symbolic links included); None when it stays inside."""
    import os

    from clearance.pathmatch import expand_braces, is_absolute, leaves_root

    alternatives = expand_braces(text.lstrip("!").replace("\\", "/"))
    if len(alternatives) > 1:
        return next(filter(None, (_leaves(a, base, boundary) for a in alternatives)), None)
    plain = alternatives[0]
    if is_absolute(plain):
        return "is an absolute path"
    if base is None or boundary is None:
        return "leads out of the repository" if leaves_root(plain) else None
    target = Path(os.path.realpath(base / plain))
    if target != boundary and boundary not in target.parents:
        return "leads out of the repository"
    return None


def substitute(value: Any, params: dict[str, Any],
               at: tuple[str | int, ...] = ()) -> tuple[Any, list[tuple[tuple[str | int, ...], str]]]:
    """The value with each `{param: NAME}` replaced by the param's value, and the (place,
    name) of each reference to a param that is not defined."""
    if isinstance(value, dict):
        if set(value) == {"param"} and isinstance(value["param"], str):
            name = value["param"]
            return (params[name], []) if name in params else (value, [(at, name)])
        missing: list[tuple[tuple[str | int, ...], str]] = []
        out: dict[str, Any] = {}
        for key, item in value.items():
            out[key], lost = substitute(item, params, (*at, key))
            missing += lost
        return out, missing
    if isinstance(value, list):
        pairs = [substitute(item, params, (*at, i)) for i, item in enumerate(value)]
        return [v for v, _ in pairs], [m for _, lost in pairs for m in lost]
    return value, []


def fill(text: str, params: dict[str, Any]) -> str:
    """A rule's text with each `${NAME}` of a defined param replaced by its value."""
    if "${" not in text:
        return text
    for name, value in params.items():
        text = text.replace("${" + name + "}", _shown(value))
    return text


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(map(_shown, value))
    return str(value)


def _override(earlier: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    merged = {**earlier, **later}
    if "check" in earlier and "check" in later:
        (old_kind, old_params), = earlier["check"].items()
        (new_kind, new_params), = later["check"].items()
        if old_kind == new_kind:
            merged["check"] = {new_kind: {**(old_params or {}), **(new_params or {})}}
    return merged


def _shown_at(error: PolicyError, shown: dict[str, str]) -> PolicyError:
    """The error naming a file read from a revision as `REV:path` (what `git show` takes)."""
    if error.path is None or error.path not in shown:
        return error
    return PolicyError(error.message, shown[error.path], error.line, error.column, error.hint)


def _located(error: PolicyError, origin: Origin) -> PolicyError:
    if error.path is not None:
        return error
    return PolicyError(error.message, origin.path, origin.line, origin.column, error.hint)


class PolicyErrors(PolicyError):
    """Several policy errors found in one pass; each is printed on its own line."""

    def __init__(self, errors: Sequence[PolicyError]) -> None:
        first = errors[0]
        super().__init__(first.message, first.path, first.line, first.column, first.hint)
        self.errors = list(errors)

    def __str__(self) -> str:
        return "\n".join(PolicyError.__str__(e) for e in self.errors)


def load_with_documents(
    sources: Sequence[str | Document], display_root: Path | None = None
) -> tuple[Policy, list[Document]]:
    """The policy in force and every document it was built from."""
    loader = Loader(display_root)
    for source in sources:
        try:
            doc = read_document(source, None, display_root) if isinstance(source, str) else source
        except PolicyError as e:
            loader.errors.append(e)
            continue
        loader.apply(doc)
    return loader.build(), loader.documents


def load_policy(sources: Sequence[str | Document], display_root: Path | None = None) -> Policy:
    """Load and merge policies (refs or documents, applied in order) into the policy in force."""
    return load_with_documents(sources, display_root)[0]
