"""Server-rendered HTML pages (Jinja2): no build step, usable without JavaScript.

The views (what a page shows) are built in `publish/`; this module picks the language, gathers
the labels a view needs and renders its template with the shared layout.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib.resources import files
from typing import Annotated, Any

from fastapi import Depends, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from rdflib import Graph, URIRef

from advocacy_ld.publish.describe import Description
from advocacy_ld.publish.entity_view import EntitySource, entity_view
from advocacy_ld.publish.formats import RDF_REPRESENTATIONS, Representation
from advocacy_ld.publish.home_view import home_view
from advocacy_ld.publish.jsonld import compact_graph
from advocacy_ld.publish.labels import Labels, Text, fetch_about
from advocacy_ld.publish.links import Linker
from advocacy_ld.publish.model_view import ontology_view, scheme_view, shapes_view
from advocacy_ld.publish.statement_view import statement_view
from advocacy_ld.publish.ui_text import DEFAULT_LANGUAGE, ui
from advocacy_ld.publish.view_parts import PageContext
from advocacy_ld.web.negotiation import negotiate
from advocacy_ld.web.services import Services, ServicesDep

LANGUAGES = ("en", "ar")
LANGUAGE_NAMES = {"en": "English", "ar": "العربية"}
RTL_LANGUAGES = frozenset({"ar"})


def json_for_script(data: object) -> Markup:
    """JSON safe inside `<script>`: `<`, `>` and `&` escaped, so no `</script>` or `<!--`."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # escaped above for the script context


def text_direction(lang: str | None) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


class Pages:
    """Renders pages for one app; the Jinja environment is built once, on first use."""

    def __init__(self, app: Services) -> None:
        self.app = app
        self.environment: Environment = app.shared("jinja", _environment)

    @staticmethod
    def language(request: Request) -> str:
        """`?lang=` first, then Accept-Language; English by default."""
        requested = request.query_params.get("lang")
        if requested in LANGUAGES:
            return requested
        header = request.headers.get("accept-language", "")
        # Language ranges look like media ranges' first half; reuse the q-value logic.
        ranges = ",".join(f"{part.split(';')[0].strip()}/x;{';'.join(part.split(';')[1:])}"
                          for part in header.split(",") if part.strip())  # fmt: skip
        best = negotiate(ranges or None, [f"{lang}/x" for lang in LANGUAGES])
        return best.split("/")[0] if best else DEFAULT_LANGUAGE

    def context(self, request: Request, graphs: Sequence[Graph] = ()) -> PageContext:
        """Labels from `graphs` first, then the model's; links in the page language."""
        lang = self.language(request)
        model = self.app.model
        labels = Labels([*graphs, model.vocabularies, model.ontology])
        return PageContext(lang, labels, Linker(self.app.settings.base_uri, lang))

    def render(self, template: str, request: Request, **values: Any) -> bytes:
        """Render `template` in the request's language.

        `path` is the page's canonical path (default: the request's); `alternates`, when given,
        lists the representations linked with `<link rel="alternate">`.
        """
        lang = self.language(request)
        path = values.pop("path", request.url.path)
        alternates: Sequence[Representation] = values.pop("alternates", ())
        alternates_base = values.pop("alternates_base", path)
        query = values.pop("query", {})
        linker = Linker(self.app.settings.base_uri, lang)
        page = self.environment.get_template(template)
        html = page.render(
            lang=lang,
            dir=text_direction(lang),
            t=lambda key, **fmt: ui(key, lang, **fmt),
            nav=lambda target: linker.path(target),
            base=self.app.settings.base_uri,
            path=path,
            alternates=[
                (r.media_type, r.suffix, f"{alternates_base}.{r.suffix}") for r in alternates
            ],
            languages=[
                (code, LANGUAGE_NAMES[code], _with_query(path, {**query, "lang": code}, True))
                for code in LANGUAGES
            ],
            rdf_representations=RDF_REPRESENTATIONS,
            **values,
        )
        return html.encode("utf-8")

    def jsonld(self, graph: Graph) -> Markup:
        """The graph as compacted JSON-LD, ready to embed in a script element."""
        return json_for_script(compact_graph(graph, self.app.model.context, self.app.context_url))

    def resource(
        self, request: Request, description: Description, notice: dict[str, str] | None = None
    ) -> bytes:
        """A statement's page, or an entity's (organization, facility, allegation…).

        `notice` (text, link, href) is shown above the page: a past version says so.
        """
        store = self.app.repository.public
        graph = description.graph
        linked = {str(o) for o in graph.objects() if isinstance(o, URIRef)}
        around = {description.record.id.iri, *description.mentioned_by}
        about = fetch_about(store, linked | around)
        page = self.context(request, [graph, about])
        path = page.linker.local_path(description.iri) or description.iri
        common: dict[str, Any] = {
            "path": path,
            "alternates": RDF_REPRESENTATIONS,
            "jsonld": self.jsonld(graph),
            "description": description,
            "query": {"page": str(description.page)} if description.page > 1 else {},
            "notice": notice,
        }
        if description.is_record and description.record.id.kind == "statement":
            statement = statement_view(graph, description.iri, page)
            return self.render("statement.html", request, view=statement, **common)
        source = EntitySource(
            iri=description.iri,
            graph=graph,
            record_iri=description.record.id.iri,
            mentioned_by=description.mentioned_by,
            page=description.page,
            has_next_page=description.has_next_page,
        )
        view = entity_view(source, page, store)
        pager = {
            "next": _with_query(path, {"page": str(description.page + 1), "lang": page.lang})
            if description.has_next_page
            else None,
            "previous": _with_query(path, {"page": str(description.page - 1), "lang": page.lang})
            if description.page > 1
            else None,
        }
        return self.render("entity.html", request, view=view, pager=pager, **common)

    def home(self, request: Request, graph: Graph) -> bytes:
        page = self.context(request)
        view = home_view(self.app.repository, page, self.app.model.schemes())
        return self.render(
            "home.html",
            request,
            view=view,
            path="/",
            alternates=RDF_REPRESENTATIONS,
            alternates_base="/index",
            jsonld=self.jsonld(graph),
        )

    def ontology(self, request: Request, graph: Graph) -> bytes:
        page = self.context(request)
        view = ontology_view(graph, self.app.model.schemes(), page)
        return self.render(
            "model.html",
            request,
            view=view,
            path="/ontology",
            alternates=RDF_REPRESENTATIONS,
            jsonld=self.jsonld(graph),
            title=ui("ontology", page.lang),
        )

    def scheme(self, request: Request, name: str, graph: Graph) -> bytes:
        page = self.context(request, [graph])
        scheme = self.app.model.scheme_iri(name)
        view = scheme_view(graph, scheme, self.app.model.schemes(), page)
        return self.render(
            "model.html",
            request,
            view=view,
            path=f"/vocab/{name}",
            alternates=RDF_REPRESENTATIONS,
            jsonld=self.jsonld(graph),
            title=page.labels.label(scheme, page.lang).value,
        )

    def shapes(self, request: Request, graph: Graph) -> bytes:
        page = self.context(request, [graph])
        view = shapes_view(graph, page)
        return self.render(
            "shapes.html",
            request,
            view=view,
            path="/shapes",
            alternates=RDF_REPRESENTATIONS,
            jsonld=self.jsonld(graph),
        )


def _with_query(path: str, query: dict[str, str], explicit_language: bool = False) -> str:
    """`path?k=v&…`; the default language is left out unless the reader chose it explicitly."""
    kept = {
        k: v
        for k, v in query.items()
        if explicit_language or not (k == "lang" and v == DEFAULT_LANGUAGE)
    }
    if "page" in kept and kept["page"] == "1":
        del kept["page"]
    return path + ("?" + "&".join(f"{k}={v}" for k, v in sorted(kept.items())) if kept else "")


async def pages(app: ServicesDep) -> Pages:
    """FastAPI dependency (async: nothing here blocks)."""
    return Pages(app)


PagesDep = Annotated[Pages, Depends(pages)]


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(files("advocacy_ld.web") / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["text_direction"] = text_direction
    environment.tests["text"] = lambda value: isinstance(value, Text)
    return environment
