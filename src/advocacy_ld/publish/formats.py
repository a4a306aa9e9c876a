"""The representations a resource has: media type, file suffix and `_format` name."""

from __future__ import annotations

from enum import Enum


class Representation(Enum):
    """Every representation the server negotiates between (DESIGN.md §6)."""

    HTML = ("text/html", "html")
    TURTLE = ("text/turtle", "ttl")
    JSON_LD = ("application/ld+json", "jsonld")
    N_TRIPLES = ("application/n-triples", "nt")
    RDF_XML = ("application/rdf+xml", "rdf")

    @property
    def media_type(self) -> str:
        media_type: str = self.value[0]
        return media_type

    @property
    def suffix(self) -> str:
        suffix: str = self.value[1]
        return suffix

    @property
    def content_type(self) -> str:
        """The Content-Type header value (UTF-8 for the text formats)."""
        if self is Representation.JSON_LD or self is Representation.RDF_XML:
            return self.media_type
        return f"{self.media_type}; charset=utf-8"

    @classmethod
    def by_suffix(cls, suffix: str) -> Representation | None:
        return next((r for r in cls if r.suffix == suffix), None)

    @classmethod
    def by_name(cls, name: str) -> Representation | None:
        """`_format=` accepts a suffix (`ttl`), a media type, or a common name (`turtle`)."""
        lowered = name.strip().lower()
        aliases = {"turtle": "ttl", "json-ld": "jsonld", "json": "jsonld", "ntriples": "nt",
                   "n-triples": "nt", "xml": "rdf", "rdfxml": "rdf", "rdf+xml": "rdf"}  # fmt: skip
        lowered = aliases.get(lowered, lowered)
        return cls.by_suffix(lowered) or next((r for r in cls if r.media_type == lowered), None)


RDF_REPRESENTATIONS = tuple(r for r in Representation if r is not Representation.HTML)
