"""What the home page shows: what the public dataset holds, at a glance, and where to go next.

Counts come from the ledger (records) and two COUNT queries (allegations, demands); the lists
are bounded so the page stays small however large the dataset grows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from advocacy_ld.model.namespaces import ADV, SCHEMA, bind_prefixes
from advocacy_ld.publish.labels import Labels, Text, fetch_about, pick_text
from advocacy_ld.publish.links import Link
from advocacy_ld.publish.ui_text import ui
from advocacy_ld.publish.view_parts import PageContext
from advocacy_ld.records.repository import Repository
from advocacy_ld.store.base import Store
from advocacy_ld.store.terms import to_rdflib

LIST_LIMIT = 50
"""At most this many facilities or organizations are listed; SPARQL finds the rest."""
LATEST_STATEMENTS = 10

COUNTED_KINDS = ("statement", "org", "facility", "report", "place", "person")


@dataclass(frozen=True)
class Count:
    kind: str
    label: str
    number: int


@dataclass(frozen=True)
class StatementEntry:
    link: Link
    date: str | None
    issuers: tuple[Link, ...]


@dataclass(frozen=True)
class EntityList:
    """A bounded, sorted list of one kind of record; `more` says how many were left out."""

    items: tuple[Link, ...]
    more: int


@dataclass(frozen=True)
class HomeView:
    counts: tuple[Count, ...]
    statements: tuple[StatementEntry, ...]
    facilities: EntityList
    organizations: EntityList
    vocabularies: tuple[Link, ...]

    @property
    def is_empty(self) -> bool:
        return not any(c.number for c in self.counts)


def home_view(repository: Repository, page: PageContext, schemes: list[URIRef]) -> HomeView:
    """Build the home page's view of the public dataset."""
    lang = page.lang
    store = repository.public
    kinds = Counter(state.id.kind for state in repository.published())
    counts = [Count(k, ui(f"count_{k}", lang), kinds.get(k, 0)) for k in COUNTED_KINDS]
    counts[1:1] = [
        Count(kind, ui(f"count_{kind}", lang), _count(store, cls))
        for kind, cls in (("allegation", ADV.Allegation), ("demand", ADV.Demand))
    ]
    prefix = f"{repository.ids.base_uri}/id/"
    return HomeView(
        counts=tuple(c for c in counts if c.number),
        statements=_latest_statements(store, page),
        facilities=_entities(store, f"{prefix}facility/", page),
        organizations=_entities(store, f"{prefix}org/", page),
        vocabularies=tuple(page.link(s) for s in schemes),
    )


def _count(store: Store, cls: URIRef) -> int:
    solutions = store.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}")
    for row in solutions:  # type: ignore[union-attr]
        return int(row["n"].value)
    return 0


def _latest_statements(store: Store, page: PageContext) -> tuple[StatementEntry, ...]:
    """The newest statements by publication date, with their headlines and issuers."""
    solutions = store.query(
        f"SELECT ?s ?date WHERE {{ GRAPH ?s {{ ?s a <{ADV.AdvocacyDocument}> ; "
        f"<{SCHEMA.datePublished}> ?date }} }} ORDER BY DESC(?date) ?s LIMIT {LATEST_STATEMENTS}"
    )
    rows = [(row["s"].value, row["date"].value) for row in solutions]  # type: ignore[union-attr]
    if not rows:
        return ()
    about = fetch_about(store, [iri for iri, _ in rows], (SCHEMA.headline, SCHEMA.publisher))
    issuers = {str(o) for o in about.objects(None, SCHEMA.publisher) if isinstance(o, URIRef)}
    names = fetch_about(store, issuers)
    labels = Labels([about, names, *page.labels.graphs])
    context = PageContext(page.lang, labels, page.linker)
    return tuple(
        StatementEntry(
            context.link(URIRef(iri)),
            date,
            tuple(
                context.link(p)
                for p in sorted(about.objects(URIRef(iri), SCHEMA.publisher), key=str)
            ),
        )
        for iri, date in rows
    )


def _entities(store: Store, prefix: str, page: PageContext) -> EntityList:
    """Records under one `/id/{kind}/` prefix, by name in the page language."""
    solutions = store.query(
        f"SELECT ?s ?name WHERE {{ ?s <{SCHEMA.name}> ?name . "
        f'FILTER(STRSTARTS(STR(?s), "{prefix}")) }}'
    )
    names: dict[str, list[Literal]] = {}
    for row in solutions:  # type: ignore[union-attr]
        name = to_rdflib(row["name"])
        if isinstance(name, Literal):
            names.setdefault(row["s"].value, []).append(name)
    links = sorted(
        (
            page.linker.link(iri, pick_text(values, page.lang) or Text(iri))
            for iri, values in names.items()
        ),
        key=lambda link: link.text.value.casefold(),
    )
    return EntityList(tuple(links[:LIST_LIMIT]), max(0, len(links) - LIST_LIMIT))


def home_graph(repository: Repository) -> Graph:
    """The home page for machines: the site, where its data services are, its newest statements."""
    base = repository.ids.base_uri
    site = URIRef(f"{base}/")
    graph = bind_prefixes(Graph())
    graph.add((site, RDF.type, SCHEMA.WebSite))
    graph.add((site, SCHEMA.name, Literal("advocacy-ld")))
    for lang in ("en", "ar"):
        graph.add((site, SCHEMA.description, Literal(ui("home_intro", lang), lang=lang)))
    for path in ("/dataset", "/sparql", "/dumps/", "/ontology", "/shapes", "/context.jsonld"):
        graph.add((site, RDFS.seeAlso, URIRef(f"{base}{path}")))
    solutions = repository.public.query(
        f"SELECT ?s WHERE {{ GRAPH ?s {{ ?s a <{ADV.AdvocacyDocument}> ; "
        f"<{SCHEMA.datePublished}> ?date }} }} ORDER BY DESC(?date) ?s LIMIT {LATEST_STATEMENTS}"
    )
    for row in solutions:  # type: ignore[union-attr]
        graph.add((site, SCHEMA.about, URIRef(row["s"].value)))
    return graph
