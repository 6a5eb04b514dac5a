"""Merging reports of one event across documents: what merges, what stays apart, why, and reviews."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.builders import actor, day

from sitroom.codec import to_dict
from sitroom.merge import merge_reports
from sitroom.merge.blocking import blocking_keys
from sitroom.records import (
    OFFSET_FEATURE,
    Certainty,
    Document,
    Event,
    EventType,
    Evidence,
    Place,
    PlacePrecision,
    PostureStatus,
    ReviewAction,
    ReviewState,
    Role,
    Source,
    SourceKind,
    Status,
    TimeSpan,
)
from sitroom.review import ReviewError, review
from sitroom.situation import changes, situation_as_of, timeline
from sitroom.store import open_store

BASE = Place("Base A", 36.50, 40.75, PlacePrecision.SITE, "Syria", "SY", "Hasakah", gazetteer_id="t:base-a")
TOWN = Place("Town B", 35.00, 38.00, PlacePrecision.SITE, "Syria", "SY", "Homs", gazetteer_id="t:town-b")
PROVINCE = Place("Hasakah", 36.6, 41.0, PlacePrecision.ADMIN1, "Syria", "SY", "Hasakah", gazetteer_id="t:hsk")
US = actor("US forces", actor_id="us")
IS = actor("Islamic State", actor_id="is")
ARMY = actor("Syrian army", actor_id="sy-army")


def report(
    doc: str,
    type: EventType = EventType.ASSAULT,
    where: Place | None = TOWN,
    when: TimeSpan | None = None,
    status: Status = Status.COMPLETED,
    actors=(),
    sentence: str | None = None,
    outlet: str | None = None,
    reported: str = "2026-03-02",
    fatalities: int | None = None,
    trigger: str = "attack",
) -> Event:
    return Event(
        id=f"ev-{doc}-{type.value}",
        type=type,
        status=status,
        certainty=Certainty.REPORTED,
        trigger=trigger,
        actors=tuple(actors),
        place=where,
        date=when or day("2026-03-01"),
        fatalities=fatalities,
        sources=(Source(outlet or f"Outlet of {doc}", SourceKind.OUTLET),),
        evidence=(
            Evidence(
                doc, 0, 40, sentence or f"Report {doc}: an {trigger} in {where.name if where else '?'}."
            ),
        ),
        reported=date.fromisoformat(reported),
    )


def _one(events: list[Event]) -> Event:
    assert len(events) == 1, [e.id for e in events]
    return events[0]


# ------------------------------------------------------------------ what merges


def test_reports_of_one_attack_become_one_event_with_every_source():
    reports = [
        report("d1", reported="2026-03-01", fatalities=2),
        report("d2", reported="2026-03-02", fatalities=5),
        report("d3", reported="2026-03-04", fatalities=7),
    ]
    event = _one(merge_reports(reports))
    assert [r.id for r in event.reports] == ["ev-d1-assault", "ev-d2-assault", "ev-d3-assault"]
    assert event.source_count == 3
    assert (event.reported, event.updated) == (date(2026, 3, 1), date(2026, 3, 4))
    assert event.fatalities == 7  # the latest toll: tolls rise as the dead are counted
    assert sorted(c.value for c in event.claims if c.field == "fatalities") == ["2", "5", "7"]
    assert set(event.documents) == {"d1", "d2", "d3"}
    assert all(r.reasons for r in event.reports[1:]) and "same place (Town B)" in event.reports[1].reasons


def test_a_republished_agency_story_is_one_source():
    wire = (
        "Gunmen attacked a checkpoint in Town B on Sunday, killing two soldiers, two security sources said."
    )
    reports = [
        report("wire", sentence=wire, outlet="Example Wire"),
        report("paper", sentence=wire.replace("Gunmen", "Armed men"), outlet="Daily Paper"),
        report(
            "other", sentence="Two soldiers died when a checkpoint near Town B came under fire.", outlet="TV"
        ),
    ]
    event = _one(merge_reports(reports))
    assert event.source_count == 2
    origins = {r.document: r.origin for r in event.reports}
    assert origins["wire"] == origins["paper"] != origins["other"]


def test_a_story_moves_from_began_to_completed():
    began = report(
        "d1", EventType.WITHDRAW, BASE, day("2026-02-23"), Status.BEGAN, [US], reported="2026-02-23"
    )
    done = report(
        "d2", EventType.WITHDRAW, BASE, day("2026-03-20"), Status.COMPLETED, [US], reported="2026-03-21"
    )
    event = _one(merge_reports([done, began]))
    assert event.status == Status.COMPLETED
    assert [s.status for s in event.history] == [Status.BEGAN, Status.COMPLETED]
    # the event's date is its completion, as the report that states it gives it; the start is in the history
    assert (event.date.start, event.date.end) == (date(2026, 3, 20), date(2026, 3, 20))
    assert [s.date.start for s in event.history] == [date(2026, 2, 23), date(2026, 3, 20)]
    assert any("the story moves on" in reason for reason in event.reports[1].reasons)
    assert _status([event], "2026-03-01") == PostureStatus.WITHDRAWING
    assert _status([event], "2026-03-25") == PostureStatus.DEPARTED


def _status(events, iso):
    entries = situation_as_of(events, date.fromisoformat(iso))
    return entries[0].status if entries else None


def test_a_vaguer_place_in_the_same_province_joins():
    precise = report("d1", where=BASE, actors=[IS])
    vague = report("d2", where=PROVINCE, actors=[IS])
    assert _one(merge_reports([precise, vague])).place == BASE


# ------------------------------------------------------------------ what stays apart


def test_different_attacks_at_one_place_on_one_day_stay_apart():
    drone = report("d1", sentence="A drone strike hit Town B on Sunday, killing two.", trigger="strike")
    bomb = report("d2", sentence="A car bomb exploded in Town B on Sunday, killing one.", trigger="exploded")
    assert len(merge_reports([drone, bomb])) == 2


def test_attacks_on_two_named_ships_stay_apart_and_one_ship_s_reports_merge():
    sea = Place("Sea D", 14.5, 42.0, PlacePrecision.INTERNATIONAL, feature="sea", gazetteer_id="t:sea-d")
    raider = actor("Raiders", actor_id="raiders")

    def attack(doc: str, ship: str) -> Event:
        return report(doc, where=sea, actors=(raider, actor(ship, Role.TARGET, actor_id=None)))

    def unresolved(event: Event) -> Event:  # a ship's name is no actor of sitroom's data
        return dataclasses.replace(
            event,
            actors=tuple(
                dataclasses.replace(a, id=None) if a.role == Role.TARGET else a for a in event.actors
            ),
        )

    reports = [
        unresolved(attack(d, ship))
        for d, ship in (("d1", "Blue Heron"), ("d2", "Blue Heron"), ("d3", "Star Tern"))
    ]
    events = merge_reports(reports)
    assert sorted(len(e.reports) for e in events) == [1, 2]


def test_points_given_by_distance_from_one_town_merge_only_when_close():
    def offset(name: str, lat: float, lon: float) -> Place:
        return Place(
            name,
            lat,
            lon,
            PlacePrecision.AREA,
            "Yemen",
            "YE",
            "Al Hudaydah",
            feature=OFFSET_FEATURE,
            gazetteer_id=f"t:{name}",
        )

    west = report("d1", where=offset("50 nm west of Port E", 14.8, 42.0))
    southwest = report("d2", where=offset("50 nm southwest of Port E", 14.2, 42.3))
    again = report("d3", where=offset("about 50 nm west of Port E", 14.85, 42.05))
    events = merge_reports([west, southwest, again])
    assert sorted(sorted(e.documents) for e in events) == [["d1", "d3"], ["d2"]]


def test_two_facilities_of_one_city_stay_apart():
    palace = Place("Palace C", 15.60, 32.53, PlacePrecision.SITE, "Sudan", "SD", "Khartoum", feature="palace")
    airport = Place(
        "Airport C", 15.59, 32.55, PlacePrecision.SITE, "Sudan", "SD", "Khartoum", feature="airport"
    )
    city = Place("City C", 15.60, 32.53, PlacePrecision.SITE, "Sudan", "SD", "Khartoum", feature="city")
    taken = [
        report(f"d{i}", type=EventType.CONTROL, where=where, actors=[ARMY])
        for i, where in enumerate((palace, airport))
    ]
    assert len(merge_reports(taken)) == 2
    vague = report("d3", type=EventType.CONTROL, where=city, actors=[ARMY])
    assert len(merge_reports([taken[0], vague])) == 1


def test_a_facility_at_its_towns_point_is_where_the_merged_event_happened():
    town = Place("City D", 15.55, 32.53, PlacePrecision.SITE, "Sudan", "SD", "Khartoum", feature="city")
    palace = Place("Palace D", 15.55, 32.53, PlacePrecision.NEAR, "Sudan", "SD", "Khartoum", feature="palace")
    taken = [
        report(f"d{i}", type=EventType.CONTROL, where=w, actors=[ARMY]) for i, w in enumerate((town, palace))
    ]
    assert _one(merge_reports(taken)).place == palace


def test_different_actors_places_types_and_days_stay_apart():
    base = report("d1", actors=[IS])
    others = [
        report("d2", actors=[ARMY]),
        report("d3", where=BASE),
        report("d4", type=EventType.FIGHT),
        report("d5", when=day("2026-03-09")),
    ]
    for other in others:
        assert len(merge_reports([base, other])) == 2, other.id


def test_two_events_of_one_document_never_merge_across_reports():
    first = report("d1")
    second = dataclasses.replace(report("d1"), id="ev-d1-second")
    assert len(merge_reports([first, second])) == 2


def test_two_completed_withdrawals_weeks_apart_are_two_moves():
    early = report("d1", EventType.WITHDRAW, BASE, day("2026-01-05"), actors=[US], reported="2026-01-06")
    late = report("d2", EventType.WITHDRAW, BASE, day("2026-02-10"), actors=[US], reported="2026-02-11")
    assert len(merge_reports([early, late])) == 2


def test_links_do_not_chain_across_a_conflict():
    # The middle report fits both ends, but the ends name different actors: no event holds all three.
    left = report("d1", actors=[IS])
    middle = report("d2")
    right = report("d3", actors=[ARMY])
    events = merge_reports([left, middle, right])
    assert len(events) == 2
    assert all(not ({"d1", "d3"} <= set(e.documents)) for e in events)


def test_blocking_keys_name_type_place_and_time():
    keys = blocking_keys(report("d1"))
    assert keys and all(k.lstrip("^v").startswith("assault|") for k in keys)
    assert any(k.startswith("vassault|admin1:SY:homs") for k in keys)


# ------------------------------------------------------------------ order independence

_PLACES = [BASE, TOWN, PROVINCE, None]
_ACTORS = [(), (US,), (IS,), (ARMY,)]
_TYPES = [EventType.ASSAULT, EventType.WITHDRAW, EventType.CONTROL]
_STATUSES = [Status.BEGAN, Status.COMPLETED, Status.EXPECTED]


@st.composite
def report_sets(draw):
    count = draw(st.integers(1, 14))
    found = []
    for n in range(count):
        start = date(2026, 3, 1).toordinal() + draw(st.integers(0, 40))
        width = draw(st.sampled_from([0, 0, 2, 10]))
        found.append(
            report(
                f"d{draw(st.integers(0, count))}x{n}",
                type=draw(st.sampled_from(_TYPES)),
                where=draw(st.sampled_from(_PLACES)),
                when=day(date.fromordinal(start).isoformat(), date.fromordinal(start + width).isoformat()),
                status=draw(st.sampled_from(_STATUSES)),
                actors=draw(st.sampled_from(_ACTORS)),
                reported=date.fromordinal(start + draw(st.integers(0, 5))).isoformat(),
                fatalities=draw(st.none() | st.integers(0, 30)),
                trigger=draw(st.sampled_from(["attack", "air strike", "car bomb", "withdrew"])),
            )
        )
    return found


@given(reports=report_sets(), seed=st.integers(0, 2**32 - 1))
def test_merging_does_not_depend_on_the_order_of_reports(reports, seed):
    shuffled = list(reports)
    random.Random(seed).shuffle(shuffled)
    assert to_dict(merge_reports(shuffled)) == to_dict(merge_reports(reports))


def _doc(name: str, reported: str) -> Document:
    return Document(name, f"text of {name}", date.fromisoformat(reported), f"hash-{name}")


def _by_document(reports: list[Event]) -> list[tuple[Document, list[Event]]]:
    """The reports grouped into their documents, dated by the first report's dateline."""
    by_doc: dict[str, list[Event]] = {}
    for r in reports:
        by_doc.setdefault(r.evidence[0].document, []).append(r)
    return [(_doc(d, str(rs[0].reported)), rs) for d, rs in sorted(by_doc.items())]


def _stored_events(order: list[tuple[Document, list[Event]]]) -> list[dict]:
    with open_store(":memory:") as store:
        for document, reports in order:
            store.write(document, reports)
        return to_dict(store.events())


@given(reports=report_sets(), seed=st.integers(0, 2**32 - 1))
def test_ingesting_documents_in_any_order_gives_the_same_events(reports, seed):
    batches = _by_document(reports)
    shuffled = list(batches)
    random.Random(seed).shuffle(shuffled)
    assert _stored_events(shuffled) == _stored_events(batches)


@given(reports=report_sets(), seed=st.integers(0, 2**32 - 1), size=st.integers(1, 5))
def test_writing_documents_in_batches_gives_the_events_of_one_by_one(reports, seed, size):
    documents = _by_document(reports)
    random.Random(seed).shuffle(documents)
    with open_store(":memory:") as store:
        for start in range(0, len(documents), size):
            assert store.write_many(documents[start : start + size]) == [True] * len(
                documents[start : start + size]
            )
        batched = to_dict(store.events())
    assert batched == _stored_events(documents)


# ------------------------------------------------------------------ reviews, known-at, changes


@pytest.fixture
def story_store():
    began = report(
        "d1", EventType.WITHDRAW, BASE, day("2026-02-23"), Status.BEGAN, [US], reported="2026-02-23"
    )
    done = report(
        "d2", EventType.WITHDRAW, BASE, day("2026-03-20"), Status.COMPLETED, [US], reported="2026-03-21"
    )
    with open_store(":memory:") as store:
        store.write(_doc("d1", "2026-02-23"), [began])
        store.write(_doc("d2", "2026-03-21"), [done])
        yield store


def test_known_at_gives_the_story_as_it_stood(story_store):
    assert _one(story_store.events()).status == Status.COMPLETED
    earlier = _one(story_store.events_known_at(date(2026, 3, 1)))
    assert earlier.status == Status.BEGAN and len(earlier.reports) == 1
    assert _status(story_store.events_known_at(date(2026, 3, 1)), "2026-03-25") == PostureStatus.WITHDRAWING


def test_a_split_holds_after_merging_again_and_a_merge_undoes_it(story_store):
    event = _one(story_store.events())
    taken = event.reports[1].id
    review(story_store, event.id, ReviewAction.SPLIT, "analyst", other=taken)
    assert len(story_store.events()) == 2
    assert story_store.remerge_all() == 2
    (kept,) = [e for e in story_store.events() if taken not in {r.id for r in e.reports}]
    review(story_store, kept.id, ReviewAction.MERGE, "analyst", other=taken)
    joined = _one(story_store.events())
    assert len(joined.reports) == 2
    # ... and the latest decision wins: a split after the merge separates them again
    review(story_store, joined.id, ReviewAction.SPLIT, "analyst", other=taken)
    assert len(story_store.events()) == 2
    actions = [r.action for r in story_store.reviews()]
    assert actions == [ReviewAction.SPLIT, ReviewAction.MERGE, ReviewAction.SPLIT]


def test_confirm_reject_and_correct_follow_the_reports(story_store):
    event = _one(story_store.events())
    review(story_store, event.id, "confirm", "analyst")
    assert _one(story_store.events()).review == ReviewState.CONFIRMED
    review(story_store, event.id, "correct", "analyst", changes={"status": "ongoing"})
    corrected = _one(story_store.events())
    assert (corrected.status, corrected.review) == (Status.ONGOING, ReviewState.CORRECTED)
    review(story_store, event.id, "reject", "analyst")
    story_store.remerge_all()
    assert _one(story_store.events()).review == ReviewState.REJECTED
    assert situation_as_of(story_store.events(), date(2026, 4, 1)) == []


@pytest.mark.parametrize(
    ("action", "kwargs", "message"),
    [
        ("correct", {"changes": {"colour": "red"}}, "cannot correct"),
        ("correct", {"changes": {"status": "finished"}}, "bad correction"),
        ("merge", {"other": "ev-none"}, "no event"),
        ("split", {"other": "ev-none"}, "split needs"),
    ],
)
def test_bad_reviews_are_refused_and_change_nothing(story_store, action, kwargs, message):
    event = _one(story_store.events())
    with pytest.raises(ReviewError, match=message):
        review(story_store, event.id, action, "analyst", **kwargs)
    assert story_store.reviews() == [] and to_dict(story_store.events()) == to_dict([event])


def test_changes_and_timeline_tell_what_happened(story_store):
    found = changes(story_store.events(), date(2026, 3, 1))
    assert [(c.when, c.before, c.after) for c in found] == [
        (date(2026, 3, 20), PostureStatus.WITHDRAWING, PostureStatus.DEPARTED)
    ]
    everything = changes(story_store.events(), date(2026, 1, 1), until=date(2026, 3, 1))
    assert [(c.before, c.after) for c in everything] == [(None, PostureStatus.WITHDRAWING)]
    events, history = timeline(story_store.events(), "base a")
    assert len(events) == 1 and [c.after for c in history] == [
        PostureStatus.WITHDRAWING,
        PostureStatus.DEPARTED,
    ]
    assert timeline(story_store.events(), "elsewhere") == ([], [])


def test_dates_at_the_ends_of_the_calendar_block_and_merge():
    ancient = report("d1", when=day("0001-01-01"), reported="0001-01-02")
    far = report("d2", when=day("9999-12-31"), reported="9999-12-31")
    assert blocking_keys(ancient) and blocking_keys(far)
    assert len(merge_reports([ancient, far])) == 2


# ------------------------------------------------------------------ the memo a store keeps between writes


def test_a_merger_compares_a_pair_once_across_sessions_while_the_reports_stay_the_same(monkeypatch):
    import sitroom.merge.linking as linking_module
    from sitroom.merge.memo import MergeMemo
    from sitroom.merge.reports import ReportMerger

    compared: list[tuple[str, str]] = []
    real_link = linking_module._link
    monkeypatch.setattr(
        linking_module, "_link", lambda a, b, memo: compared.append((a.id, b.id)) or real_link(a, b, memo)
    )
    merger = ReportMerger()
    first = [report(f"d{i}", reported=f"2026-03-0{i}") for i in range(1, 4)]
    with merger.session():
        once = merger.merge(first)
    assert compared and len(compared) == len(set(compared))
    # The next write brings one new report and merges the old ones again: only the new pairs are compared.
    compared.clear()
    with merger.session():
        again = merger.merge([*first, report("d4", reported="2026-03-04")])
    assert compared and all("ev-d4-assault" in pair for pair in compared)
    assert [r.id for r in _one(once).reports] == [r.id for r in first] and len(_one(again).reports) == 4
    # An equal report decoded anew is another object: it is compared again, never read from a stale entry.
    compared.clear()
    with merger.session():
        merger.merge([dataclasses.replace(r) for r in first])
    assert len(compared) == 3
    # The memo is passed explicitly: each merger's is its own and used only inside its sessions, so
    # another merger's merge, inside this merger's session or outside any, keeps nothing in either memo.
    held = dict(merger.memo.pairs)
    other = ReportMerger()
    with merger.session():
        other.merge(first)
    other.merge(first)
    assert merger.memo.pairs == held and not other.memo.pairs and not other.memo.features
    given = MergeMemo()
    assert merge_reports(first, memo=given) == once and given.pairs
    # It is emptied past its limits.
    small = ReportMerger(memo=MergeMemo(reports=2, pairs=100))
    with small.session():
        small.merge(first)
    assert not small.memo.pairs and not small.memo.features


def test_linking_reads_the_features_the_session_holds_and_works_out_the_others(monkeypatch):
    import sitroom.merge.linking as linking_module
    from sitroom.merge.reports import ReportMerger

    worded: list[str] = []
    real_words = linking_module._words_in
    monkeypatch.setattr(
        linking_module,
        "_words_in",
        lambda evidence: worded.append(evidence[0].document) or real_words(evidence),
    )
    merger = ReportMerger()
    held = [report(f"d{i}", reported=f"2026-03-0{i}") for i in range(1, 3)]
    with merger.session():
        merger.merge(held)
    assert sorted(worded) == ["d1", "d2"]
    # The store links a new report to reports it decoded before (held by the session) and to block
    # candidates decoded anew (other objects, whose features are worked out for the call).
    worded.clear()
    newcomer, copy = report("d3", reported="2026-03-03"), dataclasses.replace(held[0])
    with merger.session():
        assert merger.linked([(newcomer, held[0]), (newcomer, held[1]), (newcomer, copy)]) == [True] * 3
    assert sorted(worded) == ["d1", "d3"]


def test_after_a_write_the_memo_keeps_only_the_reports_that_write_merged():
    from sitroom.merge.reports import ReportMerger

    merger = ReportMerger()
    story = [report(f"d{i}", reported=f"2026-03-0{i}") for i in range(1, 3)]
    other = [report(f"o{i}", type=EventType.DEPLOY, reported=f"2026-03-0{i}") for i in range(1, 3)]
    with merger.session():
        merger.merge(story + other)
    assert {id(r) for r in merger.memo._reports.values()} == {id(r) for r in story + other}
    # The next write touches the other story only: what the memo held of the first is let go.
    with merger.session():
        merger.merge(other)
    kept = set(merger.memo._reports)
    assert kept == {id(r) for r in other} and merger.memo.pairs
    assert all(key[1] in kept and key[2] in kept for key in merger.memo.pairs)
    assert all(key[1] in kept for key in merger.memo.features)


# ------------------------------------------------------------------ link cards


@given(reports=report_sets())
def test_a_stored_card_rules_out_exactly_what_the_report_would(reports):
    from sitroom.merge.cards import card_conflict, card_text, link_card, read_card
    from sitroom.merge.linking import link
    from sitroom.merge.reports import ReportMerger

    merger = ReportMerger()
    for a in reports:
        for b in reports:
            stored = card_conflict(read_card(card_text(a)), read_card(card_text(b)))
            assert stored == card_conflict(link_card(a), link_card(b))
            [maybe] = merger.may_link([(card_text(a), card_text(b))])
            assert maybe == (stored is None)
            if not maybe:
                assert link(a, b) is None


@pytest.mark.parametrize("text", [None, "", "not json", "[]", '[99, "assault"]', '[1, "no-such-type"]'])
def test_a_missing_or_unreadable_card_rules_nothing_out(text):
    from sitroom.merge.cards import card_text, read_card
    from sitroom.merge.reports import ReportMerger

    if text is not None and text.startswith("[99"):
        text = "[99" + card_text(report("d1"))[2:]  # a card of another layout, otherwise fine
    assert read_card(text) is None
    other = card_text(report("d2", actors=[IS]))
    assert ReportMerger().may_link([(text, other), (other, text)]) == [True, True]


def _counting_merger(cards: bool):
    from sitroom.merge.reports import ReportMerger

    class Counting(ReportMerger):
        def linked(self, pairs):
            self.compared.extend((a.id, b.id) for a, b in pairs)
            return super().linked(pairs)

        def card(self, report):
            return super().card(report) if cards else None

    merger = Counting()
    object.__setattr__(merger, "compared", [])
    return merger


def test_a_write_reads_in_full_only_the_block_members_their_cards_leave():
    # One place and week: the story of one actor, and many reports of other actors that cards rule out.
    story = [report(f"s{i}", actors=[US], reported=f"2026-03-0{i}") for i in range(1, 4)]
    others = [report(f"o{i}", actors=[actor(f"Group {i}", actor_id=f"g{i}")]) for i in range(12)]
    found = {}
    for cards in (True, False):
        merger = _counting_merger(cards)
        with open_store(":memory:", merger=merger) as store:
            for r in [*others, *story]:
                store.write(_doc(r.evidence[0].document, str(r.reported)), [r])
            found[cards] = (to_dict(store.events()), merger.compared)
    with_cards, without = found[True], found[False]
    assert with_cards[0] == without[0]
    assert len(_one(merge_reports(story)).reports) == 3
    assert all(b.startswith("ev-s") for _, b in with_cards[1])
    assert any(b.startswith("ev-o") for _, b in without[1])


@given(reports=report_sets(), seed=st.integers(0, 2**32 - 1))
def test_reports_stored_without_cards_merge_as_those_with_them(reports, seed):
    documents = _by_document(reports)
    random.Random(seed).shuffle(documents)
    found = []
    for cards in (True, False):
        with open_store(":memory:", merger=_counting_merger(cards)) as store:
            for document in documents:
                store.write(*document)
            found.append(to_dict(store.events()))
    assert found[0] == found[1]
