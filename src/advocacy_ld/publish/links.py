"""Where a page links an IRI to: this server's own path for its IRIs, the IRI otherwise.

Instance IRIs under the deployment base become paths (so pages work behind any proxy); the
model's w3id IRIs point at the routes that serve them here (`/ontology`, `/vocab/…`, `/shapes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advocacy_ld.model.namespaces import ADV, ADVC, ADVS
from advocacy_ld.publish.labels import Text
from advocacy_ld.publish.ui_text import DEFAULT_LANGUAGE

ONTOLOGY_IRI = str(ADV).rstrip("#")
SHAPES_IRIS = (
    "https://w3id.org/advocacy-ld/shapes/core",
    "https://w3id.org/advocacy-ld/shapes/recommended",
)
_KIND = re.compile(r"^/id/([a-z]+)/")


@dataclass(frozen=True)
class Link:
    """A link as a page shows it; `kind` (org, facility…) lets the page style it."""

    href: str
    text: Text
    kind: str | None = None
    external: bool = False

    def capitalized(self) -> Link:
        return Link(self.href, self.text.capitalized(), self.kind, self.external)


class Linker:
    """Turns IRIs into hrefs for one deployment and one page language."""

    def __init__(self, base_uri: str, lang: str) -> None:
        self.base_uri = base_uri.rstrip("/")
        self.lang = lang

    @property
    def query(self) -> str:
        """Carried on internal links so a reader stays in the language they chose."""
        return "" if self.lang == DEFAULT_LANGUAGE else f"?lang={self.lang}"

    def path(self, path: str, fragment: str = "") -> str:
        """A path on this server, in the page language, with an optional `#fragment`."""
        return f"{path}{self.query}{'#' + fragment if fragment else ''}"

    def local_path(self, iri: str) -> str | None:
        """`/id/org/icrc` for this deployment's IRIs, None for others."""
        if iri.startswith(f"{self.base_uri}/"):
            return iri[len(self.base_uri) :]
        return None

    def href(self, iri: str) -> str:
        local = self.local_path(iri)
        if local is not None:
            path, _, fragment = local.partition("#")
            return self.path(path, fragment)
        if iri == ONTOLOGY_IRI:
            return self.path("/ontology")
        if iri.startswith(str(ADV)):
            return self.path("/ontology", iri[len(str(ADV)) :])
        if iri.startswith(str(ADVC)):
            scheme, _, concept = iri[len(str(ADVC)) :].partition("/")
            return self.path(f"/vocab/{scheme}", concept)
        if iri.startswith(str(ADVS)):
            return self.path("/shapes", iri[len(str(ADVS)) :])
        if iri in SHAPES_IRIS:
            return self.path("/shapes")
        return iri

    def kind(self, iri: str) -> str | None:
        """The `{kind}` of an `/id/{kind}/…` IRI of this deployment."""
        local = self.local_path(iri)
        match = _KIND.match(local) if local is not None else None
        return match.group(1) if match else None

    def link(self, iri: str, text: Text) -> Link:
        href = self.href(iri)
        return Link(href, text, self.kind(iri), external=href == iri)
