"""Real SPARQL clients against a real server process (`advocacy-ld serve`, uvicorn).

SPARQLWrapper, in its default mode (it adds `format=`/`output=`/`results=`) and in content
negotiation only, and rdflib's SPARQLStore (GET, POST, form POST) run SELECT, ASK and
CONSTRUCT; their answers must equal a direct pyoxigraph query of the same examples.
"""

from __future__ import annotations

from typing import Any
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

from advocacy_ld.records.repository import Repository

from ..conftest import BASE, LiveServer

PROLOGUE = """PREFIX adv: <https://w3id.org/advocacy-ld/ns#>
PREFIX schema: <https://schema.org/>
"""
SECURITY_COUNCIL_DEMANDS = (
    PROLOGUE
    + """SELECT ?demand WHERE {
  ?council schema:sameAs <http://www.wikidata.org/entity/Q37470> .
  ?demand adv:addressee ?council .
}"""
)
ASK_TRUE = PROLOGUE + "ASK { ?document a adv:AdvocacyDocument }"
ASK_FALSE = PROLOGUE + "ASK { ?document a adv:NoSuchClass }"
HEADLINES = (
    PROLOGUE
    + """CONSTRUCT { ?document schema:headline ?headline }
WHERE { ?document a adv:AdvocacyDocument ; schema:headline ?headline }"""
)
SEDNAYA_DEMAND = "/id/demand/sednaya-2018-12-25-1"

pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),  # SPARQLWrapper's format mismatches
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]


def _paths(iris: set[str], base: str) -> set[str]:
    assert all(iri.startswith(f"{base}/") for iri in iris), iris
    return {iri.removeprefix(base) for iri in iris}


@pytest.fixture(scope="module")
def expected(repository: Repository) -> dict[str, Any]:
    """The answers, by a direct pyoxigraph query of the examples (loaded under BASE)."""
    demands = repository.public.query(SECURITY_COUNCIL_DEMANDS)
    headlines = repository.public.query(HEADLINES)
    return {
        "demands": _paths({row["demand"].value for row in demands}, BASE),  # type: ignore[union-attr]
        "headlines": {
            (t.subject.value.removeprefix(BASE), t.object.value)
            for t in headlines  # type: ignore[union-attr]
        },
    }


def test_expected_answers_are_the_known_facts(expected: dict[str, Any]) -> None:
    assert SEDNAYA_DEMAND in expected["demands"]
    assert len(expected["headlines"]) == 3  # the three statements


def _headlines(graph: Graph, base: str) -> set[tuple[str, str]]:
    predicate = URIRef("https://schema.org/headline")
    return {(str(s).removeprefix(base), str(o)) for s, o in graph.subject_objects(predicate)}


def _xml_bindings(document: Document, name: str) -> set[str]:
    values = set()
    for binding in document.getElementsByTagName("binding"):
        if binding.getAttribute("name") == name:
            (uri,) = binding.getElementsByTagName("uri")
            values.add(uri.firstChild.nodeValue)  # type: ignore[union-attr]
    return values


def _xml_boolean(document: Document) -> bool:
    (element,) = document.getElementsByTagName("boolean")
    return element.firstChild.nodeValue == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize("only_conneg", [False, True], ids=["default-mode", "only-conneg"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper(
    live_server: LiveServer, expected: dict[str, Any], only_conneg: bool, method: str
) -> None:
    wrapper = SPARQLWrapper(f"{live_server.url}/sparql")
    wrapper.setOnlyConneg(only_conneg)
    wrapper.setMethod(method)

    # SELECT in XML (SPARQLWrapper's default) and in JSON.
    wrapper.setQuery(SECURITY_COUNCIL_DEMANDS)
    document = wrapper.query().convert()
    assert isinstance(document, Document)
    assert _paths(_xml_bindings(document, "demand"), live_server.url) == expected["demands"]
    wrapper.setReturnFormat(JSON)
    results = wrapper.query().convert()
    found = {b["demand"]["value"] for b in results["results"]["bindings"]}
    assert _paths(found, live_server.url) == expected["demands"]

    # ASK in JSON and XML.
    wrapper.setQuery(ASK_TRUE)
    assert wrapper.query().convert()["boolean"] is True
    wrapper.setQuery(ASK_FALSE)
    assert wrapper.query().convert()["boolean"] is False
    wrapper.setReturnFormat(XML)
    assert _xml_boolean(wrapper.query().convert()) is False

    # CONSTRUCT as RDF/XML (the default: an rdflib Graph back) and as Turtle.
    wrapper.setQuery(HEADLINES)
    graph = wrapper.query().convert()
    assert isinstance(graph, Graph)
    assert _headlines(graph, live_server.url) == expected["headlines"]
    wrapper.setReturnFormat(TURTLE)
    turtle = wrapper.query().convert()
    assert (
        _headlines(Graph().parse(data=turtle, format="turtle"), live_server.url)
        == (expected["headlines"])
    )


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(live_server: LiveServer, expected: dict[str, Any], method: str) -> None:
    store = SPARQLStore(f"{live_server.url}/sparql", method=method)
    graph = Graph(store=store)
    try:
        rows = graph.query(SECURITY_COUNCIL_DEMANDS)
        found = {str(row.demand) for row in rows}  # type: ignore[union-attr]
        assert _paths(found, live_server.url) == expected["demands"]
        assert graph.query(ASK_TRUE).askAnswer is True
        assert graph.query(ASK_FALSE).askAnswer is False
        constructed = graph.query(HEADLINES).graph
        assert constructed is not None
        assert _headlines(constructed, live_server.url) == expected["headlines"]
    finally:
        store.close()
