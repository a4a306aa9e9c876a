"""`/oai`: OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html).

Thin: turns the request into arguments and the repository's ledger into harvestable entries,
then lets `advocacy_ld.publish.oai` answer. Protocol errors are XML with HTTP 200 (§3.6).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from advocacy_ld.publish.oai import EntryIndex, OaiContext, OaiEntry, respond
from advocacy_ld.publish.oai.cache import MetadataCache
from advocacy_ld.publish.oai.dates import datestamp
from advocacy_ld.publish.oai.dublin_core import Name
from advocacy_ld.publish.oai.facts import concept_labels, dc_facts_rendition
from advocacy_ld.publish.oai.metadata import MetadataSource
from advocacy_ld.publish.oai.sets import kind_sets
from advocacy_ld.records.identity import RECORD_KINDS
from advocacy_ld.records.ledger import DerivedRendition, Rendition
from advocacy_ld.records.repository import Repository
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.services import Services, ServicesDep

router = APIRouter(tags=["harvesting"])

MEDIA_TYPE = "text/xml; charset=utf-8"
FORM = "application/x-www-form-urlencoded"
_INDEX, _CACHE, _FACTS, _NAMES = "oai-index", "oai-cache", "oai-dc-facts", "oai-names"


def harvestable(repository: Repository) -> list[OaiEntry]:
    """Every record that is public, or was public and is not now (then `deleted`).

    A record never public (pending, rejected, restricted from the start) is no entry, so no
    answer can tell it from an identifier that never existed.
    """
    entries = []
    for state in repository.states().values():
        if not state.is_public and state.issued is None:
            continue
        entries.append(
            OaiEntry(
                identifier=state.id.iri,
                kind=state.id.kind,
                datestamp=datestamp(state.modified),
                deleted=not state.is_public,
                version=state.version,
            )
        )
    return entries


def _index(app: Services) -> EntryIndex:
    """Sorted once per generation of the public dataset (every public change bumps it)."""
    return app.current(_INDEX, lambda: EntryIndex(harvestable(app.repository)))


def dc_facts(app: Services) -> DerivedRendition:
    """The rendition `oai_dc` is served from: the app's repository must keep it (`create_app`
    has it kept before the first request)."""
    return app.shared(_FACTS, lambda: dc_facts_rendition(concept_labels(app.model.vocabularies)))


def _names(app: Services) -> dict[str, Name | None]:
    """Linked records' names known in this generation of the public dataset (a new one starts
    empty: any public write may have renamed a record)."""
    names: dict[str, Name | None] = app.current(_NAMES, dict)
    return names


def _answer(app: Services, items: list[tuple[str, str]]) -> bytes:
    repository = app.repository
    context = OaiContext(
        base_url=f"{app.settings.base_uri}/oai",
        repository_name="advocacy-ld",
        admin_email=app.settings.oai_admin_email,
        response_date=datestamp(datetime.now(UTC)),
        index=_index(app),
        sets=kind_sets(RECORD_KINDS),
        page_size=app.settings.oai_page_size,
        metadata=MetadataSource(
            repository.public,
            partial(repository.public_renditions, kind=Rendition.RDF_XML),
            partial(repository.public_renditions, kind=dc_facts(app)),
            app.shared(_CACHE, MetadataCache),
            _names(app),
        ),
    )
    return respond(items, context)


def _response(document: bytes) -> Response:
    return Response(document, media_type=MEDIA_TYPE)


@router.get("/oai", summary="OAI-PMH 2.0 repository (arguments in the query string)")
async def oai_get(request: Request, app: ServicesDep) -> Response:
    items = request.query_params.multi_items()
    return _response(await run_in_threadpool(_answer, app, items))


@router.post("/oai", summary="OAI-PMH 2.0 repository (arguments in a form body)")
async def oai_post(request: Request, app: ServicesDep) -> Response:
    """OAI-PMH 2.0 §3.1.1.2: POST with `application/x-www-form-urlencoded` arguments."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM:
        raise Problem(
            415, f"an OAI-PMH POST carries its arguments as {FORM}", "unsupported-media-type"
        )
    body = (await request.body()).decode("utf-8", "replace")
    # Arguments in the query string count too, so one repeated across both is refused.
    items = request.query_params.multi_items() + parse_qsl(body, keep_blank_values=True)
    return _response(await run_in_threadpool(_answer, app, items))
