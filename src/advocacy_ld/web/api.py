"""`/api`: validate, submit, review, revise, retract, restrict, history (DESIGN.md §6).

Writes need a bearer token (`web.auth`); `POST /api/validate` is open and rate-limited.
The routes live in one module per job; this one puts them under `/api`.
"""

from __future__ import annotations

from fastapi import APIRouter

from advocacy_ld.web import api_read, api_records, api_validate

router = APIRouter(prefix="/api", tags=["api"])
router.include_router(api_validate.router)
router.include_router(api_records.router)
router.include_router(api_read.router)
