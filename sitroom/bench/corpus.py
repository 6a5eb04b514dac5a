"""Synthetic wire reports with known ground truth, for load tests and recall checks.

Each report tells one or two events (a withdrawal, deployment, attack or takeover) at a site of sitroom's
gazetteer (`data/sites.tsv`) by an actor of its actor table (`data/actors.toml`), in wording drawn from
templates: wire datelines, relative and absolute dates, troop numbers and tolls, named and anonymous
sources, and filler sentences. Datelines advance with the document number, as a feed's do, a few
days' jitter apart. Document `i` depends only on (seed, i), so a corpus is the same for a seed
whatever its size, and can be produced as a stream.

The corpus is JSONL that `sitroom ingest` reads (`id`, `date`, `text`, `outlet`, `title`); the truth file
holds, per document id, the events it tells: type, actor id, place (site id and name), date, fatalities.
"""

from __future__ import annotations

import csv
import functools
import json
import random
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from sitroom import data
from sitroom.errors import SitroomError
from sitroom.records import Event

_FORCE_KINDS = ("state_force", "armed_group", "militia", "pmc", "peacekeepers")
# Reports per day of the feed: a busy wire service's conflict coverage of one region.
DOCS_PER_DAY = 40
_OUTLETS = ("Reuters", "AFP", "AP", "Al Jazeera", "BBC", "Xinhua", "Anadolu", "The National")
_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SOURCES = (
    "a military source said",
    "two security sources told {outlet}",
    "residents said",
    "a local official said",
    "the defence ministry said in a statement",
    "according to a spokesman for the force",
    "witnesses told {outlet}",
    "a monitoring group said",
)
_TEMPLATES = {
    "withdraw": (
        "{actor} withdrew from {place} {when}, {source}.",
        "{actor} pulled out of {place} {when}, {source}.",
        "About {troops} {actor_bare} soldiers left {place} {when}, {source}.",
        "{actor} began withdrawing {troops} troops from {place} {when}, {source}.",
    ),
    "deploy": (
        "{actor} deployed about {troops} troops to {place} {when}, {source}.",
        "A convoy carrying {troops} {actor_bare} soldiers arrived at {place} {when}, {source}.",
        "{actor} sent reinforcements to {place} {when}, {source}.",
    ),
    "assault": (
        "{actor} attacked {place} {when}, killing {dead} people, {source}.",
        "At least {dead} soldiers were killed when {actor} shelled {place} {when}, {source}.",
        "A drone strike by {actor} hit {place} {when} and killed {dead} people, {source}.",
    ),
    "control": (
        "{actor} seized control of {place} {when}, {source}.",
        "{actor} captured {place} {when} after heavy fighting, {source}.",
        "{actor} took over {place} {when}, {source}.",
    ),
}
_FILLERS = (
    "The situation in the area remained tense.",
    "Humanitarian agencies called for calm.",
    "Talks between the parties are due to resume next month.",
    "Prices of fuel and bread have doubled this year.",
    "The region has seen years of unrest.",
    "Officials gave no further details.",
)


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str
    aliases: tuple[str, ...]
    near_town: str
    lat: float = 0.0
    lon: float = 0.0


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TruthEvent:
    type: str
    actor_id: str
    place_id: str
    place: str
    date: str
    fatalities: int | None


@dataclass(frozen=True, slots=True)
class Report:
    id: str
    date: date
    outlet: str
    title: str
    text: str
    events: tuple[TruthEvent, ...]

    def row(self) -> dict:
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "outlet": self.outlet,
            "title": self.title,
            "text": self.text,
        }

    def truth(self) -> dict:
        return {"id": self.id, "events": [asdict(e) for e in self.events]}


@functools.cache
def load_sites() -> tuple[Site, ...]:
    text = data.path("sites.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return tuple(
        Site(
            r["id"],
            r["name"],
            tuple(a for a in r["aliases"].split("|") if a),
            r["near_town"] or "",
            float(r["lat"]),
            float(r["lon"]),
        )
        for r in rows
    )


@functools.cache
def load_actors() -> tuple[Actor, ...]:
    table = tomllib.loads(data.path("actors.toml").read_text(encoding="utf-8"))
    return tuple(
        Actor(a["id"], a["name"], a["kind"], tuple(a.get("aliases", ())))
        for a in table["actor"]
        if a["kind"] in _FORCE_KINDS
    )


def generate(count: int, seed: int, start: date = date(2025, 1, 1)) -> Iterator[Report]:
    """`count` reports from `start` on, as a feed brings them (`DOCS_PER_DAY`); report `i` depends only on
    (seed, i)."""
    if count < 0:
        raise SitroomError(f"the number of documents must not be negative, got {count}")
    for index in range(count):
        yield make_report(seed, index, start)


def make_report(seed: int, index: int, start: date = date(2025, 1, 1)) -> Report:
    rng = random.Random(f"sitroom-corpus-{seed}-{index}")
    # The feed moves on in time, so a larger corpus covers more days, not the same days more densely:
    # the reports per place and week, and so the work per report, stay those of a busy real feed.
    dateline = start + timedelta(days=index // DOCS_PER_DAY + rng.randrange(7))
    outlet = rng.choice(_OUTLETS)
    told = [_event_sentence(rng, dateline, outlet) for _ in range(rng.choice((1, 1, 2)))]
    sentences = [sentence for sentence, _ in told]
    sentences += rng.sample(_FILLERS, rng.randrange(3))
    head = _wire_dateline(rng, dateline, outlet, told[0][1])
    events = tuple(event for _, event in told)
    title = f"{events[0].type} at {events[0].place}"
    return Report(f"synthetic-{seed}-{index}", dateline, outlet, title, head + " ".join(sentences), events)


def _event_sentence(rng: random.Random, dateline: date, outlet: str) -> tuple[str, TruthEvent]:
    kind = rng.choice(tuple(_TEMPLATES))
    site, actor = rng.choice(load_sites()), rng.choice(load_actors())
    when, day = _when(rng, dateline)
    dead = rng.randint(2, 40) if kind == "assault" else None
    alias = rng.choice((actor.name, *actor.aliases)) if actor.aliases else actor.name
    values = {
        "actor": _capitalised(alias),
        "actor_bare": actor.name,
        "place": rng.choice((site.name, *site.aliases[:3])),
        "when": when,
        "troops": rng.choice((40, 60, 120, 250, 300, 500, 1200)),
        "dead": dead,
        "source": rng.choice(_SOURCES).format(outlet=outlet),
    }
    sentence = rng.choice(_TEMPLATES[kind]).format(**values)
    return sentence, TruthEvent(kind, actor.id, site.id, site.name, day.isoformat(), dead)


def _when(rng: random.Random, dateline: date) -> tuple[str, date]:
    """A time expression and the day it means, for a report dated `dateline`."""
    back = rng.randrange(7)
    day = dateline - timedelta(days=back)
    style = rng.randrange(3)
    if style == 0 and back <= 1:
        return ("today" if back == 0 else "yesterday"), day
    if style == 1 and back > 0:
        return f"on {_WEEKDAYS[day.weekday()]}", day
    return f"on {_MONTHS[day.month - 1]} {day.day}", day


def _wire_dateline(rng: random.Random, dateline: date, outlet: str, first: TruthEvent) -> str:
    if rng.random() < 0.3:
        return ""
    site = next(s for s in load_sites() if s.id == first.place_id)
    city = (site.near_town or "").upper()
    month = _MONTHS[dateline.month - 1]
    return f"{city + ', ' if city else ''}{month} {dateline.day} ({outlet}) - "


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def write_corpus(reports: Iterator[Report], out: TextIO, truth: TextIO | None = None) -> int:
    """Write reports as JSONL (and their truth beside them); return how many were written."""
    written = 0
    for report in reports:
        out.write(json.dumps(report.row(), ensure_ascii=False) + "\n")
        if truth is not None:
            truth.write(json.dumps(report.truth(), ensure_ascii=False) + "\n")
        written += 1
    return written


def read_truth(path: Path) -> dict[str, list[TruthEvent]]:
    """The truth file back: document id -> its events."""
    found: dict[str, list[TruthEvent]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            found[row["id"]] = [TruthEvent(**e) for e in row["events"]]
    return found


@dataclass(frozen=True, slots=True)
class Recovery:
    """How much of a corpus's truth the stored events recover, as fractions of the true events."""

    events: int
    type_and_place: float  # an event of the right type at the right site
    actor: float  # ...whose actors include the true one
    date: float  # ...whose dates include the true day
    fatalities: float  # of attacks: the headline toll is the true one


def recovery(truth: dict[str, list[TruthEvent]], events: Iterable[Event]) -> Recovery:
    """Score stored events against the truth, matching each true event within its own document."""
    by_document: dict[str, list[Event]] = {}
    for event in events:
        for document_id in event.documents:
            by_document.setdefault(document_id, []).append(event)
    found = {"place": 0, "actor": 0, "date": 0}
    attacks = tolls = total = 0
    for document_id, expected in truth.items():
        for true in expected:
            total += 1
            attacks += true.type == "assault"
            match = _best_match(true, by_document.get(document_id, []))
            if match is None:
                continue
            found["place"] += 1
            found["actor"] += any(a.id == true.actor_id for a in match.actors)
            found["date"] += match.date is not None and match.date.start.isoformat() <= true.date <= (
                match.date.end.isoformat()
            )
            tolls += true.type == "assault" and match.fatalities == true.fatalities
    return Recovery(
        total,
        _share(found["place"], total),
        _share(found["actor"], total),
        _share(found["date"], total),
        _share(tolls, attacks),
    )


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _best_match(true: TruthEvent, candidates: list[Event]) -> Event | None:
    site = f"sitroom:{true.place_id}"
    same = [e for e in candidates if e.type.value == true.type and e.place and e.place.gazetteer_id == site]
    return max(same, key=lambda e: any(a.id == true.actor_id for a in e.actors), default=None)
