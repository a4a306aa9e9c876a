"""Open the store a setting names: embedded Oxigraph (on disk or in memory) or a remote server."""

from __future__ import annotations

from pathlib import Path

from advocacy_ld.errors import StoreError
from advocacy_ld.store.base import Store
from advocacy_ld.store.endpoints import is_remote, parse_remote, redact
from advocacy_ld.store.oxigraph import OxigraphStore
from advocacy_ld.store.sparql import SparqlStore


def open_store(setting: str, path: Path) -> Store:
    """The store named by `setting` (`oxigraph`, `memory` or a `sparql+http(s)://` URL).

    `path` is where the embedded store lives; for a remote one it only says where copies
    derived from the dataset go (`SparqlStore.path`). A remote store is checked before it is
    returned, so a wrong URL, a server that is down or misconfigured stops the caller here.
    """
    if setting == "memory":
        return OxigraphStore()
    if setting == "oxigraph":
        path.mkdir(parents=True, exist_ok=True)
        return OxigraphStore(path)
    if is_remote(setting):
        try:
            endpoints = parse_remote(setting)
        except ValueError as error:
            raise StoreError(f"store {redact(setting)!r}: {error}") from None
        store = SparqlStore(endpoints, path)
        try:
            store.check()
        except BaseException:
            store.close()
            raise
        return store
    raise StoreError(
        f"unknown store {redact(setting)!r}: expected 'oxigraph', 'memory' or a "
        "'sparql+http://host:port[/path]' URL"
    )
