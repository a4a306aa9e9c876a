"""UTC datestamps and the `from`/`until` arguments (OAI-PMH 2.0 §3.3).

Datestamps are compared as strings: `YYYY-MM-DDThh:mm:ssZ` sorts as the times it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
"""The finest granularity this repository supports (§4.2 Identify); days are accepted too."""

_DAY = re.compile(r"\A([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_SECOND = re.compile(r"\A([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z\Z")


class Granularity(Enum):
    DAY = "YYYY-MM-DD"
    SECOND = GRANULARITY


@dataclass(frozen=True)
class Bound:
    """A parsed `from` or `until`: its text, its granularity, and the datestamp range edges."""

    text: str
    granularity: Granularity
    lowest: str
    """The earliest second-granularity datestamp the argument covers (for `from`)."""
    highest: str
    """The latest second-granularity datestamp the argument covers (for `until`)."""


def datestamp(moment: datetime) -> str:
    """A UTC datestamp at second granularity (§3.3.1), e.g. `2018-12-25T10:00:00Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_bound(text: str) -> Bound | None:
    """A valid `from`/`until` value (§3.3.1), or None for any other syntax or impossible date.

    Finer granularity (fractions of a second), offsets other than Z and day-less forms are
    refused: the repository's granularity is seconds, and the spec allows only the two forms.
    """
    if match := _SECOND.match(text):
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        try:
            datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError:
            return None
        return Bound(text, Granularity.SECOND, text, text)
    if match := _DAY.match(text):
        try:
            day_value = date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
        iso = day_value.isoformat()
        return Bound(text, Granularity.DAY, f"{iso}T00:00:00Z", f"{iso}T23:59:59Z")
    return None
