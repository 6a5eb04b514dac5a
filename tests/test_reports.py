"""Golden expectations on independent test reports from many theatres (tests/fixtures/reports/).

Each `NAME.expect.json` was coded by hand from the report alone: the events a careful coder would code
(only the fields they are sure of), things that must not be coded as events, and the situation.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sitroom.ingest import read_inputs
from sitroom.situation import situation_as_of
from sitroom.testing import best_match, mismatches, situation_mismatch

REPORTS = Path(__file__).parent / "fixtures" / "reports"
CASES = sorted(p.name.removesuffix(".expect.json") for p in REPORTS.glob("*.expect.json"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def extracted(pipeline):
    results = {}
    for name in CASES:
        (document,) = read_inputs([str(REPORTS / f"{name}.txt")])
        results[name] = pipeline.events(document)
    return results


def _expectations(name: str) -> dict:
    return json.loads((REPORTS / f"{name}.expect.json").read_text())


@pytest.mark.parametrize("name", CASES)
def test_expected_events_are_found(extracted, name):
    failures = []
    for want in _expectations(name)["events"]:
        event, missed = best_match(extracted[name], want)
        if missed:
            failures.append(f"{want['type']} {want.get('place', {}).get('name_any', [''])[0]}: {missed}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", CASES)
def test_background_is_not_coded(extracted, name):
    for unwanted in _expectations(name).get("not_events", []):
        hits = [e for e in extracted[name] if not mismatches(e, unwanted)]
        assert not hits, f"coded {unwanted}: {[e.evidence[0].sentence for e in hits]}"


@pytest.mark.parametrize("name", CASES)
def test_situation(extracted, name):
    for want in _expectations(name).get("situation", []):
        entries = situation_as_of(extracted[name], date.fromisoformat(want["as_of"]))
        assert not situation_mismatch(entries, want), (
            f"{want} not in {[(e.place.name, e.actor, e.status.value) for e in entries]}"
        )
