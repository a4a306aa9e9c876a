"""The harvestable list: one entry per record that is or was public, in harvest order.

Ordered by (datestamp, identifier), so a resumption token can name the last key it returned
and the next page starts after it, whatever was added or changed in between (§3.5).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter


@dataclass(frozen=True)
class OaiEntry:
    """One item: its identifier (the record IRI), set, datestamp and whether it is deleted.

    `deleted` is for records that were public and are not now (§2.5.1, deletedRecord
    persistent); records that were never public must not be entries at all.
    """

    identifier: str
    kind: str
    datestamp: str
    deleted: bool
    version: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.datestamp, self.identifier)


@dataclass(frozen=True)
class Selection:
    """A slice of a list: the page, its position and the whole list's size (§3.5.1)."""

    page: tuple[OaiEntry, ...]
    cursor: int
    complete_size: int
    more: bool


_KEY = attrgetter("datestamp", "identifier")
"""`OaiEntry.key` without a Python call per entry: the index is rebuilt on every public write."""


class _SortedList:
    def __init__(self, entries: list[OaiEntry]) -> None:
        self.entries = entries
        self.keys: list[tuple[str, str]] = list(map(_KEY, entries))
        self.stamps = [e.datestamp for e in entries]


class EntryIndex:
    """Entries sorted once (per public-dataset generation), then sliced by bisection."""

    def __init__(self, entries: Iterable[OaiEntry]) -> None:
        ordered = sorted(entries, key=_KEY)
        self._all = _SortedList(ordered)
        by_set: dict[str, list[OaiEntry]] = {}
        for entry in ordered:
            by_set.setdefault(entry.kind, []).append(entry)
        self._sets = {kind: _SortedList(group) for kind, group in by_set.items()}
        self._by_id = {e.identifier: e for e in ordered}

    def __len__(self) -> int:
        return len(self._all.entries)

    def get(self, identifier: str) -> OaiEntry | None:
        return self._by_id.get(identifier)

    @property
    def earliest(self) -> str | None:
        return self._all.stamps[0] if self._all.stamps else None

    def select(
        self,
        *,
        set_spec: str | None,
        lowest: str | None,
        highest: str | None,
        after: tuple[str, str] | None,
        size: int,
    ) -> Selection:
        """Entries in the set with lowest <= datestamp <= highest, the first `size` after
        `after`; `cursor` counts the list's entries before the page."""
        listing = self._all if set_spec is None else self._sets.get(set_spec)
        if listing is None:
            return Selection((), 0, 0, False)
        start = bisect_left(listing.stamps, lowest) if lowest is not None else 0
        end = bisect_right(listing.stamps, highest) if highest is not None else len(listing.stamps)
        end = max(start, end)
        first = max(start, bisect_right(listing.keys, after)) if after is not None else start
        first = min(first, end)
        last = min(end, first + size)
        return Selection(tuple(listing.entries[first:last]), first - start, end - start, last < end)
