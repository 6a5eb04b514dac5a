"""`sitroom eval` end to end on small invented data sets, with a stand-in pipeline (no model needed)."""

from __future__ import annotations

import csv
import json
import sys
import types
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from sitroom.evaluation import render_table, run_all
from sitroom.records import (
    ActorRef,
    Certainty,
    DatePrecision,
    Document,
    Event,
    EventType,
    Place,
    PlacePrecision,
    Role,
    Status,
    TimeSpan,
)

UCDP_COLUMNS = [
    "id",
    "side_a",
    "side_b",
    "source_date",
    "source_headline",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "latitude",
    "longitude",
    "date_start",
    "date_end",
    "low",
    "best",
    "high",
]
NORTHVILLE = Place("Northville", 35.0, 38.0, PlacePrecision.SITE, country_code="SY", admin1="Homs")


def _event(
    kind: EventType,
    place: Place | None = None,
    day: date | None = None,
    dead: int | None = None,
    actors: tuple[ActorRef, ...] = (),
) -> Event:
    span = TimeSpan(day, day, DatePrecision.DAY) if day else None
    return Event(
        id="e",
        type=kind,
        status=Status.COMPLETED,
        certainty=Certainty.REPORTED,
        trigger="x",
        actors=actors,
        place=place,
        date=span,
        fatalities=dead,
    )


GOV = ActorRef("Government", Role.AGENT, "army troops", id="gov")
EVENTS = {
    "Army shells Northville": [_event(EventType.ASSAULT, NORTHVILLE, date(2017, 5, 2), 3, (GOV,))],
    "Quiet day. Talks held": [],
    "Rebels pull back from the hill": [
        _event(EventType.WITHDRAW, actors=(ActorRef("Rebels", Role.AGENT, "rebels", id="reb"),))
    ],
    "Ministers agree on trade": [_event(EventType.CONTROL)],
    "Crash": "raise",
}


class StandInActors:
    def resolve(self, text: str, country_hint: str | None = None, on=None):
        ids = {"Government of Syria": "gov", "IS": "is"}
        return types.SimpleNamespace(id=ids[text], kind="armed_group") if text in ids else None

    def forces_of(self, entity):
        return None


class StandInGeo:
    def resolve(self, mention: str, context):
        return NORTHVILLE if mention == "Northville" and context.country_hint == "SY" else None


class StandInGazetteer:
    def candidates(self, mention: str) -> list:
        return []


@dataclass
class StandInPipeline:
    calls: int = 0

    actors = StandInActors()
    resolvers = types.SimpleNamespace(geo=StandInGeo())
    gazetteer = StandInGazetteer()

    def events(self, document: Document) -> list[Event]:
        self.calls += 1
        found = EVENTS.get(document.text, [])
        if found == "raise":
            raise RuntimeError("boom")
        return list(found)

    def process(self, documents):
        for document in documents:
            yield document, self.events(document)


@pytest.fixture
def geo_module(monkeypatch):
    module = types.ModuleType("sitroom.resolve.geo")
    module.GeoContext = lambda **kw: types.SimpleNamespace(**kw)
    monkeypatch.setitem(sys.modules, "sitroom.resolve.geo", module)
    return module


def _ucdp_row(
    row_id: str,
    headline: str,
    source_date: str = "2017-05-02",
    prec: str = "1",
    side_a: str = "Government of Syria",
    best: str = "3",
) -> dict[str, str]:
    return {
        "id": row_id,
        "side_a": side_a,
        "side_b": "Syrian insurgents",
        "source_date": source_date,
        "source_headline": headline,
        "where_prec": prec,
        "where_coordinates": "Northville village",
        "adm_1": "Homs Governorate",
        "latitude": "35.1",
        "longitude": "38.0",
        "date_start": "2017-05-01",
        "date_end": "2017-05-02",
        "low": "2",
        "best": best,
        "high": "4",
    }


def _write_ucdp(folder: Path) -> None:
    folder.mkdir()
    rows = [
        _ucdp_row("1", "Army shells Northville"),
        _ucdp_row("2", "Army shells Northville", best="5"),
        _ucdp_row("3", "Quiet day;Talks held", side_a="Unknown group"),
        _ucdp_row("4", "x", "n/a"),
        _ucdp_row("5", "Army shells Northville"),
        _ucdp_row("6", "Crash"),
    ]
    with (folder / "ged_syria_2016-01-01_2019-11-30.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, UCDP_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    splits = {"1": "dev", "2": "dev", "3": "dev", "4": "dev", "5": "heldout", "6": "heldout"}
    (folder / "split.csv").write_text(
        "id,split_group,split\n" + "".join(f"{k},source_article,{v}\n" for k, v in splits.items()),
        encoding="utf-8",
    )


def _write_plover(folder: Path) -> None:
    folder.mkdir()
    records = [
        {"id": "DOC", "event": "DOCUMENT"},
        {
            "id": "a",
            "event": "RETREAT",
            "text": "Rebels pull back from the hill",
            "source": [{"actorText": "Rebels"}],
            "target": "",
        },
        {"id": "b", "event": "AGREE", "text": "Ministers agree on trade", "source": [{"actorText": "X"}]},
        {"id": "c", "event": "ASSAULT", "text": "Army shells Northville", "source": [{"actorText": "Army"}]},
    ]
    (folder / "plover_gsr.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "split.csv").write_text(
        "line,id,split\n1,DOC,heldout\n2,a,dev\n3,b,dev\n4,c,heldout\n", encoding="utf-8"
    )


@pytest.fixture
def results(tmp_path, geo_module):
    _write_ucdp(tmp_path / "ucdp-ged-syria")
    _write_plover(tmp_path / "plover-gsr")
    pipeline = StandInPipeline()
    found = run_all(pipeline, tmp_path)
    found["_calls"] = pipeline.calls
    return found


def _value(results: dict, folder: str, split: str, name: str) -> float | None:
    return results["datasets"][folder]["metrics"][split][name]["value"]


def test_ucdp_rows_share_one_document_per_headline(results) -> None:
    ucdp = results["datasets"]["ucdp-ged-syria"]
    assert ucdp["info"]["documents"] == 3  # "Army shells Northville" once, "Quiet day. Talks held", "Crash"
    assert ucdp["info"]["failed_documents"] == 1 and "boom" in ucdp["info"]["first_failure"]
    assert ucdp["counts"]["dev"]["skipped_rows"] == 1 and ucdp["counts"]["dev"]["rows_scored"] == 3


def test_ucdp_fields_are_scored_per_split(results) -> None:
    dev = results["datasets"]["ucdp-ged-syria"]["metrics"]["dev"]
    assert dev["date.overlap"] == {"value": round(2 / 3, 4), "n": 3, "unit": "share"}
    assert dev["event_type.violent"]["value"] == round(2 / 3, 4)
    assert dev["actor.same_entity"] == {"value": 1.0, "n": 2, "unit": "share"}
    assert results["datasets"]["ucdp-ged-syria"]["counts"]["dev"]["actor_unscorable"] == 1
    assert dev["admin1.match"]["value"] == round(2 / 3, 4)
    assert dev["distance_km.median"]["value"] == pytest.approx(11.1, abs=0.1)
    assert dev["fatalities.equal_best"] == {"value": 0.5, "n": 2, "unit": "share"}
    assert dev["fatalities.within_low_high"]["value"] == 1.0
    heldout = results["datasets"]["ucdp-ged-syria"]["metrics"]["heldout"]
    assert heldout["date.overlap"] == {"value": 0.5, "n": 2, "unit": "share"}


def test_ucdp_place_resolution_and_baseline(results) -> None:
    dev = results["datasets"]["ucdp-ged-syria"]["metrics"]["dev"]
    assert dev["place_resolution.within_25km"] == {"value": 1.0, "n": 3, "unit": "share"}
    assert dev["place_resolution.within_5km"]["value"] == 0.0
    assert dev["place_resolution.admin1"]["value"] == 1.0
    assert dev["baseline_most_populous.resolved"]["value"] == 0.0


def test_plover_types_and_spans(results) -> None:
    dev = results["datasets"]["plover-gsr"]["metrics"]["dev"]
    assert dev["type.accuracy_mapped"] == {"value": 1.0, "n": 1, "unit": "share"}
    assert dev["withdraw.f1"]["value"] == 1.0 and dev["assault.f1"]["value"] is None
    assert dev["type.false_positive_rate_unmapped"] == {"value": 1.0, "n": 1, "unit": "share"}
    assert dev["actor.source_span"] == {"value": 0.5, "n": 2, "unit": "share"}
    assert dev["actor.source_span_mapped_rows"]["value"] == 1.0
    heldout = results["datasets"]["plover-gsr"]["metrics"]["heldout"]
    assert heldout["type.accuracy_mapped"]["value"] == 1.0 and heldout["type.macro_f1"]["value"] == 1.0


def test_limit_caps_rows_per_split(tmp_path, geo_module) -> None:
    _write_ucdp(tmp_path / "ucdp-ged-syria")
    found = run_all(StandInPipeline(), tmp_path, limit=1)
    counts = found["datasets"]["ucdp-ged-syria"]["counts"]
    assert counts["dev"]["rows_scored"] == 1 and counts["heldout"]["rows_scored"] == 1
    assert "skipped" in found["datasets"]["plover-gsr"]


def test_table_has_dev_and_heldout_columns(results) -> None:
    table = render_table(results)
    assert "dev" in table and "heldout" in table
    assert "66.7% (n=3)" in table and "km (n=" in table
