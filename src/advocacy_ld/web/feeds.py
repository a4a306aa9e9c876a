"""`/feed`: the change feed as a Linked Data Event Stream (LDES), TREE-paginated.

The root lists every page. A full page never gains or loses a member, so it is served as
immutable; but when a curator withdraws a record, the content of its earlier members goes
(redaction outranks immutability), and the page's bytes and ETag change with it. The
trade-off is written down in docs/feeds.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
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
from advocacy_ld.web.feed_source import FeedSource
from advocacy_ld.web.negotiation import negotiate
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.responses import not_modified
from advocacy_ld.web.services import Services, ServicesDep

router = APIRouter(tags=["feeds"])

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_LIVED = "public, max-age=5"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def feed_source(app: Services) -> FeedSource:
    """The app's feed reader and its page cache (kept in `Services.extras`)."""
    layout = FeedLayout(app.settings.base_uri, app.settings.feed_page_size)
    return app.shared("feed", lambda: FeedSource(app.repository, layout))


def _page_cache(app: Services) -> RenderCache:
    return app.shared("feed-cache", lambda: RenderCache(max_bytes=app.settings.feed_cache_bytes))


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
    entries = source.entries(number, length)
    complete = len(entries) == source.layout.page_size
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

    links = []
    if number > 1:
        links.append(f'<{source.layout.page_path(number - 1)}>; rel="prev"')
    if number < source.layout.page_count(length):
        links.append(f'<{source.layout.page_path(number + 1)}>; rel="next"')
    return _answer(
        request,
        app,
        key=key,
        path=source.layout.page_path(number),
        chosen=chosen,
        render=render,
        cache_control=IMMUTABLE if complete else SHORT_LIVED,
        last_modified=source.last_modified(entries, withheld),
        extra_links=links,
    )


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
    links = [f'<{path}.{f.suffix}>; rel="alternate"; type="{f.media_type}"' for f in FeedFormat]
    headers = {
        "Vary": "Accept",
        "Cache-Control": cache_control,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Link": ", ".join([*links, f'<{path}>; rel="canonical"', *extra_links]),
    }
    etag_key = (*key, chosen, "etag")
    known = cache.peek(etag_key)
    if known is not None and not_modified(request, known.decode(), last_modified):
        return Response(status_code=304, headers={**headers, "ETag": known.decode()})
    body = cache.get_or_render((*key, chosen), render)
    etag = cache.get_or_render(
        etag_key, lambda: f'"{hashlib.sha256(body).hexdigest()[:40]}"'.encode()
    ).decode()
    headers["ETag"] = etag
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type=chosen.content_type)


def _split_suffix(name: str) -> tuple[str, FeedFormat | None]:
    """`1-100.nq` -> (`1-100`, N-Quads); an unknown suffix stays part of the name."""
    stem, dot, suffix = name.rpartition(".")
    if dot:
        chosen = FeedFormat.by_suffix(suffix)
        if chosen is not None:
            return stem, chosen
    return name, None
