"""The `sitroom` command. Each command parses its options, calls one function, and prints the result."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path

import click

from sitroom import codec
from sitroom.errors import SitroomError
from sitroom.records import EventType
from sitroom.settings import Settings, load_settings

DATE = click.DateTime(formats=["%Y-%m-%d"])
KNOWN_AT = click.option("--known-at", type=DATE, help="Use only what had been reported by this date.")

# Where measurement finds its data by default: in a checkout of the repository, and beside it for the peer
# data that lives outside it. An installed package has neither; pass --data, --examples or --texts then.
REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_PEER_DATA = REPOSITORY.parent / "shared" / "peer-data"
DEFAULT_EXAMPLES = REPOSITORY / "examples"
DEFAULT_BENCH_TEXTS = (DEFAULT_EXAMPLES, REPOSITORY / "tests" / "fixtures" / "reports")


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


class NoDatabase(click.ClickException):
    """A command was pointed at a database that is not there: a usage mistake, exit status 2."""

    exit_code = 2


def _open_store(ctx: click.Context, create: bool = False, create_dirs: bool = False):
    """The store at --db. Reading commands (`create` False) never make one: a missing file is an error,
    not an empty answer. Writing commands make the file, and its folder only when asked (`create_dirs`)
    or when it is the default one in the user's data directory."""
    from sitroom.store import open_store

    _check_db(_settings(ctx).db, create, create_dirs)
    return open_store(_settings(ctx).db)


def _check_db(url: str, create: bool, create_dirs: bool = False) -> None:
    from sitroom.settings import default_db_path
    from sitroom.store import sqlite_path

    path = sqlite_path(url)
    if path and path != ":memory:":
        file = Path(path)
        if not create and not file.exists():
            raise NoDatabase(
                f"no database at {path} (nothing has been ingested there: sitroom --db {path} ingest FILE)"
            )
        if create and not file.parent.is_dir() and not (create_dirs or file == default_db_path()):
            raise NoDatabase(
                f"no folder {file.parent} for the database {path}: make it first, or pass --create-dirs"
            )


def _pipeline(ctx: click.Context):
    from sitroom.pipeline import Pipeline

    return Pipeline(_settings(ctx))


def errors_as_click(func: Callable) -> Callable:
    """SitroomErrors become one clear line on stderr and exit status 1, not a traceback."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except SitroomError as err:
            raise click.ClickException(str(err)) from err

    return wrapper


@click.group()
@click.option(
    "--db",
    envvar="SITROOM_DB",
    help="Database: a SQLite file path (default: in the user data dir) or a postgresql:// URL.",
)
@click.option("--config", type=click.Path(dir_okay=False), help="A sitroom.toml with settings to override.")
@click.version_option(package_name="sitroom")
@click.pass_context
def main(ctx: click.Context, db: str | None, config: str | None) -> None:
    """sitroom: news reports about armed conflict -> sourced, mapped, time-resolved events and situation."""
    ctx.obj = load_settings(config).with_overrides(db=db)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--date", "default_date", type=DATE, help="Dateline for texts without a 'date YYYY-MM-DD' line."
)
@click.option(
    "--workers", type=click.IntRange(min=1), help="Run the pipeline on a local Dask cluster of N processes."
)
@click.option("--cluster", metavar="ADDRESS", help="Run the pipeline on the Dask scheduler at ADDRESS.")
@click.option(
    "--write-batch",
    type=click.IntRange(min=1),
    help="Documents per write transaction [default: 256]; a stopped run redoes at most this many.",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="FIELD=NAME",
    help="Read a JSONL field from another name, e.g. outlet=source (repeatable; fields: id, date, text,"
    " url, outlet, title).",
)
@click.option("--create-dirs", is_flag=True, help="Make the database's folder if it does not exist.")
@click.option(
    "--progress-every",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="When stderr is not a terminal, a progress line every N documents.",
)
@click.option("--json", "as_json", is_flag=True, help="The summary as JSON, with every file skipped and why.")
@click.pass_context
@errors_as_click
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    default_date,
    workers,
    cluster,
    write_batch,
    fields,
    create_dirs,
    progress_every,
    as_json,
) -> None:
    """Read text files, HTML pages, RSS/Atom feeds, JSONL corpora, folders or - (stdin) and store their
    documents and events. Every file passed over is named with its reason; the exit status is 1 when
    anything was skipped."""
    from sitroom.ingest import count_documents, read_inputs
    from sitroom.progress import Progress

    settings = _settings(ctx)
    notes: list[tuple[str, str]] = []
    inputs = read_inputs(
        paths,
        default_date.date() if default_date else None,
        settings.max_bytes,
        on_note=_collect(notes),
        fields=_field_mapping(fields),
    )
    with (
        _open_store(ctx, create=True, create_dirs=create_dirs) as store,
        Progress("ingest", count_documents(paths), every=progress_every) as progress,
    ):
        report = _ingest_into(ctx, inputs, store, progress.update, workers, cluster, write_batch)
        stored = store.event_count()
    if as_json:
        _echo_json(_ingest_summary(report, notes, stored))
    else:
        _echo_ingest_problems(notes, report)
        click.echo(
            f"{report.added} documents added, {report.unchanged} unchanged, {len(report.skipped)} skipped"
            + (f", {len(report.ignored)} ignored" if report.ignored else "")
            + f"; {report.events} event reports; {stored} events in the store"
        )
    if report.skipped:
        ctx.exit(1)


@main.command()
@click.option("--type", "type_", type=click.Choice([t.value for t in EventType]), help="Event type.")
@click.option("--actor", help="Actor name, alias or id.")
@click.option("--place", help="Place name, admin1 or country.")
@click.option("--since", type=DATE, help="Events on or after this date.")
@click.option("--until", type=DATE, help="Events on or before this date.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of events.")
@click.pass_context
@errors_as_click
def events(ctx, type_, actor, place, since, until, as_json) -> None:
    """List stored events."""
    from sitroom.store import EventQuery

    with _open_store(ctx) as store:
        query = EventQuery(type=type_, actor=actor, place=place, since=_day(since), until=_day(until))
        found = store.events(query)
        if not found:
            _check_known(store, "actor", actor)
            _check_known(store, "place", place)
    if as_json:
        _echo_json(codec.to_dict(found))
        return
    from sitroom.render import events_table

    click.echo(events_table(found))


@main.command()
@click.argument("event_id")
@click.pass_context
@errors_as_click
def show(ctx, event_id: str) -> None:
    """One event: its fields, claims, sources and evidence sentences."""
    from sitroom.render import event_detail

    with _open_store(ctx) as store:
        event = store.find_event(event_id)
    if event is None:
        raise click.ClickException(f"no event with id {event_id!r}")
    click.echo(event_detail(event))


@main.command()
@click.option("--since", type=DATE, required=True, help="Changes that took effect on or after this date.")
@click.option("--until", type=DATE, help="...and on or before this date (default: no end).")
@KNOWN_AT
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@errors_as_click
def changes(ctx, since, until, known_at, as_json) -> None:
    """What changed: forces arriving, starting to leave, gone, taking or losing control; with evidence."""
    from sitroom.queries import changes_in
    from sitroom.render import changes_table

    with _open_store(ctx) as store:
        found = changes_in(store, _day(since), _day(until), _day(known_at))
    if as_json:
        _echo_json(codec.to_dict(found))
        return
    click.echo(changes_table(found))


@main.command()
@click.argument("place")
@KNOWN_AT
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@errors_as_click
def timeline(ctx, place: str, known_at, as_json: bool) -> None:
    """The history of one place (name, province or country): its events and changes of state."""
    from sitroom.queries import place_timeline
    from sitroom.render import timeline_text

    with _open_store(ctx) as store:
        found_events, found_changes = place_timeline(store, place, _day(known_at))
    if as_json:
        _echo_json(
            {"place": place, "events": codec.to_dict(found_events), "changes": codec.to_dict(found_changes)}
        )
        return
    click.echo(timeline_text(place, found_events, found_changes))


@main.command()
@click.argument("event_id")
@click.argument("action", type=click.Choice(["confirm", "reject", "correct", "merge", "split"]))
@click.argument("args", nargs=-1)
@click.option("--author", envvar="USER", default="reviewer", show_default=True, help="Who decides.")
@click.option("--note", default="", help="Why.")
@click.pass_context
@errors_as_click
def review(ctx, event_id: str, action: str, args: tuple[str, ...], author: str, note: str) -> None:
    """Confirm, reject or correct an event (correct FIELD=VALUE...), merge it with another event
    (merge OTHER_ID), or split one report out of it (split REPORT_ID). Kept across re-merging."""
    from sitroom.render import event_detail
    from sitroom.review import review as record_review

    other, changes = None, {}
    if action in ("merge", "split"):
        if len(args) != 1:
            raise click.UsageError(f"{action} takes one id")
        other = args[0]
    elif action == "correct":
        pairs = [a.split("=", 1) for a in args]
        if not pairs or any(len(p) != 2 for p in pairs):
            raise click.UsageError("correct takes FIELD=VALUE pairs, e.g. status=completed fatalities=12")
        changes = dict(pairs)
    elif args:
        raise click.UsageError(f"{action} takes no more arguments")
    with _open_store(ctx) as store:
        event = record_review(store, event_id, action, author, other=other, changes=changes, note=note)
    click.echo(event_detail(event) if event else f"{event_id}: recorded")


@main.command()
@click.pass_context
@errors_as_click
def remerge(ctx) -> None:
    """Merge every stored report again (after the merge rules or reviews changed)."""
    with _open_store(ctx) as store:
        count = store.remerge_all()
    click.echo(f"{count} events")


@main.command()
@click.option("--as-of", "as_of", type=DATE, help="The date to describe (default: today).")
@KNOWN_AT
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@errors_as_click
def situation(ctx, as_of, known_at, as_json) -> None:
    """Which force is present at, withdrawing from, gone from or in control of which place."""
    from sitroom.queries import situation_on
    from sitroom.render import situation_table

    when = _day(as_of) or date.today()
    with _open_store(ctx) as store:
        entries = situation_on(store, when, _day(known_at))
    if as_json:
        _echo_json({"as_of": when.isoformat(), "entries": codec.to_dict(entries)})
        return
    click.echo(situation_table(entries, when))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson", "jsonl"]), required=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File (default: stdout)."
)
@click.pass_context
@errors_as_click
def export(ctx, fmt: str, output: str | None) -> None:
    """Export every event: ACLED-style CSV, GeoJSON, or JSONL."""
    from sitroom import export as exporters

    writer = {
        "csv": exporters.write_acled_csv,
        "geojson": exporters.write_geojson,
        "jsonl": exporters.write_jsonl,
    }[fmt]
    with _open_store(ctx) as store:
        found = store.events()
    if output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            writer(found, out)
    else:
        writer(found, sys.stdout)


@main.command()
@click.argument("path", default="-")
@click.option("--date", "dateline", type=DATE, help="Dateline when the text has no 'date YYYY-MM-DD' line.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@errors_as_click
def annotate(ctx, path: str, dateline, as_json: bool) -> None:
    """What the pipeline sees in one text (places, dates, sources, events), without storing it."""
    from sitroom.ingest import read_inputs
    from sitroom.records import Skipped
    from sitroom.render import annotation_text

    item = next(iter(read_inputs([path], dateline.date() if dateline else None)), None)
    if item is None or isinstance(item, Skipped):
        raise click.ClickException(f"{path}: {item.reason if item else 'nothing to read'}")
    annotation = _pipeline(ctx).annotate(item)
    if as_json:
        body = codec.to_dict(annotation)
        body["document"].pop("text", None)
        _echo_json(body)
    else:
        click.echo(annotation_text(annotation))


def _data_folder(flag: str, dest: str, default, shown: str, help: str, multiple: bool = False):
    """An option naming a folder that measurement reads, its default shown in words."""
    folder = click.Path(file_okay=False, path_type=Path)
    return click.option(
        flag, dest, type=folder, default=default, show_default=shown, help=help, multiple=multiple
    )


@main.command(name="eval")
@_data_folder(
    "--data", "data_dir", DEFAULT_PEER_DATA, "../shared/peer-data beside the repository", "Peer data folder."
)
@_data_folder(
    "--examples",
    "examples_dir",
    DEFAULT_EXAMPLES,
    "the repository's examples/",
    "Folder holding the hand-coded story (iraq-drawdown/).",
)
@click.option("--limit", type=int, help="Score at most this many rows per data set and split (quick runs).")
@click.option(
    "--only", multiple=True, help="Run only this section (repeatable): ucdp-ged-syria, geoparsing, ..."
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@errors_as_click
def evaluate(
    ctx, data_dir: Path, examples_dir: Path, limit: int | None, only: tuple[str, ...], as_json: bool
) -> None:
    """Score extraction against public coded data (dev and held-out rows separately)."""
    from sitroom.evaluation import render_table, run_all

    results = run_all(_pipeline(ctx), data_dir, limit=limit, only=only, examples_dir=examples_dir)
    click.echo(json.dumps(results, indent=2) if as_json else render_table(results))


@main.command()
@click.option("--docs", type=int, default=200, show_default=True, help="Number of documents to process.")
@_data_folder(
    "--texts",
    "text_dirs",
    DEFAULT_BENCH_TEXTS,
    "the repository's examples/ and tests/fixtures/reports/",
    "A folder of report texts to cycle through (repeatable).",
    multiple=True,
)
@click.option("--worker-docs", type=click.IntRange(min=0), default=0, help="Also time Dask workers on N.")
@click.option("--workers", "worker_counts", default="1,2", show_default=True, help="Worker counts to time.")
@click.option("--memory-docs", default="", help="Also peak memory at these corpus sizes, e.g. 1000,20000.")
@click.option("--events", type=click.IntRange(min=0), default=0, help="Also query latency on N bulk events.")
@click.option("--postgres", metavar="URL", help="An empty PostgreSQL database to time queries in too.")
@click.option(
    "--repeat",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Make the throughput and worker runs this many times, interleaved, and keep the fastest of each.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@errors_as_click
def bench(
    ctx,
    docs: int,
    text_dirs: tuple[Path, ...],
    worker_docs,
    worker_counts,
    memory_docs,
    events,
    postgres,
    repeat: int,
    as_json: bool,
) -> None:
    """Throughput of the whole ingest beside the bare spaCy pipeline, on the same texts, and peak memory;
    optionally worker scaling, memory by corpus size and query latency on a large store."""
    from sitroom.bench.ingest import render_bench, run_bench

    results = run_bench(
        _settings(ctx),
        docs,
        text_dirs,
        worker_docs=worker_docs,
        workers=_counts(worker_counts, "--workers"),
        memory_sizes=_counts(memory_docs, "--memory-docs"),
        events=events,
        postgres=postgres,
        repeat=repeat,
    )
    click.echo(json.dumps(results, indent=2) if as_json else render_bench(results))


def _counts(text: str, option: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as err:
        raise click.BadParameter(f"{text!r} is not a list of numbers", param_hint=option) from err
    if any(n < 1 for n in counts):
        raise click.BadParameter("every number must be at least 1", param_hint=option)
    return counts


# --- corpus: synthetic reports with known truth, for load tests ----------------------------------------


@main.group()
def corpus() -> None:
    """Synthetic wire reports with known ground truth, for load tests."""


@corpus.command(name="generate")
@click.option("--docs", type=click.IntRange(min=0), required=True, help="Number of reports.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same corpus.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), required=True, help="The JSONL corpus.")
@click.option("--truth", type=click.Path(dir_okay=False), help="Where to write the truth (JSONL).")
@errors_as_click
def corpus_generate(docs: int, seed: int, output: str, truth: str | None) -> None:
    """Write DOCS reports as JSONL that `sitroom ingest` reads, and their events' truth beside them."""
    from contextlib import nullcontext

    from sitroom.bench.corpus import generate, write_corpus

    with (
        open(output, "w", encoding="utf-8") as out,
        open(truth, "w", encoding="utf-8") if truth else nullcontext() as truth_out,
    ):
        written = write_corpus(generate(docs, seed), out, truth_out)
    click.echo(f"{written} reports written to {output}" + (f", truth to {truth}" if truth else ""))


# --- gazetteer: the user's own entries (GeoNames imports, hand-made places) ---------------------------


@main.group()
def gazetteer() -> None:
    """The offline gazetteer: import GeoNames dumps, add your own places, show what it holds."""


@gazetteer.command(name="import")
@click.argument("dump", type=click.Path(dir_okay=False))
@click.pass_context
@errors_as_click
def gazetteer_import(ctx, dump: str) -> None:
    """Add a GeoNames dump (allCountries, cities500, a country file such as SY; .txt or .zip)."""
    from sitroom.resolve.gazetteer import Gazetteer
    from sitroom.resolve.gazetteer_user import import_geonames

    index = _settings(ctx).gazetteer_path
    Gazetteer.open(index).close()  # build the index first: imports name its admin1 units
    added, known = import_geonames(index, Path(dump))
    click.echo(f"{added} places added, {known} already known or skipped")


@gazetteer.command(name="add")
@click.argument("name")
@click.option("--lat", type=float, required=True)
@click.option("--lon", type=float, required=True)
@click.option("--country", required=True, help="ISO 3166-1 alpha-2 code, e.g. SY.")
@click.option("--admin1", help="First-order division it lies in.")
@click.option("--feature", default="city", show_default=True, help="city, base, airbase, crossing, area, ...")
@click.option("--alias", "aliases", multiple=True, help="Another name it is known by (repeatable).")
@click.option("--source", default="", help="Where the coordinates come from.")
@click.pass_context
@errors_as_click
def gazetteer_add(ctx, name, lat, lon, country, admin1, feature, aliases, source) -> None:
    """Add a place of your own; it is kept in a file beside the index and survives rebuilds."""
    from sitroom.resolve.gazetteer import Gazetteer
    from sitroom.resolve.gazetteer_user import add_user_place, checked_user_place, user_places_path

    index = _settings(ctx).gazetteer_path
    add_user_place(index, checked_user_place(name, lat, lon, country, admin1, feature, aliases, source))
    Gazetteer.open(index).close()  # copies the entry into the searchable index now
    click.echo(f"added {name} to {user_places_path(index)}")


@gazetteer.command(name="info")
@click.pass_context
@errors_as_click
def gazetteer_info(ctx) -> None:
    """Paths and counts of the compiled index and of the user's entries."""
    from sitroom.resolve.gazetteer import Gazetteer
    from sitroom.resolve.gazetteer_user import user_counts, user_db_path, user_places_path

    index = _settings(ctx).gazetteer_path
    gaz = Gazetteer.open(index)
    for line in gaz.summary():
        click.echo(line)
    click.echo(f"user entries: {user_db_path(index)}")
    for source, count in sorted(user_counts(index).items()):
        click.echo(f"  {source}: {count}")
    click.echo(f"hand-made places file: {user_places_path(index)}")


# --- end gazetteer --------------------------------------------------------------------------------------


# --- serve ----------------------------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    help="An origin (https://host:port) whose pages may call the API (repeatable; default: none).",
)
@click.option(
    "--max-body",
    default=2_000_000,
    show_default=True,
    type=click.IntRange(1),
    help="Largest POST body, in bytes.",
)
@click.option("--workers", type=click.IntRange(1), help="Server processes (default: one per core).")
@click.option(
    "--readers",
    default=8,
    show_default=True,
    type=click.IntRange(1),
    help="Database connections for reads, per process.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Server log lines on stderr: text, or one JSON object per line.",
)
@click.option(
    "--basemap",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A PMTiles file of raster tiles to draw under the page's map (served at /basemap.pmtiles).",
)
@click.option(
    "--forwarded-allow-ips",
    help="Proxies (comma-separated addresses, or *) whose X-Forwarded-For/-Proto are believed"
    " (default: 127.0.0.1).",
)
@click.pass_context
@errors_as_click
def serve(
    ctx,
    host: str,
    port: int,
    cors_origins: tuple[str, ...],
    max_body: int,
    workers: int | None,
    readers: int,
    log_format: str,
    basemap: Path | None,
    forwarded_allow_ips: str | None,
) -> None:
    """Serve the web page at / and the JSON API under /api (OpenAPI document at /openapi.json)."""
    from sitroom.api.app import create_app
    from sitroom.api.serving import default_workers
    from sitroom.api.serving import serve as run_server
    from sitroom.api.state import ApiConfig

    _check_db(_settings(ctx).db, create=True)
    config = ApiConfig(
        _settings(ctx),
        cors_origins=cors_origins,
        max_body_bytes=max_body,
        readers=readers,
        basemap=str(basemap.resolve()) if basemap else None,
    )
    create_app(config)  # fails here, before any worker starts, if the store cannot be opened or migrated
    shown = f"[{host}]" if ":" in host else host
    processes = workers or default_workers()
    click.echo(f"sitroom: open http://{shown}:{port} ({processes} processes; Ctrl-C stops it)", err=True)
    run_server(config, host, port, processes, log_format, forwarded_allow_ips)


# --- end serve ------------------------------------------------------------------------------------------


# --- token ----------------------------------------------------------------------------------------------


@main.group()
def token() -> None:
    """Write tokens for the API: reads are open, writes (ingest, review) need a token."""


@token.command(name="create")
@click.argument("name")
@click.pass_context
@errors_as_click
def token_create(ctx, name: str) -> None:
    """Make a token for NAME (who its reviews are recorded as) and print it; it is shown only once."""
    from sitroom.api.auth import create_token

    with _open_store(ctx, create=True) as store:
        click.echo(create_token(store, name))
    click.echo(f"token for {name!r} created; keep it: only its hash is stored", err=True)


@token.command(name="list")
@click.pass_context
@errors_as_click
def token_list(ctx) -> None:
    """The names of the tokens that can write."""
    with _open_store(ctx) as store:
        for name in store.token_names():
            click.echo(name)


@token.command(name="revoke")
@click.argument("name")
@click.pass_context
@errors_as_click
def token_revoke(ctx, name: str) -> None:
    """Revoke NAME's token at once."""
    from sitroom.api.auth import revoke_token

    with _open_store(ctx) as store:
        revoke_token(store, name)
    click.echo(f"token {name!r} revoked", err=True)


# --- end token ------------------------------------------------------------------------------------------


@main.command(name="bench-merge")
@click.option("--sizes", default="1000,10000,100000", show_default=True, help="Comma-separated sizes.")
@click.option("--store-up-to", default=10_000, show_default=True, help="Also time the store up to this size.")
@click.option("--json", "as_json", is_flag=True)
@errors_as_click
def bench_merge(sizes: str, store_up_to: int, as_json: bool) -> None:
    """How cross-report merging scales: synthetic reports with known truth, at several sizes."""
    from sitroom.bench.merge import render_merge_bench, run_merge_bench

    try:
        counts = [int(n) for n in sizes.split(",") if n.strip()]
    except ValueError as exc:
        raise click.BadParameter(f"sizes must be whole numbers: {exc}") from exc
    rows = run_merge_bench(counts, store_up_to)
    click.echo(json.dumps(rows, indent=2) if as_json else render_merge_bench(rows))


@main.command(name="bench-serve")
@click.option(
    "--reports", type=click.IntRange(1), default=3000, show_default=True, help="Reports in the store."
)
@click.option("--clients", type=click.IntRange(1), default=32, show_default=True, help="Concurrent clients.")
@click.option("--seconds", type=click.FloatRange(0.5), default=10, show_default=True, help="Seconds per row.")
@click.option("--workers", type=click.IntRange(1), help="Server processes (default: one per core).")
@click.option("--postgres", metavar="URL", help="An empty PostgreSQL database to serve from too.")
@click.option(
    "--ingest-batch", type=click.IntRange(1), default=20, show_default=True, help="Reports a write."
)
@click.option(
    "--ingest-every", type=click.FloatRange(0), default=1.0, show_default=True, help="Seconds a write."
)
@click.option("--json", "as_json", is_flag=True)
@errors_as_click
def bench_serve(
    reports: int, clients: int, seconds: float, workers, postgres, ingest_batch, ingest_every, as_json: bool
) -> None:
    """Requests/s and latency of `sitroom serve` under many clients while an ingest writes."""
    from sitroom.bench.serve import Ingest, render_serve_bench, run_serve_bench

    ingest = Ingest(ingest_batch, ingest_every)
    results = run_serve_bench(reports, clients, seconds, postgres=postgres, workers=workers, ingest=ingest)
    click.echo(json.dumps(results, indent=2) if as_json else render_serve_bench(results))


@main.command(name="bench-page")
@click.option(
    "--sizes", default="2000,20000,100000", show_default=True, help="Events in each store, comma-separated."
)
@click.option("--repeat", type=click.IntRange(1), default=3, show_default=True, help="Tries per measure.")
@click.option("--json", "as_json", is_flag=True)
@errors_as_click
def bench_page(sizes: str, repeat: int, as_json: bool) -> None:
    """The web page's first render, slider redraw and filter in headless Chromium, by store size."""
    from sitroom.bench.page import render_page_bench, run_page_bench

    rows = run_page_bench([int(s) for s in sizes.split(",") if s.strip()], repeat)
    click.echo(json.dumps(rows, indent=2) if as_json else render_page_bench(rows))


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--every", default="10m", show_default=True, help="Time between polls: 90s, 10m, 1h.")
@click.option("--once", is_flag=True, help="Poll once, ingest, and stop.")
@click.option("--delay", type=float, default=1.0, show_default=True, help="Seconds between calls to a host.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds allowed a response.")
@click.option(
    "--allow-private", is_flag=True, help="Fetch from this machine and private networks (refused by default)."
)
@click.option("--state", type=click.Path(dir_okay=False), help="Where to remember what was fetched.")
@click.option("--date", "default_date", type=DATE, help="Dateline for local texts without one.")
@click.pass_context
@errors_as_click
def watch(ctx, sources, every, once, delay, timeout, allow_private, state, default_date) -> None:
    """Poll RSS/Atom feeds, sitemaps, pages or folders and ingest what is new (http(s) addresses or paths)."""
    import platformdirs

    from sitroom.ingest.fetch import Fetcher
    from sitroom.watch import SeenState, Watcher, default_state_path, iter_sources, parse_interval, run_watch

    settings = _settings(ctx)
    interval = parse_interval(every)
    data_dir = Path(platformdirs.user_data_dir("sitroom"))
    state_path = Path(state) if state else default_state_path(settings.db, data_dir)
    watcher = Watcher(
        sources=list(iter_sources(list(sources))),
        fetcher=Fetcher(timeout, settings.max_bytes, delay, allow_private=allow_private),
        seen=SeenState(state_path),
        max_bytes=settings.max_bytes,
        default_date=_day(default_date),
    )

    def report_poll(poll, report) -> None:
        _echo_ingest_problems(poll.notes, report)
        click.echo(
            f"{date.today().isoformat()} poll: {poll.pages} pages fetched; {report.added} documents added,"
            f" {report.unchanged} unchanged, {len(report.skipped)} skipped; {report.events} event reports"
        )

    with _open_store(ctx, create=True) as store:
        run_watch(watcher, store, _pipeline(ctx), interval, once, report_poll)


def _ingest_into(
    ctx: click.Context,
    inputs,
    store,
    on_document,
    workers: int | None,
    cluster: str | None,
    write_batch: int | None = None,
):
    """Ingest here, or with the pipeline on a Dask cluster (--workers / --cluster)."""
    batching = {"write_batch": write_batch} if write_batch else {}
    if workers is None and cluster is None:
        from sitroom.jobs import ingest

        return ingest(inputs, store, _pipeline(ctx), on_document=on_document, **batching)
    if workers is not None and cluster is not None:
        raise click.UsageError("give --workers or --cluster, not both")
    from sitroom.distributed import dask_client, ingest_on_cluster

    with dask_client(workers, cluster) as client:
        return ingest_on_cluster(inputs, store, _settings(ctx), client, on_document=on_document, **batching)


def _echo_json(body) -> None:
    """Readable JSON for a person and a program alike: indented, non-ASCII names as they are written."""
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))


def _collect(notes: list[tuple[str, str]]) -> Callable[[str, str], None]:
    return lambda origin, message: notes.append((origin, message))


def _echo_ingest_problems(notes: list[tuple[str, str]], report) -> None:
    """What ingest read with a fallback, kept under another id, or skipped: one line each, on stderr."""
    for origin, message in notes:
        click.echo(f"note {origin}: {message}", err=True)
    for conflict in report.conflicts:
        click.echo(
            f"conflict {conflict.origin}: id {conflict.id!r} already names a different text;"
            f" both kept, this one as {conflict.stored_as!r}",
            err=True,
        )
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.origin}: {skipped.reason}", err=True)
    for ignored in report.ignored:
        click.echo(f"ignored {ignored.origin}: {ignored.reason}", err=True)


def _field_mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    from sitroom.ingest.jsonl import field_mapping

    try:
        return field_mapping(pairs)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--field") from err


def _check_known(store, kind: str, name: str | None) -> None:
    """A --actor or --place that matches nothing the store knows is a mistake worth naming, with the
    nearest names, rather than an empty list."""
    if name is None:
        return
    known = store.known_names(kind)
    wanted = name.casefold()
    if any(wanted in candidate.casefold() for candidate in known):
        return
    nearest = _nearest(wanted, known)
    hint = f"; nearest: {', '.join(nearest)}" if nearest else f"; the store knows {len(known)} {kind} names"
    raise click.BadParameter(f"no {kind} by the name {name!r} is known{hint}", param_hint=f"--{kind}")


def _nearest(wanted: str, known: list[str], count: int = 5) -> list[str]:
    """The known names closest in spelling to `wanted`, whole or by one of their words."""
    from difflib import SequenceMatcher

    def closeness(candidate: str) -> float:
        words = [candidate.casefold(), *candidate.casefold().split()]
        return max(SequenceMatcher(None, wanted, word).ratio() for word in words)

    scored = sorted(((closeness(name), name) for name in known), key=lambda pair: (-pair[0], pair[1]))
    return [name for score, name in scored[:count] if score >= 0.5]


def _ingest_summary(report, notes: list[tuple[str, str]], stored: int) -> dict:
    def listed(items) -> list[dict]:
        return [{"origin": item.origin, "reason": item.reason} for item in items]

    return {
        "added": report.added,
        "unchanged": report.unchanged,
        "event_reports": report.events,
        "events_in_store": stored,
        "skipped": listed(report.skipped),
        "ignored": listed(report.ignored),
        "conflicts": [{"origin": c.origin, "id": c.id, "stored_as": c.stored_as} for c in report.conflicts],
        "notes": [{"origin": origin, "note": note} for origin, note in notes],
    }


def _day(value) -> date | None:
    return value.date() if value is not None else None


if __name__ == "__main__":
    main()
