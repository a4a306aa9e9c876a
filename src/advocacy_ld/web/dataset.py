"""`/dataset` (VoID + DCAT), `/dumps/`, `/sitemap.xml`: the dataset as a whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from advocacy_ld.publish.dumps import DUMP_NAME, Dump, DumpBuilder
from advocacy_ld.publish.formats import RDF_REPRESENTATIONS, Representation
from advocacy_ld.publish.render import render_rdf
from advocacy_ld.publish.sitemap import MAX_URLS, render_index, render_sitemap, resource_pages
from advocacy_ld.publish.void import describe_dataset
from advocacy_ld.web.problems import Problem
from advocacy_ld.web.responses import negotiated_response
from advocacy_ld.web.services import Services, ServicesDep

router = APIRouter()


def current_dump(app: ServicesDep) -> Dump:
    builder = app.shared("dumps", lambda: DumpBuilder(app.settings.data / "dumps"))
    dump: Dump = builder.current(app.repository.public, app.repository.generation)
    return dump


DumpDep = Annotated[Dump, Depends(current_dump)]


def _dataset_response(request: Request, app: Services, dump: Dump, path: str) -> Response:
    graph = describe_dataset(app.repository, app.settings.base_uri, dump)

    def rdf(representation: Representation) -> Callable[[], bytes]:
        return lambda: render_rdf(graph, representation, app.model.context, app.context_url)

    return negotiated_response(
        request,
        app,
        path=path,
        key=("dataset", path),
        validator=f"dataset-{dump.sha256[:16]}",
        last_modified=app.repository.last_modified,
        renderers={r: rdf(r) for r in RDF_REPRESENTATIONS},
    )


@router.get("/dataset", summary="The dataset described in VoID and DCAT")
def dataset(request: Request, app: ServicesDep, dump: DumpDep) -> Response:
    return _dataset_response(request, app, dump, "/dataset")


@router.get("/.well-known/void", summary="VoID description (RFC 5785 well-known location)")
def well_known_void(request: Request, app: ServicesDep, dump: DumpDep) -> Response:
    return _dataset_response(request, app, dump, "/.well-known/void")


@router.get("/dumps/", summary="The dumps and their checksums")
def dumps_index(app: ServicesDep, dump: DumpDep) -> dict[str, object]:
    base = app.settings.base_uri
    return {
        "dumps": [
            {
                "url": f"{base}/dumps/{DUMP_NAME}",
                "mediaType": "application/n-quads",
                "encoding": "gzip",
                "bytes": dump.size,
                "sha256": dump.sha256,
                "checksumUrl": f"{base}/dumps/{DUMP_NAME}.sha256",
                "modified": app.repository.last_modified.isoformat(),
            }
        ]
    }


@router.get(f"/dumps/{DUMP_NAME}", summary="The whole public dataset as gzip N-Quads")
def dump_file(request: Request, dump: DumpDep) -> Response:
    etag = f'"{dump.sha256}"'
    if request.headers.get("if-none-match") in (etag, "*"):
        return Response(status_code=304, headers={"ETag": etag})
    return FileResponse(
        dump.path,
        media_type="application/n-quads",
        filename=DUMP_NAME,
        headers={"ETag": etag},
    )


@router.get(f"/dumps/{DUMP_NAME}.sha256", summary="SHA-256 of the dump (sha256sum format)")
def dump_checksum(dump: DumpDep) -> Response:
    return Response(f"{dump.sha256}  {DUMP_NAME}\n", media_type="text/plain; charset=utf-8")


def _pages(app: Services) -> list[tuple[str, str]]:
    return app.current("sitemap", lambda: resource_pages(app.repository, app.settings.base_uri))


@router.get("/sitemap.xml", summary="Every public resource page")
def sitemap(app: ServicesDep) -> Response:
    pages = _pages(app)
    if len(pages) <= MAX_URLS:
        return Response(render_sitemap(pages), media_type="application/xml")
    parts = (len(pages) + MAX_URLS - 1) // MAX_URLS
    return Response(render_index(app.settings.base_uri, parts), media_type="application/xml")


@router.get("/sitemap-{number}.xml", summary="One part of a large sitemap")
def sitemap_part(number: int, app: ServicesDep) -> Response:
    pages = _pages(app)
    chunk = pages[(number - 1) * MAX_URLS : number * MAX_URLS]
    if number < 1 or not chunk:
        raise Problem(404, f"there is no sitemap part {number}", "not-found")
    return Response(render_sitemap(chunk), media_type="application/xml")
