"""Rules for the phrasing of conflict monitors' headlines (terse, often verbless, often naming no country),
each shown on sentences written for this test, not taken from any coded data set.

Each class of phrasing (an event noun that a verb says happened, a weapon as the subject, "the countryside of
X", "the regime forces" with no country named, ...) is tested on sentences of its own.
"""

from __future__ import annotations

from datetime import date

import pytest

from sitroom.ingest import make_document
from sitroom.records import EventType, PlacePrecision, Role
from sitroom.resolve.geo import GeoContext

pytestmark = pytest.mark.slow

DATELINE = date(2017, 3, 14)
VIOLENT = (EventType.ASSAULT, EventType.FIGHT)


def _events(pipeline, text: str):
    return pipeline.events(make_document(text, DATELINE, doc_id="ucdp-rules"))


def _violent(events):
    return [e for e in events if e.type in VIOLENT]


def _admin1s(events) -> set[str]:
    return {e.place.admin1 for e in events if e.place is not None and e.place.admin1}


# --- an event noun is asserted by the verb that says it happened --------------------------------------


@pytest.mark.parametrize(
    ("text", "admin1"),
    [
        ("Clashes continue in Saraqib.", "Idlib"),
        ("Heavy fighting raged near Jisr al-Shughur on Monday.", "Idlib"),
        ("Clashes broke out in Tal Rifaat overnight.", "Aleppo"),
        ("Renewed shelling left two dead in Talbiseh.", "Homs"),
    ],
)
def test_an_event_noun_that_a_verb_says_happened_is_an_event_where_the_verb_says(pipeline, text, admin1):
    violent = _violent(_events(pipeline, text))
    assert violent and admin1 in _admin1s(violent)


def test_an_event_noun_whose_verb_only_says_it_ended_is_no_new_event(pipeline):
    text = "The truce agreed after last year's border clashes has broken down."
    assert not _violent(_events(pipeline, text))


# --- an attack or a weapon as the subject says force was used -----------------------------------------


@pytest.mark.parametrize(
    ("text", "admin1"),
    [
        ("Airstrikes hit Ariha on Sunday.", "Idlib"),
        ("Bombardment targets Khan Shaykhun and Binnish.", "Idlib"),
        ("Rockets struck the outskirts of Jableh.", "Latakia"),
        ("Mortar shells fell on Qardaha.", "Latakia"),
        ("Dozens of rockets landed in Dael.", "Daraa"),
    ],
)
def test_an_attack_or_a_weapon_as_the_subject_is_an_attack(pipeline, text, admin1):
    violent = _violent(_events(pipeline, text))
    assert violent and admin1 in _admin1s(violent)


def test_a_town_that_falls_is_still_no_attack(pipeline):
    assert not _violent(_events(pipeline, "The town of Saraqib fell to the rebels on Sunday."))


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen assassinate a local council member in Jasim.",
        "An assassination attempt targeted a commander in Tafas.",
        "Shelling on Maarat al-Numan and clashes near Saraqib.",
    ],
)
def test_assassinations_and_a_headline_s_list_of_attacks_are_violent_events(pipeline, text):
    assert _violent(_events(pipeline, text))


# --- who: "the regime forces", "between X and Y", the killed "including" members ------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Twelve people were killed on Tuesday, including five members of the regime forces.",
        "The regime forces shelled several villages on Monday.",
        "Regime warplanes struck a market on Monday.",
    ],
)
def test_the_regime_forces_are_resolved_where_the_text_names_no_country(pipeline, text):
    ids = {a.id for e in _violent(_events(pipeline, text)) for a in e.actors}
    assert "sy-assad-forces" in ids


def test_the_killed_that_a_toll_lists_are_its_targets(pipeline):
    text = "Nine people were killed, including four members of the regime forces."
    events = _violent(_events(pipeline, text))
    assert any(a.id == "sy-assad-forces" and a.role == Role.TARGET for e in events for a in e.actors)


def test_both_sides_of_clashes_that_continue_between_them(pipeline):
    events = _violent(_events(pipeline, "Clashes continue between the regime forces and ISIS near Tadmur."))
    ids = {a.id for e in events for a in e.actors}
    assert {"sy-assad-forces", "islamic-state"} <= ids


def test_areas_targeted_by_a_force_name_it_as_the_attacker(pipeline):
    text = "Villages in the countryside of Daraa were targeted by the regime forces."
    events = _violent(_events(pipeline, text))
    assert any(a.id == "sy-assad-forces" and a.role == Role.AGENT for e in events for a in e.actors)


# --- where: the countryside of X, a list of places, the north of X, an unknown town in X province -------


@pytest.mark.parametrize(
    ("text", "admin1"),
    [
        ("Warplanes bombed villages in the countryside of Hama.", "Hama"),
        ("Shelling hit the western Idlib countryside.", "Idlib"),
        ("Airstrikes targeted the Damascus countryside.", "Rif Dimashq"),
        ("Clashes erupted in rural Homs.", "Homs"),
    ],
)
def test_a_province_s_countryside_is_the_province(pipeline, text, admin1):
    places = [e.place for e in _violent(_events(pipeline, text)) if e.place is not None]
    assert places and all(p.admin1 == admin1 and p.precision == PlacePrecision.ADMIN1 for p in places)


@pytest.mark.parametrize(
    "text",
    ["Warplanes bombed villages in the countryside of Saraqib.", "Shelling hit the Saraqib countryside."],
)
def test_a_town_s_countryside_is_the_district_around_it(pipeline, text):
    places = [e.place for e in _violent(_events(pipeline, text)) if e.place is not None]
    assert places and all(p.precision == PlacePrecision.ADMIN2 and p.admin1 == "Idlib" for p in places)


def test_each_place_of_the_countryside_of_a_list_is_an_event(pipeline):
    events = _violent(_events(pipeline, "Airstrikes targeted the countryside of Idlib, Hama and Latakia."))
    assert {"Idlib", "Hama", "Latakia"} <= _admin1s(events)


@pytest.mark.parametrize(
    ("text", "admin1"),
    [("Shelling targeted the north of Hama.", "Hama"), ("Clashes continue in the east of Daraa.", "Daraa")],
)
def test_the_north_of_a_province_is_a_part_of_it(pipeline, text, admin1):
    places = [e.place for e in _violent(_events(pipeline, text)) if e.place is not None]
    assert places and all(p.admin1 == admin1 and p.precision == PlacePrecision.AREA for p in places)


def test_an_unknown_town_in_a_named_province_is_placed_in_the_province(pipeline):
    events = _violent(_events(pipeline, "Shelling killed two civilians in Kafr Batikh in Idlib province."))
    assert "Idlib" in _admin1s(events)


# --- compass words cast no vote for the document's country --------------------------------------------


def test_a_compass_word_casts_no_country_vote(pipeline):
    geo = pipeline.resolvers.geo
    assert geo._infer_countries(["Eastern", "Douma"]) == frozenset({"SY"})
    assert geo._infer_countries(["Eastern"]) == frozenset()


@pytest.mark.parametrize(
    "text",
    ["Violent clashes in the Eastern Ghouta.", "Warplanes struck Douma in the Eastern Ghouta on Sunday."],
)
def test_a_region_named_with_a_compass_word_stays_in_its_country(pipeline, text):
    places = [e.place for e in _violent(_events(pipeline, text)) if e.place is not None]
    assert places and all(p.country_code == "SY" and p.admin1 == "Rif Dimashq" for p in places)


def test_countryside_is_resolved_by_the_geo_resolver_as_the_land_around(pipeline):
    geo = pipeline.resolvers.geo
    province = geo.resolve("Hama", GeoContext(country_hint="SY", feature_hint="countryside"))
    town = geo.resolve("Saraqib", GeoContext(country_hint="SY", feature_hint="countryside"))
    assert province.feature == "admin1" and province.precision == PlacePrecision.ADMIN1
    assert town.precision == PlacePrecision.ADMIN2 and town.admin1 == "Idlib"


# --- a count of the dead, an exchange of fire, "human losses" ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Forty-two died on Saturday, including seven members of the regime forces.",
        "Twelve people died in the shelling of Ariha.",
    ],
)
def test_a_count_of_the_dead_is_a_toll_whose_dead_are_its_targets(pipeline, text):
    violent = _violent(_events(pipeline, text))
    assert violent and all(a.role == Role.TARGET for e in violent for a in e.actors)


def test_one_death_is_no_toll(pipeline):
    assert not _violent(_events(pipeline, "The former mayor died on Sunday at the age of 81."))


@pytest.mark.parametrize(
    ("text", "etype"),
    [
        ("The two sides exchanged fire near Saraqib on Monday.", EventType.FIGHT),
        ("An exchange of shelling between the factions and the army in Hama.", EventType.FIGHT),
        ("Human losses in Talbiseh after a night of shelling.", EventType.ASSAULT),
    ],
)
def test_an_exchange_of_fire_is_a_clash_and_human_losses_an_attack(pipeline, text, etype):
    assert any(e.type == etype for e in _events(pipeline, text))


def test_economic_losses_are_no_attack(pipeline):
    assert not _violent(_events(pipeline, "Traders reported economic losses in Aleppo after the storm."))
