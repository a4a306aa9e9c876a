"""Sets are record kinds (OAI-PMH 2.0 §2.7): every item is in exactly one, never nested."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_NAMES = {
    "statement": "Advocacy documents (statements, press releases, open letters)",
    "org": "Organizations and groups of actors",
    "facility": "Detention facilities",
    "report": "Cited works (reports and news articles)",
    "place": "Places and countries",
    "person": "Persons",
}


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str


def kind_sets(kinds: Sequence[str]) -> tuple[OaiSet, ...]:
    """One set per record kind of the model, in the model's order."""
    return tuple(OaiSet(kind, _NAMES.get(kind, kind.capitalize())) for kind in kinds)
