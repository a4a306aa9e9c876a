"""A look at a SPARQL request's keywords before anything evaluates it.

Oxigraph evaluates `SERVICE` by fetching the remote endpoint as soon as the query starts, so a
federated query has to be refused before it reaches the store; and a clear "updates are not
accepted" needs the update's first keyword, which Oxigraph's query parser only reports as
"expected CONSTRUCT". The scanner follows the SPARQL 1.1 grammar's terminals (Query §19.8):
strings, IRIs, comments, variables and prefixed names are skipped, bare words are keywords.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

# SPARQL 1.1 Query §19.8 IRIREF; `\` is allowed because Oxigraph reads \u escapes in IRIs.
_IRIREF = re.compile(r'<[^<>"{}|^`\x00-\x20]*>')
# §19.2 codepoint escapes; decoded for a second, more suspicious scan.
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PROLOGUE = frozenset({"BASE", "PREFIX"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
"""Keywords that open a SPARQL 1.1 Update operation (Update §3)."""


class QueryForm(Enum):
    """What a request asks for; decides which result formats can answer it."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"
    UPDATE = "UPDATE"

    @property
    def returns_graph(self) -> bool:
        return self is QueryForm.CONSTRUCT or self is QueryForm.DESCRIBE


@dataclass(frozen=True)
class QueryShape:
    """What the keywords say about a request; None form when they do not start a query."""

    form: QueryForm | None
    first_keyword: str | None
    uses_service: bool
    has_dataset_clause: bool


def inspect_query(text: str) -> QueryShape:
    """Classify `text` by its keywords; never raises, whatever the text."""
    keywords = list(_keywords(text))
    # A second scan with \u escapes decoded first, as §19.2 allows a processor to do: a
    # SERVICE hidden behind escapes is refused too, whichever reading Oxigraph makes.
    decoded = _CODEPOINT_ESCAPE.sub(_decode_escape, text)
    suspicious = list(_keywords(decoded)) if decoded != text else keywords
    first = next((k for k in keywords if k not in _PROLOGUE), None)
    form: QueryForm | None = None
    if first in UPDATE_KEYWORDS:
        form = QueryForm.UPDATE
    elif first is not None and first in QueryForm.__members__:
        form = QueryForm[first]
    return QueryShape(
        form=form,
        first_keyword=first,
        uses_service="SERVICE" in keywords or "SERVICE" in suspicious,
        has_dataset_clause="FROM" in keywords,
    )


def _decode_escape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    try:
        return chr(code)
    except ValueError:  # beyond U+10FFFF: the parser will refuse it anyway
        return "\ufffd"


def _is_word_char(char: str) -> bool:
    # PN_CHARS, plus what prefixed names add (`:`, `.`, `%xx`, `\` escapes) so that
    # `ex:SERVICE` or `service:x` stays one word and is not mistaken for the keyword.
    return char.isalnum() or char in "_-.:%\\"


def _keywords(text: str) -> Iterator[str]:
    """The bare words of `text`, upper-cased, in order."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            while i < n and text[i] not in "\r\n":
                i += 1
        elif char == "<":
            iri = _IRIREF.match(text, i)
            i = iri.end() if iri else i + 1  # not an IRI: the `<` or `<=` operator
        elif char in "\"'":
            i = _skip_string(text, i)
        elif char in "?$@":
            # Variables (§19.8 VAR1/VAR2) and language tags (LANGTAG) are not keywords.
            i += 1
            while i < n and (text[i].isalnum() or text[i] in "_-"):
                i += 1
        elif _is_word_char(char):
            start = i
            while i < n and _is_word_char(text[i]):
                i += 1
            word = text[start:i]
            if word.isascii() and word.isalpha():
                yield word.upper()
        else:
            i += 1


def _skip_string(text: str, start: int) -> int:
    """The index just past the string literal at `start` (§19.8 STRING_LITERAL*)."""
    quote = text[start]
    n = len(text)
    if text.startswith(quote * 3, start):
        i = start + 3
        while i < n:
            if text[i] == "\\":
                i += 2
            elif text.startswith(quote * 3, i):
                return i + 3
            else:
                i += 1
        return n
    i = start + 1
    while i < n:
        if text[i] == "\\":
            i += 2
        elif text[i] == quote:
            return i + 1
        elif text[i] in "\r\n":  # a short string cannot span lines: the parser will refuse it
            return i
        else:
            i += 1
    return n
