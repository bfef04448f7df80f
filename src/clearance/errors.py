"""The one error tree of clearance.

`UsageError` and `PolicyError` are configuration errors: the command line
prints them as one line and exits 2. `EvidenceError` is raised by evidence
readers; the engine records it as an `error` verdict for the rules that
needed the evidence, and the other rules still run.
"""

from __future__ import annotations


class ClearanceError(Exception):
    """Base of every error clearance raises on purpose."""

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint

    @property
    def where(self) -> str:
        """`path:line:column` as far as it is known, or an empty string."""
        parts = [p for p in (self.path, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class UsageError(ClearanceError):
    """The command line was used wrongly."""


class PolicyError(ClearanceError):
    """A policy file is broken: syntax, schema or meaning."""


class EvidenceError(ClearanceError):
    """Evidence could not be read; rules that need it get an `error` verdict."""


class GitError(EvidenceError):
    """A git command failed."""
