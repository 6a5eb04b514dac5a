"""UCDP GED Syria 2016-2019: score events extracted from the source headlines against the coded rows.

Each row becomes a document: its `source_headline` (a multi-source row's headlines as separate sentences)
dated by its first `source_date`. One headline often backs many rows, so identical documents are processed
once and every row is then scored against its document's events:

- date: the first dated event's interval overlaps [date_start, date_end]; exact start; coverage. A date
  that no source of the row could have reported (starting after its last source date, or ending more
  than a year before its first) is never a match, and is counted (`date.impossible`).
- event_type: some event is violent (assault or fight); every UCDP row is a violent event.
- actor: some event actor resolves to the same actor id as a UCDP side, or to an ally that fights for
  that side (`ALLIES`); `actor.same_entity_strict` leaves allies out. Rows whose sides resolve to no
  sitroom actor cannot be scored and are counted.
- admin1: some event place lies in the row's adm_1.
- distance_km (where_prec 1-2 rows): the extracted place nearest to the UCDP point. A headline backs
  several rows in several places, so each row is aligned with its closest extracted place. Only places
  that sitroom gives as points count (precision finer than admin1: a site, near a town, a district);
  an event it placed at a governorate, an area or the country (the centroid of a unit, not a guess at
  where it happened) is not a point, and rows with only such places are counted apart
  (`distance_km.area_only`).
- fatalities: the first event that has a toll, against best and [low, high].
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sitroom.errors import EvalError
from sitroom.evaluation.metrics import (
    SPLITS,
    Distances,
    Metric,
    Ratio,
    first_per_split,
    haversine_km,
    metrics_dict,
    read_split,
    same_admin1,
)
from sitroom.evaluation.runner import run_documents, unique_documents
from sitroom.evaluation.ucdp_places import score_place_resolution
from sitroom.ingest import make_document
from sitroom.records import Event, EventType, PlacePrecision

FOLDER = "ucdp-ged-syria"
TITLE = "UCDP GED Syria 2016-2019 (source headlines)"
DATA_FILE = "ged_syria_2016-01-01_2019-11-30.csv"
VIOLENT = frozenset({EventType.ASSAULT, EventType.FIGHT})
POINT_PRECISIONS = frozenset({PlacePrecision.SITE, PlacePrecision.NEAR})
# A place sitroom gives as a point: finer than a first-order division. A governorate, an area or a country
# is placed at its centroid, which says where the unit is, not where in it the event happened; scoring
# its distance as if it were a guess at the event's point mixed two different answers (fairer: apart).
POINT_PLACE = PlacePrecision.ADMIN2
# A source reports what happened before it, and a headline's events are recent: an extracted date that
# starts after the row's last source date, or ends more than this long before its first, cannot be the
# event the source reported, so it never counts as a date match (it could only agree with UCDP by chance).
MAX_LOOKBACK = timedelta(days=366)

# UCDP GED codes the primary warring parties of a dyad as its sides; states and groups that fight on a
# side's behalf are secondary supporters, which GED's side columns leave out (codebook 19.1, "side_a",
# "side_b"; secondary warring parties are listed only in the conflict data). Their operations are coded
# under the side they support: in this file Russian air strikes and Iranian-backed militias fight as
# "Government of Syria", coalition strikes beside the SDF are "IS - SDF" rows, and Turkish operations with
# the Syrian rebels it backs are coded under their alliance's names ("SNA", "Hawar Kilis Operations
# Room"); only where a state fought as a primary party does it appear itself ("Government of Turkey").
# A headline that names the ally that fired ("Russian warplanes", "coalition strikes") names the side
# UCDP credits, so an ally counts as that side: rejecting it scored a right reading as a miss.
# "Syrian insurgents" is UCDP's collective side for the rebel groups that fight the government (coded so
# when sources do not separate them; HTS's attacks on the army are coded under it too): its member
# groups count as that side. Keys are single names from a side's comma-separated list.
ALLIES: dict[str, frozenset[str]] = {
    "Government of Syria": frozenset(
        {
            "ru-military",
            "ru-government",
            "wagner",
            "ir-military",
            "ir-irgc",
            "ir-quds-force",
            "ir-government",
            "hezbollah",
            "kataib-hezbollah",
        }
    ),
    "SDF": frozenset({"global-coalition", "us-military", "gb-military", "fr-military", "ypg", "ypj"}),
    "SNA": frozenset({"tr-military", "tr-government"}),
    "Hawar Kilis Operations Room": frozenset({"tr-military", "tr-government", "fsa", "sna"}),
    "Government of Turkey": frozenset({"sna"}),
    "Syrian insurgents": frozenset({"fsa", "sna", "hts", "syrian-free-army"}),
}


@dataclass(frozen=True, slots=True)
class GedRow:
    """The fields of one UCDP GED row that the evaluation uses."""

    id: str
    split: str
    text: str
    dateline: date
    date_start: date
    date_end: date
    side_a: str
    side_b: str
    adm_1: str
    where_prec: int
    where_coordinates: str
    lat: float
    lon: float
    low: int
    best: int
    high: int
    source_last: date | None = None  # the latest of a multi-source row's source dates (else the dateline)

    def possible(self, start: date, end: date) -> bool:
        """Whether a source of this row could have reported an event on [start, end]."""
        return start <= (self.source_last or self.dateline) and end >= self.dateline - MAX_LOOKBACK


def headline_text(headlines: str) -> str:
    """A multi-source row's headlines ("a;b") as sentences of one text ("a. b"), repeats dropped."""
    parts = [h.strip().rstrip(".").strip() for h in headlines.split(";")]
    return ". ".join(dict.fromkeys(p for p in parts if p))


def parse_dateline(source_dates: str) -> date | None:
    """The first of a row's source dates, or None when it is not a date."""
    try:
        return date.fromisoformat(source_dates.split(";")[0].strip())
    except ValueError:
        return None


def last_source_date(source_dates: str) -> date | None:
    """The latest of a row's source dates that are dates, or None when none is."""
    found = []
    for part in source_dates.split(";"):
        try:
            found.append(date.fromisoformat(part.strip()))
        except ValueError:
            continue
    return max(found, default=None)


def read_rows(folder: Path, limit: int | None) -> tuple[list[GedRow], dict[str, int]]:
    """Rows in file order (at most `limit` per split) and, per split, how many were skipped because their
    source_date is not a date (or, never seen in the 2016-2019 file, their headline is empty)."""
    splits = read_split(folder / "split.csv", "id")
    path = folder / DATA_FILE
    if not path.is_file():
        raise EvalError(f"{path}: UCDP GED file missing")
    with path.open(encoding="utf-8", newline="") as f:
        raw = first_per_split(((splits[r["id"]], r) for r in csv.DictReader(f) if r["id"] in splits), limit)
    rows, skipped = [], dict.fromkeys(SPLITS, 0)
    for split, record in raw:
        row = _parse_row(split, record)
        if row is None:
            skipped[split] += 1
        else:
            rows.append(row)
    return rows, skipped


def _parse_row(split: str, r: dict[str, str]) -> GedRow | None:
    dateline, text = parse_dateline(r["source_date"]), headline_text(r["source_headline"])
    if dateline is None or not text:
        return None
    try:
        return GedRow(
            id=r["id"],
            split=split,
            text=text,
            dateline=dateline,
            date_start=date.fromisoformat(r["date_start"]),
            date_end=date.fromisoformat(r["date_end"]),
            side_a=r["side_a"],
            side_b=r["side_b"],
            adm_1=r["adm_1"],
            where_prec=int(r["where_prec"]),
            where_coordinates=r["where_coordinates"],
            lat=float(r["latitude"]),
            lon=float(r["longitude"]),
            low=int(r["low"]),
            best=int(r["best"]),
            high=int(r["high"]),
            source_last=last_source_date(r["source_date"]),
        )
    except (KeyError, ValueError) as error:
        raise EvalError(f"UCDP row {r.get('id')!r}: {error}") from error


@dataclass
class UcdpTally:
    """Running scores of one split."""

    date_overlap: Ratio = field(default_factory=Ratio)
    date_exact_start: Ratio = field(default_factory=Ratio)
    date_coverage: Ratio = field(default_factory=Ratio)
    date_impossible: Ratio = field(default_factory=Ratio)
    violent: Ratio = field(default_factory=Ratio)
    actor: Ratio = field(default_factory=Ratio)
    actor_strict: Ratio = field(default_factory=Ratio)
    actor_unscorable: int = 0
    admin1: Ratio = field(default_factory=Ratio)
    point_coverage: Ratio = field(default_factory=Ratio)
    area_only: Ratio = field(default_factory=Ratio)
    distances: Distances = field(default_factory=Distances)
    fatalities_coverage: Ratio = field(default_factory=Ratio)
    fatalities_exact: Ratio = field(default_factory=Ratio)
    fatalities_in_range: Ratio = field(default_factory=Ratio)

    def metrics(self) -> dict[str, Metric]:
        return {
            "date.overlap": self.date_overlap.metric(),
            "date.exact_start": self.date_exact_start.metric(),
            "date.coverage": self.date_coverage.metric(),
            "date.impossible": self.date_impossible.metric(),
            "event_type.violent": self.violent.metric(),
            "actor.same_entity": self.actor.metric(),
            "actor.same_entity_strict": self.actor_strict.metric(),
            "admin1.match": self.admin1.metric(),
            "distance_km.coverage": self.point_coverage.metric(),
            "distance_km.area_only": self.area_only.metric(),
            "distance_km.median": self.distances.median(),
            "distance_km.within_25": self.distances.within(25),
            "distance_km.within_50": self.distances.within(50),
            "fatalities.coverage": self.fatalities_coverage.metric(),
            "fatalities.equal_best": self.fatalities_exact.metric(),
            "fatalities.within_low_high": self.fatalities_in_range.metric(),
        }


class SideResolver:
    """Actor ids of a UCDP side ("Ahrar al-Sham, Jabhat Fateh al-Sham" is two actors), cached."""

    def __init__(self, actors: Any) -> None:
        self._actors = actors
        self._cache: dict[tuple[str, date | None], frozenset[str]] = {}

    def ids(self, side: str, on: date | None = None) -> frozenset[str]:
        """Ids a side names as of `on`; a government side also matches its armed forces."""
        key = (side, on)
        if key not in self._cache:
            found = [self._actors.resolve(name.strip(), country_hint="SY", on=on) for name in side.split(",")]
            found = [e for e in found if e is not None]
            forces = [self._actors.forces_of(e) for e in found if e.kind == "government"]
            self._cache[key] = frozenset(e.id for e in found + forces if e is not None)
        return self._cache[key]

    def allies(self, side: str) -> frozenset[str]:
        """Ids of the actors that fight for a side without being it (`ALLIES`)."""
        return frozenset(a for name in side.split(",") for a in ALLIES.get(name.strip(), ()))


def score_row(
    row: GedRow,
    events: list[Event],
    side_ids: frozenset[str],
    tally: UcdpTally,
    ally_ids: frozenset[str] = frozenset(),
) -> None:
    _score_date(row, events, tally)
    tally.violent.add(any(e.type in VIOLENT for e in events))
    if side_ids:
        named = {a.id for e in events for a in e.actors if a.id}
        tally.actor.add(bool(named & (side_ids | ally_ids)))
        tally.actor_strict.add(bool(named & side_ids))
    else:
        tally.actor_unscorable += 1
    if row.adm_1:
        tally.admin1.add(any(e.place is not None and same_admin1(e.place.admin1, row.adm_1) for e in events))
    if row.where_prec in POINT_PRECISIONS:
        _score_distance(row, events, tally)
    _score_fatalities(row, events, tally)


def _score_date(row: GedRow, events: list[Event], tally: UcdpTally) -> None:
    span = next((e.date for e in events if e.date is not None), None)
    possible = span is not None and row.possible(span.start, span.end)
    tally.date_coverage.add(span is not None)
    if span is not None:
        tally.date_impossible.add(not possible)
    tally.date_overlap.add(possible and span.start <= row.date_end and span.end >= row.date_start)
    tally.date_exact_start.add(possible and span.start == row.date_start)


def _score_distance(row: GedRow, events: list[Event], tally: UcdpTally) -> None:
    located = [
        e.place for e in events if e.place is not None and e.place.lat is not None and e.place.lon is not None
    ]
    points = [(p.lat, p.lon) for p in located if p.precision <= POINT_PLACE]
    tally.point_coverage.add(bool(points))
    tally.area_only.add(bool(located) and not points)
    if points:
        tally.distances.add(min(haversine_km(lat, lon, row.lat, row.lon) for lat, lon in points))


def _score_fatalities(row: GedRow, events: list[Event], tally: UcdpTally) -> None:
    toll = next((e.fatalities for e in events if e.fatalities is not None), None)
    tally.fatalities_coverage.add(toll is not None)
    if toll is not None:
        tally.fatalities_exact.add(toll == row.best)
        tally.fatalities_in_range.add(row.low <= toll <= row.high)


def evaluate_ucdp(pipeline: Any, folder: Path, limit: int | None = None) -> dict[str, Any]:
    """The UCDP section of `run_all`'s result."""
    rows, skipped = read_rows(folder, limit)
    documents, row_document = unique_documents(
        {row.id: (row.text, row.dateline) for row in rows},
        lambda key, index: make_document(key[0], key[1], doc_id=f"ucdp-{index}"),
    )
    report = run_documents(pipeline, documents, label="ucdp")
    sides, tallies = SideResolver(pipeline.actors), {split: UcdpTally() for split in SPLITS}
    for row in rows:
        side_ids = sides.ids(row.side_a, row.date_start) | sides.ids(row.side_b, row.date_start)
        ally_ids = sides.allies(row.side_a) | sides.allies(row.side_b)
        events = report.events.get(row_document[row.id], [])
        score_row(row, events, side_ids, tallies[row.split], ally_ids)
    metrics = {split: metrics_dict(tallies[split].metrics()) for split in SPLITS}
    places = score_place_resolution(pipeline, rows)
    for split in SPLITS:
        metrics[split].update(metrics_dict(places.metrics.get(split, {})))
    return {
        "title": TITLE,
        "metrics": metrics,
        "counts": {
            split: dict(
                _counts(rows, split),
                skipped_rows=skipped[split],
                actor_unscorable=tallies[split].actor_unscorable,
            )
            for split in SPLITS
        },
        "info": {**report.info(), **places.info},
    }


def _counts(rows: list[GedRow], split: str) -> Iterator[tuple[str, int]]:
    yield "rows_scored", sum(r.split == split for r in rows)
    yield "rows_where_prec_1_2", sum(r.split == split and r.where_prec in POINT_PRECISIONS for r in rows)
