"""What the routes share, built once per app by `create_app` and kept on `app.state`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from advocacy_ld.model import Model
from advocacy_ld.publish.cache import RenderCache
from advocacy_ld.records.repository import Repository
from advocacy_ld.settings import Settings


@dataclass
class Services:
    settings: Settings
    repository: Repository
    model: Model
    cache: RenderCache
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def context_url(self) -> str:
        """Where this deployment serves its JSON-LD context; compacted output points here."""
        return f"{self.settings.base_uri}/context.jsonld"


async def services(request: Request) -> Services:
    """FastAPI dependency: the app's services (async: a sync dependency costs a thread hop)."""
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]
