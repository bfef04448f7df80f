"""Code owners as GitHub reads them: the CODEOWNERS file of the base revision.

GitHub takes the file from the pull request's base branch, so that a change
cannot name its own reviewers; clearance reads it from the base revision's
git objects for the same reason (at the commit stages the base is HEAD), never
from the working tree. The rules follow GitHub's "About code owners" page:

- the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` found is
  used; a file of 3 MB or more is not loaded by GitHub, and is an error here;
- each line is a pattern and its owners: `@user`, `@org/team` or an e-mail
  address; `#` starts a comment, at the start of a line or after the pattern;
- patterns follow gitignore (`*`, `?`, `**`, a leading `/` anchors at the
  root, a trailing `/` matches folders, a `/` inside anchors too), except that
  `!` negation, `[ ]` ranges and escaping a leading `#` with `\\` do not work:
  such a line, or one with an owner that is none of the three forms, is
  skipped, as GitHub skips a line with invalid syntax;
- a pattern ending in `/*` matches the files directly in that folder, not
  deeper ones (GitHub's `docs/*` example); any other pattern matching a folder
  matches everything under it;
- paths are case sensitive; the last matching line decides, and a matching
  line without owners leaves the file without any.

Teams are resolved to their members through the REST API
(`GET /orgs/{org}/teams/{team_slug}/members`), which needs a token; users
need none, and e-mail addresses cannot be resolved to logins at all.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Mapping

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.git import SYMLINK
from clearance.evidence.github import api_get, has_token
from clearance.evidence.github_errors import TOKEN_HINT
from clearance.evidence.inputs import record_for
from clearance.evidence.pull_request import http_status
from clearance.records import Record

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
MAX_BYTES = 3 << 20  # "CODEOWNERS files must be under 3 MB in size"
FILE_MODES = ("100644", "100755")
USER = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?")  # `_`: managed users
TEAM = re.compile(r"@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/([A-Za-z0-9][A-Za-z0-9_.-]*)")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TEAMS_HINT = ("reading a team's members needs a token with the organization permission "
              "'Members: read' (a workflow's GITHUB_TOKEN has none: use a GitHub App or a "
              "fine-grained token)")


class Rule(Record):
    """One valid line: its pattern, owners (as written) and line number."""

    pattern: str
    owners: tuple[str, ...]
    line: int
    regex: re.Pattern[str]

    def matches(self, path: str) -> bool:
        return self.regex.fullmatch(path) is not None


class CodeOwners(Record):
    """The rules of one CODEOWNERS file; `source` is None when the revision has none."""

    source: str | None
    revision: str | None = None
    rules: tuple[Rule, ...] = ()
    skipped: tuple[tuple[int, str], ...] = ()  # (line, why) of each invalid line

    def rule_for(self, path: str) -> Rule | None:
        """The last rule matching a path (it decides), or None."""
        return next((rule for rule in reversed(self.rules) if rule.matches(path)), None)

    def owners_of(self, path: str) -> tuple[str, ...]:
        """The owners of a path as written (`@user`, `@org/team`, e-mail); () when none."""
        rule = self.rule_for(path)
        return rule.owners if rule is not None else ()


class Resolved(Record):
    """Owners resolved to logins: `members` maps each owner as written to its logins
    (a user to itself, a team to its members); `unresolved` lists e-mail addresses."""

    members: Mapping[str, tuple[str, ...]]
    unresolved: tuple[str, ...] = ()

    @property
    def logins(self) -> tuple[str, ...]:
        """Every login, once each, in the order found."""
        return tuple(dict.fromkeys(login for found in self.members.values() for login in found))

    def owns(self, login: str, owners: Iterable[str]) -> bool:
        """Whether a login is one of `owners` or a member of one of them (case-insensitive)."""
        wanted = login.lower()
        return any(wanted == found.lower() for owner in owners
                   for found in self.members.get(owner, ()))


# -- reading ---------------------------------------------------------------------

def code_owners(evidence: Evidence) -> CodeOwners:
    """The CODEOWNERS of the base revision (HEAD at the commit stages), read once per run;
    the file read is recorded as evidence (`REV:path`)."""
    return evidence.memo("codeowners", lambda: _read(evidence, evidence.base))


def _read(evidence: Evidence, base: str) -> CodeOwners:
    entries = _listing(evidence, base)
    for path in LOCATIONS:
        if path in entries:
            data = _content(evidence, base, path, entries[path])
            evidence.note(record_for(f"{base[:12]}:{path}", data, "git"))
            return parse(data.decode("utf-8", "replace"), path, base)
    return CodeOwners(None, base)


def _listing(evidence: Evidence, base: str) -> dict[str, tuple[str, str]]:
    """(mode, object id) of each CODEOWNERS location the revision holds as a file or link."""
    out = evidence.git.run("ls-tree", "-z", "--full-tree", base, "--", *LOCATIONS)
    found: dict[str, tuple[str, str]] = {}
    for entry in out.split(b"\0"):
        meta, _, raw = entry.partition(b"\t")
        fields = meta.decode().split()
        if len(fields) == 3 and fields[0] in (*FILE_MODES, SYMLINK):
            found[raw.decode("utf-8", "replace")] = (fields[0], fields[2])
    return found


def _content(evidence: Evidence, base: str, path: str, entry: tuple[str, str]) -> bytes:
    mode, object_id = entry
    where = f"{base[:12]}:{path}"
    if mode == SYMLINK:
        raise EvidenceError(f"{where} is a symbolic link; clearance does not follow it",
                            hint="make CODEOWNERS a regular file")
    data = evidence.git.read_objects([object_id]).get(object_id)
    if data is None:
        raise EvidenceError(f"git cannot read {where}", hint="fetch the base revision")
    if len(data) >= MAX_BYTES:
        raise EvidenceError(f"{where} is 3 MB or larger; GitHub does not load it",
                            hint="shorten it with wildcard patterns")
    return data


# -- parsing ---------------------------------------------------------------------

def parse(text: str, source: str | None = None, revision: str | None = None) -> CodeOwners:
    """The rules of a CODEOWNERS text; invalid lines are skipped, each with the reason."""
    rules: list[Rule] = []
    skipped: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        tokens = line.split()
        if not tokens or tokens[0].startswith("#"):
            continue
        pattern, owners = tokens[0], _owners(tokens[1:])
        why = _invalid(pattern, owners)
        if why:
            skipped.append((number, why))
        else:
            rules.append(Rule(pattern, tuple(owners), number, compile_pattern(pattern)))
    return CodeOwners(source, revision, tuple(rules), tuple(skipped))


def _owners(tokens: list[str]) -> list[str]:
    """The owner tokens before an inline comment."""
    owners: list[str] = []
    for token in tokens:
        if token.startswith("#"):
            break
        owners.append(token)
    return owners


def _invalid(pattern: str, owners: list[str]) -> str | None:
    """Why a line is skipped, or None when it is valid."""
    if pattern.startswith("!"):
        return "'!' negation does not work in CODEOWNERS"
    if pattern.startswith("\\#"):
        return "escaping a leading '#' does not work in CODEOWNERS"
    if re.search(r"(?<!\\)[\[\]]", pattern):
        return "'[ ]' character ranges do not work in CODEOWNERS"
    wrong = [o for o in owners if not (USER.fullmatch(o) or TEAM.fullmatch(o) or EMAIL.fullmatch(o))]
    return f"invalid owner {wrong[0]!r}" if wrong else None


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regular expression of a pattern, matched against a whole path."""
    folder_only = pattern.endswith("/")
    body = pattern.strip("/") if folder_only else pattern.lstrip("/")
    anchored = pattern.startswith("/") or "/" in body
    segments = body.split("/")
    text = ("" if anchored else "(?:.*/)?") + _segments(segments)
    if folder_only:
        tail = "/.*"  # only what lies inside a matching folder
    elif segments[-1] == "*":
        tail = ""  # `docs/*`: the files directly in the folder
    else:
        tail = "(?:/.*)?"  # the file itself, or everything in a matching folder
    return re.compile(text + tail, re.DOTALL)


def _segments(segments: list[str]) -> str:
    text = ""
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment == "**":
            text += ".*" if index == last else "(?:.*/)?"
        else:
            text += _glob(segment) + ("" if index == last else "/")
    return text


def _glob(segment: str) -> str:
    """One path segment: `*` and `?` within the segment, `\\x` the character x."""
    parts = re.findall(r"\\.|\*+|\?|.", segment, re.DOTALL)
    table = {"?": "[^/]"}
    return "".join("[^/]*" if p.startswith("*") else table.get(p) or re.escape(p[-1])
                   for p in parts)


# -- owners to logins ------------------------------------------------------------

def logins_of(evidence: Evidence, owners: Iterable[str]) -> Resolved:
    """Logins of `@user` and `@org/team` owners (team members through the API, which
    needs a token); e-mail addresses are listed as unresolved."""
    wanted = list(dict.fromkeys(owners))
    teams = [o for o in wanted if TEAM.fullmatch(o)]
    if teams and not has_token(evidence):
        raise EvidenceError(f"cannot resolve the team {teams[0]} named in CODEOWNERS: "
                            "teams are read through the GitHub API", hint=TOKEN_HINT)
    members: dict[str, tuple[str, ...]] = {}
    for owner in wanted:
        if TEAM.fullmatch(owner):
            members[owner] = team_members(evidence, owner)
        elif USER.fullmatch(owner):
            members[owner] = (owner[1:],)
    unresolved = tuple(o for o in wanted if o not in members)
    return Resolved(members, unresolved)


def team_members(evidence: Evidence, team: str) -> tuple[str, ...]:
    """The logins of a team's members (`@org/team-slug`), child teams included as GitHub
    lists them."""
    match = TEAM.fullmatch(team)
    if match is None:
        raise EvidenceError(f"not a team: {team!r}")
    org, slug = (urllib.parse.quote(part, safe="") for part in match.groups())
    try:
        found = api_get(evidence, f"/orgs/{org}/teams/{slug}/members", paged=True)
    except EvidenceError as e:
        refused = http_status(e) in (403, 404)  # a rate limit or a 5xx keeps its own advice
        raise EvidenceError(f"cannot read the members of {team} (CODEOWNERS): {e.message}",
                            hint=TEAMS_HINT if refused else e.hint) from e
    logins = (m.get("login") for m in found if isinstance(m, dict))
    return tuple(login for login in logins if isinstance(login, str))


# -- the owners of a change ------------------------------------------------------

class ChangeOwners(Record):
    """The owners of the changed files: `files` maps each changed path that has owners
    (deleted ones too) to them; `resolved` gives their logins."""

    codeowners: CodeOwners
    files: Mapping[str, tuple[str, ...]]
    resolved: Resolved

    def is_owner(self, login: str) -> bool:
        """Whether a login owns at least one changed file."""
        return any(self.resolved.owns(login, owners) for owners in self.files.values())

    def unapproved(self, approvers: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The owned files none of whose owners is among `approvers`."""
        people = list(approvers)
        return {path: owners for path, owners in self.files.items()
                if not any(self.resolved.owns(login, owners) for login in people)}


def change_owners(evidence: Evidence) -> ChangeOwners:
    """The code owners (CODEOWNERS at the base) of every file the change touches."""
    owners = code_owners(evidence)
    found = {change.path: owners.owners_of(change.path) for change in evidence.changes}
    files = {path: names for path, names in found.items() if names}
    resolved = logins_of(evidence, (name for names in files.values() for name in names))
    return ChangeOwners(owners, files, resolved)
