"""`/-/health` and `/-/version`: for operators and load balancers."""

from __future__ import annotations

import os
from typing import Any

import pyoxigraph
import rdflib
from fastapi import APIRouter

from advocacy_ld import __version__
from advocacy_ld.web.services import ServicesDep
from advocacy_ld.web.sparql import ENGINE

router = APIRouter(prefix="/-")


@router.get("/health", summary="Liveness and what the public dataset holds")
def health(app: ServicesDep) -> dict[str, Any]:
    engine = app.extras.get(ENGINE)
    return {
        "status": "ok",
        "records": len(app.repository.published()),
        "generation": app.repository.generation,
        # Which server process answered: with `serve --workers N`, one of N.
        "process": os.getpid(),
        # Only once queries have started it (or `sparql_warm_start` did): never started here.
        "sparql": engine.status() if engine is not None else None,
    }


@router.get("/version", summary="Versions of the software and its main libraries")
def version() -> dict[str, str]:
    return {"advocacy-ld": __version__, "rdflib": rdflib.__version__,
            "pyoxigraph": pyoxigraph.__version__}  # fmt: skip
