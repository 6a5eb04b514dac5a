"""The example article (../shared/seed/), end to end through the CLI: what the brief says it must show.

Its text is not in the repository: the test reads it from the shared folder and skips without it.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sitroom.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.seed]


@pytest.fixture(scope="module")
def seed_db(seed_path, tmp_path_factory):
    db = str(tmp_path_factory.mktemp("seed") / "seed.db")
    result = CliRunner().invoke(main, ["--db", db, "ingest", str(seed_path)])
    assert result.exit_code == 0, result.output
    return db


def _json(db, *args):
    result = CliRunner().invoke(main, ["--db", db, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def events(seed_db):
    return _json(seed_db, "events")


def _find(events, type_, place_word):
    found = [
        e for e in events if e["type"] == type_ and e["place"] and place_word in e["place"]["name"].lower()
    ]
    assert found, f"no {type_} event at {place_word}: {[(e['type'], e['place']) for e in events]}"
    return found[0]


def _agents(event):
    return {a["name"] for a in event["actors"] if a["role"] in ("agent", "claimant")}


def test_withdrawal_from_the_base_begins_on_the_dateline(events):
    event = _find(events, "withdraw", "qasrak")
    assert event["status"] == "began" and event["date"]["start"] == "2026-02-23"
    assert event["place"]["country"] == "Syria" and "Hasakah" in event["place"]["admin1"]
    assert event["place"]["lat"] is not None and event["place"]["precision"] <= 2
    assert "United States Armed Forces" in _agents(event)
    kinds = {s["kind"] for s in event["sources"]}
    assert {"military_source", "witness"} <= kinds
    assert any(s["count"] == 3 for s in event["sources"] if s["kind"] == "military_source")
    durations = [c for c in event["claims"] if c["field"] == "expected_duration"]
    assert {c["value"] for c in durations} == {"approximately a month", "several weeks"}
    assert len({c["source"]["name"] for c in durations}) == 2
    assert all(e["sentence"] for e in event["evidence"])
    declined = [s for s in event["sources"] if s["stance"] == "declined"]
    assert any("defense ministry" in s["name"] for s in declined)


@pytest.mark.parametrize("place_word", ["shaddadi", "tanf"])
def test_earlier_departures_within_recent_weeks(events, place_word):
    event = _find(events, "withdraw", place_word)
    assert event["status"] == "completed"
    assert event["date"]["start"] < "2026-02-23" and event["date"]["end"] == "2026-02-23"
    assert "United States Armed Forces" in _agents(event)


def test_coalition_presence_at_rmelan(events):
    event = _find(events, "presence", "rmelan")
    assert any("Coalition" in name for name in _agents(event))
    assert "Kharab al-Jir" in event["place"]["mention"] or "Rmelan" in event["place"]["mention"]


def test_government_takes_control_of_former_sdf_areas(events):
    control = [e for e in events if e["type"] == "control"]
    assert control
    assert control[0]["place"]["country"] == "Syria" and control[0]["place"]["precision"] == 5  # an area
    roles = {(a["name"], a["role"]) for a in control[0]["actors"]}
    assert ("Syrian Democratic Forces", "previous") in roles
    assert any(role == "agent" and "Syria" in name for name, role in roles)


def test_two_attacks_claimed_by_islamic_state(events):
    (attack,) = [e for e in events if e["type"] == "assault"]
    assert attack["certainty"] == "claimed" and attack["date"]["start"] == "2026-02-21"
    assert attack["fatalities"] == 2
    categories = {q["category"] for q in attack["quantities"] if q["kind"] == "fatalities"}
    assert categories == {"military", "civilian"}
    assert any(q["kind"] == "attacks" and q["value"] == 2 for q in attack["quantities"])
    assert "Islamic State" in _agents(attack)
    assert any(s["kind"] == "group_claim" for s in attack["sources"])


def test_reported_withdrawal_of_about_1000_troops(events):
    found = [
        e for e in events if e["type"] == "withdraw" and any(q["kind"] == "troops" for q in e["quantities"])
    ]
    (event,) = found
    assert event["place"]["name"] == "Syria"
    assert any(q["value"] == 1000 and q["approximate"] for q in event["quantities"])
    # when the newspaper reported it: the text gives the report's week, not the withdrawal's own date
    assert event["date"] == {
        "start": "2026-02-16",
        "end": "2026-02-22",
        "precision": 3,
        "text": "last week",
        "basis": "discourse",
    }
    assert any(
        s["name"] == "The Wall Street Journal" and s["kind"] == "news_outlet" for s in event["sources"]
    )


def test_situation_the_day_after(seed_db):
    entries = _json(seed_db, "situation", "--as-of", "2026-02-24")["entries"]
    status = {e["place"]["name"].lower(): e["status"] for e in entries}

    def at(word):
        return next(s for name, s in status.items() if word in name)

    assert at("qasrak") == "withdrawing"
    assert at("rmelan") == "present"
    assert at("shaddadi") == "departed"
    assert at("tanf") == "departed"


def test_reingest_changes_nothing(seed_db, seed_path):
    before = _json(seed_db, "events")
    result = CliRunner().invoke(main, ["--db", seed_db, "ingest", str(seed_path)])
    assert result.exit_code == 0 and "0 documents added, 1 unchanged" in result.output
    assert _json(seed_db, "events") == before


def test_exports(seed_db):
    runner = CliRunner()
    csv_out = runner.invoke(main, ["--db", seed_db, "export", "--format", "csv"]).output
    header = csv_out.splitlines()[0].split(",")
    assert {"event_date", "event_type", "actor1", "admin1", "latitude", "geo_precision", "fatalities"} <= set(
        header
    )
    geo = json.loads(runner.invoke(main, ["--db", seed_db, "export", "--format", "geojson"]).output)
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert all(f["properties"]["where_prec"] in range(1, 8) for f in geo["features"])
    lines = runner.invoke(main, ["--db", seed_db, "export", "--format", "jsonl"]).output.splitlines()
    assert len(lines) == len(_json(seed_db, "events"))
