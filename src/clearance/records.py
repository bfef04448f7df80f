"""Typed records that cost a commit hook nothing to define.

`Record` is `typing.NamedTuple` without its cost at start-up (8.7 ms at the
commit stage, docs/architecture.md): `typing.NamedTuple` needs the `typing`
module (several milliseconds to import) and turns every field annotation into
a compiled `ForwardRef` when the class is made; a commit hook defines a dozen
such classes. Here the type checker sees
`typing.NamedTuple` itself, while at run time the class statement builds a
plain `collections.namedtuple` with the same fields, defaults, methods and
properties. Annotations stay strings (every module uses
`from __future__ import annotations`), so nothing evaluates them.

Modules on the commit path also guard their typing-only imports with a local
`TYPE_CHECKING = False`, which type checkers treat as `typing.TYPE_CHECKING`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    from collections import namedtuple

    _CLASS_KEYS = frozenset({"__module__", "__qualname__", "__annotations__"})

    class _RecordType(type):
        """Makes `class X(Record): ...` a `collections.namedtuple` class."""

        def __new__(mcs, name, bases, namespace):
            if "__classcell__" in namespace:
                raise TypeError(f"{name}: a record's methods cannot use super() or __class__")
            annotations = dict(namespace.get("__annotations__", {}))
            fields = tuple(annotations)
            defaults = [namespace[f] for f in fields if f in namespace]
            if any(f not in namespace for f in fields[len(fields) - len(defaults):]):
                raise TypeError(f"{name}: a field without a default follows one with a default")
            record = namedtuple(name, fields, defaults=defaults, module=namespace.get("__module__"))
            record.__qualname__ = namespace.get("__qualname__", name)
            record.__annotations__ = annotations
            for key, value in namespace.items():
                if key not in _CLASS_KEYS and key not in annotations:
                    setattr(record, key, value)
            return record

    Record = type.__new__(_RecordType, "Record", (), {})

__all__ = ["Record"]
