"""Full feed pages materialized: each one's bytes rendered once and kept, on disk beside the
archive (`{data}/feed-pages/`), so that a harvester's first replay costs file reads.

A full page never gains or loses a member (LDES `ldes:immutable`,
https://w3id.org/ldes/specification), so its bytes depend only on which of its members' content
is withheld, and that changes only through a curator's change of a record's public history
(`Repository.history_changes`). A kept page is stamped with the number of the latest such
change when it was rendered: while no later change names one of its records, it is current
(docs/feeds.md, "The page store").
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from threading import Lock
from typing import Protocol

import pyoxigraph as ox

from advocacy_ld.publish import feed
from advocacy_ld.publish.feed import FeedEntry, FeedFormat, FeedLayout, PageSummary
from advocacy_ld.records.repository import Repository

log = logging.getLogger(__name__)

FORMAT = 1
"""The version of the file layout below; a new one puts pages in a new directory (`layout_key`)
and the old one is removed at start-up."""
_MAGIC = f"advocacy-ld feed page {FORMAT}\n".encode()
_TEMP_PREFIX = ".tmp-"
_STALE_TEMP_SECONDS = 3600
"""A temporary file older than this was left by a writer that died; younger ones may be in use
by another process sharing the directory."""


def strong_etag(body: bytes) -> str:
    """A strong ETag: a digest of the bytes sent, so it changes exactly when they do
    (RFC 9110 §8.8.3)."""
    return f'"{hashlib.sha256(body).hexdigest()[:40]}"'


@dataclass(frozen=True)
class PageHeader:
    """What is kept with a page's bytes: enough to answer (ETag, Last-Modified) and to know
    whether the bytes are still current, without reading the store."""

    etag: str
    epoch: int
    """`Repository.history_epoch()` read before anything the bytes depend on."""
    records: frozenset[str]
    """The records of the page's version members: only a change to one of them matters."""
    withheld: tuple[tuple[int, str], ...]
    """(sequence, record) of the version members shown without content."""
    earliest: datetime
    latest: datetime
    size: int

    @property
    def withheld_sequences(self) -> frozenset[int]:
        return frozenset(sequence for sequence, _ in self.withheld)

    def to_json(self) -> bytes:
        """One line of JSON (json.dumps escapes every line break)."""
        document = {
            "etag": self.etag,
            "epoch": self.epoch,
            "records": sorted(self.records),
            "withheld": [list(pair) for pair in self.withheld],
            "earliest": self.earliest.isoformat(),
            "latest": self.latest.isoformat(),
            "size": self.size,
        }
        return json.dumps(document, ensure_ascii=False).encode("utf-8") + b"\n"

    @classmethod
    def from_json(cls, line: bytes) -> PageHeader:
        """Raises ValueError, KeyError or TypeError for anything but what `to_json` wrote."""
        document = json.loads(line)
        return cls(
            etag=str(document["etag"]),
            epoch=int(document["epoch"]),
            records=frozenset(str(r) for r in document["records"]),
            withheld=tuple((int(n), str(r)) for n, r in document["withheld"]),
            earliest=datetime.fromisoformat(document["earliest"]),
            latest=datetime.fromisoformat(document["latest"]),
            size=int(document["size"]),
        )


@dataclass(frozen=True)
class StoredPage:
    """A kept page: what is known of it, and the bytes served."""

    header: PageHeader
    body: bytes


class PageShelf(Protocol):
    """Where kept pages live, by page number and format."""

    def get(self, number: int, feed_format: FeedFormat) -> StoredPage | None:
        """The page as written; None when there is none or it cannot be read whole."""
        ...

    def header(self, number: int, feed_format: FeedFormat) -> PageHeader | None: ...

    def put(self, number: int, feed_format: FeedFormat, page: StoredPage) -> None: ...

    def drop(self, numbers: Iterable[int]) -> None:
        """Forget these pages in every format."""
        ...

    def stored(self) -> list[tuple[int, FeedFormat]]: ...

    def tidy(self) -> None:
        """Remove what no current reader can use (left by dead writers or other layouts)."""
        ...


class DiskShelf:
    """One file per page and format, `{directory}/{first}-{last}.{suffix}`: a magic line, the
    header as one line of JSON, then the bytes served. Written to a temporary file and renamed
    over the old one (`os.replace`), so that a reader, in this process or another sharing the
    directory, sees a whole file or none; a torn one (cut short) is ignored."""

    def __init__(self, directory: Path, layout: FeedLayout) -> None:
        self.directory = directory
        self.layout = layout

    def path(self, number: int, feed_format: FeedFormat) -> Path:
        first, last = self.layout.span(number)
        return self.directory / f"{first}-{last}.{feed_format.suffix}"

    def get(self, number: int, feed_format: FeedFormat) -> StoredPage | None:
        found = self._read(number, feed_format, body=True)
        if found is None or found[1] is None:
            return None
        return StoredPage(found[0], found[1])

    def header(self, number: int, feed_format: FeedFormat) -> PageHeader | None:
        found = self._read(number, feed_format, body=False)
        return found[0] if found is not None else None

    def _read(
        self, number: int, feed_format: FeedFormat, *, body: bool
    ) -> tuple[PageHeader, bytes | None] | None:
        """The header and (if `body`) the bytes; None unless the file is whole."""
        path = self.path(number, feed_format)
        try:
            with path.open("rb") as file:
                if file.readline() != _MAGIC:
                    return None
                header = PageHeader.from_json(file.readline())
                data = file.read() if body else None
                end = os.fstat(file.fileno()).st_size - file.tell()
                size = len(data) if data is not None else end
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("ignoring the unreadable feed page %s: %s", path, error)
            return None
        return (header, data) if size == header.size else None

    def put(self, number: int, feed_format: FeedFormat, page: StoredPage) -> None:
        target = self.path(number, feed_format)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=_TEMP_PREFIX)
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(_MAGIC)
                    file.write(page.header.to_json())
                    file.write(page.body)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            # The page is still served from the bytes just rendered; the next request retries.
            log.warning("cannot keep the feed page %s: %s", target, error)

    def drop(self, numbers: Iterable[int]) -> None:
        for number in numbers:
            for feed_format in FeedFormat:
                try:
                    self.path(number, feed_format).unlink(missing_ok=True)
                except OSError as error:
                    log.warning("cannot remove the feed page %s: %s", number, error)

    def stored(self) -> list[tuple[int, FeedFormat]]:
        found = []
        for path in self._files():
            stem, _, suffix = path.name.rpartition(".")
            number = self.layout.page_named(stem)
            feed_format = FeedFormat.by_suffix(suffix)
            if number is not None and feed_format is not None:
                found.append((number, feed_format))
        return sorted(found, key=lambda kept: (kept[0], kept[1].suffix))

    def tidy(self) -> None:
        """Remove other layouts' directories (another page size, base URI or renderer) and
        temporary files their writer can no longer rename."""
        parent = self.directory.parent
        for other in _entries(parent):
            if other != self.directory and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
        horizon = time.time() - _STALE_TEMP_SECONDS
        for path in _entries(self.directory):
            if path.name.startswith(_TEMP_PREFIX):
                try:
                    if path.stat().st_mtime < horizon:
                        path.unlink(missing_ok=True)
                except OSError:
                    continue

    def _files(self) -> list[Path]:
        return [p for p in _entries(self.directory) if not p.name.startswith(_TEMP_PREFIX)]


def _entries(directory: Path) -> list[Path]:
    try:
        return list(directory.iterdir())
    except OSError:
        return []


class MemoryShelf:
    """Pages kept in memory, least recently used out first past `max_bytes`: for an in-memory
    store, which has no directory to keep them beside (and whose pages die with it)."""

    def __init__(self, max_bytes: int) -> None:
        self._pages: OrderedDict[tuple[int, FeedFormat], StoredPage] = OrderedDict()
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = Lock()

    def get(self, number: int, feed_format: FeedFormat) -> StoredPage | None:
        with self._lock:
            page = self._pages.get((number, feed_format))
            if page is not None:
                self._pages.move_to_end((number, feed_format))
            return page

    def header(self, number: int, feed_format: FeedFormat) -> PageHeader | None:
        with self._lock:
            page = self._pages.get((number, feed_format))
        return page.header if page is not None else None

    def put(self, number: int, feed_format: FeedFormat, page: StoredPage) -> None:
        with self._lock:
            self._forget((number, feed_format))
            self._pages[(number, feed_format)] = page
            self._bytes += len(page.body)
            while self._bytes > self._max_bytes and self._pages:
                _, evicted = self._pages.popitem(last=False)
                self._bytes -= len(evicted.body)

    def drop(self, numbers: Iterable[int]) -> None:
        with self._lock:
            for number in numbers:
                for feed_format in FeedFormat:
                    self._forget((number, feed_format))

    def stored(self) -> list[tuple[int, FeedFormat]]:
        with self._lock:
            return list(self._pages)

    def tidy(self) -> None:
        return None

    def _forget(self, key: tuple[int, FeedFormat]) -> None:
        replaced = self._pages.pop(key, None)
        if replaced is not None:
            self._bytes -= len(replaced.body)


def layout_key(layout: FeedLayout) -> str:
    """Names the directory of one layout's pages: what the bytes depend on besides the data
    (base URI, page size, the code that renders them and its serializer), so that pages
    rendered otherwise are never read back."""
    try:
        renderer = Path(feed.__file__).read_bytes()
    except OSError:
        renderer = b""
    stated = json.dumps([FORMAT, layout.base, layout.page_size, ox.__version__]).encode()
    digest = hashlib.sha256(stated + hashlib.sha256(renderer).digest()).hexdigest()
    return f"{layout.page_size}-{digest[:16]}"


def open_shelf(location: Path | None, layout: FeedLayout, max_bytes: int) -> PageShelf:
    """On disk beside the archive at `location` (`{data}/feed-pages/`); in memory when the
    archive is (`location` None)."""
    if location is None:
        return MemoryShelf(max_bytes)
    return DiskShelf(location.parent / "feed-pages" / layout_key(layout), layout)


class FeedPages:
    """Full pages of one repository's feed, served only while current.

    Current means: no change of public history (`Repository.history_changes`) numbered after
    the page's stamp names a record of the page. That is checked on every read (one lookup of
    the latest number; the changes themselves are kept in memory), so a page kept by another
    process, or before a restart, is never served stale. When a record's history changes in
    this process, its pages are also removed at once: withdrawn content does not linger.
    """

    def __init__(self, repository: Repository, layout: FeedLayout, shelf: PageShelf) -> None:
        self.repository = repository
        self.layout = layout
        self.shelf = shelf
        self._numbers: list[int] = []
        self._records: list[str] = []
        self._lock = Lock()

    def epoch(self) -> int:
        """Read before anything a page is rendered from: a change after it has a larger number."""
        return self.repository.history_epoch()

    def get(self, number: int, feed_format: FeedFormat) -> StoredPage | None:
        """The kept page, if there is one and it is current."""
        page = self.shelf.get(number, feed_format)
        if page is None or not self._current(page.header, self.epoch()):
            return None
        return page

    def has(self, number: int, feed_format: FeedFormat) -> bool:
        header = self.shelf.header(number, feed_format)
        return header is not None and self._current(header, self.epoch())

    def keep(
        self,
        number: int,
        feed_format: FeedFormat,
        *,
        epoch: int,
        entries: Sequence[FeedEntry],
        withheld: frozenset[int],
        body: bytes,
    ) -> StoredPage:
        """Keep a full page rendered from `entries` with `withheld` members' content left out,
        stamped `epoch` (read before either was); returns it as kept."""
        header = PageHeader(
            etag=strong_etag(body),
            epoch=epoch,
            records=frozenset(e.record for e in entries if not e.deleted),
            withheld=tuple((e.sequence, e.record) for e in entries if e.sequence in withheld),
            earliest=min(e.time for e in entries),
            latest=max(e.time for e in entries),
            size=len(body),
        )
        page = StoredPage(header, body)
        self.shelf.put(number, feed_format, page)
        # A withdrawal committed while this page was rendered removed the page's files before
        # this one was written, and would leave it behind: look again, now that it is written.
        if not self._current(header, self.epoch()):
            self.shelf.drop([number])
        return page

    def forget_record(self, record: str) -> None:
        """Remove every kept page holding an event of `record` (a `Repository.watch_history`
        watcher: its public history has just changed)."""
        self.shelf.drop({self.layout.page_of(n) for n in self.repository.feed_sequences(record)})

    def sweep(self, summaries: Sequence[PageSummary]) -> int:
        """Remove kept pages that are not current, or that another feed wrote (not a full page
        of this one, or other bounds); returns how many files went. Run at start-up."""
        self.shelf.tidy()
        full = {s.number: s for s in summaries if s.complete}
        epoch = self.epoch()
        stale = set()
        for number, feed_format in self.shelf.stored():
            header = self.shelf.header(number, feed_format)
            summary = full.get(number)
            if (
                header is None
                or summary is None
                or (header.earliest, header.latest) != (summary.earliest, summary.latest)
                or not self._current(header, epoch)
            ):
                stale.add(number)
        self.shelf.drop(stale)
        return len(stale)

    def _current(self, header: PageHeader, epoch: int) -> bool:
        if header.epoch == epoch:
            return True
        if header.epoch > epoch:
            return False  # written from another archive than this one
        changed = self._changed(header.epoch, epoch)
        return changed is not None and changed.isdisjoint(header.records)

    def _changed(self, after: int, upto: int) -> set[str] | None:
        """Records named by the changes numbered `after`+1 to `upto`; None if any is unknown."""
        with self._lock:
            known = self._numbers[-1] if self._numbers else 0
            if upto > known:
                for number, record in self.repository.history_changes(known):
                    self._numbers.append(number)
                    self._records.append(record)
                known = self._numbers[-1] if self._numbers else 0
            if upto > known:
                return None
            start = bisect_right(self._numbers, after)
            end = bisect_right(self._numbers, upto)
            if end - start != upto - after:
                return None  # numbers have no gaps; a missing one is a change not accounted for
            return set(self._records[start:end])
