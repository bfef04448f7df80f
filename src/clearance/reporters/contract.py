"""The contract of an output format, checked by mypy on every member of `REPORTERS`.

Read by the type checker and the tests only: `FORMATS` assigns each
registered module to the protocol, and a test refuses a registry entry that
is missing here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from clearance.reporters import github, html, intoto, json_report, junit, markdown, sarif, text


class Reporter(Protocol):
    """What every output format's module provides."""

    @property
    def FILE_NAME(self) -> str | None:
        """The file name a front end gives this format when it picks one; None for formats
        that belong in a log (GitHub workflow commands)."""

    def render(self, doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
        """The results document in this format, from the document alone. Options a format
        may read: `verbose`, `color` (text), `token` (github), `max_bytes` (markdown)."""


class Chunked(Protocol):
    """What a format may provide besides: its text in pieces, which a file is written from as
    they come (`outputs.write_atomic`) rather than held whole."""

    def chunks(self, doc: Mapping[str, Any], options: Mapping[str, Any]) -> Iterable[str]:
        """The pieces of `render(doc, options)`, in order."""


CHUNKED: dict[str, Chunked] = {"json": json_report}

FORMATS: dict[str, Reporter] = {
    "text": text,
    "json": json_report,
    "sarif": sarif,
    "junit": junit,
    "github": github,
    "markdown": markdown,
    "html": html,
    "intoto": intoto,
}
