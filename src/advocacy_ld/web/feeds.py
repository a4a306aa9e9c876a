"""`/feed`: the change feed as a Linked Data Event Stream (LDES), TREE-paginated.

The root lists every page. A full page never gains or loses a member, so it is served as
immutable; but when a curator withdraws a record, the content of its earlier members goes
(redaction outranks immutability), and the page's bytes and ETag change with it. The
trade-off is written down in docs/feeds.md. Full pages are rendered once and kept in the page
store (`publish.feed_pages`); the root and the latest page, which grow, in memory.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from advocacy_ld.publish.cache import RenderCache
from advocacy_ld.publish.feed import (
    FeedFormat,
    FeedLayout,
    page_document,
    root_document,
    transcode,
)
from advocacy_ld.publish.feed_pages import FeedPages, StoredPage, open_shelf, strong_etag
from advocacy_ld.web.feed_source import FeedSource
from advocacy_ld.web.negotiation import negotiate
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.responses import not_modified
from advocacy_ld.web.services import Services, ServicesDep

router = APIRouter(tags=["feeds"])
log = logging.getLogger(__name__)

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_LIVED = "public, max-age=5"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
KEPT_AT_START = (FeedFormat.TRIG, FeedFormat.N_QUADS)
"""Formats of the full pages kept before the server answers: those harvesters negotiate
(ldes-client's Accept prefers N-Quads, bench/harvest_ldes.py asks for TriG). Other formats are
kept when first asked for."""


def feed_source(app: Services) -> FeedSource:
    """The app's feed reader (kept in `Services.extras`)."""
    layout = FeedLayout(app.settings.base_uri, app.settings.feed_page_size)
    return app.shared("feed", lambda: FeedSource(app.repository, layout))


def feed_pages(app: Services) -> FeedPages:
    """The full pages kept beside the archive (in memory for an in-memory archive)."""

    def build() -> FeedPages:
        layout = feed_source(app).layout
        shelf = open_shelf(app.repository.location, layout, app.settings.feed_cache_bytes)
        return FeedPages(app.repository, layout, shelf)

    return app.shared("feed-pages", build)


def _page_cache(app: Services) -> RenderCache:
    """The root and the latest page, which change with every event (full pages are kept)."""
    return app.shared("feed-cache", lambda: RenderCache(max_bytes=app.settings.feed_cache_bytes))


def start_feed_pages(app: Services) -> Callable[[], None]:
    """At start-up: drop kept pages that are no longer current, keep every full page missing
    in the formats of KEPT_AT_START, and from now on drop a record's pages as soon as a
    curator changes its public history. Returns what stops the watching."""
    stop = app.repository.watch_history(feed_pages(app).forget_record)
    source, pages = feed_source(app), feed_pages(app)
    started = time.perf_counter()
    length = source.length()
    summaries = source.summaries(length)
    dropped = pages.sweep(summaries)
    rendered = 0
    for summary in summaries:
        if summary.complete:
            missing = [f for f in KEPT_AT_START if not pages.has(summary.number, f)]
            if missing:
                _keep_page(app, summary.number, length, missing)
                rendered += 1
    if dropped or rendered:
        log.info(
            "feed pages: %d dropped, %d rendered and kept in %.1f s",
            dropped,
            rendered,
            time.perf_counter() - started,
        )
    return stop


@router.get("/feed", summary="The change feed: an LDES event stream of record versions")
def feed(request: Request, app: ServicesDep) -> Response:
    return _root(request, app, None)


@router.get(
    "/feed.{suffix}", summary="The change feed's root in one format", include_in_schema=False
)
def feed_as(request: Request, suffix: str, app: ServicesDep) -> Response:
    chosen = FeedFormat.by_suffix(suffix)
    if chosen is None:
        raise Problem(404, "the feed has no representation with this suffix", "not-found")
    return _root(request, app, chosen)


@router.get("/feed/pages/{name}", summary="One page of the change feed")
def feed_page(request: Request, name: str, app: ServicesDep) -> Response:
    source = feed_source(app)
    stem, suffix = _split_suffix(name)
    number = source.layout.page_named(stem)
    length = source.length()
    if number is None or number > source.layout.page_count(length):
        raise Problem(404, "the feed has no such page", "not-found")
    chosen = _choose(request, suffix)
    links = []
    if number > 1:
        links.append(f'<{source.layout.page_path(number - 1)}>; rel="prev"')
    if number < source.layout.page_count(length):
        links.append(f'<{source.layout.page_path(number + 1)}>; rel="next"')
    if number * source.layout.page_size <= length:
        return _full_page(request, app, number, length, chosen, links)
    entries = source.entries(number, length)
    withheld = source.withheld(entries)
    # Everything the bytes depend on: a withdrawal changes `withheld`, so it can only miss.
    key = ("feed-page", source.layout, number, len(entries), withheld)

    def render() -> bytes:
        if chosen is FeedFormat.JSON_LD:
            # A cached N-Quads or TriG page converts faster than JSON-LD is put together anew;
            # those two are themselves concatenations of stored N-Triples (cheaper than either).
            for other in (FeedFormat.N_QUADS, FeedFormat.TRIG):
                cached = _page_cache(app).peek((*key, other))
                if cached is not None:
                    return transcode(cached, other, chosen)
        contents = source.contents(entries, withheld) if chosen.carries_content else {}
        return page_document(source.layout, number, entries, contents).render(chosen)

    return _answer(
        request,
        app,
        key=key,
        path=source.layout.page_path(number),
        chosen=chosen,
        render=render,
        cache_control=SHORT_LIVED,
        last_modified=source.last_modified(entries, withheld),
        extra_links=links,
    )


def _full_page(
    request: Request,
    app: Services,
    number: int,
    length: int,
    chosen: FeedFormat,
    extra_links: list[str],
) -> Response:
    """A full page from the page store: rendered once, kept, then read back while current."""
    source = feed_source(app)
    page = feed_pages(app).get(number, chosen)
    if page is None:
        page = _keep_page(app, number, length, [chosen])[chosen]
    header = page.header
    last_modified = source.last_modified_of(header.latest, [r for _, r in header.withheld])
    headers = _headers(source.layout.page_path(number), IMMUTABLE, last_modified, extra_links)
    headers["ETag"] = header.etag
    if not_modified(request, header.etag, last_modified):
        return Response(status_code=304, headers=headers)
    return Response(page.body, headers=headers, media_type=chosen.content_type)


def _keep_page(
    app: Services, number: int, length: int, formats: Sequence[FeedFormat]
) -> dict[FeedFormat, StoredPage]:
    """Render full page `number` in `formats` from one reading of the store, and keep them."""
    source, pages = feed_source(app), feed_pages(app)
    epoch = pages.epoch()  # first: a change made while rendering is seen as newer than the page
    entries = source.entries(number, length)
    withheld = source.withheld(entries)
    contents: dict[int, bytes] | None = None
    kept: dict[FeedFormat, StoredPage] = {}
    for chosen in formats:
        body = _transcoded(pages, number, kept, withheld) if chosen is FeedFormat.JSON_LD else None
        if body is None:
            shown: dict[int, bytes] = {}
            if chosen.carries_content:
                if contents is None:
                    contents = source.contents(entries, withheld)
                shown = contents
            body = page_document(source.layout, number, entries, shown).render(chosen)
        kept[chosen] = pages.keep(
            number, chosen, epoch=epoch, entries=entries, withheld=withheld, body=body
        )
    return kept


def _transcoded(
    pages: FeedPages, number: int, kept: dict[FeedFormat, StoredPage], withheld: frozenset[int]
) -> bytes | None:
    """JSON-LD from a kept N-Quads or TriG page withholding the same content, if there is one:
    faster than putting it together anew (no read of the members' content)."""
    for other in (FeedFormat.N_QUADS, FeedFormat.TRIG):
        page = kept.get(other) or pages.get(number, other)
        if page is not None and page.header.withheld_sequences == withheld:
            return transcode(page.body, other, FeedFormat.JSON_LD)
    return None


@router.get("/feed/members/{sequence}", summary="Where a feed member is described")
def feed_member(sequence: str, app: ServicesDep) -> Response:
    """A member IRI dereferences to the page that describes it (303 See Other)."""
    source = feed_source(app)
    if not sequence.isdigit() or not 1 <= int(sequence) <= source.length():
        raise Problem(404, "the feed has no such member", "not-found")
    page = source.layout.page_iri(source.layout.page_of(int(sequence)))
    return RedirectResponse(page, status_code=303)


def _root(request: Request, app: Services, suffix: FeedFormat | None) -> Response:
    source = feed_source(app)
    chosen = _choose(request, suffix)
    length = source.length()
    pages = source.summaries(length)
    return _answer(
        request,
        app,
        key=("feed-root", source.layout, length),
        path="/feed",
        chosen=chosen,
        render=lambda: root_document(source.layout, pages).render(chosen),
        cache_control=SHORT_LIVED,
        last_modified=max((p.latest for p in pages), default=_EPOCH),
        extra_links=[f'<{source.layout.page_path(1)}>; rel="first"'] if pages else [],
    )


def _choose(request: Request, suffix: FeedFormat | None) -> FeedFormat:
    """Suffix, then `?_format=`, then `Accept` (DESIGN.md §6); 406 names what there is."""
    if suffix is not None:
        return suffix
    available = list(FeedFormat)
    requested = request.query_params.get("_format")
    if requested:
        chosen = FeedFormat.by_name(requested)
        if chosen is None:
            raise _not_acceptable("the _format asked for is not available")
        return chosen
    media_type = negotiate(request.headers.get("accept"), [f.media_type for f in available])
    if media_type is None:
        raise _not_acceptable("none of the media types in Accept is available")
    return next(f for f in available if f.media_type == media_type)


def _not_acceptable(reason: str) -> Problem:
    media_types = [f.media_type for f in FeedFormat]
    return Problem(
        406,
        f"{reason}; available: {', '.join(media_types)}",
        "not-acceptable",
        available=media_types,
    )


def _answer(
    request: Request,
    app: Services,
    *,
    key: tuple[object, ...],
    path: str,
    chosen: FeedFormat,
    render: Callable[[], bytes],
    cache_control: str,
    last_modified: datetime,
    extra_links: list[str],
) -> Response:
    """Render (or reuse) and answer; the strong ETag is a digest of the bytes themselves, so
    it follows them whatever changed them (RFC 9110 §8.8.3), and a match answers 304."""
    cache = _page_cache(app)
    headers = _headers(path, cache_control, last_modified, extra_links)
    etag_key = (*key, chosen, "etag")
    known = cache.peek(etag_key)
    if known is not None and not_modified(request, known.decode(), last_modified):
        return Response(status_code=304, headers={**headers, "ETag": known.decode()})
    body = cache.get_or_render((*key, chosen), render)
    etag = cache.get_or_render(etag_key, lambda: strong_etag(body).encode()).decode()
    headers["ETag"] = etag
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type=chosen.content_type)


def _headers(
    path: str, cache_control: str, last_modified: datetime, extra_links: list[str]
) -> dict[str, str]:
    """What every feed answer carries besides its ETag (a 304 too)."""
    links = [f'<{path}.{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in FeedFormat]
    return {
        "Vary": "Accept",
        "Cache-Control": cache_control,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Link": ", ".join([*links, f'<{path}>; rel="canonical"', *extra_links]),
    }


def _split_suffix(name: str) -> tuple[str, FeedFormat | None]:
    """`1-100.nq` -> (`1-100`, N-Quads); an unknown suffix stays part of the name."""
    stem, dot, suffix = name.rpartition(".")
    if dot:
        chosen = FeedFormat.by_suffix(suffix)
        if chosen is not None:
            return stem, chosen
    return name, None
