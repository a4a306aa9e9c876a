"""The `advocacy-ld` command: thin, it parses options and calls the layers below."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from advocacy_ld import __version__
from advocacy_ld.errors import AdvocacyLDError, InputError, QueryError, RecordError
from advocacy_ld.model import load_context, load_model
from advocacy_ld.model.namespaces import CONTEXT_IRI
from advocacy_ld.publish.feed import FeedLayout
from advocacy_ld.publish.feed_pages import FeedPages, open_shelf
from advocacy_ld.publish.oai.facts import concept_labels, dc_facts_rendition
from advocacy_ld.records.identity import RecordIdentifier
from advocacy_ld.records.ingest import DEFAULT_BATCH_SIZE, default_processes
from advocacy_ld.records.ledger import DerivedRendition, Status
from advocacy_ld.records.loading import LoadOutcome, LoadStatus, RecordChecker
from advocacy_ld.records.parsing import ParseOptions
from advocacy_ld.records.reading import RecordCandidate, collect_files, read_record_file
from advocacy_ld.records.repository import (
    Change,
    LifecycleError,
    RecordNotFoundError,
    Repository,
    open_repository,
)
from advocacy_ld.records.restore import archive_file, restore_into
from advocacy_ld.records.tokens import Role, TokenError, TokenStore
from advocacy_ld.settings import Settings
from advocacy_ld.store import ExportFormat
from advocacy_ld.store.endpoints import is_remote

app = typer.Typer(
    help="Publish advocacy documents as linked data: validate, load, query and export records.",
    no_args_is_help=True,
    add_completion=False,
)
# Piped output is read by programs and people alike: wide enough that tables are not truncated.
out = Console(width=None if sys.stdout.isatty() else 240)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 240)

EXIT_INVALID = 1
EXIT_INPUT = 2
PROGRESS_THRESHOLD = 5
PARALLEL_MIN_SECONDS = 3.0
"""Validation work (estimated) from which `load` starts worker processes by default: starting
them takes a second or so."""


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    turtle = "turtle"


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class DumpFormat(StrEnum):
    nquads = "nquads"
    trig = "trig"
    turtle = "turtle"


def _settings() -> Settings:
    return Settings()


def _derived_renditions() -> tuple[DerivedRendition, ...]:
    """What the server reads of every version besides its graph: computed when records are
    loaded, so that the server need not compute them when it opens the archive."""
    return (dc_facts_rendition(concept_labels(load_model().vocabularies)),)


@contextmanager
def _opened_repository(
    settings: Settings, derived: tuple[DerivedRendition, ...] = ()
) -> Iterator[Repository]:
    repository = open_repository(settings, derived)
    try:
        yield repository
    finally:
        repository.close()


def _parse_options(settings: Settings) -> ParseOptions:
    return ParseOptions(
        base_iri=f"{settings.base_uri}/",
        context=load_context(),
        context_iris=frozenset({CONTEXT_IRI, f"{settings.base_uri}/context.jsonld"}),
    )


def _read_all(paths: list[Path], settings: Settings) -> list[RecordCandidate]:
    """Parse every file first: one malformed file stops everything before anything is stored."""
    options = _parse_options(settings)
    ids = RecordIdentifier(settings.base_uri)
    candidates: list[RecordCandidate] = []
    failures: list[str] = []
    try:
        files = collect_files(paths)
    except FileNotFoundError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(EXIT_INPUT) from None
    for path in files:
        try:
            candidates.append(read_record_file(path, options, ids))
        except (InputError, RecordError) as error:
            failures.append(str(error))
    seen: dict[str, str] = {}
    for candidate in candidates:
        if candidate.id.iri in seen:
            failures.append(
                f"{candidate.source}: record {candidate.id.iri} is also in {seen[candidate.id.iri]}"
            )
        seen[candidate.id.iri] = candidate.source
    if failures:
        for failure in failures:
            err.print(failure, markup=False)
        err.print(f"{len(failures)} file(s) could not be read; nothing was changed.")
        raise typer.Exit(EXIT_INPUT)
    return candidates


def _default_workers(candidates: list[RecordCandidate]) -> int:
    """One process per CPU when the validation work is worth starting them: about 0.3 ms per
    record and 0.055 ms per triple on the 2-core reference machine (a 275-triple statement
    takes 15 ms, a 57-triple one 3, a small authority record under 1)."""
    estimate = sum(0.0003 + 0.000055 * len(c.graph) for c in candidates)
    return default_processes() if estimate >= PARALLEL_MIN_SECONDS else 1


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """Settings come from ADVOCACY_LD_* variables (DATA, BASE_URI, STORE)."""
    if version:
        out.print(f"advocacy-ld {__version__}")
        raise typer.Exit()


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Record files or folders to validate.")],
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="How to print each report.")
    ] = ReportFormat.text,
) -> None:
    """Validate records against the shapes; exit 0 when none has a violation, 1 when any has."""
    settings = _settings()
    candidates = _read_all(files, settings)
    checker = RecordChecker(load_model(), None)
    reports = [checker.check(c, candidates) for c in candidates]
    if output_format is ReportFormat.json:
        out.print_json(json.dumps([r.to_json() for r in reports], ensure_ascii=False))
    else:
        for report in reports:
            text = report.to_text() if output_format is ReportFormat.text else report.to_turtle()
            out.print(text, markup=False, highlight=False)
    if any(not r.conforms for r in reports):
        raise typer.Exit(EXIT_INVALID)


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Record files or folders to load.")],
    processes: Annotated[
        int | None,
        typer.Option(
            "--processes",
            "-j",
            min=1,
            help="Processes that validate records (default: one per CPU for large loads).",
            show_default=False,
        ),
    ] = None,
    batch_size: Annotated[
        int,
        typer.Option("--batch-size", min=1, help="Valid records written per store transaction."),
    ] = DEFAULT_BATCH_SIZE,
) -> None:
    """Validate and load records, each atomically; refuse invalid ones and print their reports."""
    settings = _settings()
    candidates = _read_all(paths, settings)
    workers = processes if processes is not None else _default_workers(candidates)
    with _opened_repository(settings, _derived_renditions()) as repository:
        checker = RecordChecker(load_model(), repository.archive)
        if len(candidates) > PROGRESS_THRESHOLD:
            with Progress(console=err, transient=True) as progress:
                task = progress.add_task("Loading records", total=len(candidates))

                def advance(_: LoadOutcome) -> None:
                    progress.advance(task)

                outcomes = repository.load(
                    candidates, checker, advance, processes=workers, batch_size=batch_size
                )
        else:
            outcomes = repository.load(
                candidates, checker, processes=workers, batch_size=batch_size
            )
    invalid = [o for o in outcomes if o.status is LoadStatus.INVALID]
    for outcome in invalid:
        err.print(f"refused {outcome.source}:", markup=False)
        err.print(outcome.report.to_text(), markup=False, highlight=False)
    counts = {s: sum(1 for o in outcomes if o.status is s) for s in LoadStatus}
    out.print(
        f"{counts[LoadStatus.STORED]} stored, {counts[LoadStatus.UNCHANGED]} unchanged, "
        f"{counts[LoadStatus.INVALID]} refused"
    )
    if invalid:
        raise typer.Exit(EXIT_INVALID)


@app.command()
def export(
    output_format: Annotated[DumpFormat, typer.Option("--format")] = DumpFormat.nquads,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    archive: Annotated[
        bool,
        typer.Option(
            "--archive", help="Export the archive (with the ledger), not the public dataset."
        ),
    ] = False,
) -> None:
    """Write the public dataset: N-Quads or TriG keep the record graphs; Turtle merges them."""
    export_format = ExportFormat[output_format.name.upper()]
    with _opened_repository(_settings()) as repository:
        store = repository.archive if archive else repository.public
        if output is None:
            store.export(sys.stdout.buffer, export_format)
            sys.stdout.buffer.flush()
        else:
            with output.open("wb") as handle:
                store.export(handle, export_format)


@app.command()
def restore(
    source: Annotated[
        str, typer.Argument(help="An archive export (N-Quads, plain or gzip); - reads stdin.")
    ],
) -> None:
    """Load an archive export (`export --archive`) into an empty repository: a backup's
    restore, or the fast way to load a large first dataset."""
    settings = _settings()
    started = time.perf_counter()
    try:
        with archive_file(source, sys.stdin.buffer, settings.data) as archive:
            summary = restore_into(settings, archive, lambda stage: err.print(f"{stage}…"))
    except AdvocacyLDError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(EXIT_INPUT) from None
    seconds = time.perf_counter() - started
    out.print(
        f"restored {summary.records} records ({summary.public_records} public): "
        f"{summary.archive_quads} archive quads, {summary.public_quads} public quads "
        f"in {seconds:.1f} s"
    )


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL 1.1 query.")],
    output_format: Annotated[QueryFormat, typer.Option("--format")] = QueryFormat.table,
) -> None:
    """Run a SPARQL query over the public dataset (the default graph is the union of records)."""
    with _opened_repository(_settings()) as repository:
        try:
            result = repository.public.query(sparql)
            _print_result(result, output_format)
        except QueryError as error:
            err.print(str(error), markup=False)
            raise typer.Exit(EXIT_INPUT) from None


def _print_result(result: object, output_format: QueryFormat) -> None:
    if isinstance(result, ox.QueryBoolean):
        out.print("true" if bool(result) else "false")
    elif isinstance(result, ox.QueryTriples):
        ox.serialize(result, sys.stdout.buffer, format=ox.RdfFormat.TURTLE)
    elif isinstance(result, ox.QuerySolutions):
        if output_format is QueryFormat.table:
            variables = [v.value for v in result.variables]
            table = Table(*variables)
            for solution in result:
                table.add_row(*(_cell(solution[v]) for v in variables))
            out.print(table)
        else:
            results_format = (
                ox.QueryResultsFormat.CSV
                if output_format is QueryFormat.csv
                else ox.QueryResultsFormat.JSON
            )
            result.serialize(sys.stdout.buffer, format=results_format)
        sys.stdout.buffer.flush()


def _cell(term: object) -> str:
    if term is None:
        return ""
    value = getattr(term, "value", None)
    return str(value) if value is not None else str(term)


@app.command()
def stats() -> None:
    """How many records and triples the public dataset holds, by kind."""
    settings = _settings()
    ids = RecordIdentifier(settings.base_uri)
    with _opened_repository(settings) as repository:
        store = repository.public
        records = store.record_iris()
        by_kind: dict[str, int] = {}
        for iri in records:
            record = ids.parse(iri)
            kind = record.kind if record else "other"
            by_kind[kind] = by_kind.get(kind, 0) + 1
        table = Table("kind", "records")
        for kind, count in sorted(by_kind.items()):
            table.add_row(kind, str(count))
        out.print(table)
        out.print(f"{len(records)} records, {store.triple_count()} triples")


@app.command()
def serve(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Record files or folders to load first.")
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes; more than one needs a store server "
            "(ADVOCACY_LD_STORE=sparql+http://…), which they share.",
        ),
    ] = 1,
) -> None:
    """Serve the public dataset over HTTP (loading PATHs first)."""
    import uvicorn

    from advocacy_ld.web.app import create_app

    settings = _settings().model_copy(update={"sparql_warm_start": True})
    if workers > 1 and not is_remote(settings.store):
        err.print(
            "--workers above 1 needs a store server (ADVOCACY_LD_STORE=sparql+http://…): "
            "the embedded store is opened by one process only",
            markup=False,
        )
        raise typer.Exit(EXIT_INPUT)
    candidates = _read_all(paths, settings) if paths else []
    repository = open_repository(settings)  # `create_app` has it keep the derived renditions
    try:
        if candidates:
            outcomes = repository.load(candidates, RecordChecker(load_model(), repository.archive))
            refused = [o for o in outcomes if o.status is LoadStatus.INVALID]
            for outcome in refused:
                err.print(outcome.report.to_text(), markup=False, highlight=False)
            out.print(f"loaded {len(outcomes) - len(refused)} record(s), refused {len(refused)}")
        out.print(f"Serving {settings.base_uri} on http://{host}:{port}/ (Ctrl-C to stop)")
        if workers == 1:
            uvicorn.run(create_app(settings, repository), host=host, port=port, log_level="warning")
            return
    finally:
        repository.close()
    # Each process opens the stores itself, from the same ADVOCACY_LD_* settings.
    os.environ["ADVOCACY_LD_SPARQL_WARM_START"] = "true"
    uvicorn.run(
        "advocacy_ld.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


token_app = typer.Typer(help="Write tokens: created once, stored only as a hash.")
records_app = typer.Typer(help="Curate records: list, publish, retract, restrict.")
app.add_typer(token_app, name="token")
app.add_typer(records_app, name="records")

CLI_AGENT = "cli"


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="What the token may do.")],
    name: Annotated[str, typer.Option(help="Who holds it; recorded with every write.")],
) -> None:
    """Create a token and print it: the only time it is shown."""
    try:
        token = TokenStore(_settings().tokens_path).create(name, role)
    except TokenError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(EXIT_INPUT) from None
    out.print(token, markup=False, highlight=False)


@token_app.command("list")
def token_list() -> None:
    """List tokens (names, roles, dates; never the tokens)."""
    table = Table("name", "role", "created", "revoked")
    for record in TokenStore(_settings().tokens_path).list():
        table.add_row(record.name, record.role.value, record.created, record.revoked or "")
    out.print(table)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke the live token of NAME."""
    try:
        TokenStore(_settings().tokens_path).revoke(name)
    except TokenError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(EXIT_INPUT) from None
    out.print(f"revoked {name}")


def _record_iri(settings: Settings, record: str) -> str:
    """Accept a full IRI, `/id/kind/slug` or `kind/slug`."""
    if record.startswith(("http://", "https://")):
        return record
    return f"{settings.base_uri}/id/{record.removeprefix('/').removeprefix('id/')}"


@records_app.command("list")
def records_list(
    status: Annotated[Status | None, typer.Option(help="Only records in this status.")] = None,
    restricted: Annotated[
        bool, typer.Option("--restricted", help="Only restricted records.")
    ] = False,
) -> None:
    """List records with their status, access and current version."""
    with _opened_repository(_settings()) as repository:
        table = Table("record", "status", "access", "version", "modified", "by")
        for state in sorted(repository.states().values(), key=lambda s: s.id.iri):
            if status is not None and state.status is not status:
                continue
            if restricted and not state.restricted:
                continue
            access = "restricted" if state.restricted else "public"
            table.add_row(
                state.id.iri, state.status.value, access, str(state.version),
                state.modified.isoformat(), state.agent,
            )  # fmt: skip
        out.print(table)


def _lifecycle(action: Callable[[Repository, str], Change], record: str, verb: str) -> None:
    settings = _settings()
    iri = _record_iri(settings, record)
    with _opened_repository(settings) as repository:
        # Withdrawn content must not linger in the feed pages kept beside the archive.
        layout = FeedLayout(settings.base_uri, settings.feed_page_size)
        pages = FeedPages(repository, layout, open_shelf(repository.location, layout, 0))
        repository.watch_history(pages.forget_record)
        try:
            change = action(repository, iri)
        except (RecordNotFoundError, LifecycleError) as error:
            err.print(str(error), markup=False)
            raise typer.Exit(EXIT_INPUT) from None
    state = change.state
    if change.changed:
        out.print(f"{verb} {iri} (version {state.version}, {state.status.value})")
    else:
        out.print(f"{iri} was already {state.status.value}; nothing changed")


@records_app.command("publish")
def records_publish(record: Annotated[str, typer.Argument(help="kind/slug or IRI")]) -> None:
    """Publish a pending record's current version."""
    _lifecycle(lambda r, iri: r.publish(iri, CLI_AGENT), record, "published")


@records_app.command("retract")
def records_retract(
    record: Annotated[str, typer.Argument(help="kind/slug or IRI")],
    reason: Annotated[str, typer.Option(help="Why; shown on the tombstone.")],
) -> None:
    """Withdraw a record from publication; it answers 410 Gone with the reason."""
    _lifecycle(lambda r, iri: r.retract(iri, CLI_AGENT, reason), record, "retracted")


@records_app.command("restrict")
def records_restrict(
    record: Annotated[str, typer.Argument(help="kind/slug or IRI")],
    lift: Annotated[bool, typer.Option("--lift", help="Lift the restriction instead.")] = False,
) -> None:
    """Restrict a record to curators (or lift it with --lift)."""
    verb = "unrestricted" if lift else "restricted"
    _lifecycle(lambda r, iri: r.restrict(iri, CLI_AGENT, not lift), record, verb)


@app.command()
def audit(
    since: Annotated[
        datetime | None, typer.Option(help="Only writes at or after this time (ISO 8601).")
    ] = None,
    output_format: Annotated[QueryFormat, typer.Option("--format")] = QueryFormat.table,
) -> None:
    """Every write: who, what, which version, when."""
    moment = since.replace(tzinfo=UTC) if since is not None and since.tzinfo is None else since
    with _opened_repository(_settings()) as repository:
        entries = repository.audit(moment)
    if output_format is QueryFormat.json:
        rows = [
            {"time": e.time.isoformat(), "agent": e.agent, "action": e.action,
             "record": e.record, "version": e.version, "detail": e.detail}
            for e in entries
        ]  # fmt: skip
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("time", "agent", "action", "record", "version", "detail")
    for e in entries:
        table.add_row(
            e.time.isoformat(), e.agent, e.action, e.record, str(e.version), e.detail or ""
        )
    out.print(table)


def main() -> None:
    """Console-script entry point: library errors and invalid settings become a message and
    exit status 2."""
    try:
        app()
    except AdvocacyLDError as error:
        err.print(str(error), markup=False)
        sys.exit(EXIT_INPUT)
    except ValidationError as error:
        for problem in error.errors():
            where = "".join(str(part) for part in problem["loc"][:1])
            name = f"ADVOCACY_LD_{where.upper()}: " if where else ""
            err.print(f"invalid setting: {name}{problem['msg']}", markup=False)
        sys.exit(EXIT_INPUT)
