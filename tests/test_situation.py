from datetime import date

from support.builders import actor, day, event, place

from sitroom.records import Certainty, EventType, PostureStatus, Role, Status
from sitroom.situation import situation_as_of

BASE = place("Base A")
TOWN = place("Town B")
US = actor("US forces", actor_id="us")


def _status(entries, place_name, actor_name):
    found = [e for e in entries if e.place.name == place_name and e.actor == actor_name]
    return found[0].status if found else None


def test_withdrawal_moves_from_present_to_withdrawing_to_departed():
    events = [
        event("e1", EventType.PRESENCE, Status.ONGOING, BASE, day("2025-06-01"), [US]),
        event("e2", EventType.WITHDRAW, Status.BEGAN, BASE, day("2026-02-23"), [US]),
        event(
            "e3", EventType.WITHDRAW, Status.COMPLETED, BASE, day("2026-03-20"), [US], reported="2026-03-21"
        ),
    ]
    assert _status(situation_as_of(events, date(2026, 1, 1)), "Base A", "US forces") == PostureStatus.PRESENT
    assert (
        _status(situation_as_of(events, date(2026, 2, 24)), "Base A", "US forces")
        == PostureStatus.WITHDRAWING
    )
    assert (
        _status(situation_as_of(events, date(2026, 3, 25)), "Base A", "US forces") == PostureStatus.DEPARTED
    )
    assert _status(situation_as_of(events, date(2025, 1, 1)), "Base A", "US forces") is None


def test_completed_departure_over_a_range_counts_from_its_end():
    events = [event("e1", EventType.WITHDRAW, Status.COMPLETED, BASE, day("2026-01-26", "2026-02-23"), [US])]
    assert situation_as_of(events, date(2026, 2, 10)) == []
    (entry,) = situation_as_of(events, date(2026, 2, 24))
    assert entry.status == PostureStatus.DEPARTED and entry.since == date(2026, 2, 23)


def test_expected_and_denied_events_change_nothing():
    events = [
        event("e1", EventType.WITHDRAW, Status.EXPECTED, BASE, day("2026-02-01"), [US]),
        event(
            "e2",
            EventType.DEPLOY,
            Status.COMPLETED,
            BASE,
            day("2026-02-01"),
            [US],
            certainty=Certainty.DENIED,
        ),
    ]
    assert situation_as_of(events, date(2026, 3, 1)) == []


def test_control_change_ends_the_previous_holder():
    sdf = actor("SDF", Role.PREVIOUS, "sdf")
    gov = actor("Syrian government forces", actor_id="sy-gov")
    events = [
        event(
            "e1", EventType.CONTROL, Status.COMPLETED, TOWN, day("2025-01-01"), [actor("SDF", actor_id="sdf")]
        ),
        event("e2", EventType.CONTROL, Status.COMPLETED, TOWN, day("2026-02-01"), [gov, sdf]),
    ]
    entries = situation_as_of(events, date(2026, 2, 2))
    sdf_entry = next(e for e in entries if e.actor == "SDF")
    gov_entry = next(e for e in entries if e.actor == "Syrian government forces")
    assert sdf_entry.until == date(2026, 2, 1) and not sdf_entry.contested
    assert gov_entry.status == PostureStatus.CONTROLS and gov_entry.since == date(2026, 2, 1)


def test_forces_reported_in_a_place_they_control_still_control_it():
    russia = actor("Russian forces", actor_id="ru")
    events = [
        event("e1", EventType.CONTROL, Status.COMPLETED, TOWN, day("2024-02-17"), [russia]),
        event("e2", EventType.PRESENCE, Status.ONGOING, TOWN, day("2024-02-18"), [russia]),
    ]
    (entry,) = situation_as_of(events, date(2024, 2, 19))
    assert entry.status == PostureStatus.CONTROLS and entry.since == date(2024, 2, 17)
    assert entry.event_count == 2


def test_two_holders_without_a_handover_are_contested():
    events = [
        event(
            "e1", EventType.CONTROL, Status.COMPLETED, TOWN, day("2026-02-01"), [actor("Army", actor_id="a")]
        ),
        event(
            "e2",
            EventType.CONTROL,
            Status.COMPLETED,
            TOWN,
            day("2026-02-02"),
            [actor("Rebels", actor_id="r")],
            certainty=Certainty.CLAIMED,
        ),
    ]
    entries = situation_as_of(events, date(2026, 2, 3))
    assert len(entries) == 2 and all(e.contested for e in entries)


def test_known_at_hides_later_reports():
    events = [
        event("e1", EventType.WITHDRAW, Status.BEGAN, BASE, day("2026-02-01"), [US], reported="2026-02-10")
    ]
    assert situation_as_of(events, date(2026, 2, 15), known_at=date(2026, 2, 5)) == []
    assert len(situation_as_of(events, date(2026, 2, 15), known_at=date(2026, 2, 10))) == 1


def test_same_state_reported_twice_keeps_earliest_since_and_all_events():
    events = [
        event("e2", EventType.PRESENCE, Status.ONGOING, BASE, day("2026-02-10"), [US]),
        event("e1", EventType.PRESENCE, Status.ONGOING, BASE, day("2016-01-01", "2026-02-01"), [US]),
    ]
    (entry,) = situation_as_of(events, date(2026, 3, 1))
    assert entry.since == date(2016, 1, 1) and set(entry.events) == {"e1", "e2"} and entry.event_count == 2


def test_a_long_reported_state_lists_its_first_and_latest_events_and_counts_them_all():
    days = [day(f"2026-01-{n + 1:02}") for n in range(30)]
    events = [
        event(f"e{n:02}", EventType.PRESENCE, Status.ONGOING, BASE, when, [US], offset=n)
        for n, when in enumerate(days)
    ]
    (entry,) = situation_as_of(events, date(2026, 3, 1))
    assert entry.events == ("e00", *(f"e{n:02}" for n in range(21, 30)))
    assert entry.event_count == 30
    assert [e.start for e in entry.evidence] == [0, 28, 29]


def test_a_hold_only_its_holder_claims_is_contested_until_reported():
    claim = event(
        "e1",
        EventType.CONTROL,
        Status.COMPLETED,
        TOWN,
        day("2026-02-01"),
        [actor("Rebels", actor_id="r")],
        certainty=Certainty.CLAIMED,
    )
    (entry,) = situation_as_of([claim], date(2026, 2, 2))
    assert entry.contested
    confirmed = event(
        "e2", EventType.CONTROL, Status.COMPLETED, TOWN, day("2026-02-03"), [actor("Rebels", actor_id="r")]
    )
    (entry,) = situation_as_of([claim, confirmed], date(2026, 2, 4))
    assert not entry.contested and entry.since == date(2026, 2, 1)
