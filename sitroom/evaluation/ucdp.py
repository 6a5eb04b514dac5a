"""UCDP GED Syria 2016-2019: score events extracted from the source headlines against the coded rows.

Each row becomes a document: its `source_headline` (a multi-source row's headlines as separate sentences)
dated by its first `source_date`. One headline often backs many rows, so identical documents are processed
once and every row is then scored against its document's events:

- date: the first dated event's interval overlaps [date_start, date_end]; exact start; coverage.
- event_type: some event is violent (assault or fight); every UCDP row is a violent event.
- actor: some event actor resolves to the same actor id as a UCDP side (rows whose sides resolve to no
  sitroom actor cannot be scored and are counted).
- admin1: some event place lies in the row's adm_1.
- distance_km (where_prec 1-2 rows): the extracted place nearest to the UCDP point. A headline backs
  several rows in several places, so each row is aligned with its closest extracted place; places at
  country precision (the pipeline's fallback when the text names none) are not points.
- fatalities: the first event that has a toll, against best and [low, high].
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
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
        )
    except (KeyError, ValueError) as error:
        raise EvalError(f"UCDP row {r.get('id')!r}: {error}") from error


@dataclass
class UcdpTally:
    """Running scores of one split."""

    date_overlap: Ratio = field(default_factory=Ratio)
    date_exact_start: Ratio = field(default_factory=Ratio)
    date_coverage: Ratio = field(default_factory=Ratio)
    violent: Ratio = field(default_factory=Ratio)
    actor: Ratio = field(default_factory=Ratio)
    actor_unscorable: int = 0
    admin1: Ratio = field(default_factory=Ratio)
    point_coverage: Ratio = field(default_factory=Ratio)
    distances: Distances = field(default_factory=Distances)
    fatalities_coverage: Ratio = field(default_factory=Ratio)
    fatalities_exact: Ratio = field(default_factory=Ratio)
    fatalities_in_range: Ratio = field(default_factory=Ratio)

    def metrics(self) -> dict[str, Metric]:
        return {
            "date.overlap": self.date_overlap.metric(),
            "date.exact_start": self.date_exact_start.metric(),
            "date.coverage": self.date_coverage.metric(),
            "event_type.violent": self.violent.metric(),
            "actor.same_entity": self.actor.metric(),
            "admin1.match": self.admin1.metric(),
            "distance_km.coverage": self.point_coverage.metric(),
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


def score_row(row: GedRow, events: list[Event], side_ids: frozenset[str], tally: UcdpTally) -> None:
    _score_date(row, events, tally)
    tally.violent.add(any(e.type in VIOLENT for e in events))
    if side_ids:
        tally.actor.add(any(a.id in side_ids for e in events for a in e.actors if a.id))
    else:
        tally.actor_unscorable += 1
    if row.adm_1:
        tally.admin1.add(any(e.place is not None and same_admin1(e.place.admin1, row.adm_1) for e in events))
    if row.where_prec in POINT_PRECISIONS:
        _score_distance(row, events, tally)
    _score_fatalities(row, events, tally)


def _score_date(row: GedRow, events: list[Event], tally: UcdpTally) -> None:
    span = next((e.date for e in events if e.date is not None), None)
    tally.date_coverage.add(span is not None)
    tally.date_overlap.add(span is not None and span.start <= row.date_end and span.end >= row.date_start)
    tally.date_exact_start.add(span is not None and span.start == row.date_start)


def _score_distance(row: GedRow, events: list[Event], tally: UcdpTally) -> None:
    points = [
        (e.place.lat, e.place.lon)
        for e in events
        if e.place is not None
        and e.place.lat is not None
        and e.place.lon is not None
        and e.place.precision < PlacePrecision.COUNTRY
    ]
    tally.point_coverage.add(bool(points))
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
        score_row(row, report.events.get(row_document[row.id], []), side_ids, tallies[row.split])
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
