"""The command line on the bundled examples and on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitroom.cli import main

REPO = Path(__file__).resolve().parent.parent
BAD = REPO / "tests" / "fixtures" / "bad"
EXAMPLES = REPO / "examples"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("examples") / "ex.db")
    result = CliRunner().invoke(main, ["--db", db, "ingest", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    return db


def _run(db, *args):
    result = CliRunner().invoke(main, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_bad_inputs_are_named_and_the_rest_is_ingested(tmp_path):
    db = str(tmp_path / "bad.db")
    good = REPO / "tests" / "fixtures" / "reports" / "libya-tripoli-clashes.txt"
    # a folder yields its text and JSONL files; a file named explicitly is read whatever its suffix
    result = CliRunner().invoke(main, ["--db", db, "ingest", str(BAD), str(BAD / "binary.bin"), str(good)])
    assert result.exit_code == 1
    messages = result.output
    for name, problem in [
        ("empty.txt", "empty input"),
        ("binary.bin", "binary"),
        ("invalid-utf8.txt", "not valid UTF-8"),
        ("broken.jsonl:2", "not JSON"),
        ("no-dateline.txt", "no dateline"),
    ]:
        assert any(name in line and problem in line for line in messages.splitlines()), (name, messages)
    # two good lines of broken.jsonl, the good report, and invalid-utf8.txt read as Windows-1252 with a note
    assert "4 documents added" in messages
    assert json.loads(_run(db, "events", "--json"))


def test_filters(examples_db):
    everything = json.loads(_run(examples_db, "events", "--json"))
    assert len(everything) >= 8
    withdrawals = json.loads(_run(examples_db, "events", "--type", "withdraw", "--json"))
    assert withdrawals and all(e["type"] == "withdraw" for e in withdrawals)
    in_march = json.loads(
        _run(examples_db, "events", "--since", "2026-03-10", "--until", "2026-03-15", "--json")
    )
    assert in_march and all(
        e["date"]["end"] >= "2026-03-10" and e["date"]["start"] <= "2026-03-15" for e in in_march
    )
    niger = json.loads(_run(examples_db, "events", "--place", "niger", "--json"))
    assert niger and all("niger" in json.dumps(e["place"]).lower() for e in niger)
    italians = json.loads(_run(examples_db, "events", "--actor", "ital", "--json"))
    assert italians and all(
        any("ital" in (a["name"] + a["mention"]).lower() for a in e["actors"]) for e in italians
    )


def test_event_json_shape(examples_db):
    for event in json.loads(_run(examples_db, "events", "--json")):
        assert {
            "id",
            "type",
            "status",
            "certainty",
            "actors",
            "place",
            "date",
            "fatalities",
            "quantities",
            "claims",
            "sources",
            "evidence",
        } <= set(event)
        for evidence in event["evidence"]:
            assert {"document", "start", "end", "sentence"} <= set(evidence)


def test_show_marks_the_evidence(examples_db):
    event = json.loads(_run(examples_db, "events", "--json"))[0]
    out = _run(examples_db, "show", event["id"])
    assert event["id"] in out and "{trigger}" in out


def test_situation_text_and_json(examples_db):
    assert "Situation as of 2026-03-31" in _run(examples_db, "situation", "--as-of", "2026-03-31")
    body = json.loads(_run(examples_db, "situation", "--as-of", "2026-03-31", "--json"))
    assert body["as_of"] == "2026-03-31" and body["entries"]


def test_unknown_event_and_bad_date(examples_db):
    result = CliRunner().invoke(main, ["--db", examples_db, "show", "ev-nope"])
    assert result.exit_code == 1 and "no event with id" in result.output
    result = CliRunner().invoke(main, ["--db", examples_db, "events", "--since", "yesterday"])
    assert result.exit_code == 2 and "Invalid value" in result.output


def test_annotate_json(tmp_path):
    report = REPO / "tests" / "fixtures" / "reports" / "libya-tripoli-clashes.txt"
    body = json.loads(_run(str(tmp_path / "x.db"), "annotate", str(report), "--json"))
    text = report.read_text().split("\n", 2)[2]
    assert body["places"] and body["dates"] and body["sources"] and body["events"]
    for mention in body["places"] + body["dates"] + body["sources"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]
    resolved = [d for d in body["dates"] if d["span"]]
    assert resolved and all({"start", "end", "precision"} <= set(d["span"]) for d in resolved)
    kinds = {s["source"]["kind"] for s in body["sources"]}
    assert "witness" in kinds and all("count" in s["source"] for s in body["sources"])
    assert not (tmp_path / "x.db").exists() or "0" in _run(str(tmp_path / "x.db"), "events")
