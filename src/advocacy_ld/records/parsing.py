"""Read RDF documents (Turtle, JSON-LD, N-Triples, RDF/XML) into small rdflib graphs.

Parsing goes through pyoxigraph: it reports the line and column of a syntax error and never
fetches anything (JSON-LD contexts are inlined beforehand, see `model.context`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import Graph

from advocacy_ld.errors import RDFSyntaxError, UnsafeInputError, UnsupportedFormatError
from advocacy_ld.model.context import inline_contexts
from advocacy_ld.model.namespaces import prefixed_graph
from advocacy_ld.store.terms import canonical_literals, triples_to_graph


class RDFSyntax(Enum):
    """The syntaxes a record may be written in, with their media type and extensions."""

    TURTLE = ("text/turtle", (".ttl",))
    JSON_LD = ("application/ld+json", (".jsonld", ".json"))
    N_TRIPLES = ("application/n-triples", (".nt",))
    RDF_XML = ("application/rdf+xml", (".rdf", ".owl", ".xml"))

    @property
    def media_type(self) -> str:
        media_type: str = self.value[0]
        return media_type

    @property
    def extensions(self) -> tuple[str, ...]:
        extensions: tuple[str, ...] = self.value[1]
        return extensions

    @classmethod
    def for_path(cls, path: Path) -> RDFSyntax:
        suffix = path.suffix.lower()
        for syntax in cls:
            if suffix in syntax.extensions:
                return syntax
        raise UnsupportedFormatError(f"{path}: no RDF syntax is known for '{suffix}' files")

    @classmethod
    def for_media_type(cls, media_type: str) -> RDFSyntax:
        bare = media_type.split(";", 1)[0].strip().lower()
        for syntax in cls:
            if bare == syntax.media_type:
                return syntax
        if bare == "application/json":
            return cls.JSON_LD
        raise UnsupportedFormatError(f"no RDF syntax is read for media type '{bare}'")


_OX_FORMATS = {
    RDFSyntax.TURTLE: ox.RdfFormat.TURTLE,
    RDFSyntax.JSON_LD: ox.RdfFormat.JSON_LD,
    RDFSyntax.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    RDFSyntax.RDF_XML: ox.RdfFormat.RDF_XML,
}

_XML_DECLARATIONS = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class ParseOptions:
    """How to read a document: its base IRI and the local JSON-LD context."""

    base_iri: str
    context: dict[str, Any]
    context_iris: frozenset[str] = frozenset()


def parse_document(data: bytes, syntax: RDFSyntax, source: str, options: ParseOptions) -> Graph:
    """Parse one document; raise `InputError` subclasses with the exact location on failure."""
    return triples_to_graph(parse_triples(data, syntax, source, options), prefixed_graph())


def parse_triples(
    data: bytes, syntax: RDFSyntax, source: str, options: ParseOptions
) -> list[ox.Quad]:
    """`parse_document`'s triples (default-graph quads), as the store keeps them."""
    if syntax is RDFSyntax.JSON_LD:
        data = _inline_jsonld_contexts(data, source, options)
    elif syntax is RDFSyntax.RDF_XML and _XML_DECLARATIONS.search(data):
        raise UnsafeInputError(
            f"{source}: RDF/XML with a DOCTYPE or entity declarations is refused"
        )
    try:
        quads = ox.parse(
            input=data,
            format=_OX_FORMATS[syntax],
            base_iri=options.base_iri,
            without_named_graphs=True,
        )
        triples = canonical_literals(quads)
    except SyntaxError as error:
        located = RDFSyntaxError.from_parser(error, source)
        if located.location.line is None and syntax is RDFSyntax.RDF_XML:
            located = _locate_xml_error(data, source, located)
        raise located from None
    except UnicodeDecodeError as error:
        raise RDFSyntaxError(source, f"not valid UTF-8 ({error.reason})", None, None) from None
    return triples


def parse_file(path: Path, options: ParseOptions) -> Graph:
    """Parse a file, choosing the syntax by its extension."""
    return parse_document(path.read_bytes(), RDFSyntax.for_path(path), str(path), options)


def _inline_jsonld_contexts(data: bytes, source: str, options: ParseOptions) -> bytes:
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise RDFSyntaxError(source, f"not valid UTF-8 ({error.reason})", None, None) from None
    except json.JSONDecodeError as error:
        raise RDFSyntaxError(source, error.msg, error.lineno, error.colno) from None
    resolved = inline_contexts(document, options.context, source, options.context_iris)
    # Keep the caller's bytes when nothing was inlined, so parser locations stay theirs.
    return data if resolved == document else json.dumps(resolved).encode("utf-8")


def _locate_xml_error(data: bytes, source: str, error: RDFSyntaxError) -> RDFSyntaxError:
    """The RDF/XML parser gives no position; expat finds it (no DOCTYPE reaches here)."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as xml_error:
        return RDFSyntaxError(source, error.reason, xml_error.lineno, xml_error.offset + 1)
    return error
