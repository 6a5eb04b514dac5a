"""The generated events themselves: they survive the codec, its one-pass JSON text and pickling."""

from __future__ import annotations

import json
import math
import pickle

import pytest
from hypothesis import given
from support.strategies import event_lists, events

from sitroom.codec import from_dict, to_dict, to_json
from sitroom.records import (
    Certainty,
    Claim,
    Event,
    EventType,
    Evidence,
    Place,
    PlacePrecision,
    Quantity,
    Source,
    SourceKind,
    Status,
)


@given(events)
def test_generated_events_survive_the_codec(event: Event) -> None:
    # The store and the exports rely on this; if it fails, the codec (not the store) is at fault.
    assert from_dict(Event, to_dict(event)) == event


@given(events)
def test_the_json_text_is_the_plain_encoding_written_in_one_pass(event: Event) -> None:
    # The store writes records with to_json; it must say exactly what to_dict says.
    assert json.loads(to_json(event)) == to_dict(event)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_json_text_refuses_numbers_json_cannot_hold(bad: float) -> None:
    place = Place("Hama", 35.13, bad, PlacePrecision.SITE)
    event = Event("e", EventType.ASSAULT, Status.COMPLETED, Certainty.REPORTED, "attacked", place=place)
    source = Source("Reuters", SourceKind.OUTLET)
    evidence = Evidence("doc-a", 0, 8, "attacked")
    claim = Claim("fatalities", "at least 5", source, Certainty.REPORTED, evidence, low=bad)
    for record in (event, (claim,), [event.place]):
        with pytest.raises(ValueError, match="not a number JSON can hold"):
            to_json(record)


@given(event_lists)
def test_generated_events_survive_pickling(events: list[Event]) -> None:
    # Dask moves records between processes by pickling them, as calls of their classes.
    assert pickle.loads(pickle.dumps(events, protocol=5)) == events


def test_json_text_holds_integers_past_64_bits() -> None:
    # A text can say "100000000000000000000 soldiers"; JSON holds it, so the store must too.
    huge = Quantity("troops", 10**20)
    assert json.loads(to_json(huge)) == to_dict(huge)
