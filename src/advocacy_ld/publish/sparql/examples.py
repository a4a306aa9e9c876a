"""Example queries shown on the query form: real questions the data answers.

Each is tested to return rows on the examples (tests/web/test_sparql_pages.py), so the form
never offers a query that comes back empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

PROLOGUE = """PREFIX adv: <https://w3id.org/advocacy-ld/ns#>
PREFIX schema: <https://schema.org/>
PREFIX cito: <http://purl.org/spar/cito/>
"""


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    question: str
    query: str

    @property
    def href(self) -> str:
        """The form's own GET: following the link runs the query (no JavaScript needed)."""
        return "/sparql?" + urlencode({"query": self.query})


EXAMPLES = (
    Example(
        slug="facilities",
        title="Facilities named in the most allegations",
        question="Which detention facilities do the allegations name most often?",
        query=PROLOGUE
        + """
SELECT ?facility ?name (COUNT(DISTINCT ?allegation) AS ?allegations)
WHERE {
  ?allegation a adv:Allegation ;
              adv:atFacility ?facility .
  OPTIONAL { ?facility schema:name ?name FILTER(LANGMATCHES(LANG(?name), "en")) }
}
GROUP BY ?facility ?name
ORDER BY DESC(?allegations) ?name
""",
    ),
    Example(
        slug="security-council",
        title="Demands addressed to the UN Security Council",
        question="What do the documents ask of the UN Security Council (Wikidata Q37470)?",
        query=PROLOGUE
        + """
SELECT ?demand ?description ?document
WHERE {
  ?council schema:sameAs <http://www.wikidata.org/entity/Q37470> .
  ?demand a adv:Demand ;
          adv:addressee ?council ;
          schema:description ?description .
  ?document adv:makesDemand ?demand .
}
ORDER BY ?document ?demand
""",
    ),
    Example(
        slug="evidence",
        title="Reports cited as evidence",
        question="Which reports do the documents cite as evidence, and for how many allegations?",
        query=PROLOGUE
        + """
SELECT ?report ?headline (COUNT(DISTINCT ?document) AS ?documents)
       (COUNT(DISTINCT ?allegation) AS ?allegations)
WHERE {
  ?document a adv:AdvocacyDocument ;
            cito:citesAsEvidence ?report .
  ?report schema:headline ?headline .
  OPTIONAL {
    ?document adv:makesAllegation ?allegation .
    ?allegation cito:citesAsEvidence ?report .
  }
}
GROUP BY ?report ?headline
ORDER BY DESC(?allegations) ?report
""",
    ),
)
