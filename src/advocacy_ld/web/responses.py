"""One negotiated response for every resource: representation choice, validators, 304s.

Order of precedence: a path suffix, then `?_format=`, then `Accept` (DESIGN.md §6). Every
answer carries `Vary: Accept`, a strong `ETag` per representation, `Last-Modified` and `Link`
alternates (RFC 9110 §8.8, §12.5.5, §13.1; RFC 8288).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from advocacy_ld.publish.formats import Representation
from advocacy_ld.web.negotiation import negotiate
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.services import Services


def choose_representation(
    request: Request, suffix: Representation | None, available: list[Representation]
) -> Representation:
    """Pick the representation or raise 406 naming what is available."""
    if suffix is not None:
        if suffix not in available:
            raise Problem(404, f"no .{suffix.suffix} representation here", "not-found")
        return suffix
    requested = request.query_params.get("_format")
    if requested:
        chosen = Representation.by_name(requested)
        if chosen is None or chosen not in available:
            raise _not_acceptable(available, f"_format={requested!r} is not available")
        return chosen
    media_type = negotiate(request.headers.get("accept"), [r.media_type for r in available])
    if media_type is None:
        raise _not_acceptable(available, "none of the media types in Accept is available")
    return next(r for r in available if r.media_type == media_type)


def _not_acceptable(available: list[Representation], reason: str) -> Problem:
    return Problem(
        406,
        f"{reason}; available: {', '.join(r.media_type for r in available)}",
        "not-acceptable",
        available=[r.media_type for r in available],
    )


def negotiated_response(
    request: Request,
    services: Services,
    *,
    path: str,
    key: object,
    validator: str,
    last_modified: datetime,
    renderers: Mapping[Representation, Callable[[], bytes]],
    suffix: Representation | None = None,
    extra_links: list[str] | None = None,
) -> Response:
    """Render (or reuse) the chosen representation and answer, 304 when the client has it."""
    available = list(renderers)
    representation = choose_representation(request, suffix, available)
    etag = f'"{validator}-{representation.suffix}"'
    # Alternates keep what selects the content (page, language), not negotiation overrides.
    kept = [(k, v) for k, v in request.query_params.multi_items() if k in ("page", "lang")]
    query = f"?{urlencode(kept)}" if kept else ""
    links = [
        f'<{path}.{r.suffix}{query}>; rel="alternate"; type="{r.media_type}"' for r in available
    ]
    links.append(f'<{path}>; rel="canonical"')
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Vary": "Accept, Accept-Language",
        "Link": ", ".join(links + (extra_links or [])),
        "Cache-Control": "public, max-age=60",
    }
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    body = services.cache.get_or_render((key, validator, representation), renderers[representation])
    return Response(body, headers=headers, media_type=representation.content_type)


def not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """RFC 9110 §13.2.2: If-None-Match first; If-Modified-Since only without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return last_modified.replace(microsecond=0) <= since
    return False


def split_suffix(name: str) -> tuple[str, Representation | None]:
    """`sednaya.ttl` -> (`sednaya`, Turtle); an unknown suffix stays part of the name."""
    stem, dot, suffix = name.rpartition(".")
    if dot:
        representation = Representation.by_suffix(suffix)
        if representation is not None:
            return stem, representation
    return name, None
