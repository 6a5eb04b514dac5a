from support.builders import actor, day, event, place

from sitroom.merge import merge_document_events
from sitroom.records import Certainty, EventType, PlacePrecision, Status

SYRIA = place("Syria", "geonames:163843", PlacePrecision.COUNTRY)
BASE_A = place("Base A", admin1="Hasakah")
BASE_B = place("Base B", admin1="Hasakah")
US = actor("US forces", actor_id="us")


def test_vague_mention_joins_the_specific_event_of_the_same_day():
    events = [
        event("e1", EventType.WITHDRAW, Status.BEGAN, SYRIA, day("2026-02-23"), [US], offset=0),
        event("e2", EventType.WITHDRAW, Status.COMPLETED, BASE_A, day("2026-02-23"), [], offset=100),
        event(
            "e3",
            EventType.WITHDRAW,
            Status.COMPLETED,
            BASE_B,
            day("2026-01-26", "2026-02-23"),
            [US],
            offset=200,
        ),
    ]
    merged = merge_document_events(events)
    assert len(merged) == 2
    first = merged[0]
    assert first.place == BASE_A and first.status == Status.BEGAN and first.actors == (US,)
    assert len(first.evidence) == 2


def test_distinct_sites_stay_apart():
    events = [
        event("e1", EventType.WITHDRAW, Status.COMPLETED, BASE_A, day("2026-02-23"), [US]),
        event("e2", EventType.WITHDRAW, Status.COMPLETED, BASE_B, day("2026-02-23"), [US], offset=50),
    ]
    assert len(merge_document_events(events)) == 2


def test_different_types_and_conflicting_agents_stay_apart():
    events = [
        event("e1", EventType.WITHDRAW, Status.BEGAN, BASE_A, day("2026-02-23"), [US]),
        event("e2", EventType.DEPLOY, Status.BEGAN, BASE_A, day("2026-02-23"), [US], offset=10),
        event(
            "e3",
            EventType.WITHDRAW,
            Status.BEGAN,
            BASE_A,
            day("2026-02-23"),
            [actor("Russia", actor_id="ru")],
            offset=20,
        ),
    ]
    assert len(merge_document_events(events)) == 3


def test_nominal_mention_adds_detail_without_overriding_the_verb():
    verbal = event("e1", EventType.WITHDRAW, Status.BEGAN, BASE_A, day("2026-02-23"), [US])
    nominal = event(
        "e2", EventType.WITHDRAW, Status.EXPECTED, BASE_A, None, [], certainty=Certainty.EXPECTED, offset=300
    )
    (merged,) = merge_document_events([verbal, nominal], verbal=[True, False])
    assert merged.status == Status.BEGAN and merged.certainty == Certainty.REPORTED
    assert merged.date == day("2026-02-23")


def test_headline_toll_is_the_lowest_figure():
    a = event("e1", EventType.ASSAULT, Status.COMPLETED, BASE_A, day("2026-02-23"), [], fatalities=14)
    b = event(
        "e2", EventType.ASSAULT, Status.COMPLETED, BASE_A, day("2026-02-23"), [], fatalities=6, offset=40
    )
    (merged,) = merge_document_events([a, b])
    assert merged.fatalities == 6


def test_merge_keeps_document_order():
    events = [
        event("e1", EventType.ASSAULT, Status.COMPLETED, BASE_B, day("2026-02-20"), [], offset=0),
        event("e2", EventType.WITHDRAW, Status.COMPLETED, BASE_A, day("2026-02-23"), [], offset=50),
    ]
    assert [e.id for e in merge_document_events(events)] == ["e1", "e2"]
