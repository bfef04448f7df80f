"""GitHub Actions workflow commands, written so that untrusted text cannot forge one.

- `command("error", {"file": F, "line": L, "title": T}, message)` builds
  `::error file=F,line=L,title=T::message` with GitHub's escaping: in the
  message `%` -> `%25`, CR -> `%0D`, LF -> `%0A`; in property values the same
  plus `:` -> `%3A` and `,` -> `%2C`. Other control characters are made visible.
- `stop_commands(lines, token)` wraps text that must be shown verbatim (a PR
  body, file names, messages) in `::stop-commands::TOKEN` ... `::TOKEN::`, so
  the runner executes no command found in it; the token is random per run.
- `write_outputs(path, values)` appends to `$GITHUB_OUTPUT` with a random
  heredoc delimiter for each value, so a value cannot close it early.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from clearance.textsafe import clean

_LINE_BREAK = re.compile("(\r|\n)")


def new_token() -> str:
    """A token nobody can guess in advance, for stop-commands and heredocs."""
    return secrets.token_hex(16)


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped, other controls made visible."""
    safe = "".join(part if part in "\r\n" else clean(part) for part in _LINE_BREAK.split(text))
    return safe.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as a message, plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: Mapping[str, object | None], message: str) -> str:
    """One workflow command line; properties that are None are left out."""
    props = ",".join(f"{key}={escape_property(str(value))}"
                     for key, value in properties.items() if value is not None and value != "")
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def stop_commands(lines: Iterable[str], token: str) -> list[str]:
    """Untrusted lines, between a stop and a resume that only the token holder can write."""
    body = [line for text in lines for line in text.splitlines()]
    if any(token in line for line in body):
        raise ValueError("the stop-commands token appears in the text it guards")
    return [f"::stop-commands::{token}", *body, f"::{token}::"]


def output_block(name: str, value: str, delimiter: str | None = None) -> str:
    """`name<<DELIM`, the value, `DELIM`: one `$GITHUB_OUTPUT` entry."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name):
        raise ValueError(f"not an output name: {name!r}")
    delim = delimiter or f"ghadelimiter_{new_token()}"
    while delim in value:
        delim = f"ghadelimiter_{new_token()}"
    return f"{name}<<{delim}\n{value}\n{delim}\n"


def write_outputs(path: Path, values: Mapping[str, str]) -> None:
    """Append step outputs to the `$GITHUB_OUTPUT` file."""
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        for name, value in values.items():
            handle.write(output_block(name, value))
