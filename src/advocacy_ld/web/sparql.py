"""`/sparql`: the SPARQL 1.1 Protocol query operation over the public dataset (DESIGN.md §6).

https://www.w3.org/TR/sparql11-protocol/ — GET and both POST forms, read-only. Without a query
a GET answers the service description (RDF) or, for a browser, the query form. Evaluation is
`publish.sparql`'s: this module reads the request, negotiates, and maps errors to problems.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Literal, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from advocacy_ld.model.namespaces import PREFIXES
from advocacy_ld.publish.formats import RDF_REPRESENTATIONS, Representation
from advocacy_ld.publish.render import render_rdf
from advocacy_ld.publish.sparql.answers import AnswerCache
from advocacy_ld.publish.sparql.description import describe_service
from advocacy_ld.publish.sparql.engine import QueryEngine, open_engine
from advocacy_ld.publish.sparql.errors import (
    DeadlineExceededError,
    EngineBusyError,
    EvaluationFailedError,
    QuerySyntaxError,
    ResultNotAcceptableError,
)
from advocacy_ld.publish.sparql.examples import EXAMPLES
from advocacy_ld.publish.sparql.formats import (
    GraphFormat,
    ResultFormat,
    graph_format_named,
    result_format_named,
)
from advocacy_ld.publish.sparql.job import DatasetSpec, Outcome, QueryJob, ResultKind
from advocacy_ld.publish.sparql.lexer import QueryForm, inspect_query
from advocacy_ld.publish.sparql.protocol import Operation, ProtocolError, read_operation
from advocacy_ld.publish.sparql.replica import ReplicaOptions
from advocacy_ld.publish.sparql.table import Table, TermLabels, solutions_table, triples_table
from advocacy_ld.web.negotiation import negotiate
from advocacy_ld.web.pages import Pages, PagesDep
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.responses import negotiated_response
from advocacy_ld.web.services import Services, ServicesDep

ENGINE = "sparql-engine"
ANSWERS = "sparql-answers"
ALLOW = "GET, HEAD, POST, OPTIONS"
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
"""Set, to the cap, on an answer cut at `sparql_row_cap` rows (Virtuoso's convention)."""
PREFIX_MAP = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

HTML: Literal["html"] = "html"
ResultChoice = ResultFormat | Literal["html"]
GraphChoice = GraphFormat | Literal["html"]

# Offers in server preference order: ties (e.g. `*/*`) go to the first, so JSON and Turtle are
# the defaults and HTML comes last. The aliases are what real clients send (SPARQLWrapper asks
# for `application/json`, rdflib and Jena for `application/xml`).
RESULT_OFFERS: tuple[tuple[str, ResultChoice], ...] = (
    *((f.media_type, f) for f in ResultFormat),
    ("application/json", ResultFormat.JSON),
    ("application/xml", ResultFormat.XML),
    ("text/xml", ResultFormat.XML),
    ("text/html", HTML),
)
GRAPH_OFFERS: tuple[tuple[str, GraphChoice], ...] = (
    *((f.media_type, f) for f in GraphFormat),
    ("application/x-turtle", GraphFormat.TURTLE),
    ("application/turtle", GraphFormat.TURTLE),
    ("application/json", GraphFormat.JSON_LD),
    ("application/xml", GraphFormat.RDF_XML),
    ("text/xml", GraphFormat.RDF_XML),
    ("text/html", HTML),
)

Choice = TypeVar("Choice")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the query workers with the app if asked to; stop them and delete their checkpoints
    when it stops."""
    started: Services | None = getattr(app.state, "services", None)
    if started is not None and started.settings.sparql_warm_start:
        query_engine(started)
    try:
        yield
    finally:
        services: Services | None = getattr(app.state, "services", None)
        engine: QueryEngine | None = services.extras.pop(ENGINE, None) if services else None
        if engine is not None:
            engine.close()


router = APIRouter(tags=["sparql"], lifespan=_lifespan)


def query_engine(app: Services) -> QueryEngine:
    """The app's engine, started on the first query (an app that is never queried starts none)."""
    repository = app.repository
    return app.shared(
        ENGINE,
        lambda: open_engine(
            repository.public,
            workers=app.settings.sparql_workers,
            timeout=app.settings.sparql_timeout,
            checkpoint=repository.snapshot_public,
            generation=lambda: repository.generation,
            replica=ReplicaOptions(
                changes=repository.public_changes_since,
                max_quads=app.settings.sparql_replica_max_quads,
            )
            if app.settings.sparql_replica_max_quads > 0
            else None,
        ),
    )


@router.get(
    "/sparql",
    operation_id="sparql_query_get",
    summary="SPARQL 1.1 query endpoint (service description without a query)",
)
@router.post(
    "/sparql",
    operation_id="sparql_query_post",
    summary="SPARQL 1.1 query endpoint (query form-encoded or as application/sparql-query)",
)
async def sparql(request: Request, app: ServicesDep, html: PagesDep) -> Response:
    # On the event loop throughout: the engine waits for its workers without a thread, and
    # only page rendering (a browser's request) goes to the thread pool.
    deadline = time.monotonic() + app.settings.sparql_timeout
    body = await request.body() if request.method == "POST" else b""
    try:
        operation = read_operation(
            request.method, request.headers.get("content-type"), request.scope["query_string"], body
        )
    except ProtocolError as error:
        raise Problem(error.status, error.detail, error.kind, error.headers) from None
    if operation.query is None:
        response: Response = await run_in_threadpool(_service_description, request, app, html, None)
        return response
    return await _run_query(request, app, html, operation, operation.query, deadline)


@router.get("/sparql.{ext}", summary="The service description in one representation")
def service_description_as(
    request: Request, ext: str, app: ServicesDep, html: PagesDep
) -> Response:
    suffix = Representation.by_suffix(ext)
    if suffix is None:
        raise Problem(404, f"no .{ext} representation here", "not-found")
    return _service_description(request, app, html, suffix)


@router.options("/sparql", include_in_schema=False)
def sparql_options() -> Response:
    return Response(status_code=204, headers={"Allow": ALLOW})


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
def sparql_other_methods(request: Request) -> Response:
    raise Problem(
        405,
        f"{request.method} is not part of the SPARQL query operation: use GET or POST "
        "(Protocol §2.1); this endpoint offers no update or graph store operations",
        "method-not-allowed",
        headers={"Allow": ALLOW},
    )


async def _run_query(
    request: Request,
    app: Services,
    html: Pages,
    operation: Operation,
    query: str,
    deadline: float,
) -> Response:
    shape = inspect_query(query)
    if shape.form is QueryForm.UPDATE:
        raise Problem(
            400,
            f"this endpoint is read-only: {shape.first_keyword} starts a SPARQL Update, "
            "which it does not run (Protocol §2.2)",
            "sparql-update-refused",
        )
    if shape.uses_service:
        raise Problem(
            400,
            "SERVICE (federated query) is refused: this endpoint answers from its own dataset "
            "and sends no request elsewhere",
            "sparql-service-refused",
        )
    accept = request.headers.get("accept")
    results = _choose(RESULT_OFFERS, operation.format_names, accept, result_format_named)
    graphs = _choose(GRAPH_OFFERS, operation.format_names, accept, graph_format_named)
    if shape.form is not None and (graphs if shape.form.returns_graph else results) is None:
        raise _not_acceptable(shape.form.returns_graph)
    job = QueryJob(
        query=query,
        dataset=DatasetSpec(
            default_graphs=operation.default_graphs,
            named_graphs=operation.named_graphs,
            given=operation.dataset_given,
            in_query=shape.has_dataset_clause,
        ),
        # A page renders the JSON or N-Triples a program would get.
        result_format=ResultFormat.JSON if results == HTML else results,
        graph_format=GraphFormat.N_TRIPLES if graphs == HTML else graphs,
        row_cap=app.settings.sparql_row_cap,
        prefixes=PREFIX_MAP,
    )
    outcome = await _answer(app, job, deadline, _wants_evaluation(request))
    headers = {"Vary": "Accept"}
    if outcome.truncated:
        headers[MAX_ROWS_HEADER] = str(app.settings.sparql_row_cap)
    chosen = graphs if outcome.kind is ResultKind.GRAPH else results
    if chosen == HTML:
        page = await run_in_threadpool(_answer_page, request, app, html, query, outcome)
        return Response(page, headers=headers, media_type="text/html; charset=utf-8")
    return Response(outcome.body, headers=headers, media_type=outcome.content_type)


def _answer_page(
    request: Request, app: Services, html: Pages, query: str, outcome: Outcome
) -> bytes:
    """The form with the answer as a table (parsed back from what a program would get)."""
    labels = TermLabels(PREFIX_MAP)
    if outcome.kind is ResultKind.GRAPH:
        table = triples_table(outcome.body, labels)
    else:
        table = solutions_table(outcome.body, labels)
    return _form_page(request, app, html, query, table, outcome)


def _wants_evaluation(request: Request) -> bool:
    """`Cache-Control: no-cache` (RFC 9111 §5.2.1.4): no stored answer, evaluate again."""
    directives = request.headers.get("cache-control", "").lower()
    return "no-cache" in directives or "no-store" in directives


async def _answer(app: Services, job: QueryJob, deadline: float, evaluate: bool) -> Outcome:
    """The answer kept for this generation (`answers`), else the engine's."""
    if app.settings.sparql_cache_bytes == 0:
        return await _evaluate(app, job, deadline)
    cache = app.shared(ANSWERS, lambda: AnswerCache(app.settings.sparql_cache_bytes))
    generation = app.repository.generation  # before evaluating: the answer is at least as new
    if not evaluate:
        kept = cache.get(generation, job)
        if kept is not None:
            return kept
    outcome = await _evaluate(app, job, deadline)
    cache.put(generation, job, outcome)
    return outcome


async def _evaluate(app: Services, job: QueryJob, deadline: float) -> Outcome:
    """The engine's answer; its errors as problems (RFC 9457)."""
    try:
        return await query_engine(app).run(job, deadline)
    except QuerySyntaxError as error:
        raise Problem(
            400,
            f"the query does not parse: {error.message}",
            "sparql-syntax-error",
            line=error.line,
            column=error.column,
        ) from None
    except ResultNotAcceptableError as error:
        raise _not_acceptable(error.kind is ResultKind.GRAPH) from None
    except DeadlineExceededError as error:
        # 504: the evaluator (a worker process: the server's upstream) did not answer in time.
        ended = "it was stopped" if error.stopped else "its evaluation could not be interrupted"
        raise Problem(
            504,
            f"the query ran longer than this endpoint's limit of {error.seconds:g} s; {ended}. "
            "Narrow it (more specific patterns, LIMIT) and try again",
            "sparql-timeout",
            timeout=error.seconds,
        ) from None
    except EngineBusyError as error:
        raise Problem(
            503, f"{error}; try again shortly", "sparql-busy", headers={"Retry-After": "1"}
        ) from None
    except EvaluationFailedError as error:
        raise Problem(500, str(error), "sparql-evaluation-failed") from None


def _choose(
    offers: Sequence[tuple[str, Choice]],
    format_names: Sequence[str],
    accept: str | None,
    named: Callable[[str], object],
) -> Choice | None:
    """`format=`/`output=`/`results=` when one names a format of this kind, else Accept."""
    for name in format_names:
        wanted = name.strip().lower()
        if wanted in ("html", "text/html"):
            return next(choice for media_type, choice in offers if media_type == "text/html")
        found = named(wanted)
        if found is not None:
            return next(choice for _, choice in offers if choice == found)
    media_type = negotiate(accept, [media_type for media_type, _ in offers])
    if media_type is None:
        return None
    return next(choice for offered, choice in offers if offered == media_type)


def _not_acceptable(graph: bool) -> Problem:
    available = [f.media_type for f in (GraphFormat if graph else ResultFormat)] + ["text/html"]
    what = "CONSTRUCT and DESCRIBE" if graph else "SELECT and ASK"
    return Problem(
        406,
        f"none of the media types in Accept is available for {what}; "
        f"available: {', '.join(available)}",
        "not-acceptable",
        available=available,
    )


def _service_description(
    request: Request, app: Services, html: Pages, suffix: Representation | None
) -> Response:
    settings = app.settings

    def graph_in(representation: Representation) -> Callable[[], bytes]:
        def render() -> bytes:
            graph = describe_service(
                settings.base_uri,
                triples=app.repository.public.triple_count(),
                graphs=len(app.repository.published()),
                timeout=settings.sparql_timeout,
                row_cap=settings.sparql_row_cap,
            )
            if representation is Representation.TURTLE:
                turtle: bytes = graph.serialize(format="turtle", encoding="utf-8")
                return turtle
            return render_rdf(graph, representation, app.model.context, app.context_url)

        return render

    renderers: dict[Representation, Callable[[], bytes]] = {
        r: graph_in(r) for r in RDF_REPRESENTATIONS
    }
    renderers[Representation.HTML] = lambda: _form_page(request, app, html, "", None, None)
    lang = html.language(request)
    return negotiated_response(
        request,
        app,
        path="/sparql",
        key=("sparql", lang),
        validator=f"sparql-{app.repository.generation}-{lang}",
        last_modified=app.repository.last_modified,
        renderers=renderers,
        suffix=suffix,
    )


def _form_page(
    request: Request,
    app: Services,
    html: Pages,
    query: str,
    table: Table | None,
    outcome: Outcome | None,
) -> bytes:
    """The query form, the examples, and (after a query) its answer as a table."""
    downloads = []
    if outcome is not None:
        kinds = GraphFormat if outcome.kind is ResultKind.GRAPH else ResultFormat
        downloads = [
            (f.media_type, "/sparql?" + urlencode({"query": query, "format": f.names[0]}))
            for f in kinds
        ]
    return html.render(
        "sparql.html",
        request,
        path="/sparql",
        alternates=() if outcome is not None else RDF_REPRESENTATIONS,
        query_text=query or EXAMPLES[0].query,
        table=table,
        rows=outcome.rows if outcome is not None else 0,
        truncated=outcome.truncated if outcome is not None else False,
        row_cap=app.settings.sparql_row_cap,
        timeout=app.settings.sparql_timeout,
        downloads=downloads,
        examples=EXAMPLES,
        result_formats=[(f.names[0], f.media_type) for f in ResultFormat],
        graph_formats=[(f.names[0], f.media_type) for f in GraphFormat],
    )
