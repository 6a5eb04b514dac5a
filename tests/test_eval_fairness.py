"""The fairness rules of the UCDP and PLOVER scoring, on invented rows and events (no model, no data set)."""

from __future__ import annotations

from datetime import date

from sitroom.evaluation.plover import ACCEPTED, GoldSentence, PloverTally, asserted, credited
from sitroom.evaluation.ucdp import ALLIES, GedRow, SideResolver, UcdpTally, score_row
from sitroom.records import (
    ActorRef,
    Certainty,
    DatePrecision,
    Event,
    EventType,
    Place,
    PlacePrecision,
    Role,
    Status,
    TimeSpan,
)
from sitroom.resolve.actors import ActorResolver


def _event(
    kind: EventType,
    status: Status = Status.COMPLETED,
    certainty: Certainty = Certainty.REPORTED,
    place: Place | None = None,
    day: date | None = None,
    actors: tuple[ActorRef, ...] = (),
) -> Event:
    span = TimeSpan(day, day, DatePrecision.DAY) if day else None
    return Event("e", kind, status, certainty, "x", actors=actors, place=place, date=span)


# --- PLOVER: FIGHT is conventional force, not only a clash; what sitroom does not assert is no prediction ---


def _sentence(plover_type: str) -> GoldSentence:
    return GoldSentence(line=2, split="dev", text="t", plover_type=plover_type, sources=(), targets=())


def test_an_army_s_attack_is_plover_fight_and_a_clash_is_never_plover_assault() -> None:
    assert credited(EventType.ASSAULT, EventType.FIGHT) == EventType.FIGHT
    assert credited(EventType.FIGHT, EventType.FIGHT) == EventType.FIGHT
    assert credited(EventType.FIGHT, EventType.ASSAULT) == EventType.FIGHT  # a miss
    assert ACCEPTED[EventType.ASSAULT] == {EventType.ASSAULT}


def test_a_shelling_on_a_fight_row_counts_as_right() -> None:
    tally = PloverTally()
    tally.add(_sentence("FIGHT"), [_event(EventType.ASSAULT)])
    tally.add(_sentence("ASSAULT"), [_event(EventType.FIGHT)])
    metrics = tally.metrics()
    assert metrics["type.accuracy_mapped"].value == 0.5
    assert metrics["fight.recall"].value == 1.0 and metrics["assault.recall"].value == 0.0
    assert metrics["violent.recall"].value == 1.0 and metrics["violent.precision"].value == 1.0


def test_denied_expected_and_planned_events_are_not_predictions() -> None:
    assert not asserted(_event(EventType.ASSAULT, certainty=Certainty.DENIED))
    assert not asserted(_event(EventType.WITHDRAW, status=Status.EXPECTED))
    assert not asserted(_event(EventType.DEPLOY, status=Status.PLANNED))
    assert asserted(_event(EventType.ASSAULT, status=Status.ONGOING, certainty=Certainty.CLAIMED))
    tally = PloverTally()
    tally.add(_sentence("THREATEN"), [_event(EventType.ASSAULT, status=Status.PLANNED)])
    tally.add(_sentence("REJECT"), [_event(EventType.ASSAULT, certainty=Certainty.DENIED)])
    tally.add(_sentence("RETREAT"), [_event(EventType.WITHDRAW, status=Status.EXPECTED)])
    metrics = tally.metrics()
    assert metrics["type.false_positive_rate_unmapped"].value == 0.0
    assert metrics["withdraw.recall"].value == 0.0


# --- UCDP: allies are the side they fight for; centroids are no point guesses; impossible dates ---------


def _row(**changes) -> GedRow:
    fields = dict(
        id="1",
        split="dev",
        text="t",
        dateline=date(2017, 5, 2),
        date_start=date(2017, 5, 1),
        date_end=date(2017, 5, 1),
        side_a="Government of Syria",
        side_b="Syrian insurgents",
        adm_1="Idlib Governorate",
        where_prec=1,
        where_coordinates="X village",
        lat=35.9,
        lon=36.6,
        low=0,
        best=0,
        high=0,
    )
    return GedRow(**{**fields, **changes})


RUSSIA = ActorRef("Russian Armed Forces", Role.AGENT, "Russian warplanes", id="ru-military")
IDLIB = Place("Idlib", 35.86, 36.63, PlacePrecision.ADMIN1, country_code="SY", admin1="Idlib")
TOWN = Place("Binnish", 35.96, 36.71, PlacePrecision.SITE, country_code="SY", admin1="Idlib", feature="town")


def test_an_ally_that_fights_for_a_side_counts_as_that_side() -> None:
    sides = SideResolver(ActorResolver.load())
    row = _row()
    side_ids = sides.ids(row.side_a, row.date_start) | sides.ids(row.side_b, row.date_start)
    tally = UcdpTally()
    score_row(row, [_event(EventType.ASSAULT, actors=(RUSSIA,))], side_ids, tally, sides.allies(row.side_a))
    assert tally.actor.hits == 1 and tally.actor_strict.hits == 0
    assert "ru-military" in sides.allies("Government of Syria")
    assert "global-coalition" in sides.allies("SDF") and "tr-military" in sides.allies("National Front, SNA")


def test_every_ally_is_an_actor_of_sitroom_s_data() -> None:
    actors = ActorResolver.load()
    for allies in ALLIES.values():
        for actor_id in allies:
            assert actors.entity(actor_id).id == actor_id


def test_a_governorate_centroid_is_not_scored_as_a_point() -> None:
    tally = UcdpTally()
    score_row(_row(), [_event(EventType.ASSAULT, place=IDLIB)], frozenset(), tally)
    assert tally.point_coverage.hits == 0 and tally.area_only.hits == 1 and not tally.distances.values
    assert tally.admin1.hits == 1  # the governorate still agrees
    score_row(_row(), [_event(EventType.ASSAULT, place=TOWN)], frozenset(), tally)
    assert tally.point_coverage.hits == 1 and len(tally.distances.values) == 1


def test_a_date_the_source_could_not_have_reported_is_no_match() -> None:
    tally = UcdpTally()
    after = _row(date_start=date(2017, 5, 5), date_end=date(2017, 5, 5))  # UCDP's own date is after it too
    score_row(after, [_event(EventType.ASSAULT, day=date(2017, 5, 5))], frozenset(), tally)
    years = _row(date_start=date(2014, 1, 1), date_end=date(2014, 1, 1))
    score_row(years, [_event(EventType.ASSAULT, day=date(2014, 1, 1))], frozenset(), tally)
    assert tally.date_overlap.hits == 0 and tally.date_impossible.hits == 2
    later_source = _row(date_start=date(2017, 5, 5), date_end=date(2017, 5, 5), source_last=date(2017, 5, 6))
    score_row(later_source, [_event(EventType.ASSAULT, day=date(2017, 5, 5))], frozenset(), tally)
    assert tally.date_overlap.hits == 1 and tally.date_exact_start.hits == 1
