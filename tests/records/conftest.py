"""A repository on disk per test, and record identifiers under the test base."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from advocacy_ld.records.identity import RecordId, RecordIdentifier
from advocacy_ld.records.repository import Repository, open_repository
from advocacy_ld.settings import Settings

from ..conftest import BASE


def record_id(slug: str, kind: str = "org") -> RecordId:
    parsed = RecordIdentifier(BASE).parse(f"{BASE}/id/{kind}/{slug}")
    assert parsed is not None
    return parsed


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data=tmp_path / "data", base_uri=BASE)


@pytest.fixture
def repository(settings: Settings) -> Iterator[Repository]:
    opened = open_repository(settings)
    yield opened
    opened.close()
