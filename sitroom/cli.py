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
from sitroom.settings import Settings, load_settings

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


def _open_store(ctx: click.Context):
    from sitroom.store import open_store

    return open_store(_settings(ctx).db)


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
    "--db", envvar="SITROOM_DB", help="Database: a SQLite file path (default: in the user data dir)."
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
@click.pass_context
@errors_as_click
def ingest(ctx: click.Context, paths: tuple[str, ...], default_date) -> None:
    """Read text files, JSONL corpora, folders or - (stdin) and store their documents and events."""
    from tqdm import tqdm

    from sitroom.ingest import read_inputs
    from sitroom.jobs import ingest as run_ingest

    settings = _settings(ctx)
    inputs = read_inputs(paths, default_date.date() if default_date else None, settings.max_bytes)
    with _open_store(ctx) as store, tqdm(desc="ingest", unit="doc", disable=None, file=sys.stderr) as bar:
        report = run_ingest(inputs, store, _pipeline(ctx), on_document=bar.update)
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.origin}: {skipped.reason}", err=True)
    click.echo(
        f"{report.added} documents added, {report.unchanged} unchanged, {len(report.skipped)} skipped; "
        f"{report.events} events"
    )
    if report.skipped:
        ctx.exit(1)


@main.command()
@click.option(
    "--type", "type_", help="Event type: withdraw, deploy, presence, assault, fight, control, statement."
)
@click.option("--actor", help="Actor name, alias or id.")
@click.option("--place", help="Place name, admin1 or country.")
@click.option("--since", type=DATE, help="Events on or after this date.")
@click.option("--until", type=DATE, help="Events on or before this date.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of events.")
@click.pass_context
@errors_as_click
def events(ctx, type_, actor, place, since, until, as_json) -> None:
    """List stored events."""
    with _open_store(ctx) as store:
        found = store.events(type=type_, actor=actor, place=place, since=_day(since), until=_day(until))
    if as_json:
        click.echo(json.dumps(codec.to_dict(found), indent=2, ensure_ascii=False))
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
        event = store.event(event_id)
    if event is None:
        raise click.ClickException(f"no event with id {event_id!r}")
    click.echo(event_detail(event))


@main.command()
@click.option("--as-of", "as_of", type=DATE, help="The date to describe (default: today).")
@click.option("--known-at", type=DATE, help="Use only what had been reported by this date.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@errors_as_click
def situation(ctx, as_of, known_at, as_json) -> None:
    """Which force is present at, withdrawing from, gone from or in control of which place."""
    from sitroom.render import situation_table
    from sitroom.situation import situation_as_of

    when = _day(as_of) or date.today()
    with _open_store(ctx) as store:
        entries = situation_as_of(store.events(), when, known_at=_day(known_at))
    if as_json:
        click.echo(
            json.dumps(
                {"as_of": when.isoformat(), "entries": codec.to_dict(entries)}, indent=2, ensure_ascii=False
            )
        )
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
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        click.echo(annotation_text(annotation))


@main.command(name="eval")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), help="Peer data folder.")
@click.option("--limit", type=int, help="Score at most this many rows per data set and split (quick runs).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@errors_as_click
def evaluate(ctx, data_dir: str | None, limit: int | None, as_json: bool) -> None:
    """Score extraction against public coded data (dev and held-out rows separately)."""
    from sitroom.evaluation import default_data_dir, render_table, run_all

    results = run_all(_pipeline(ctx), Path(data_dir) if data_dir else default_data_dir(), limit=limit)
    click.echo(json.dumps(results, indent=2) if as_json else render_table(results))


@main.command()
@click.option("--docs", type=int, default=200, show_default=True, help="Number of documents to process.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@errors_as_click
def bench(ctx, docs: int, as_json: bool) -> None:
    """Throughput of the whole ingest beside the bare spaCy pipeline, on the same texts, and peak memory."""
    from sitroom.bench import render_bench, run_bench

    results = run_bench(_settings(ctx), docs)
    click.echo(json.dumps(results, indent=2) if as_json else render_bench(results))


def _day(value) -> date | None:
    return value.date() if value is not None else None


if __name__ == "__main__":
    main()
