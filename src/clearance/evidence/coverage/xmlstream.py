"""XML coverage reports, streamed through defusedxml.

Entity declarations are refused (billion laughs, external entities), a DTD
named by the DOCTYPE is never fetched (expat does not load external subsets;
defusedxml refuses external references should it try), and the reader sees
`start`/`end` events one at a time so that it can clear elements as it goes.
Every failure is an `EvidenceError` naming the file, and the line and column
when the parser knows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from clearance.errors import EvidenceError
from clearance.evidence.inputs import InputRecord, open_stream

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from clearance.evidence.context import Evidence

_POSITION = re.compile(r":\s*line \d+, column \d+$")


def local(tag: str) -> str:
    """A tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


class XmlEvents:
    """Iterate `(event, element)` of one report; `record` is set at the end."""

    def __init__(self, evidence: Evidence, path: str, roots: tuple[str, ...], kind: str) -> None:
        self.evidence = evidence
        self.path = path
        self.roots = roots
        self.kind = kind
        self.record: InputRecord | None = None

    def __iter__(self) -> Iterator[tuple[str, Element]]:
        import xml.etree.ElementTree as ET

        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import iterparse

        stream = open_stream(self.evidence.files, self.path)
        try:
            events = iterparse(stream, events=("start", "end"), forbid_dtd=False,
                               forbid_entities=True, forbid_external=True)
            yield self._root(next(events))
            yield from events
            self.record = stream.finish()
        except ET.ParseError as e:
            raise self._parse_error(e, stream.size) from e
        except DefusedXmlException as e:
            raise EvidenceError(_refusal(e), self.path,
                                hint="coverage reports never need entities; regenerate the file") from e
        finally:
            stream.close()
        self.evidence.note(self.record)

    def _root(self, first: tuple[str, Element]) -> tuple[str, Element]:
        tag = local(first[1].tag)
        if tag not in self.roots:
            raise EvidenceError(f"not a {self.kind} report: the root element is <{tag}>", self.path)
        return first

    def _parse_error(self, error: SyntaxError, size: int) -> EvidenceError:
        if size == 0:
            return EvidenceError("the file is empty", self.path,
                                 hint="check that the step writing the report succeeded")
        line, column = getattr(error, "position", (None, None))
        detail = _POSITION.sub("", str(error))
        return EvidenceError(f"not well-formed XML ({detail}); the report may be truncated",
                             self.path, line, None if column is None else column + 1)


def _refusal(error: Exception) -> str:
    name = getattr(error, "name", None)
    system_id = getattr(error, "sysid", None) or getattr(error, "system_id", None)
    if system_id:
        return (f"external entity '{name}' ({system_id}) refused: nothing was fetched "
                "and the file was not read")
    if name:
        return f"XML entity declaration '{name}' refused (entity expansion attack?); the file was not read"
    return f"unsafe XML refused: {type(error).__name__}"
