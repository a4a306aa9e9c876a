"""Web fixtures: an app over the loaded examples (in-process), and a real server process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from advocacy_ld.model import load_model
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.loading import LoadStatus, RecordChecker
from advocacy_ld.records.parsing import ParseOptions
from advocacy_ld.records.reading import collect_files, read_record_file
from advocacy_ld.records.repository import Repository, open_repository
from advocacy_ld.settings import Settings
from advocacy_ld.web.app import create_app

from ..conftest import BASE, EXAMPLES
from ..store_servers import store_settings


def load_examples(repository: Repository, parse_options: ParseOptions) -> None:
    ids = RecordIdentifier(BASE)
    candidates = [read_record_file(p, parse_options, ids) for p in collect_files([EXAMPLES])]
    outcomes = repository.load(candidates, RecordChecker(load_model(), repository.archive))
    refused = [o.report.to_text() for o in outcomes if o.status is LoadStatus.INVALID]
    assert refused == [], "\n".join(refused)


@pytest.fixture(scope="session")
def web_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Embedded stores under the data directory; two Oxigraph servers with --store=server."""
    with store_settings() as stores:
        yield Settings(data=tmp_path_factory.mktemp("web-data"), base_uri=BASE, **stores)


@pytest.fixture(scope="session")
def repository(web_settings: Settings, parse_options: ParseOptions) -> Iterator[Repository]:
    """The examples, loaded once into the archive and public stores of `web_settings`."""
    opened = open_repository(web_settings)
    load_examples(opened, parse_options)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def client(web_settings: Settings, repository: Repository) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings, repository), base_url=BASE) as test_client:
        yield test_client
