"""JSON Lines, GeoJSON and ACLED-style CSV exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from support.strategies import event_lists

from sitroom.codec import from_dict
from sitroom.export import ACLED_COLUMNS, acled_type, write_acled_csv, write_geojson, write_jsonl
from sitroom.records import (
    ActorRef,
    Certainty,
    DatePrecision,
    Event,
    EventType,
    Evidence,
    Place,
    PlacePrecision,
    Role,
    Source,
    SourceKind,
    Status,
    TimeSpan,
)

NOTES = 'Troops, witnesses said, "shelled" the town;\nthree died.'
ARMY = ActorRef("Syrian Arab Army", Role.AGENT, "government troops", id="saa", kind="state_force")
REBELS = ActorRef("Hayat Tahrir al-Sham", Role.TARGET, "HTS", id="hts", kind="armed_group")
MILITIA = ActorRef("Local militia", Role.PARTNER, "allied fighters", kind="militia")
CIVILIANS = ActorRef("Civilians (Syria)", Role.TARGET, "residents", kind="civilians")
TOWN = Place(
    "Saraqib",
    35.8625,
    36.8047,
    PlacePrecision.NEAR,
    country="Syria",
    country_code="SY",
    admin1="Idlib",
    admin2="Idlib District",
)


def make(type: EventType, trigger: str = "clashed", **fields: object) -> Event:
    return Event(
        id=f"ev-{type.value}",
        type=type,
        status=Status.COMPLETED,
        certainty=Certainty.CLAIMED,
        trigger=trigger,
        **fields,
    )  # type: ignore[arg-type]


FULL = make(
    EventType.FIGHT,
    "clashed",
    actors=(ARMY, MILITIA, REBELS),
    place=TOWN,
    date=TimeSpan(date(2024, 2, 3), date(2024, 2, 9), DatePrecision.WEEK),
    fatalities=3,
    sources=(Source("Reuters", SourceKind.OUTLET), Source("witnesses", SourceKind.WITNESS)),
    evidence=(Evidence("doc-1", 0, len(NOTES), NOTES), Evidence("doc-2", 0, 5, "Later.")),
    reported=date(2024, 2, 10),
)


# ---------------------------------------------------------------- JSON Lines


@settings(max_examples=50, deadline=None)
@given(event_lists)
def test_jsonl_reads_back_equal(events: list[Event]) -> None:
    out = io.StringIO()
    assert write_jsonl(events, out).written == len(events)
    lines = out.getvalue().splitlines()
    assert [from_dict(Event, json.loads(line)) for line in lines] == events


# ---------------------------------------------------------------- GeoJSON


def test_geojson_points_are_lon_lat_with_precision_fields() -> None:
    undated = make(EventType.WITHDRAW, "withdrew", place=Place("Syria", None, None, PlacePrecision.COUNTRY))
    out = io.StringIO()
    count = write_geojson([FULL, undated, make(EventType.STATEMENT)], out)
    assert (count.written, count.left_out) == (1, 2)
    collection = json.loads(out.getvalue())
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [36.8047, 35.8625]}
    props = feature["properties"]
    assert (props["where_prec"], props["geo_precision"]) == (2, 2)
    assert (props["date_start"], props["date_end"], props["date_prec"]) == ("2024-02-03", "2024-02-09", 3)
    assert props["actors"] == ["Syrian Arab Army", "Local militia", "Hayat Tahrir al-Sham"]
    assert props["sources"] == ["Reuters", "witnesses"]
    assert (props["id"], props["type"], props["place"], props["admin1"], props["country"]) == (
        "ev-fight",
        "fight",
        "Saraqib",
        "Idlib",
        "Syria",
    )
    assert (props["status"], props["certainty"], props["fatalities"]) == ("completed", "claimed", 3)


def test_geojson_region_precision_maps_to_acled_3() -> None:
    region = make(EventType.PRESENCE, place=Place("Idlib", 35.9, 36.6, PlacePrecision.ADMIN1))
    out = io.StringIO()
    write_geojson([region], out)
    props = json.loads(out.getvalue())["features"][0]["properties"]
    assert (props["where_prec"], props["geo_precision"]) == (4, 3)


def test_geojson_leaves_out_unusable_coordinates() -> None:
    bad = [
        make(EventType.DEPLOY, place=Place("x", float("nan"), 1.0, PlacePrecision.SITE)),
        make(EventType.DEPLOY, place=Place("y", 95.0, 1.0, PlacePrecision.SITE)),
    ]
    out = io.StringIO()
    assert write_geojson(bad, out) == (0, 2)
    assert json.loads(out.getvalue()) == {"type": "FeatureCollection", "features": []}


@settings(max_examples=50, deadline=None)
@given(event_lists)
def test_geojson_is_strict_json_for_any_events(events: list[Event]) -> None:
    out = io.StringIO()
    count = write_geojson(events, out)

    def refuse(constant: str) -> None:
        raise AssertionError(f"non-standard JSON constant {constant}")

    collection = json.loads(out.getvalue(), parse_constant=refuse)
    assert len(collection["features"]) == count.written
    assert count.written + count.left_out == len(events)
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


# ---------------------------------------------------------------- ACLED CSV


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_header_is_acled_and_row_values_are_right() -> None:
    out = io.StringIO(newline="")
    assert write_acled_csv([FULL], out).written == 1
    header, row = read_csv(out.getvalue())
    assert header == list(ACLED_COLUMNS)
    values = dict(zip(header, row, strict=True))
    assert values["notes"] == NOTES  # commas, quotes and a newline survive quoting
    expected = {
        "event_id_cnty": "ev-fight",
        "event_date": "2024-02-03",
        "year": "2024",
        "time_precision": "2",
        "disorder_type": "Political violence",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Syrian Arab Army",
        "assoc_actor_1": "Local militia",
        "inter1": "1",
        "actor2": "Hayat Tahrir al-Sham",
        "assoc_actor_2": "",
        "inter2": "2",
        "interaction": "12",
        "civilian_targeting": "",
        "iso": "760",
        "region": "",
        "country": "Syria",
        "admin1": "Idlib",
        "admin2": "Idlib District",
        "admin3": "",
        "location": "Saraqib",
        "latitude": "35.8625",
        "longitude": "36.8047",
        "geo_precision": "2",
        "source": "Reuters; witnesses",
        "source_scale": "",
        "fatalities": "3",
        "timestamp": str(int(datetime(2024, 2, 10, tzinfo=UTC).timestamp())),
        "tags": "status=completed; certainty=claimed",
    }
    assert {k: values[k] for k in expected} == expected


def test_csv_defaults_for_a_bare_event() -> None:
    out = io.StringIO(newline="")
    write_acled_csv([make(EventType.STATEMENT, "said")], out, exported_at=1_700_000_000.5)
    header, row = read_csv(out.getvalue())
    values = dict(zip(header, row, strict=True))
    assert (values["fatalities"], values["timestamp"], values["notes"], values["event_date"]) == (
        "0",
        "1700000000",
        "",
        "",
    )
    assert (values["event_type"], values["sub_event_type"]) == ("Strategic developments", "Other")


def test_csv_file_is_utf8(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    arabic = make(EventType.PRESENCE, place=Place("حماة", 35.13, 36.75, PlacePrecision.SITE))
    with path.open("w", encoding="utf-8", newline="") as out:
        write_acled_csv([arabic], out)
    with path.open(encoding="utf-8", newline="") as back:
        rows = list(csv.DictReader(back))
    assert rows[0]["location"] == "حماة"


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (make(EventType.WITHDRAW, "withdrew"), ("Strategic developments", "Other")),
        (make(EventType.DEPLOY, "deployed"), ("Strategic developments", "Other")),
        (make(EventType.PRESENCE, "stationed"), ("Strategic developments", "Other")),
        (make(EventType.STATEMENT, "said"), ("Strategic developments", "Other")),
        (make(EventType.FIGHT, "clashed"), ("Battles", "Armed clash")),
        (make(EventType.ASSAULT, "attacked", actors=(ARMY, REBELS)), ("Battles", "Armed clash")),
        (
            make(EventType.ASSAULT, "attacked", actors=(REBELS, CIVILIANS)),
            ("Violence against civilians", "Attack"),
        ),
        (
            make(EventType.ASSAULT, "airstrike", actors=(ARMY, CIVILIANS)),
            ("Explosions/Remote violence", "Air/drone strike"),
        ),
        (
            make(EventType.ASSAULT, "shelled"),
            ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ),
        (make(EventType.FIGHT, "drone strikes"), ("Explosions/Remote violence", "Air/drone strike")),
        (
            make(EventType.ASSAULT, "roadside bomb"),
            ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ),
        (make(EventType.ASSAULT, "carried out an attack"), ("Battles", "Armed clash")),  # no word "ied" here
        (
            make(EventType.CONTROL, "took over"),
            ("Strategic developments", "Non-violent transfer of territory"),
        ),
        (make(EventType.CONTROL, "recaptured", actors=(ARMY,)), ("Battles", "Government regains territory")),
        (
            make(EventType.CONTROL, "seized", actors=(REBELS,)),
            ("Battles", "Non-state actor overtakes territory"),
        ),
    ],
)
def test_acled_type_table(event: Event, expected: tuple[str, str]) -> None:
    assert acled_type(event) == expected


def test_civilian_target_is_flagged() -> None:
    out = io.StringIO(newline="")
    write_acled_csv([make(EventType.ASSAULT, "airstrike", actors=(ARMY, CIVILIANS))], out)
    header, row = read_csv(out.getvalue())
    values = dict(zip(header, row, strict=True))
    assert (values["civilian_targeting"], values["interaction"]) == ("Civilian targeting", "17")


@settings(max_examples=50, deadline=None)
@given(event_lists)
def test_csv_has_one_full_row_per_event(events: list[Event]) -> None:
    out = io.StringIO(newline="")
    write_acled_csv(events, out, exported_at=0)
    rows = read_csv(out.getvalue())
    assert len(rows) == len(events) + 1
    assert all(len(row) == len(ACLED_COLUMNS) for row in rows)
    assert [row[0] for row in rows[1:]] == [e.id for e in events]
