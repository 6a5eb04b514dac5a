"""The 14-report story in examples/iraq-drawdown: merging across reports and the situation, end to end.

Floors, not exact figures: the story's hand-coded truth is scored by `sitroom eval --only story` and a
change that lowers a score below its floor fails here.
"""

from __future__ import annotations

import json
from datetime import date
from itertools import permutations

import pytest
from click.testing import CliRunner
from conftest import REPO

from sitroom.cli import main
from sitroom.codec import to_dict
from sitroom.evaluation.story import FOLDER as STORY_FOLDER
from sitroom.evaluation.story import evaluate_story
from sitroom.ingest import read_inputs
from sitroom.records import Document, EventType, PostureStatus, Status
from sitroom.situation import situation_as_of
from sitroom.store import open_store

pytestmark = pytest.mark.slow
FOLDER = REPO / "examples" / STORY_FOLDER

FLOORS = {
    "merge pairwise precision": 0.95,
    "merge pairwise recall": 0.85,
    "hand-coded events found": 0.9,
    "event fields agree": 0.9,
    "situation expectations met": 0.85,
}


@pytest.fixture(scope="module")
def story(pipeline):
    documents = [d for d in read_inputs([str(FOLDER / "reports.jsonl")]) if isinstance(d, Document)]
    return list(pipeline.process(documents))


@pytest.fixture(scope="module")
def scores(pipeline):
    return evaluate_story(pipeline, FOLDER)["metrics"]["story"]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_story_scores_stay_above_their_floors(scores, name):
    assert scores[name]["value"] >= FLOORS[name], scores


def test_merging_beats_the_naive_baseline(scores):
    assert (
        scores["merge pairwise recall"]["value"]
        > scores["naive merge (type, place, date) pairwise recall"]["value"]
    )


def _events(batches) -> list:
    with open_store(":memory:") as store:
        for document, reports in batches:
            store.write(document, reports)
        return store.events()


def test_any_ingest_order_gives_the_same_events(story):
    reference = to_dict(_events(story))
    orders = [list(reversed(story)), story[7:] + story[:7], story[1::2] + story[::2]]
    for order in orders:
        assert to_dict(_events(order)) == reference


def test_small_stories_in_every_order(story):
    asad = [batch for batch in story if "asad" in batch[0].id][:4]
    reference = to_dict(_events(asad))
    for order in permutations(asad):
        assert to_dict(_events(order)) == reference


def test_the_withdrawal_is_one_event_told_by_five_reports(story):
    (withdrawal,) = [
        e for e in _events(story) if e.type == EventType.WITHDRAW and e.place and "Asad" in e.place.name
    ]
    assert withdrawal.status == Status.COMPLETED and len(withdrawal.reports) == 5
    assert withdrawal.source_count == 3  # the republished agency story counts once
    assert withdrawal.reported == date(2026, 9, 3) and withdrawal.updated == date(2026, 9, 29)
    assert [s.status for s in withdrawal.history][0] == Status.BEGAN


def test_the_situation_moves_with_the_story(story):
    events = _events(story)

    def status(day: str, place: str, actor: str):
        for entry in situation_as_of(events, date.fromisoformat(day)):
            if place in entry.place.name and actor in entry.actor:
                return entry.status
        return None

    assert status("2026-09-10", "Asad", "Coalition") == PostureStatus.WITHDRAWING
    assert status("2026-10-07", "Asad", "Coalition") == PostureStatus.DEPARTED
    assert status("2026-09-10", "Asad", "Iraq") is None
    assert status("2026-10-07", "Asad", "Iraq") == PostureStatus.CONTROLS


def test_cli_changes_timeline_known_at_show_and_review(tmp_path):
    db = str(tmp_path / "story.db")
    run = CliRunner()

    def ok(*args):
        result = run.invoke(main, ["--db", db, *args])
        assert result.exit_code == 0, result.output
        return result.output

    ok("ingest", str(FOLDER / "reports.jsonl"))
    found = json.loads(ok("changes", "--since", "2026-09-15", "--until", "2026-09-30", "--json"))
    assert any(c["after"] == "departed" and "Asad" in c["place"]["name"] for c in found)
    assert all("2026-09-15" <= c["when"] <= "2026-09-30" for c in found)
    timeline = json.loads(ok("timeline", "Ain al-Asad", "--json"))
    assert {e["type"] for e in timeline["events"]} >= {"withdraw", "control"}
    early = json.loads(ok("situation", "--as-of", "2026-10-07", "--known-at", "2026-09-10", "--json"))
    asad = [e for e in early["entries"] if "Asad" in e["place"]["name"]]
    assert asad and all(e["status"] == "withdrawing" for e in asad)  # the completion was not yet known
    events = json.loads(ok("events", "--type", "withdraw", "--place", "Asad", "--json"))
    (withdrawal,) = events
    shown = ok("show", withdrawal["id"])
    assert "reports: 5 from 3 independent source(s)" in shown and "history: began" in shown
    taken = withdrawal["reports"][-1]["id"]
    ok("review", withdrawal["id"], "split", taken, "--author", "tester")
    assert len(json.loads(ok("events", "--type", "withdraw", "--place", "Asad", "--json"))) == 2
    ok("remerge")
    assert len(json.loads(ok("events", "--type", "withdraw", "--place", "Asad", "--json"))) == 2
    bad = run.invoke(main, ["--db", db, "review", withdrawal["id"], "correct", "colour=red"])
    assert bad.exit_code == 1 and "cannot correct" in bad.output


def test_bench_merge_prints_its_table():
    result = CliRunner().invoke(main, ["bench-merge", "--sizes", "200,400", "--store-up-to", "200"])
    assert result.exit_code == 0, result.output
    assert "precision" in result.output and "time per report" in result.output
