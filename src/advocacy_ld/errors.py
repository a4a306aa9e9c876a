"""The library's one exception tree.

Every error a caller can act on is an `AdvocacyLDError` carrying data, not only a message, so the
CLI and the web layer can map it to an exit code or an HTTP status without parsing text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advocacy_ld.validation.report import ValidationReport


_LOCATION = re.compile(r"line (\d+) column (\d+)")
"""Where parsers that give no position attributes say it in their message."""


class AdvocacyLDError(Exception):
    """Base of every error raised on purpose by advocacy-ld."""


class InputError(AdvocacyLDError):
    """The input could not be read as RDF; nothing was stored."""


@dataclass
class SyntaxErrorLocation:
    """Where in a document the parser stopped (1-based line and column)."""

    line: int | None
    column: int | None


class RDFSyntaxError(InputError):
    """Malformed Turtle, JSON-LD, N-Triples or RDF/XML."""

    def __init__(self, source: str, reason: str, line: int | None, column: int | None) -> None:
        self.source = source
        self.reason = reason
        self.location = SyntaxErrorLocation(line, column)
        super().__init__(self.describe())

    @classmethod
    def from_parser(cls, error: SyntaxError, source: str, first_line: int = 1) -> RDFSyntaxError:
        """pyoxigraph's (or any parser's) error, keeping its reason and location; the line and
        column come from the error or its message. `first_line`: the line of the whole input
        the parsed text started at, when it was a block of it."""
        message = str(error.msg) if error.msg else str(error)
        line, column = error.lineno, error.offset
        match = _LOCATION.search(message)
        if line is None and match:
            line, column = int(match.group(1)), int(match.group(2))
        reason = message.split(": ", 1)[1] if message.startswith("Parser error") else message
        return cls(source, reason, None if line is None else line + first_line - 1, column)

    def describe(self) -> str:
        """Render as `file:line:column: reason`, the form editors jump to."""
        where = self.source
        if self.location.line is not None:
            where += f":{self.location.line}"
            if self.location.column is not None:
                where += f":{self.location.column}"
        return f"{where}: {self.reason}"


class UnsupportedFormatError(InputError):
    """The media type or file extension names no RDF syntax we read."""


class RemoteContextRefusedError(InputError):
    """A JSON-LD document names a context we would have to fetch; we never fetch."""

    def __init__(self, source: str, context: str) -> None:
        self.source = source
        self.context = context
        super().__init__(
            f"{source}: refusing remote JSON-LD context {context!r}; only the project context "
            "is resolved (locally) and inline contexts are accepted"
        )


class UnsafeInputError(InputError):
    """The document uses a feature we refuse (XML DOCTYPE or entity declarations)."""


class RecordError(AdvocacyLDError):
    """A graph does not form a record: no root, several roots, or IRIs outside the base."""


class RecordInvalidError(AdvocacyLDError):
    """A record breaks the shapes (at least one sh:Violation); it was not stored."""

    def __init__(self, record: str, report: ValidationReport) -> None:
        self.record = record
        self.report = report
        super().__init__(f"{record}: {report.violation_count} violation(s) of the shapes")


class StoreError(AdvocacyLDError):
    """The store refused or failed an operation."""


class BatchNotStoredError(StoreError):
    """The archive transaction of a batch of records failed: none of them was stored."""

    def __init__(self, records: list[str], cause: Exception) -> None:
        self.records = records
        self.cause = cause
        super().__init__(f"{len(records)} record(s) not stored, from {records[0]} on: {cause}")


class QueryError(AdvocacyLDError):
    """A SPARQL query could not be parsed or evaluated."""


class RepositoryNotEmptyError(AdvocacyLDError):
    """A restore was asked of a repository that holds something; nothing was changed."""

    def __init__(self, held: dict[str, int]) -> None:
        self.held = held
        """What is there already, by place: e.g. {"archive graphs": 12, "public graphs": 3}."""
        what = ", ".join(f"{count} {place}" for place, count in held.items())
        super().__init__(
            f"the repository is not empty ({what}): restore only into an empty one "
            "(a new data directory, or empty stores)"
        )


class NotAnArchiveError(InputError):
    """The file parses, but is not an archive export this deployment can restore."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class RestoreFailedError(StoreError):
    """Loading an archive failed part way; the stores were emptied again (`emptied`), as they
    were before, unless emptying them failed too."""

    def __init__(self, stage: str, cause: BaseException, emptied: bool) -> None:
        self.stage = stage
        self.cause = cause
        self.emptied = emptied
        after = (
            "both stores were emptied again, as they were before"
            if emptied
            else "emptying the stores failed as well: empty them before trying again"
        )
        super().__init__(f"restoring failed while {stage}: {cause}; {after}")
