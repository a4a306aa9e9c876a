"""What the feed routes read of the repository, and what they may keep of it.

The events of a full page never change, so they (and the root's summary of the page) are kept
in memory; whether a member's content may still be shown is asked again on every request,
because a curator's withdrawal takes it out at once (DESIGN.md §4).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import datetime
from threading import Lock

from advocacy_ld.publish.feed import FeedEntry, FeedLayout, PageSummary, summarize
from advocacy_ld.records.ledger import EventKind, FeedEvent, version_iri
from advocacy_ld.records.repository import Repository

_KEPT_EVENTS = 200_000
"""Events of full pages kept in memory (their summaries are always kept: two times each)."""


class FeedSource:
    """The change feed of one repository, laid out in pages."""

    def __init__(self, repository: Repository, layout: FeedLayout) -> None:
        self.repository = repository
        self.layout = layout
        self._full_pages: OrderedDict[int, tuple[FeedEntry, ...]] = OrderedDict()
        self._kept_events = 0
        self._latest: tuple[int, int, tuple[FeedEntry, ...]] | None = None
        self._summaries: dict[int, PageSummary] = {}
        self._latest_summary: tuple[int, PageSummary] | None = None
        self._lock = Lock()

    def length(self) -> int:
        return self.repository.feed_length()

    def entries(self, number: int, length: int) -> tuple[FeedEntry, ...]:
        """The events of page `number` in a feed of `length` events (none past its end)."""
        kept = self._kept(number, length)
        if kept is None:
            first, last = self.layout.span(number)
            self._read(first, min(last, length), length)
            kept = self._kept(number, length)
        return kept if kept is not None else ()

    def summaries(self, length: int) -> list[PageSummary]:
        """What the root says of every page. Pages not yet summarized are counted in the store
        in one aggregate (no event is read); full pages' summaries are kept for good."""
        count = self.layout.page_count(length)
        with self._lock:
            missing = [n for n in range(1, count + 1) if n not in self._summaries]
        if missing:
            counted = self.repository.feed_page_times(self.layout.page_size, missing[0], length)
            with self._lock:
                for page in counted:
                    complete = page.events == self.layout.page_size
                    counted_summary = PageSummary(
                        page.number, page.earliest, page.latest, page.events, complete
                    )
                    if complete:
                        self._summaries[page.number] = counted_summary
                    elif page.number == count:
                        self._latest_summary = (length, counted_summary)
        pages = []
        for number in range(1, count + 1):
            with self._lock:
                summary = self._summaries.get(number)
                if summary is None and self._latest_summary is not None:
                    seen_at, latest = self._latest_summary
                    summary = latest if (seen_at, latest.number) == (length, number) else None
            if summary is None:
                entries = self.entries(number, length)
                summary = summarize(number, entries, len(entries) == self.layout.page_size)
            pages.append(summary)
        return pages

    def _kept(self, number: int, length: int) -> tuple[FeedEntry, ...] | None:
        with self._lock:
            kept = self._full_pages.get(number)
            if kept is not None:
                self._full_pages.move_to_end(number)
                return kept
            if self._latest is not None and self._latest[:2] == (number, length):
                return self._latest[2]
        return None

    def _read(self, first: int, last: int, length: int) -> None:
        """Read events `first` to `last` and keep them by page: full pages (and their summaries)
        for good, the latest page until the feed grows. `first` starts a page."""
        events = [_entry(e) for e in self.repository.feed_events(first, last)]
        size = self.layout.page_size
        with self._lock:
            for start in range(0, len(events), size):
                page = tuple(events[start : start + size])
                number = self.layout.page_of(page[0].sequence)
                if len(page) < size:
                    self._latest = (number, length, page)
                    continue
                self._summaries[number] = summarize(number, page, complete=True)
                if number not in self._full_pages:
                    self._full_pages[number] = page
                    self._kept_events += size
                while self._kept_events > _KEPT_EVENTS and len(self._full_pages) > 1:
                    self._full_pages.popitem(last=False)
                    self._kept_events -= size

    def withheld(self, entries: Sequence[FeedEntry]) -> frozenset[int]:
        """Sequence numbers of version members whose content nobody may read any more: the
        record was restricted or retracted after that version was published."""
        versions = {e.sequence: version_iri(e.record, e.version) for e in entries if not e.deleted}
        readable = self.repository.publicly_readable(sorted(set(versions.values())))
        return frozenset(n for n, iri in versions.items() if iri not in readable)

    def contents(self, entries: Sequence[FeedEntry], withheld: frozenset[int]) -> dict[int, bytes]:
        """Each shown version member's record graph as N-Triples, by sequence number."""
        shown = [e for e in entries if not e.deleted and e.sequence not in withheld]
        texts = self.repository.version_ntriples(
            sorted({version_iri(e.record, e.version) for e in shown})
        )
        return {e.sequence: texts.get(version_iri(e.record, e.version), b"") for e in shown}

    def last_modified(self, entries: Sequence[FeedEntry], withheld: frozenset[int]) -> datetime:
        """No earlier than the last change of the page's bytes: its newest event, or the last
        write of a record whose content it withholds (the withdrawal that took it out)."""
        newest = max(e.time for e in entries)
        return self.last_modified_of(newest, [e.record for e in entries if e.sequence in withheld])

    def last_modified_of(self, newest: datetime, withheld_records: Iterable[str]) -> datetime:
        """`last_modified` from a page's newest event and the records it withholds content of
        (what a kept page remembers of itself)."""
        times = [newest]
        for record in withheld_records:
            state = self.repository.state(record)
            if state is not None:
                times.append(state.modified)
        return max(times)


def _entry(event: FeedEvent) -> FeedEntry:
    return FeedEntry(
        sequence=event.sequence,
        record=event.record,
        version=event.version,
        time=event.time,
        deleted=event.kind is EventKind.TOMBSTONE,
        reason=event.reason,
    )
