"""Fixtures shared by the whole suite: the model, parse options, paths to the examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from advocacy_ld.model import Model, load_context, load_model
from advocacy_ld.model.namespaces import CONTEXT_IRI
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.parsing import ParseOptions
from advocacy_ld.settings import DEFAULT_BASE_URI

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
BASE = DEFAULT_BASE_URI


@pytest.fixture(scope="session")
def model() -> Model:
    return load_model()


@pytest.fixture(scope="session")
def parse_options() -> ParseOptions:
    return ParseOptions(
        base_iri=f"{BASE}/",
        context=load_context(),
        context_iris=frozenset({CONTEXT_IRI, f"{BASE}/context.jsonld"}),
    )


@pytest.fixture(scope="session")
def identifier() -> RecordIdentifier:
    return RecordIdentifier(BASE)


def example_files() -> list[Path]:
    """Every record file under examples/ (Turtle)."""
    return sorted(EXAMPLES.rglob("*.ttl"))


def statement_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*/statement.ttl"))
