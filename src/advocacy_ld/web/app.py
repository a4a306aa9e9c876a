"""`create_app(settings)`: the app factory; nothing is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from advocacy_ld import __version__
from advocacy_ld.model import load_model
from advocacy_ld.publish.cache import RenderCache
from advocacy_ld.records.repository import Repository, open_repository
from advocacy_ld.settings import Settings
from advocacy_ld.web import api, dataset, feeds, home, model_routes, oai, resources, sparql, system
from advocacy_ld.web.api_docs import install_api_docs
from advocacy_ld.web.fast_path import CachedResourceMiddleware, SparqlQueryMiddleware
from advocacy_ld.web.freshness import CATCH_UP, CatchUp, CatchUpMiddleware
from advocacy_ld.web.head import HeadAsGetMiddleware
from advocacy_ld.web.limits import BodySizeLimitMiddleware
from advocacy_ld.web.problems import install_problem_handlers
from advocacy_ld.web.services import Services


def create_app(settings: Settings, repository: Repository | None = None) -> FastAPI:
    """Build an app over `repository` (or the one the settings name, opened at startup)."""
    owns_repository = repository is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = repository if repository is not None else open_repository(settings)
        services = Services(
            settings=settings,
            repository=opened,
            model=load_model(),
            cache=RenderCache(settings.render_cache_entries),
        )
        opened.keep_rendition(oai.dc_facts(services))  # oai_dc is served from it
        stop_feed_pages = feeds.start_feed_pages(services)  # full pages kept before serving
        if opened.shared_lock is not None:  # other processes write to the same store server
            services.extras[CATCH_UP] = CatchUp(opened)
        app.state.services = services
        try:
            yield
        finally:
            stop_feed_pages()
            if owns_repository:
                opened.close()

    app = FastAPI(
        title="advocacy-ld",
        version=__version__,
        description="Advocacy documents as linked data.",
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    install_api_docs(app)
    # Inside CORS, so a 413 still carries the CORS headers a browser needs to read it.
    # Innermost first: the cache fast path sits inside CORS, HEAD handling and the body limit.
    app.add_middleware(CachedResourceMiddleware)
    app.add_middleware(SparqlQueryMiddleware)
    app.add_middleware(CatchUpMiddleware)  # before any answer, even from the cache
    app.add_middleware(BodySizeLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match"],
        expose_headers=["ETag", "Link", "Last-Modified", "Location", "Retry-After"],
    )  # fmt: skip
    app.add_middleware(HeadAsGetMiddleware)
    app.mount("/static", StaticFiles(directory=str(files("advocacy_ld.web") / "static")), "static")
    app.include_router(system.router)
    app.include_router(resources.router)
    app.include_router(dataset.router)
    app.include_router(sparql.router)
    app.include_router(home.router)
    app.include_router(model_routes.router)
    app.include_router(api.router)
    app.include_router(oai.router)
    app.include_router(feeds.router)
    return app


def app_from_environment() -> FastAPI:
    """The app for `uvicorn --factory advocacy_ld.web.app:app_from_environment`, which is what
    `advocacy-ld serve --workers N` runs in each process: settings from `ADVOCACY_LD_*`."""
    return create_app(Settings())
