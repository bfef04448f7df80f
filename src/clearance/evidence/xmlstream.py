"""Stream an XML report through defusedxml's protections at the speed of expat.

defusedxml's `iterparse` drives expat through ElementTree's pure-Python
parser and builds an element per tag, which costs seconds on a 200,000-line
report. Here defusedxml's own `DefusedXMLParser` configures the expat parser
(entity declarations refused, so no billion laughs; external entities refused;
external DTDs are never loaded by expat), and the reader's `start` and `end`
callbacks are attached to that expat parser directly: no element objects, no
tree, memory flat whatever the size. Every failure is an `EvidenceError`
naming the file, and the line and column when expat knows them.

A report of a few hundred thousand `<line .../>` elements costs one Python call
per expat event, so a handler may read such runs of leaf elements through a
`LeafRun`: one call per element instead of two, and attributes handed over in
batches for bulk conversion.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any, Protocol

from clearance.errors import EvidenceError
from clearance.evidence.inputs import HashingReader, InputRecord, open_stream

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

CHUNK_BYTES = 1 << 16  # handed to expat at a time
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


def attributes(flat: list[str]) -> dict[str, str]:
    """expat's ordered attributes, `[name, value, name, value, ...]`, as a dict."""
    return dict(zip(flat[::2], flat[1::2], strict=True))


class LeafRun:
    """Reads runs of many small elements (Cobertura's `<line/>`s) from their start tags alone.

    expat reports an empty element as a start and an end event: two Python calls
    where one would do. A handler holding a `LeafRun` as `run` may call
    `enter(tag)` in `start` for an element whose children are mostly leaves
    named `collect`. Until the run ends, those leaves' attributes are gathered,
    as expat's flat `[name, value, name, value, ...]` lists (no dict built), and
    handed to `sink` in batches: after each chunk of input and when the run ends.
    Leaves named `skip` are passed over. Any other start tag ends the run first
    and reaches the handler's `start` as usual; so does any end tag of an element
    that is neither collected nor skipped (`</lines>`).

    Within a run, no end event is delivered for an empty collected or skipped
    element (`<line .../>`); every other end event reaches the handler's `end`.
    The end tags come through expat's default handler while no end handler is
    set; everything else the default handler sees still goes to defusedxml's
    (an undefined entity is still refused). Nothing changes in a document with
    namespaces, or for a tag with one: `enter` then does nothing.
    """

    def __init__(self, collect: str, skip: Collection[str], sink: Callable[[list[list[str]]], None]) -> None:
        self.collect = collect
        self.skip = frozenset(skip)
        self.sink = sink
        self.rows: list[list[str]] = []
        self.active = False
        self._expat: Any = None
        self._handler: XmlHandler | None = None
        self._start: Callable[[str, list[str]], None] | None = None
        self._saved: tuple[Any, Any, Any] = (None, None, None)

    def connect(self, expat: Any, handler: XmlHandler) -> None:
        """Called by the driver once the root shows that tags come without namespaces."""
        self._expat = expat
        self._handler = handler
        self._start = self._start_function()

    def enter(self, tag: str) -> None:
        """Read the children of the element just started (`tag`) as a run."""
        expat = self._expat
        if expat is None or self.active or "}" in tag:
            return
        self._saved = (expat.StartElementHandler, expat.EndElementHandler, expat.DefaultHandlerExpand)
        expat.ordered_attributes = True
        # Until the first child starts, an end event can only be the element's own:
        # it was empty (`<lines/>`), and the run ends with it.
        expat.StartElementHandler = self._first_child
        expat.EndElementHandler = self._childless
        expat.DefaultHandlerExpand = self._default
        self.active = True

    def _first_child(self, tag: str, attrs: list[str]) -> None:
        self._expat.StartElementHandler = self._start
        self._expat.EndElementHandler = None  # ends of empty elements are then not reported at all
        assert self._start is not None
        self._start(tag, attrs)

    def _childless(self, tag: str) -> None:
        self.leave()
        assert self._handler is not None
        self._handler.end(tag)

    def leave(self) -> None:
        """End the run: restore the handler's callbacks, then hand over what was gathered."""
        if not self.active:
            return
        expat = self._expat
        expat.StartElementHandler, expat.EndElementHandler, expat.DefaultHandlerExpand = self._saved
        expat.ordered_attributes = False
        self.active = False
        self.flush()

    def flush(self) -> None:
        """Hand over the attributes gathered so far (the driver calls this after each chunk)."""
        if self.rows:
            try:
                self.sink(self.rows)
            finally:
                self.rows.clear()  # in place: the start function appends to this list

    def _start_function(self) -> Callable[[str, list[str]], None]:
        collect, skip, append = self.collect, self.skip, self.rows.append

        def start(tag: str, attrs: list[str]) -> None:
            if tag == collect:  # the hot path: one call per leaf, nothing built
                append(attrs)
            elif tag not in skip:
                self._interrupt(tag, attrs)

        return start

    def _interrupt(self, tag: str, attrs: list[str]) -> None:
        self.leave()
        assert self._handler is not None
        self._handler.start(tag, attributes(attrs))

    def _default(self, text: str) -> None:
        if text.startswith("</"):
            # Within a run every open element has a name without a namespace (any
            # other ends the run), so its end tag is `</name>` or `</name >`.
            tag = text[2:-1].strip()
            if tag != self.collect and tag not in self.skip:
                self.leave()
            assert self._handler is not None
            self._handler.end(tag)
        else:
            self._saved[2](text)


class XmlHandler(Protocol):
    """What a streaming reader implements; tags come without their namespace.

    A handler that needs an element's text holds a `TextCapture` as `text`
    and calls `text.begin()` in `start` and `text.finish()` in `end`; one that
    reads long runs of leaf elements holds a `LeafRun` as `run`.
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

    def __init__(self, handler: XmlHandler, roots: tuple[str, ...], kind: str, path: str,
                 leaf_runs: bool) -> None:
        self.handler = handler
        self.roots = roots
        self.kind = kind
        self.path = path
        self.expat = _guarded_expat()
        capture = getattr(handler, "text", None)
        if isinstance(capture, TextCapture):
            capture.expat = self.expat
        run = getattr(handler, "run", None)
        self.run = run if leaf_runs and isinstance(run, LeafRun) else None
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
            if self.run is not None:
                self.run.connect(self.expat, self.handler)
        self.handler.start(name, attrs)

    def _start_local(self, tag: str, attrs: dict[str, str]) -> None:
        self.handler.start(local(tag), attrs)

    def _end_local(self, tag: str) -> None:
        self.handler.end(local(tag))

    def feed(self, stream: HashingReader, chunk_bytes: int) -> None:
        parse: Callable[[bytes, bool], Any] = self.expat.Parse
        run = self.run
        if run is None:
            while chunk := stream.read(chunk_bytes):
                parse(chunk, False)
            parse(b"", True)
            return
        # A run's batch is handed over after every chunk, so that memory stays
        # flat, and before an error in the chunk is raised, so that a bad
        # attribute read before the error is reported first, as it would be
        # without the batching.
        while chunk := stream.read(chunk_bytes):
            try:
                parse(chunk, False)
            finally:
                run.flush()
        try:
            parse(b"", True)
        finally:
            run.flush()


def stream_xml(evidence: Evidence, path: str, handler: XmlHandler, roots: tuple[str, ...],
               kind: str, hint: str, *, chunk_bytes: int = CHUNK_BYTES,
               leaf_runs: bool = True) -> InputRecord:
    """Feed one report to a handler, `chunk_bytes` at a time; return its input record (also
    noted as evidence). With `leaf_runs` False, a handler's `LeafRun` is never connected:
    every element comes through `start` and `end`, one at a time."""
    stream = open_stream(evidence.files, path)
    try:
        _Driver(handler, roots, kind, path, leaf_runs).feed(stream, chunk_bytes)
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
