"""Restore an archive export (`advocacy-ld export --archive`) into an empty repository.

A backup is only as good as its restore, and a large first dataset loads far faster this way
than record by record (validation, hashing and one transaction per batch): the archive's
N-Quads go into the archive store with the store's bulk loader, then the public dataset is
rebuilt from the ledger in bulk too. The file is checked whole before anything is written;
a load that fails part way empties both stores again, as they were before.
"""

from __future__ import annotations

import fcntl
import gzip
import io
import logging
import re
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import pyoxigraph as ox

from advocacy_ld.errors import (
    InputError,
    NotAnArchiveError,
    RDFSyntaxError,
    RepositoryNotEmptyError,
    RestoreFailedError,
    StoreError,
)
from advocacy_ld.model.namespaces import ADV
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.ledger import LEDGER, read_states, version_iri
from advocacy_ld.settings import Settings
from advocacy_ld.store import Store, open_store
from advocacy_ld.store.base import line_blocks
from advocacy_ld.store.endpoints import is_remote

__all__ = [
    "ArchiveFacts",
    "ArchiveFile",
    "RestoreSummary",
    "archive_file",
    "check_archive",
    "rebuild_public",
    "restore",
    "restore_into",
]

log = logging.getLogger(__name__)
Report = Callable[[str], None]
"""Told what a restore is doing now (it takes minutes on a large archive)."""

_GZIP_MAGIC = b"\x1f\x8b"
_FILTER_BLOCK_BYTES = 16 * 1024 * 1024
"""How much of the archive file the public rebuild holds at a time."""


@dataclass(frozen=True)
class ArchiveFile:
    """An archive export on disk, plain N-Quads or gzip-compressed (told by its first bytes)."""

    path: Path
    name: str
    """How messages name it: its path, or `-` for what came on stdin."""

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The N-Quads, decompressed if need be."""
        with self.path.open("rb") as raw:
            if raw.read(2) != _GZIP_MAGIC:
                raw.seek(0)
                yield raw
                return
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield cast(BinaryIO, unzipped)


@contextmanager
def archive_file(name: str, stdin: BinaryIO, spool: Path) -> Iterator[ArchiveFile]:
    """The archive named on the command line: a file, or `-` for `stdin`, which is copied
    into a temporary file under `spool` first (a restore reads its input twice)."""
    if name != "-":
        path = Path(name)
        if not path.is_file():
            raise InputError(f"{name}: no such file")
        yield ArchiveFile(path, name)
        return
    spool.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=spool, prefix="restore-") as folder:
        path = Path(folder) / "stdin.nq"
        with path.open("wb") as copy:
            shutil.copyfileobj(stdin, copy, 1 << 20)
        yield ArchiveFile(path, "-")


# -- checking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveFacts:
    """What the check of an archive file found."""

    quads: int
    records: int
    """Records in the ledger."""


def check_archive(source: ArchiveFile, ids: RecordIdentifier) -> ArchiveFacts:
    """Parse the whole file once, keeping nothing but counts and the ledger's record IRIs.

    Raises `RDFSyntaxError` naming the line of malformed N-Quads, `NotAnArchiveError` for a
    file that is not an archive export of this deployment (no ledger, triples outside any
    named graph, records under another base URI), `InputError` for an unreadable file.
    """
    ledger = ox.NamedNode(LEDGER)
    default = ox.DefaultGraph()
    version = ox.NamedNode(str(ADV.version))
    quads = 0
    outside = 0
    records: set[str] = set()
    try:
        with source.open() as stream:
            for quad in ox.parse(stream, ox.RdfFormat.N_QUADS):
                quads += 1
                graph = quad.graph_name
                if graph == ledger:
                    if quad.predicate == version and isinstance(quad.subject, ox.NamedNode):
                        records.add(quad.subject.value)
                elif graph == default:
                    outside += 1
    except SyntaxError as error:
        raise RDFSyntaxError.from_parser(error, source.name) from None
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(f"{source.name}: cannot be read: {error}") from None
    if not records:
        raise NotAnArchiveError(
            source.name,
            f"no record in a ledger graph <{LEDGER}>: not an advocacy-ld archive export "
            "(advocacy-ld export --archive)",
        )
    if outside:
        raise NotAnArchiveError(
            source.name,
            f"{outside} triple(s) outside any named graph, which an archive export never has",
        )
    foreign = sorted(iri for iri in records if ids.parse(iri) is None)
    if foreign:
        raise NotAnArchiveError(
            source.name,
            f"{len(foreign)} record(s) are not under this deployment's {ids.base_uri}/id/ "
            f"(e.g. <{foreign[0]}>): set ADVOCACY_LD_BASE_URI to the base URI the archive "
            "was exported with",
        )
    return ArchiveFacts(quads, len(records))


# -- restoring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreSummary:
    """What a restore stored."""

    archive_quads: int
    records: int
    public_records: int
    public_quads: int


def restore(
    archive: Store,
    public: Store,
    source: ArchiveFile,
    ids: RecordIdentifier,
    report: Report | None = None,
) -> RestoreSummary:
    """Check `source` whole, bulk-load it into the empty `archive`, then rebuild `public`.

    Refuses (`RepositoryNotEmptyError`) unless both stores are empty; when loading fails part
    way (`RestoreFailedError`, or an interruption), both are emptied again.
    """
    tell = report or (lambda _: None)
    refuse_unless_empty(archive, public, ids)
    tell(f"checking {source.name}")
    facts = check_archive(source, ids)
    stage = "loading the archive"
    try:
        tell(f"loading {facts.quads} quads into the archive")
        with source.open() as stream:
            archive.bulk_load(stream)
        stage = "rebuilding the public dataset"
        tell(stage)
        public_records, public_quads = rebuild_public(source, archive, public, ids)
    except BaseException as error:
        emptied = _empty(archive, public)
        if isinstance(error, Exception):
            raise RestoreFailedError(stage, error, emptied) from error
        raise  # an interruption (Ctrl-C) stays one; the stores are emptied all the same
    return RestoreSummary(facts.quads, facts.records, public_records, public_quads)


def refuse_unless_empty(archive: Store, public: Store, ids: RecordIdentifier) -> None:
    """Raise `RepositoryNotEmptyError`, saying what is there, unless both stores are empty."""
    held: dict[str, int] = {}
    records = len(read_states(archive, ids))
    if records:
        held["records in the ledger"] = records
    for place, store in (("archive", archive), ("public dataset", public)):
        graphs = len(store.record_iris())
        if graphs:
            held[f"graphs in the {place}"] = graphs
        elif triples := store.triple_count():
            held[f"triples in the {place}"] = triples
    if held:
        raise RepositoryNotEmptyError(held)


def rebuild_public(
    source: ArchiveFile, archive: Store, public: Store, ids: RecordIdentifier
) -> tuple[int, int]:
    """Give each record whose ledger state in `archive` is public (`RecordState.is_public`)
    its current version's graph in `public`, named by the record, as the write path leaves
    it; in one bulk load. Returns (records, triples) copied.

    The graphs' quads come from `source`, just loaded into `archive`, read again as lines:
    reading them back from the store costs ~8 µs a quad (it decodes every term), parsing each
    into Python terms ~5, renaming the lines ~2 (`_RenamedGraphs`).
    """
    states = [s for s in read_states(archive, ids).values() if s.is_public]
    copied = _RenamedGraphs({version_iri(s.id.iri, s.version): s.id.iri for s in states})
    with source.open() as stream:
        blocks = copied.blocks(line_blocks(stream, _FILTER_BLOCK_BYTES))
        public.bulk_load(cast(BinaryIO, io.BufferedReader(_BlockReader(blocks), 1 << 20)))
    missing = sorted(copied.renames.keys() - copied.seen)
    if missing:
        raise StoreError(
            f"the archive has no graph <{missing[0]}> (nor {len(missing) - 1} other(s)), the "
            "current version of a public record"
        )
    return len(states), copied.triples


_COMMENT = re.compile(rb"\.[ \t]*#")
"""Where a comment may start: only after a statement's final `.` (N-Quads §2.1 and
https://www.w3.org/TR/n-quads/#sec-grammar); also found inside some literals and IRIs, whose
lines then take the parser's way."""


class _RenamedGraphs:
    """The quads of some graphs, each moved to another graph (a version's to its record's),
    as N-Quads blocks; the other graphs' quads are left out.

    A line as `export --archive` writes it, `S P O <graph> .`, is renamed as bytes: its graph
    is the text from its last `<` (no IRI holds a raw `<`). Any other line (a comment, an
    escape in the graph IRI, other spacing, a blank-node graph) is parsed.
    """

    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames
        self._by_term = {f"<{old}>".encode(): f"<{new}>".encode() for old, new in renames.items()}
        self.seen: set[str] = set()
        self.triples = 0

    def blocks(self, blocks: Iterator[bytes]) -> Iterator[bytes]:
        for block in blocks:
            kept: list[bytes] = []
            last_graph, target = b"", None
            for line in block.split(b"\n"):
                start = line.rfind(b"<")
                graph = line[start:-2]
                if (
                    start > 0
                    and line.endswith(b"> .")
                    and line[start - 1] in b" \t"
                    and b"\\" not in graph
                    and not _COMMENT.search(line)
                ):
                    if graph != last_graph:
                        last_graph, target = graph, self._by_term.get(graph)
                        if target is not None:
                            self.seen.add(graph[1:-1].decode())
                    if target is not None:
                        kept.append(line[:start] + target + b" .\n")
                elif line.strip():
                    kept.extend(self._parsed(line))
            self.triples += len(kept)
            yield b"".join(kept)

    def _parsed(self, line: bytes) -> list[bytes]:
        """The line's quad renamed, if it is in a graph to keep (a comment line has none)."""
        kept = []
        for quad in ox.parse(line, ox.RdfFormat.N_QUADS):
            graph = quad.graph_name
            if isinstance(graph, ox.NamedNode) and graph.value in self.renames:
                self.seen.add(graph.value)
                renamed = ox.Quad(
                    quad.subject,
                    quad.predicate,
                    quad.object,
                    ox.NamedNode(self.renames[graph.value]),
                )
                kept.append(ox.serialize([renamed], format=ox.RdfFormat.N_QUADS) or b"")
        return kept


class _BlockReader(io.RawIOBase):
    """Blocks of bytes as a binary stream, read as the reader asks for more."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        super().__init__()
        self._blocks = blocks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        while not self._pending:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._pending = memoryview(block)
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


def _empty(archive: Store, public: Store) -> bool:
    """Put both stores back to empty, as they were before the restore; False if one refused."""
    emptied = True
    for store in (archive, public):
        try:
            store.clear()
        except Exception:
            log.exception("could not empty a store after a failed restore")
            emptied = False
    return emptied


# -- from settings -------------------------------------------------------------------------


def restore_into(
    settings: Settings, source: ArchiveFile, report: Report | None = None
) -> RestoreSummary:
    """`restore` into the stores the settings name. With store servers, holds the write lock
    the server processes share (`Repository.shared_lock`), so none writes meanwhile."""
    if settings.store == "memory":
        raise StoreError("the memory store keeps nothing: restore into 'oxigraph' or a server")
    pages = settings.data / "feed-pages"
    kept = sum(1 for path in pages.rglob("*") if path.is_file()) if pages.is_dir() else 0
    if kept:
        # Pages of an earlier repository could pass for current ones of the restored archive.
        raise RepositoryNotEmptyError({f"feed page files in {pages}": kept})
    with ExitStack() as stack:
        if is_remote(settings.store):
            settings.data.mkdir(parents=True, exist_ok=True)
            lock = stack.enter_context((settings.data / "write.lock").open("ab"))
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        archive = open_store(settings.store, settings.archive_path)
        stack.callback(archive.close)
        public = open_store(settings.public_store_setting, settings.public_path)
        stack.callback(public.close)
        summary = restore(archive, public, source, RecordIdentifier(settings.base_uri), report)
    return summary
