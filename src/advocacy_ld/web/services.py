"""What the routes share, built once per app by `create_app` and kept on `app.state`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Request

from advocacy_ld.model import Model
from advocacy_ld.publish.cache import RenderCache
from advocacy_ld.records.repository import Repository
from advocacy_ld.settings import Settings

Shared = TypeVar("Shared")


@dataclass
class Services:
    settings: Settings
    repository: Repository
    model: Model
    cache: RenderCache
    extras: dict[str, Any] = field(default_factory=dict)
    _building: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def shared(self, name: str, build: Callable[[], Shared]) -> Shared:
        """The app-wide object kept as `name`, built on first use: once, even when requests
        ask for it at the same moment (a builder may itself ask for another)."""
        found = self.extras.get(name)
        if found is None:
            with self._building:
                found = self.extras.get(name)
                if found is None:
                    found = self.extras[name] = build()
        return cast(Shared, found)

    def current(self, name: str, build: Callable[[], Shared]) -> Shared:
        """The object kept as `name` for the public dataset as it is now: built again after
        any public change (a new generation of the repository)."""
        generation = self.repository.generation
        found = self.extras.get(name)
        if found is None or found[0] != generation:
            with self._building:
                found = self.extras.get(name)
                if found is None or found[0] != generation:
                    found = self.extras[name] = (generation, build())
        return cast(Shared, found[1])

    @property
    def context_url(self) -> str:
        """Where this deployment serves its JSON-LD context; compacted output points here."""
        return f"{self.settings.base_uri}/context.jsonld"


async def services(request: Request) -> Services:
    """FastAPI dependency: the app's services (async: a sync dependency costs a thread hop)."""
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]
