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
from urllib.parse import urljoin, urlsplit

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


@dataclass(frozen=True)
class DatasetClauses:
    """The IRIs of a query's `FROM` and `FROM NAMED` clauses (Query §13.2), resolved."""

    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


def dataset_clauses(text: str) -> DatasetClauses | None:
    """The graphs a query's own dataset clauses name; None when there are none, or when an
    IRI cannot be read here for certain (escapes, an unknown prefix, a relative IRI without
    BASE): the query then goes as it is, and the evaluator reads it.

    A remote server given these as `default-graph-uri` / `named-graph-uri` (Protocol §2.1.4:
    they replace FROM, here with the same graphs) evaluates the same dataset whatever its own
    default; Oxigraph server with `--union-default-graph` would otherwise ignore FROM.
    """
    tokens = list(_tokens(text))
    base: str | None = None
    prefixes: dict[str, str] = {}
    default: list[str] = []
    named: list[str] = []
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "word" and value == "BASE" and i + 1 < len(tokens):
            base = _iri(tokens[i + 1], base, prefixes)
            if base is None:
                return None
            i += 2
        elif kind == "word" and value == "PREFIX" and i + 2 < len(tokens):
            name, iri = tokens[i + 1], _iri(tokens[i + 2], base, prefixes)
            if name[0] != "pname" or not name[1].endswith(":") or iri is None:
                return None
            prefixes[name[1][:-1]] = iri
            i += 3
        elif kind == "word" and value == "FROM":
            target = (
                named if i + 1 < len(tokens) and tokens[i + 1] == ("word", "NAMED") else default
            )
            i += 2 if target is named else 1
            iri = _iri(tokens[i], base, prefixes) if i < len(tokens) else None
            if iri is None:
                return None
            target.append(iri)
            i += 1
        else:
            i += 1
    if not default and not named:
        return None
    return DatasetClauses(tuple(default), tuple(named))


def _iri(token: tuple[str, str], base: str | None, prefixes: dict[str, str]) -> str | None:
    """An IRIREF or prefixed name as an absolute IRI; None when not certain."""
    kind, value = token
    if "\\" in value:
        return None
    if kind == "iri":
        iri = value[1:-1]
        if urlsplit(iri).scheme:
            return iri
        return urljoin(base, iri) if base is not None else None
    if kind == "pname":
        prefix, _, local = value.partition(":")
        namespace = prefixes.get(prefix)
        return namespace + local if namespace is not None else None
    return None


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """Bare words (upper-cased), IRIREFs and prefixed names, in order; the rest is skipped as
    `_keywords` skips it."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            while i < n and text[i] not in "\r\n":
                i += 1
        elif char == "<":
            iri = _IRIREF.match(text, i)
            if iri:
                yield "iri", iri.group()
            i = iri.end() if iri else i + 1
        elif char in "\"'":
            i = _skip_string(text, i)
        elif char in "?$@":
            i += 1
            while i < n and (text[i].isalnum() or text[i] in "_-"):
                i += 1
        elif _is_word_char(char):
            start = i
            while i < n and _is_word_char(text[i]):
                i += 1
            word = text[start:i]
            if ":" in word:
                yield "pname", word
            elif word.isascii() and word.isalpha():
                yield "word", word.upper()
        else:
            i += 1


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
    """The bare words of `text`, upper-cased, in order (variables, language tags, IRIs,
    prefixed names, strings and comments are not keywords)."""
    return (value for kind, value in _tokens(text) if kind == "word")


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
