"""Sitemaps (https://www.sitemaps.org/protocol.html) of every public resource page."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pyoxigraph as ox

from advocacy_ld.records.repository import Repository

MAX_URLS = 50_000
"""The protocol's limit per sitemap file; beyond it an index points to numbered files."""

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def resource_pages(repository: Repository, base: str) -> list[tuple[str, str]]:
    """(URL, lastmod) of every dereferenceable IRI: records and the nodes inside them."""
    prefix = f"{base}/id/"
    solutions = repository.public.query(
        "SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{prefix}") && !CONTAINS(STR(?s), "#")) }}'
    )
    assert isinstance(solutions, ox.QuerySolutions)
    states = repository.states()
    pages = {}
    for row in solutions:
        state = states.get(row["g"].value)
        if state is not None:
            pages[row["s"].value] = state.modified.date().isoformat()
    return sorted(pages.items())


def render_sitemap(pages: list[tuple[str, str]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for url, lastmod in pages:
        lines.append(f"<url><loc>{escape(url)}</loc><lastmod>{lastmod}</lastmod></url>")
    lines.append("</urlset>")
    return "\n".join(lines).encode("utf-8")


def render_index(base: str, parts: int) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for number in range(1, parts + 1):
        lines.append(f"<sitemap><loc>{escape(base)}/sitemap-{number}.xml</loc></sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines).encode("utf-8")
