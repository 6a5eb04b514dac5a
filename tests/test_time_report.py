"""Every temporal expression of wire copy, in a report written for this test, through the whole pipeline
(`annotate`): found at its offsets, resolved against the dateline as hand-coded in the .expect.json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sitroom.ingest import read_inputs

pytestmark = pytest.mark.slow

REPORT = Path(__file__).parent / "fixtures" / "time" / "wire-dates.txt"
EXPECTED = json.loads(REPORT.with_suffix(".expect.json").read_text())


@pytest.fixture(scope="module")
def annotation(pipeline):
    (document,) = read_inputs([str(REPORT)])
    return pipeline.annotate(document)


@pytest.mark.parametrize(("expression", "interval"), sorted(EXPECTED["dates"].items()))
def test_expression_found_and_resolved(annotation, expression, interval):
    text = annotation.document.text
    found = [d for d in annotation.dates if d.text == expression]
    assert found, [d.text for d in annotation.dates]
    mention = found[0]
    assert text[mention.start : mention.end] == expression
    assert mention.span is not None
    assert (mention.span.start.isoformat(), mention.span.end.isoformat()) == tuple(interval)


@pytest.mark.parametrize("expression", EXPECTED["durations"])
def test_durations_are_not_dates(annotation, expression):
    (mention,) = [d for d in annotation.dates if d.text == expression]
    assert mention.span is None


@pytest.mark.parametrize("want", EXPECTED["events"], ids=lambda w: w["trigger"])
def test_event_dates(annotation, want):
    (event,) = [e for e in annotation.events if e.trigger == want["trigger"]]
    assert (event.date.start, event.date.end) == tuple(date.fromisoformat(d) for d in want["date"])
