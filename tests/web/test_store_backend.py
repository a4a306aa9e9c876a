"""Which stores the web tests' deployments use: `pytest --store=server` must really change it."""

from __future__ import annotations

from pathlib import Path

from advocacy_ld.records.repository import Repository
from advocacy_ld.settings import Settings
from advocacy_ld.store import OxigraphStore, SparqlStore


def test_the_deployment_uses_the_stores_asked_for(
    repository: Repository, web_settings: Settings, store_backend: str, tmp_path: Path
) -> None:
    expected = SparqlStore if store_backend == "server" else OxigraphStore
    assert isinstance(repository.archive, expected)
    assert isinstance(repository.public, expected)
    # Copies derived from the archive (feed pages) go under the data directory either way.
    assert repository.location == web_settings.archive_path
    if store_backend == "server":
        assert repository.snapshot_public(tmp_path / "checkpoint") is False
        assert not (tmp_path / "checkpoint").exists()
