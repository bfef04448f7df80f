"""Stream an XML report through defusedxml's protections at the speed of expat.

defusedxml's `iterparse` drives expat through ElementTree's pure-Python
parser and builds an element per tag, which costs seconds on a 200,000-line
report. Here defusedxml's own `DefusedXMLParser` configures the expat parser
(entity declarations refused, so no billion laughs; external entities refused;
external DTDs are never loaded by expat), and the reader's `start` and `end`
callbacks are attached to that expat parser directly: no element objects, no
tree, memory flat whatever the size. Every failure is an `EvidenceError`
naming the file, and the line and column when expat knows them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from clearance.errors import EvidenceError
from clearance.evidence.inputs import HashingReader, InputRecord, open_stream

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

CHUNK = 1 << 16
# Text outside the elements a handler asks for goes to a C builtin that does
# nothing with it: cheaper than a Python no-op, and it does not fall through to
# ElementTree's Python default handler.
_IGNORE = len


class TextCapture:
    """Collects the text of one element at a time, for handlers that need text."""

    def __init__(self) -> None:
        self.expat: Any = None
        self.parts: list[str] = []

    def begin(self) -> None:
        self.parts = []
        self.expat.CharacterDataHandler = self.parts.append

    def finish(self) -> str:
        self.expat.CharacterDataHandler = _IGNORE
        return "".join(self.parts)


class XmlHandler(Protocol):
    """What a streaming reader implements; tags come without their namespace.

    A handler that needs an element's text holds a `TextCapture` as `text`
    and calls `text.begin()` in `start` and `text.finish()` in `end`.
    """

    def start(self, tag: str, attrs: dict[str, str]) -> None: ...

    def end(self, tag: str) -> None: ...


class _NullTarget:
    def start(self, tag: str, attrs: dict[str, str]) -> None:
        return None

    def end(self, tag: str) -> None:
        return None

    def data(self, data: str) -> None:
        return None

    def close(self) -> None:
        return None


def local(tag: str) -> str:
    """A tag without its namespace (expat reports `uri}name`)."""
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag


def _guarded_expat() -> Any:
    from defusedxml.ElementTree import DefusedXMLParser

    guard = DefusedXMLParser(target=_NullTarget(), forbid_dtd=False, forbid_entities=True,
                             forbid_external=True)
    expat = guard.parser
    expat.ordered_attributes = False
    expat.buffer_text = True
    expat.CharacterDataHandler = _IGNORE
    return expat


class _Driver:
    """Connects one handler to one expat parser and checks the root element.

    Without namespaces (the usual case) the handler's methods become expat's
    callbacks directly; with them, a thin wrapper strips the namespace.
    """

    def __init__(self, handler: XmlHandler, roots: tuple[str, ...], kind: str, path: str) -> None:
        self.handler = handler
        self.roots = roots
        self.kind = kind
        self.path = path
        self.expat = _guarded_expat()
        capture = getattr(handler, "text", None)
        if isinstance(capture, TextCapture):
            capture.expat = self.expat
        self.expat.StartElementHandler = self._first

    def _first(self, tag: str, attrs: dict[str, str]) -> None:
        name = local(tag)
        if name not in self.roots:
            raise EvidenceError(f"not a {self.kind} report: the root element is <{name}>", self.path)
        if "}" in tag:
            self.expat.StartElementHandler = self._start_local
            self.expat.EndElementHandler = self._end_local
        else:
            self.expat.StartElementHandler = self.handler.start
            self.expat.EndElementHandler = self.handler.end
        self.handler.start(name, attrs)

    def _start_local(self, tag: str, attrs: dict[str, str]) -> None:
        self.handler.start(local(tag), attrs)

    def _end_local(self, tag: str) -> None:
        self.handler.end(local(tag))

    def feed(self, stream: HashingReader) -> None:
        parse: Callable[[bytes, bool], Any] = self.expat.Parse
        while chunk := stream.read(CHUNK):
            parse(chunk, False)
        parse(b"", True)


def stream_xml(evidence: Evidence, path: str, handler: XmlHandler, roots: tuple[str, ...],
               kind: str, hint: str) -> InputRecord:
    """Feed one report to a handler; return its input record (also noted as evidence)."""
    stream = open_stream(evidence.files, path)
    try:
        _Driver(handler, roots, kind, path).feed(stream)
    except EvidenceError:
        _note_rest(evidence, stream)
        raise
    except Exception as e:  # expat errors, defusedxml's refusals, bad numbers in attributes
        _note_rest(evidence, stream)
        raise _explain(e, path, stream.size, kind, hint) from e
    record = stream.finish()
    evidence.note(record)
    return record


def _note_rest(evidence: Evidence, stream: HashingReader) -> None:
    """Record a broken report too, so that the results name what was refused."""
    try:
        evidence.note(stream.finish())
    except EvidenceError:
        stream.close()


def _explain(error: Exception, path: str, size: int, kind: str, hint: str) -> EvidenceError:
    from xml.parsers.expat import ExpatError

    from defusedxml import DefusedXmlException

    if isinstance(error, DefusedXmlException):
        return EvidenceError(_refusal(error), path,
                             hint=f"{kind} reports never need entities; regenerate the file")
    if isinstance(error, ExpatError):
        if size == 0:
            return EvidenceError("the file is empty", path, 1, hint=hint)
        from xml.parsers.expat import ErrorString

        reason = ErrorString(error.code) if error.code else str(error)
        return EvidenceError(f"not well-formed XML ({reason}); the report may be truncated",
                             path, error.lineno, error.offset + 1, hint=hint)
    if isinstance(error, KeyError):
        return EvidenceError(f"an element lacks its required attribute {error}", path, hint=hint)
    if isinstance(error, ValueError):
        return EvidenceError(f"an attribute that must be a number is not ({error})", path)
    return EvidenceError(f"cannot read the {kind} report: {type(error).__name__}: {error}", path)


def _refusal(error: Exception) -> str:
    name = getattr(error, "name", None)
    system_id = getattr(error, "sysid", None) or getattr(error, "system_id", None)
    if system_id:
        return (f"external entity '{name}' ({system_id}) refused: nothing was fetched "
                "and the file was not read")
    if name:
        return f"XML entity declaration '{name}' refused (entity expansion attack?); the file was not read"
    return f"unsafe XML refused: {type(error).__name__}"
