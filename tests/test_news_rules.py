"""Rules for the phrasing of real wire copy, each shown on sentences written for this test.

Each class of phrasing (a handover, an expulsion, a facility named beside its town, ...) is tested with
several sentences of its own, so that a rule is a rule for the class and not for one article.
"""

from __future__ import annotations

from datetime import date

import pytest

from sitroom.ingest import make_document
from sitroom.records import EventType, Role, Status

pytestmark = pytest.mark.slow

DATELINE = date(2026, 5, 8)  # a Friday


def _events(pipeline, text: str, dateline: date = DATELINE):
    return pipeline.events(make_document(text, dateline, doc_id="rules"))


def _of_type(events, etype: EventType):
    return [e for e in events if e.type == etype]


def _agents(event) -> set[str]:
    return {a.name for a in event.actors if a.role == Role.AGENT}


# --- a handover is two facts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Belgian troops handed over the Tessalit camp to the Malian army on Tuesday.",
        "On Tuesday the Belgian contingent transferred control of the camp in Tessalit to Malian soldiers.",
        "Belgium returned its base in Tessalit to the Malian armed forces on Tuesday, officials said.",
        "The camp in Tessalit was handed back to the Malian army on Tuesday.",
    ],
)
def test_a_handover_is_the_givers_withdrawal_and_the_receivers_control(pipeline, text):
    events = _events(pipeline, text)
    (withdrawal,) = _of_type(events, EventType.WITHDRAW)
    (control,) = _of_type(events, EventType.CONTROL)
    for event in (withdrawal, control):
        assert event.place is not None and "Tessalit" in event.place.name
        assert event.status == Status.COMPLETED
        assert event.date is not None and event.date.start == event.date.end == date(2026, 5, 5)
    assert any("Mali" in name for name in _agents(control))
    assert not any("Mali" in name for name in _agents(withdrawal))


def test_a_handover_without_a_named_receiver_is_a_withdrawal_only(pipeline):
    events = _events(pipeline, "Belgian soldiers handed back their camp in Tessalit on Tuesday.")
    assert [e.type for e in events] == [EventType.WITHDRAW]


def test_an_expulsion_is_the_winners_control_and_the_losers_withdrawal(pipeline):
    text = "Government troops drove the rebels out of Bunia on Thursday, the army said."
    events = _events(pipeline, text)
    (control,) = _of_type(events, EventType.CONTROL)
    (withdrawal,) = _of_type(events, EventType.WITHDRAW)
    assert control.place.name == withdrawal.place.name == "Bunia"
    assert any(a.role == Role.PREVIOUS and "rebel" in a.mention for a in control.actors)
    assert any(a.role == Role.AGENT and "rebel" in a.mention for a in withdrawal.actors)


# --- a facility is bound to its place ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The rebels took control of Bunia's prison on Thursday.", "prison"),
        ("The rebels seized the hospital in Bunia on Thursday.", "hospital"),
        ("Soldiers withdrew from their camp in the eastern town of Bunia.", "camp"),
        ("The militia attacked a military base in the town of Bunia.", "base"),
        ("The army recaptured the governor's palace in Bunia on Thursday.", "palace"),
    ],
)
def test_a_facility_is_placed_at_its_town_and_keeps_its_kind(pipeline, text, kind):
    (event,) = [e for e in _events(pipeline, text) if e.place is not None]
    assert event.place.name.startswith("Bunia") and event.place.name.endswith(kind)
    assert event.place.feature == kind and int(event.place.precision) == 2  # near the town
    assert event.place.country_code == "CD"


@pytest.mark.parametrize(
    "text",
    ["The rebels took control of Bunia's airport on Thursday.", "The rebels seized the airport in Bunia."],
)
def test_a_town_s_airport_is_the_airport_itself(pipeline, text):
    (event,) = [e for e in _events(pipeline, text) if e.place is not None]
    assert event.place.gazetteer_id.startswith("airport:") and event.place.feature == "airport"
    assert event.place.country_code == "CD" and int(event.place.precision) == 1


def test_a_known_facility_is_the_gazetteers_site(pipeline):
    (event,) = _events(pipeline, "Russian sailors left the naval facility in the port city of Tartus.")
    assert event.place.gazetteer_id == "sitroom:tartus-naval-facility"


def test_a_nationality_before_a_facility_names_no_place(pipeline):
    text = "Belgian troops arrived at the Tessalit camp in March. On Tuesday they left the Belgian camp."
    withdrawals = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawals and all("Belgi" not in (e.place.name if e.place else "") for e in withdrawals)


# --- statements that carry meaning ---------------------------------------------------------------


def test_saying_or_announcing_is_a_source_not_an_event(pipeline):
    events = _events(pipeline, "The ministry announced on Friday that its troops had left the town of Bunia.")
    assert EventType.STATEMENT not in {e.type for e in events}
    assert EventType.WITHDRAW in {e.type for e in events}


@pytest.mark.parametrize(
    "text",
    [
        "The army accused the rebels of shelling Bunia on Friday.",
        "The rebels threatened on Friday to attack Bunia.",
        "The two sides announced a ceasefire in Bunia on Friday.",
    ],
)
def test_accusing_threatening_and_agreeing_to_a_ceasefire_are_statements(pipeline, text):
    assert EventType.STATEMENT in {e.type for e in _events(pipeline, text)}
