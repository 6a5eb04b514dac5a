"""Rules for the phrasing of real wire copy, each shown on sentences written for this test.

Each class of phrasing (a handover, an expulsion, a facility named beside its town, ...) is tested with
several sentences of its own, so that a rule is a rule for the class and not for one article.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sitroom.ingest import make_document
from sitroom.records import EventType, PlacePrecision, Role, Status

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
        assert event.place is not None and "Tessalit" in f"{event.place.name} {event.place.mention}"
        assert event.status == Status.COMPLETED
        assert event.date is not None and event.date.start == event.date.end == date(2026, 5, 5)
    assert any("Mali" in name for name in _agents(control))
    assert not any("Mali" in name for name in _agents(withdrawal))


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("Belgian soldiers handed back their camp in Tessalit on Tuesday.", "Malian"),
        ("Germany returned its air transport base in Niamey on Tuesday, ending its mission.", "Niger"),
        ("On Tuesday the French army handed over its last base in Chad, at Abeche.", "Chadian"),
    ],
)
def test_a_foreign_force_hands_a_place_back_to_the_host_state(pipeline, text, host):
    events = _events(pipeline, text)
    (withdrawal,) = _of_type(events, EventType.WITHDRAW)
    (control,) = _of_type(events, EventType.CONTROL)
    assert any(host in name for name in _agents(control))
    assert control.place == withdrawal.place
    assert {a.name for a in control.actors if a.role == Role.PREVIOUS} == _agents(withdrawal)


def test_a_handover_by_the_host_state_with_no_receiver_is_a_withdrawal_only(pipeline):
    events = _events(pipeline, "Malian soldiers handed over their camp in Tessalit on Tuesday.")
    assert [e.type for e in events] == [EventType.WITHDRAW]


@pytest.mark.parametrize(
    ("text", "army"),
    [
        ("Senegalese troops withdrew from Ziguinchor on Monday.", "Senegalese Armed Forces"),
        ("Chadian soldiers took control of Faya on Monday, the army said.", "Chadian Armed Forces"),
        ("Ivorian forces deployed to Korhogo on Monday.", "Ivorian Armed Forces"),
    ],
)
def test_every_state_has_an_army_even_where_the_actor_data_lists_none(pipeline, text, army):
    (event,) = _events(pipeline, text)
    assert army in _agents(event)


@pytest.mark.parametrize(
    "text",
    [
        "The rebels seized the regional center of Kidal on Monday.",
        "The rebels seized the administrative centre of Kidal on Monday.",
        "The rebels seized the district capital of Kidal on Monday.",
    ],
)
def test_the_centre_of_a_town_is_the_town(pipeline, text):
    (event,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert event.place is not None and event.place.name == "Kidal"


@pytest.mark.parametrize(
    "text",
    [
        "A Liberian-flagged tanker was attacked by gunmen off Lagos on Monday.",
        "A Greek-owned bulk carrier attacked by pirates sank on Monday off Bosaso.",
    ],
)
def test_a_flag_or_an_owner_before_a_hyphen_is_not_the_attacker(pipeline, text):
    for event in _events(pipeline, text):
        assert not any(a.country in ("LR", "GR") for a in event.actors)


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
        ("Soldiers withdrew from their camp in the eastern town of Kindu.", "camp"),
        ("The militia attacked a military base in the town of Kindu.", "base"),
        ("The army recaptured the governor's palace in Bunia on Thursday.", "palace"),
    ],
)
def test_a_facility_is_placed_at_its_town_and_keeps_its_kind(pipeline, text, kind):
    (event,) = [e for e in _events(pipeline, text) if e.place is not None]
    town = "Kindu" if "Kindu" in text else "Bunia"
    assert event.place.name.startswith(town) and event.place.name.endswith(kind)
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


# --- every event has a date window ---------------------------------------------------------------


def test_an_event_tied_to_the_one_before_takes_its_day(pipeline):
    text = (
        "Rebels seized the town of Bunia on Tuesday. The same day, government troops withdrew from Beni. "
        "Two days later the army left Butembo."
    )
    by_place = {e.place.name: e for e in _events(pipeline, text) if e.place is not None}
    assert by_place["Beni"].date.start == by_place["Beni"].date.end == date(2026, 5, 5)
    assert by_place["Beni"].date.basis.value == "discourse"
    assert by_place["Butembo"].date.start == date(2026, 5, 7)


def test_a_claim_announced_on_a_day_is_dated_by_it_and_says_so(pipeline):
    (event,) = _events(
        pipeline, "The ministry announced on Wednesday that its troops had taken the town of Bunia."
    )
    assert (event.date.start, event.date.basis.value) == (date(2026, 5, 6), "discourse")
    assert not any(c.field == "date" for c in event.claims)  # the ministry gave no date for the capture


@pytest.mark.parametrize(
    ("text", "days_back"),
    [
        ("Government troops have withdrawn from the town of Bunia.", 6),
        ("Gunmen attacked the town of Bunia.", 1),
    ],
)
def test_an_event_the_text_does_not_date_is_bounded_by_the_report(pipeline, text, days_back):
    (event,) = _events(pipeline, text)
    assert event.date.basis.value == "report"
    assert (event.date.start, event.date.end) == (DATELINE - timedelta(days=days_back), DATELINE)


def test_a_plan_the_text_does_not_date_is_dated_the_day_it_was_reported(pipeline):
    (event,) = _events(pipeline, "Belgium will withdraw its troops from the town of Bunia.")
    assert event.status in (Status.EXPECTED, Status.PLANNED)
    assert (event.date.start, event.date.end, event.date.basis.value) == (DATELINE, DATELINE, "report")


def test_a_time_of_the_main_clause_dates_the_clause_under_it(pipeline):
    text = (
        "The general on Wednesday declared the war over, after his troops regained control of Bunia's prison."
    )
    (event,) = _events(pipeline, text)
    assert event.date.start == date(2026, 5, 6)


@pytest.mark.parametrize(
    "text",
    [
        "Rebels have taken the town of Bunia, which the army had held since 2019.",
        "The president announced on Thursday that rebel troops have fully taken control of Bunia, the "
        "largest town to come under their control since the start of the offensive over a week ago.",
    ],
)
def test_a_span_since_a_time_does_not_date_a_completed_change(pipeline, text):
    (event,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert event.date.start >= DATELINE - timedelta(days=6), event.date


@pytest.mark.parametrize(
    "text",
    [
        "Government forces were expelled from Bunia after the rebellion began in March.",
        "The army left the town of Bunia before the rebels arrived on Monday.",
    ],
)
def test_a_clause_ordering_another_event_keeps_its_time(pipeline, text):
    (event,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert event.date.basis.value == "report"


def test_a_time_inside_another_mentions_window_is_the_events_own(pipeline):
    text = (
        "Rebels said on Saturday that they had gained full control of Bunia. "
        "Parts of Bunia have been under rebel control since January."
    )
    (event,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert event.date.start == event.date.end == date(2026, 5, 2)


@pytest.mark.parametrize(
    "text",
    [
        "Footage from a local channel showed Belgian forces withdrawing from the town of Bunia.",
        "Videos show Belgian troops leaving the town of Bunia.",
        "Belgian units are now in the last stages of pulling out of the town of Bunia.",
    ],
)
def test_a_move_seen_or_in_its_last_stages_is_under_way_on_the_day_of_the_report(pipeline, text):
    (event,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert event.status == Status.ONGOING
    assert event.date.start == event.date.end == DATELINE


def test_a_move_done_before_another_is_completed(pipeline):
    text = "After withdrawing from the town of Bunia, the Belgian troops crossed into Uganda."
    (event,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert event.status == Status.COMPLETED


@pytest.mark.parametrize(
    "text",
    [
        "The army took over Bunia on Monday ahead of a final withdrawal of Belgian troops from Beni.",
        "The army reinforced its positions in Bunia on Monday pending the withdrawal of Belgian troops"
        " from Beni.",
    ],
)
def test_a_move_still_awaited_is_expected_and_not_dated_by_the_clause_around_it(pipeline, text):
    (event,) = [e for e in _of_type(_events(pipeline, text), EventType.WITHDRAW) if "Beni" in str(e.place)]
    assert event.status == Status.EXPECTED
    assert event.date.start >= DATELINE


def test_a_retelling_joins_the_move_that_happened_not_the_one_foreseen(pipeline):
    text = (
        "Belgian troops on Monday handed back a military base in northern Mali. "
        "Belgium plans to withdraw all its troops from Mali by August. "
        "The departure from the base went smoothly and to plan, a spokesman said."
    )
    withdrawals = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    (retold,) = [e for e in withdrawals if any("departure" in x.sentence for x in e.evidence)]
    assert retold.date.start == retold.date.end == date(2026, 5, 4)
    assert any("handed back" in x.sentence for x in retold.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "A column of army vehicles entered the village of Bunia on Saturday morning.",
        "Ugandan troops were seen entering the town of Bunia.",
    ],
)
def test_entering_a_place_is_moving_in_not_taking_it(pipeline, text):
    events = _events(pipeline, text)
    assert [e.type for e in events] == [EventType.DEPLOY]


@pytest.mark.parametrize(
    "text",
    [
        "Protesters demanded that Belgium withdraw its troops from Bunia.",
        "The governor called for the withdrawal of Belgian troops from Bunia.",
        "Activists staged protests demanding the departure of Belgian forces from Bunia by Wednesday.",
    ],
)
def test_a_move_someone_asks_for_is_not_done(pipeline, text):
    (event,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert event.status == Status.EXPECTED


# --- states: a force at a place, a place under a force's control ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Paris plans to cut its presence, including the 300 Belgian troops in Bunia.",
        "Belgian forces have been in Bunia since last Wednesday.",
    ],
)
def test_a_force_said_to_be_at_a_place_is_present_there(pipeline, text):
    (event,) = [e for e in _events(pipeline, text) if e.type == EventType.PRESENCE]
    assert event.place.name == "Bunia" and event.status == Status.ONGOING
    assert any("Belgi" in a.name for a in event.actors)


def test_a_place_under_a_force_s_control(pipeline):
    (event,) = _events(pipeline, "Bunia remains under Ugandan control, the army said.")
    assert (event.type, event.status, event.place.name) == (EventType.CONTROL, Status.ONGOING, "Bunia")
    assert any("Ugand" in a.name for a in event.actors if a.role == Role.AGENT)


@pytest.mark.parametrize(
    "text",
    [
        "Belgian troops withdrew from several villages including Beni and Butembo on Tuesday.",
        "Belgian troops pulled out of the towns of Beni and Butembo on Tuesday.",
    ],
)
def test_each_place_of_a_list_is_an_event_of_its_own(pipeline, text):
    places = sorted(e.place.name for e in _events(pipeline, text) if e.type == EventType.WITHDRAW)
    assert places == ["Beni", "Butembo"]


# --- the wire's dateline, the capital, the sea ---------------------------------------------------


def test_a_facility_placed_no_closer_than_its_country_is_at_the_dateline_town(pipeline):
    text = (
        "KINDU, May 8 (Reuters) - Belgium handed its only military base in Congo to the Congolese army"
        " on Tuesday."
    )
    events = _events(pipeline, text)
    assert {e.type for e in events} == {EventType.WITHDRAW, EventType.CONTROL}
    assert all(e.place.name.startswith("Kindu") and int(e.place.precision) == 2 for e in events)
    assert not any(a.name.upper() == "KINDU" for e in events for a in e.actors)  # a dateline is no actor


def test_the_capital_is_the_capital_of_the_document_s_country(pipeline):
    text = (
        "Rebels clashed with the army near Goma. On Tuesday the army regained control of the capital's"
        " airport."
    )
    (event,) = [e for e in _events(pipeline, text) if e.type == EventType.CONTROL]
    assert event.place.gazetteer_id.startswith("airport:") and "Kinshasa" in event.place.admin1


@pytest.mark.parametrize(
    "text",
    [
        "A cargo ship was attacked off the coast of Hodeidah on Tuesday.",
        "A cargo ship was attacked in the Red Sea on Tuesday, 40 nautical miles west of Hodeidah.",
        "The attack on Tuesday took place 40 nautical miles west of Yemen's Hodeidah.",
        "Gunmen attacked a tanker off the Yemeni port of Hodeidah in the Red Sea on Tuesday.",
    ],
)
def test_an_attack_at_sea_is_placed_by_the_coast_it_is_off(pipeline, text):
    (event,) = _events(pipeline, text)
    assert event.place.country_code == "YE" and event.place.admin1 == "Hodeidah"


@pytest.mark.parametrize(
    ("text", "admin1"),
    [
        ("Gunmen attacked a convoy near Sudan's El Fasher on Tuesday.", "North Darfur"),
        ("Rebels took control of Mali's Kidal on Tuesday.", "Kidal"),
    ],
)
def test_a_town_named_with_its_country_s_possessive_is_that_country_s_town(pipeline, text, admin1):
    (event,) = _events(pipeline, text)
    assert event.place.admin1 == admin1


def test_a_ship_s_name_is_not_a_place(pipeline):
    (event,) = _events(pipeline, "The Sea Star, a Panama-flagged tanker, was attacked off the coast of Aden.")
    assert event.place.country_code == "YE"


def test_the_toll_told_after_an_attack_is_its_toll(pipeline):
    text = "Warplanes struck the port of Hodeidah on Tuesday. Health officials said four workers were killed."
    (event,) = _events(pipeline, text)
    assert event.fatalities == 4 and event.place.admin1 == "Hodeidah"


def test_tolls_of_two_speakers_are_alternatives(pipeline):
    text = (
        "A strike on Bunia killed 9 people, the ministry said, while the army said the strike killed"
        " 4 rebels."
    )
    (event,) = _events(pipeline, text)
    assert event.fatalities == 4


def test_an_irregular_past_is_read_as_its_verb(pipeline):
    (event,) = _events(pipeline, "The army said it retook the airport of Bunia on Tuesday.")
    assert event.type == EventType.CONTROL


# --- a small town the model took for a person -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "relabelled"),
    [
        ("The force handed over the base in Tessalit.", True),
        ("The last soldiers withdrew from Tessalit on Monday.", True),
        ("A statement from Tessalit was read out.", False),  # a source, not a place
        ("The minister spoke to Tessalit on Monday.", False),
    ],
)
def test_a_small_town_after_a_preposition_of_place_is_a_place(pipeline, text, relabelled):
    from sitroom.pipeline import _relabel_known_places

    doc = pipeline.nlp(text)
    start = text.index("Tessalit")
    doc.ents = [doc.char_span(start, start + len("Tessalit"), "PERSON")]
    _relabel_known_places(doc, pipeline.resolvers.geo)
    assert (doc.ents[0].label_ == "GPE") == relabelled


# --- who does a participle's act -------------------------------------------------------------------


def test_a_participle_after_a_comma_is_the_subjects_act(pipeline):
    text = (
        "Belgian soldiers left Chad on Monday, completing the withdrawal of the training mission from Abeche"
    )
    nominal = next(e for e in _events(pipeline, text) if e.trigger == "withdrawal")
    assert not any("Chad" in name for name in _agents(nominal))


def test_a_participle_right_after_the_object_is_the_objects_act(pipeline):
    (event,) = _of_type(_events(pipeline, "A video showed the army retaking Kindu."), EventType.CONTROL)
    assert any("Congo" in name for name in _agents(event))


def test_an_attack_noun_as_subject_gives_its_doer_as_the_actor(pipeline):
    text = "A drone strike by the RSF hit a fuel depot in Kosti on Tuesday and killed 9 people."
    attacks = _of_type(_events(pipeline, text), EventType.ASSAULT)
    assert len(attacks) == 1 and attacks[0].fatalities == 9
    assert any("Rapid Support" in name for name in _agents(attacks[0]))


def test_a_base_in_a_country_is_at_the_dateline_town_when_no_town_is_named(pipeline):
    # France is named more often than Ivory Coast, but the story is filed from a town of Ivory Coast
    text = (
        "Bouaké, Ivory Coast, May 7 (AFP) May 7, 2026\nFrance handed on Thursday its last military base in"
        " Ivory Coast to the country's authorities. France said the move ends an era. The presence of France"
        " is changing, the minister said. Ties with France remain warm. Officials in France agreed."
    )
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert "Bouak" in withdrawal.place.name and withdrawal.place.country_code == "CI"


# --- a place marked with its holder ("the Houthi-held port") ------------------------------------------


@pytest.mark.parametrize(
    ("text", "holder", "place"),
    [
        ("Israeli jets struck the Houthi-held port of Hodeidah on Tuesday.", "Houthis", "Hodeidah"),
        ("The RSF shelled army-held El Fasher on Tuesday.", "Sudanese Armed Forces", "El Fasher"),
        ("A drone hit a hospital in Russian-occupied Donetsk on Tuesday.", "Russian Armed Forces", "Donetsk"),
    ],
)
def test_a_place_marked_with_its_holder_is_held_by_it(pipeline, text, holder, place):
    (held,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert held.status == Status.ONGOING
    assert holder in _agents(held)
    assert held.place is not None and place in f"{held.place.name} {held.place.admin1}"


@pytest.mark.parametrize(
    "text",
    [
        "The army recaptured the RSF-held town of Bara in North Kordofan on Tuesday.",
        "Ukrainian units raided Russian-held parts of Avdiivka on Tuesday.",
    ],
)
def test_a_holder_who_loses_the_place_or_holds_only_part_of_it_holds_nothing_after(pipeline, text):
    for event in _of_type(_events(pipeline, text), EventType.CONTROL):
        assert event.status == Status.COMPLETED
        assert not any("Rapid Support" in a or "Russian" in a for a in _agents(event))


# --- dates and places the model misreads -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The last French troops left Mali on Wednesday.",
        "The last Belgian soldiers left Chad on Wednesday.",
        "The final German contingent left Niger on Wednesday, ending the mission.",
    ],
)
def test_a_country_the_model_takes_for_a_person_is_still_the_place_left(pipeline, text):
    (event,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert event.place is not None and event.place.precision == PlacePrecision.COUNTRY
    assert event.date.start == event.date.end == date(2026, 5, 6)


@pytest.mark.parametrize(
    "text",
    [
        "Rebel forces have left the town of Kidal, according to a map published on Wednesday by the army.",
        "Government troops have entered Gao, according to a statement issued on Wednesday.",
    ],
)
def test_an_undated_move_is_dated_by_the_source_that_reported_it(pipeline, text):
    (event,) = [e for e in _events(pipeline, text) if e.type in (EventType.WITHDRAW, EventType.DEPLOY)]
    assert event.date.start == event.date.end == date(2026, 5, 6)


# --- a facility placed no closer than its country ------------------------------------------------------


def test_a_base_in_a_country_is_the_one_site_of_that_country_the_report_names(pipeline):
    text = (
        "Belgium pulled its troops out of its only military base in Mali on Wednesday. Some 80 Belgian"
        " soldiers had been deployed at the Tessalit camp since 2019."
    )
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.precision <= PlacePrecision.NEAR
    assert withdrawal.place.admin1 == "Kidal"


def test_a_base_in_a_country_stays_the_country_where_the_report_names_two_sites(pipeline):
    text = (
        "Belgium pulled its troops out of a military base in Mali on Wednesday. Belgian soldiers had been"
        " deployed at the Tessalit camp and at the Gao camp since 2019."
    )
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.precision == PlacePrecision.COUNTRY


# --- a place the text puts in a province or a country ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country", "admin1"),
    [
        # the gazetteer knows no such town: the province or country the text names, never a namesake abroad
        ("The RSF seized Um Kadada Nord, a desert town in North Darfur, on Tuesday.", "SD", "North Darfur"),
        ("Rebels seized the Sudanese town of Um Kadada Nord on Tuesday.", "SD", None),
        ("The army recaptured the Sudanese town of Bara on Tuesday.", "SD", "North Kordofan"),
    ],
)
def test_a_town_the_text_puts_in_a_province_or_country_is_placed_there(pipeline, text, country, admin1):
    (event,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert event.place is not None and event.place.country_code == country
    assert admin1 is None or event.place.admin1 == admin1


@pytest.mark.parametrize(
    "text",
    [
        "The defence ministry said it had rushed troops and armour to the Kidal region on Tuesday.",
        "The junta poured troops into the Kidal region on Tuesday.",
    ],
)
def test_rushing_or_pouring_troops_somewhere_is_a_deployment(pipeline, text):
    (event,) = _of_type(_events(pipeline, text), EventType.DEPLOY)
    assert event.place is not None and event.place.admin1 == "Kidal"


def test_people_rushing_somewhere_is_no_deployment(pipeline):
    assert not _events(pipeline, "Residents rushed to the hospital in Kidal on Tuesday.")


# --- what "the town" and "it" point back at ------------------------------------------------------------


def test_the_town_of_a_first_line_is_the_town_of_the_headline(pipeline):
    text = "Malian troops have been in the town, located 80 km north of Gao, since Monday, officials said."
    document = make_document(text, DATELINE, doc_id="rules", title="Army retakes Menaka in northern Mali")
    (event,) = _of_type(pipeline.events(document), EventType.PRESENCE)
    assert event.place is not None and event.place.name == "Ménaka"
    assert event.date.start == date(2026, 5, 4)  # "since Monday", not the place's description


@pytest.mark.parametrize(
    "text",
    [
        "The rebels attacked Kidal on Monday and took it on Tuesday.",
        "Malian troops have been in Kidal, 300 km north of Gao, since Monday; the army says it captured it.",
    ],
)
def test_it_as_what_was_taken_is_the_place_an_event_happened_at(pipeline, text):
    (event,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert event.place is not None and event.place.name == "Kidal"


def test_it_with_no_place_before_is_no_event(pipeline):
    assert not _of_type(
        _events(pipeline, "The junta seized it in 2021, the minister said."), EventType.CONTROL
    )


@pytest.mark.parametrize(
    ("text", "army"),
    [
        ("Kyiv's forces withdrew from Sudzha on Tuesday.", "Armed Forces of Ukraine"),
        ("Bamako's troops entered Kidal on Tuesday.", "Malian Armed Forces"),
    ],
)
def test_a_capital_s_forces_are_its_state_s_army(pipeline, text, army):
    (event,) = _events(pipeline, text)
    assert army in _agents(event)


# --- which names are places of the story -------------------------------------------------------------


def test_a_name_read_as_a_place_once_is_a_place_throughout_the_report(pipeline):
    # the model tags the town a person where nothing around it says it is a place
    text = (
        "Ukrainian troops withdrew from Avdiivka on Saturday. Avdiivka had been defended for four months."
        " On Sunday the army said its last units had left the town."
    )
    events = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert events and all(e.place is not None and e.place.name == "Avdiyivka" for e in events)


@pytest.mark.parametrize(
    "text",
    [
        # a place named only to say where another lies
        "Fighting raged in Avdiivka on Friday. Avdiivka lies 15 kilometers north of Russian-occupied Donetsk."
        " On Saturday the commander said his forces had withdrawn from the town.",
        # a capital whose announcement is told
        "Fighting raged in Avdiivka on Friday. Russia now holds it, after Kyiv's announcement of its units"
        " pulling back from the ruined city.",
        # a name joined to a participle
        "Fighting raged in Avdiivka on Friday, where Moscow-backed separatists had fought in 2014."
        " On Saturday the commander said his forces had withdrawn from the town.",
    ],
)
def test_what_the_town_points_back_at_is_a_place_events_happened_at(pipeline, text):
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.name == "Avdiyivka"


@pytest.mark.parametrize(
    ("text", "holder"),
    [
        ("Shells fell on the outskirts of Sudzha, which is under Kyiv's control.", "Armed Forces of Ukraine"),
        ("Clashes were reported around Kidal, which remains under rebel control.", "rebel"),
        ("Gao is under army control, officials said on Tuesday.", "Malian Armed Forces"),
    ],
)
def test_a_place_under_someone_s_control_in_a_relative_clause_or_by_a_common_noun(pipeline, text, holder):
    (held,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert held.status == Status.ONGOING and holder in _agents(held)


@pytest.mark.parametrize(
    ("text", "holder", "admin1"),
    [
        ("A Russian flag was unfurled in the central square of Sudzha on Tuesday.", "Russian", "Kursk"),
        ("Russian soldiers raised their flag over the town hall in Avdiivka.", "Russian", "Donetsk"),
        ("Soldiers hoisted the flag over the presidential palace in Khartoum.", "Sudanese", "Khartoum"),
    ],
)
def test_a_flag_raised_over_a_place_is_its_capture(pipeline, text, holder, admin1):
    (taken,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert any(holder in a for a in _agents(taken)) and taken.place.admin1 == admin1


@pytest.mark.parametrize(
    "text", ["Protesters raised the flag in Dakar on Tuesday.", "The tanker flies the Liberian flag."]
)
def test_a_flag_raised_by_no_armed_force_is_no_capture(pipeline, text):
    assert not _of_type(_events(pipeline, text), EventType.CONTROL)


@pytest.mark.parametrize(
    "text",
    [
        "The Malian army is close to taking control of Kidal from the rebels.",
        "Russian forces are about to seize the town of Sudzha.",
        "The army is poised to retake Kidal, officials said.",
    ],
)
def test_a_capture_on_the_verge_is_expected_not_done(pipeline, text):
    controls = _of_type(_events(pipeline, text), EventType.CONTROL)
    (capture,) = [
        e for e in controls if _agents(e) and "Russia" in str(_agents(e)) or "Mali" in str(_agents(e))
    ]
    assert capture.status == Status.EXPECTED
    assert not any(e.status == Status.COMPLETED for e in controls)


def test_who_a_place_is_taken_from_held_it_before(pipeline):
    (capture,) = _of_type(
        _events(pipeline, "The army took control of Kidal from the rebels on Tuesday."), EventType.CONTROL
    )
    assert capture.status == Status.COMPLETED
    assert {a.mention for a in capture.actors if a.role == Role.PREVIOUS} == {"the rebels"}


# --- a force leaving a country is at its base ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Germany said its soldiers at Niamey Air Base 101 would go home. The German troops will leave Niger "
        "by August, a spokesman said.",
        "The German contingent is based at Air Base 101 in Niamey. Berlin said all its troops had left Niger "
        "on Tuesday.",
    ],
)
def test_a_foreign_force_leaving_a_country_leaves_the_one_base_the_report_names_there(pipeline, text):
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.name == "Niamey Air Base 101"
    assert withdrawal.place.mention == "Niger"


def test_a_country_s_own_army_leaving_its_country_stays_the_country(pipeline):
    text = "Soldiers were seen at Niamey Air Base 101. The Nigerien army withdrew from Niger's north."
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and "Niamey" not in withdrawal.place.name


@pytest.mark.parametrize(
    "text",
    [
        "About 300 Italian soldiers stationed in Niamey will leave Niger next month.",
        "Italian troops based in Niamey are to leave Niger next month, Rome said.",
    ],
)
def test_where_a_leaving_force_is_stationed_refines_the_country_it_leaves(pipeline, text):
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.precision < PlacePrecision.ADMIN1
    assert withdrawal.place.admin1 == "Niamey"


def test_a_force_stationed_abroad_leaving_another_country_leaves_that_country(pipeline):
    text = "Italian troops stationed in Germany will leave Niger next month."
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.country_code == "NE"


@pytest.mark.parametrize(
    "text",
    [
        "Italian soldiers left the Italian military base in Niger's capital, Niamey, on Tuesday.",
        "Italian troops withdrew on Tuesday from a military base in Niamey, officials said.",
    ],
)
def test_a_base_in_a_town_with_one_base_is_that_base(pipeline, text):
    places = [e.place for e in _events(pipeline, text) if e.place is not None]
    assert any(p.name == "Niamey Air Base 101" for p in places)
    assert not any("Italian" in p.name for p in places)


@pytest.mark.parametrize(
    "text",
    [
        "Niger ordered the Italians out. Most of the Italian troops have now left the country.",
        "Niger ordered the Italians out. More than half of the Italian soldiers withdrew from the country "
        "on Tuesday.",
        "The bulk of the Italian force left the country on Tuesday after Niger ended the agreement.",
    ],
)
def test_the_country_a_share_of_a_force_left_is_the_country_named_before(pipeline, text):
    text = text if "Niger" in text.split(".")[0] else "Niger's junta spoke. " + text
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.country_code == "NE"
    assert any("Ital" in name for name in _agents(withdrawal))


def test_the_country_as_a_subject_is_no_place(pipeline):
    text = "Niger's junta met on Monday. The country said it would withdraw from the pact."
    events = _events(pipeline, text)
    assert not any(e.place is not None and e.place.mention == "country" for e in events)


def test_an_interval_after_a_clause_is_not_counted_from_the_event_told_before(pipeline):
    text = (
        "The army took Kidal in 2021. The withdrawal of the French troops from Mali comes a month after the "
        "junta ended the defence agreement."
    )
    withdrawal = next(e for e in _events(pipeline, text) if e.type == EventType.WITHDRAW)
    assert withdrawal.date is not None and withdrawal.date.start.year == DATELINE.year


# --- where at sea, and when a "when" clause happened -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A tanker was struck by missiles 40 nautical miles west of Yemen's Mokha on Sunday.",
        "The attack, taking place 40 nautical miles west of Mokha, raised fears for shipping on Sunday.",
        "Gunmen in skiffs fired on a freighter about 40 nautical miles west of Mokha on Sunday.",
    ],
)
def test_a_distance_and_direction_from_a_town_places_the_attack_there(pipeline, text):
    (attack,) = _of_type(_events(pipeline, text), EventType.ASSAULT)
    assert attack.place is not None and attack.place.feature == "offset"
    assert attack.place.admin1 == "Taiz" and attack.place.lon < 43.24  # west of the town, at sea


@pytest.mark.parametrize(
    "text",
    [
        "It followed Sunday's raid on a fuel depot, when the depot in Kidal was hit by drones.",
        "The rebels attacked a convoy near Kidal on Sunday, when three soldiers were killed.",
    ],
)
def test_a_when_clause_happened_at_the_time_of_the_event_it_hangs_from(pipeline, text):
    attacks = _of_type(_events(pipeline, text), EventType.ASSAULT)
    assert attacks and all(
        e.date is not None and e.date.start == e.date.end == date(2026, 5, 3) for e in attacks
    )


@pytest.mark.parametrize(
    "text",
    [
        "Italian troops have left their base in Niamey, the ministry said on Thursday. The withdrawal was "
        "completed on Tuesday, officials said.",
        "Italy pulled its soldiers out of Niamey, Rome said on Thursday. In June it had ordered a pullback. "
        "The pullout was finished on Tuesday.",
    ],
)
def test_the_stage_of_the_move_told_before_dates_that_move(pipeline, text):
    (withdrawal,) = [e for e in _of_type(_events(pipeline, text), EventType.WITHDRAW) if e.place is not None]
    assert withdrawal.date is not None and withdrawal.date.start == withdrawal.date.end == date(2026, 5, 5)
    assert withdrawal.status == Status.COMPLETED


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Ukraine's army was setting up a command office in Sudzha, the president said.", "Sudzha"),
        ("The rebels established a headquarters in Kidal last month.", "Kidal"),
        ("Russian troops have set up checkpoints in Kherson, residents said.", "Kherson"),
    ],
)
def test_a_force_setting_up_a_facility_somewhere_is_present_there(pipeline, text, place):
    (presence,) = _of_type(_events(pipeline, text), EventType.PRESENCE)
    assert presence.place is not None and place in presence.place.name


@pytest.mark.parametrize(
    "text",
    [
        "The government set up a committee in Bamako to study the plan.",
        "The ministry established an inquiry in Kidal.",
    ],
)
def test_setting_up_what_is_no_facility_is_no_presence(pipeline, text):
    assert not _of_type(_events(pipeline, text), EventType.PRESENCE)


def test_establishing_control_is_still_a_capture(pipeline):
    (capture,) = _of_type(
        _events(pipeline, "The army established control over the town of Gao."), EventType.CONTROL
    )
    assert capture.place is not None and capture.place.name == "Gao"


@pytest.mark.parametrize(
    "text",
    [
        "French forces have left the city of Kidal, officials said. At a short parade France handed over "
        "a military base to the Malian army.",
        "Belgian soldiers pulled out of the town of Kidal on Tuesday. They handed a military camp to the "
        "Malian army before leaving.",
    ],
)
def test_a_base_handed_over_without_a_place_is_at_the_town_the_story_is_about(pipeline, text):
    (control,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert control.place is not None and control.place.admin1 == "Kidal"


def test_an_unnamed_base_attacked_is_not_moved_to_the_last_town(pipeline):
    text = "Troops left the town of Kidal last week. Rebels attacked a military base, killing five soldiers."
    (attack,) = _of_type(_events(pipeline, text), EventType.ASSAULT)
    assert attack.place is None or attack.place.admin1 != "Kidal"


# --- headline-style wire lines ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The regime forces carry out an attack on Kafr Zita",
        "Government troops launched a raid on Khan Sheikhoun on Monday.",
    ],
)
def test_an_attack_a_force_carries_out_is_an_attack_by_that_force(pipeline, text):
    attacks = _of_type(_events(pipeline, text, date(2018, 5, 4)), EventType.ASSAULT)
    assert attacks and any(
        "Syria" in " ".join(_agents(e)) or "Assad" in " ".join(_agents(e)) for e in attacks
    )


def test_the_sides_of_clashes_hung_on_their_place_are_the_sides(pipeline):
    text = "Clashes in the southern countryside of Aleppo between the rebels and the regime forces"
    (fight,) = _of_type(_events(pipeline, text, date(2018, 5, 4)), EventType.FIGHT)
    assert any("Assad" in name for name in _agents(fight))


@pytest.mark.parametrize(
    "text",
    [
        "ISIS fighters east of the Euphrates attacked an SDF post in Deir Ezzor countryside",
        "ISIS fighters in the desert attacked an SDF post in Deir Ezzor countryside",
    ],
)
def test_a_force_named_with_where_it_is_is_that_force(pipeline, text):
    (attack,) = _of_type(_events(pipeline, text, date(2018, 5, 4)), EventType.ASSAULT)
    assert "Islamic State" in _agents(attack)


@pytest.mark.parametrize(
    ("text", "admin1"),
    [
        ("Harasta witnessed heavy shelling on Monday", "Rif Dimashq"),
        ("The town of Saraqib saw fierce clashes between the rebels and the regime forces", "Idlib"),
    ],
)
def test_a_place_that_witnessed_an_attack_is_where_it_happened(pipeline, text, admin1):
    events = [
        e for e in _events(pipeline, text, date(2018, 5, 4)) if e.type in (EventType.ASSAULT, EventType.FIGHT)
    ]
    assert events and all(e.place is not None and e.place.admin1 == admin1 for e in events)


def test_a_force_that_suffered_losses_is_no_place(pipeline):
    assert not _events(pipeline, "The people suffered heavy losses.", date(2018, 5, 4))


def test_a_base_the_report_ties_only_to_another_force_is_not_where_a_foreign_force_left(pipeline):
    text = "Rebels attacked the army base in Ayorou on Tuesday. Italy withdrew its last troops from Niger."
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.name == "Niger"


@pytest.mark.parametrize(
    "text",
    [
        "Belgian troops left Tessalit on Tuesday. Their camp in Tessalit, which was handed over to the "
        "Malian army on Wednesday, now hosts a Malian battalion.",
        "Belgian troops left Gao on Tuesday. The camp at Gao, which was handed to the Malian army on "
        "Wednesday, lies by the river.",
    ],
)
def test_a_handover_in_a_which_clause_gives_the_place_it_describes(pipeline, text):
    """The relative pronoun stands for the base; the giver is the report's one withdrawing force."""
    events = _events(pipeline, text)
    (control,) = _of_type(events, EventType.CONTROL)
    assert control.place is not None and control.place.admin1 in ("Kidal", "Gao")
    assert any("Mali" in name for name in _agents(control))
    handover = [
        e for e in _of_type(events, EventType.WITHDRAW) if e.date and e.date.start == date(2026, 5, 6)
    ]
    assert handover and all(any("Belgi" in name for name in _agents(e)) for e in handover)


@pytest.mark.parametrize(
    "text",
    [
        "Belgian soldiers left the Northern Logistics Platform of Gao on Tuesday.",
        "On Tuesday the Belgians vacated the Sahel Support Hub of Gao.",
    ],
)
def test_a_facility_named_with_of_its_town_is_at_that_town(pipeline, text):
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.admin1 == "Gao"
    assert withdrawal.place.precision == PlacePrecision.NEAR


@pytest.mark.parametrize(
    "text",
    [
        "The Belgian soldiers were packing up in Gao on Friday.",
        "Belgian troops are already packing up in Gao before the handover.",
    ],
)
def test_packing_up_in_a_place_is_a_withdrawal_under_way(pipeline, text):
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.status == Status.ONGOING and withdrawal.place.name == "Gao"


def test_packing_boxes_is_no_withdrawal(pipeline):
    assert not _of_type(_events(pipeline, "Soldiers were packing boxes in Gao."), EventType.WITHDRAW)


@pytest.mark.parametrize(
    "text",
    [
        "Belgian soldiers were on Tuesday handing back their camp in Tessalit to the Malian army.",
        "On Tuesday the Belgian contingent was handing over the camp in Kidal to the Malian army.",
    ],
)
def test_a_handover_told_in_the_past_progressive_was_done_that_day(pipeline, text):
    events = [e for e in _events(pipeline, text) if e.type in (EventType.WITHDRAW, EventType.CONTROL)]
    assert len(events) == 2
    assert all(e.status == Status.COMPLETED and e.date.start == date(2026, 5, 5) for e in events)


def test_a_withdrawal_told_in_the_past_progressive_is_still_under_way(pipeline):
    (withdrawal,) = _of_type(
        _events(pipeline, "Belgian soldiers were leaving Kidal on Tuesday."), EventType.WITHDRAW
    )
    assert withdrawal.status == Status.ONGOING


@pytest.mark.parametrize(
    "text",
    [
        "Israeli troops pulled back from the Netzarim Corridor in central Gaza on Tuesday.",
        "On Tuesday Israeli forces left the Netzarim Corridor in Gaza, the army said.",
    ],
)
def test_an_enclosing_name_is_read_in_the_reports_country_first(pipeline, text):
    """Mozambique has a Gaza province; a report on Israel's forces means the Gaza Strip."""
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.country_code == "PS"
    assert withdrawal.place.name == "Netzarim Corridor"


@pytest.mark.parametrize(
    "text",
    [
        "Government troops are close to taking control of the airport in Kidal from the rebels, officials "
        "said.",
        "Malian soldiers were on the verge of retaking Kidal from the rebels on Friday.",
        "The rebels are poised to capture Kidal from the army, residents said.",
    ],
)
def test_on_the_verge_of_a_capture_is_a_fight_now_and_the_old_holder_still_holding(pipeline, text):
    events = _events(pipeline, text)
    (capture,) = [e for e in _of_type(events, EventType.CONTROL) if e.status == Status.EXPECTED]
    (held,) = [e for e in _of_type(events, EventType.CONTROL) if e.status == Status.ONGOING]
    (fight,) = _of_type(events, EventType.FIGHT)
    assert fight.status == Status.ONGOING and fight.certainty == capture.certainty.REPORTED
    taker = _agents(capture)
    assert taker and _agents(fight) == taker and not _agents(held) & taker
    assert {a.name for a in held.actors if a.role == Role.AGENT} == {
        a.name for a in capture.actors if a.role == Role.PREVIOUS
    }


def test_a_passive_governing_verb_does_not_make_the_doer_a_target(pipeline):
    (fight,) = _of_type(
        _events(pipeline, "The rebels are poised to capture Kidal from the army."), EventType.FIGHT
    )
    assert "rebels" in _agents(fight)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Kidal fell to the rebels on Tuesday.", "Kidal"),
        ("The town of Menaka fell to the rebels on Tuesday, residents said.", "Ménaka"),
        ("On Tuesday the army camp in Kidal fell to the rebels.", "Kidal"),
    ],
)
def test_a_place_that_fell_to_a_force_is_that_forces_capture(pipeline, text, place):
    (capture,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert capture.place is not None and place in f"{capture.place.name} {capture.place.admin1}"
    assert capture.status == Status.COMPLETED and capture.date.start == date(2026, 5, 5)
    assert _agents(capture) and not any(place in name for name in _agents(capture))


def test_a_place_that_falls_silent_or_shells_that_fall_are_no_capture(pipeline):
    assert not _of_type(_events(pipeline, "Kidal fell silent on Tuesday."), EventType.CONTROL)
    assert not _of_type(_events(pipeline, "Shells fell on Kidal on Tuesday."), EventType.CONTROL)


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("Gao is the second town to fall to the rebels after Kidal.", {"Kidal"}),
        ("Gao is the third town to fall to the rebels after Kidal and Ansongo.", {"Kidal", "Ansongo"}),
        (
            "Belgian troops handed the camp in Gao to the Malian army on Tuesday. It is the second base the "
            "Belgians have handed back after Kidal.",
            {"Kidal"},
        ),
    ],
)
def test_the_nth_move_after_a_place_tells_of_the_same_move_made_there_before(pipeline, text, earlier):
    events = _events(pipeline, text)
    done = {
        e.place.name
        for e in events
        if e.place is not None
        and e.status == Status.COMPLETED
        and e.type in (EventType.CONTROL, EventType.WITHDRAW)
    }
    assert earlier <= done


def test_a_commander_who_says_he_is_withdrawing_troops_names_his_side(pipeline):
    text = (
        "Russian forces shelled the town for weeks. On Friday the Belgian army chief said he was withdrawing "
        "troops from the city of Kidal."
    )
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert _agents(withdrawal) and all("Belgi" in name for name in _agents(withdrawal))


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "Rebels said on Tuesday they had seized a town in northern Mali. Residents of Kidal said the "
            "fighters entered the town at dawn.",
            "Kidal",
        ),
        (
            "Belgian soldiers on Tuesday handed back a military base in northeastern Mali. The Belgians had "
            "been based in Menaka since 2019.",
            "Ménaka",
        ),
    ],
)
def test_an_unnamed_place_in_the_lede_is_the_one_named_next(pipeline, text, place):
    moves = [e for e in _events(pipeline, text) if e.type in (EventType.CONTROL, EventType.WITHDRAW)]
    assert moves and all(e.place is not None and place in e.place.name for e in moves)


def test_an_unnamed_town_the_report_never_names_stays_its_area(pipeline):
    (capture,) = _of_type(
        _events(pipeline, "Rebels seized a town in northern Mali on Tuesday."), EventType.CONTROL
    )
    assert capture.place is not None and capture.place.precision >= PlacePrecision.ADMIN1


@pytest.mark.parametrize(
    ("text", "force", "admin1"),
    [
        ("Supplies were trucked to the French base in Gao on Tuesday.", "French", "Gao"),
        ("Turkey's base in Idlib was shelled on Tuesday.", "Turkish", "Idlib"),
        ("Life inside the Belgian camp in Kidal is hard, a soldier said.", "Belgian", "Kidal"),
    ],
)
def test_a_nations_base_named_at_a_place_is_that_nations_presence(pipeline, text, force, admin1):
    (presence,) = _of_type(_events(pipeline, text, date(2021, 5, 8)), EventType.PRESENCE)
    assert presence.status == Status.ONGOING and presence.place.admin1 == admin1
    assert any(force in name for name in _agents(presence))


@pytest.mark.parametrize(
    "text",
    [
        "Protesters gathered outside the former French base in Gao.",
        "French troops handed over the French base in Gao on Tuesday.",
        "Supplies were trucked to the base in Gao.",
    ],
)
def test_a_former_moved_or_unowned_base_is_no_presence(pipeline, text):
    assert not [
        e
        for e in _of_type(_events(pipeline, text, date(2021, 5, 8)), EventType.PRESENCE)
        if "French" in str(e.actors)
    ]


@pytest.mark.parametrize(
    "text", ["Rebels shelled Goma's airport on Tuesday.", "Rebels shelled the airport in Goma."]
)
def test_a_towns_airport_is_its_airport_not_another_site_beside_the_town(pipeline, text):
    (attack,) = _of_type(_events(pipeline, text), EventType.ASSAULT)
    assert attack.place is not None and attack.place.feature == "airport"


def test_troops_sent_to_a_country_years_before_are_not_at_the_base_the_report_names_now(pipeline):
    text = (
        "In 2013 Belgium sent troops to Mali. Supplies were trucked to the Belgian base in Gao on Tuesday. "
        "Belgian soldiers also left Tessalt, a remote outpost."
    )
    events = _events(pipeline, text, date(2021, 5, 8))
    (sent,) = _of_type(events, EventType.DEPLOY)
    assert sent.place is not None and sent.place.name == "Mali"
    assert not [
        e for e in _of_type(events, EventType.WITHDRAW) if e.place is not None and "Gao" in e.place.name
    ]


def test_an_unnamed_area_that_witnessed_clashes_is_no_place_and_no_failure(pipeline):
    text = "Two soldiers died on the front, and the southern countryside is witnessing violent clashes."
    (fight,) = _of_type(_events(pipeline, text, date(2018, 5, 4)), EventType.FIGHT)
    assert fight.place is None


@pytest.mark.parametrize(
    ("text", "certainty"),
    [
        ("Belgium has no plans to withdraw its troops from Mali.", "denied"),
        ("There are no plans to hand the Gao base to the Malian army, the ministry said.", "denied"),
        ("Belgium announced plans to withdraw its troops from Mali.", "expected"),
    ],
)
def test_a_move_under_a_plan_noun_is_planned_and_no_plan_denies_it(pipeline, text, certainty):
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.status == Status.PLANNED and withdrawal.certainty.value == certainty
    assert not _agents(withdrawal) or all("Belgi" in name for name in _agents(withdrawal))


@pytest.mark.parametrize(
    "text",
    [
        "Belgium will withdraw its soldiers from Mali at the end of the summer. Some Belgian troops have "
        "already left Mali.",
        "The Belgian soldiers will leave Mali at the end of the summer. The Belgian army left Gao last week.",
    ],
)
def test_a_move_to_come_and_one_done_in_one_report_stay_two(pipeline, text):
    statuses = sorted(e.status.value for e in _of_type(_events(pipeline, text), EventType.WITHDRAW))
    assert "completed" in statuses and "expected" in statuses


def test_a_transfer_to_the_receiver_of_a_base_gives_the_base(pipeline):
    text = (
        "The Belgians will leave Mali next month with the transfer to the Malian army of their base in Gao."
    )
    moves = [e for e in _events(pipeline, text) if e.place is not None and e.place.admin1 == "Gao"]
    assert {e.type for e in moves} == {EventType.WITHDRAW, EventType.CONTROL}
    assert all(e.status == Status.EXPECTED for e in moves)


@pytest.mark.parametrize(
    "text",
    [
        "Fighting was ongoing in Kidal's outskirts, the commander said.",
        "Combat is underway on the outskirts of Kidal.",
    ],
)
def test_fighting_said_to_go_on_somewhere_is_an_ongoing_fight_there(pipeline, text):
    (fight,) = _of_type(_events(pipeline, text), EventType.FIGHT)
    assert fight.status == Status.ONGOING and fight.place is not None and fight.place.admin1 == "Kidal"


def test_a_place_under_a_forces_control_names_that_force(pipeline):
    text = "The rebels shelled positions near the town of Gao, which is under the army's control."
    (held,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert held.status == Status.ONGOING and any("Mali" in name for name in _agents(held))


def test_a_foreign_force_leaving_with_no_place_named_leaves_the_reports_country(pipeline):
    text = (
        "Senegal took over the French base in Dakar on Thursday. About 300 French soldiers are now leaving, "
        "ending a departure that began in March."
    )
    (leaving,) = [
        e for e in _of_type(_events(pipeline, text), EventType.WITHDRAW) if e.status == Status.ONGOING
    ]
    assert leaving.place is not None and leaving.place.country_code == "SN"


def test_a_countrys_own_force_leaving_with_no_place_named_has_no_place(pipeline):
    text = "Senegal took over the French base in Dakar on Thursday. Senegalese soldiers are now leaving."
    leaving = [
        e for e in _of_type(_events(pipeline, text), EventType.WITHDRAW) if "Senegal" in str(_agents(e))
    ]
    assert all(e.place is None for e in leaving)


@pytest.mark.parametrize(
    "text",
    [
        "The withdrawal of about 75 Belgian soldiers from Mali will begin at the end of next week.",
        "Belgium will complete the pullout of its troops from Mali by the end of the month.",
    ],
)
def test_a_stage_still_to_come_is_expected(pipeline, text):
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.status == Status.EXPECTED and withdrawal.date.end > DATELINE


@pytest.mark.parametrize(
    "text",
    [
        "The withdrawal of 60 Belgian troops from Mali began on Tuesday.",
        "The relocation of about 60 Belgian soldiers from Mali to Niger was completed on Tuesday.",
        "Belgium said on Tuesday it would reposition some of its forces from Mali.",
    ],
)
def test_a_counted_force_leaving_is_no_place_and_its_from_phrase_is(pipeline, text):
    (withdrawal,) = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert withdrawal.place is not None and withdrawal.place.name == "Mali"
    assert any("Belgi" in name for name in _agents(withdrawal))


def test_residents_relocated_are_no_withdrawal(pipeline):
    assert not _of_type(
        _events(pipeline, "Thousands of residents were relocated from Gao."), EventType.WITHDRAW
    )


@pytest.mark.parametrize(
    "text",
    [
        "Troops took over the strategic Jebel Awliya area in southern Khartoum on Tuesday.",
        "The army said on Tuesday it had seized the Jabal Auliya area south of Khartoum.",
    ],
)
def test_a_town_known_by_its_site_is_found_under_another_spelling_in_the_reports_country(pipeline, text):
    (capture,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert (
        capture.place is not None
        and capture.place.name == "Jebel Aulia"
        and capture.place.admin1 == "Khartoum"
    )


def test_a_capture_an_army_looks_to_make_is_planned(pipeline):
    text = "The army is close to encircling the rebels as it looks to recapture the town of Kidal."
    (capture,) = _of_type(_events(pipeline, text), EventType.CONTROL)
    assert capture.status == Status.PLANNED


@pytest.mark.parametrize(
    "text",
    [
        "Rebel units were barricading themselves inside the hospital in Kidal on Tuesday.",
        "Rebel fighters holed up in the hospital in Kidal, the army said.",
    ],
)
def test_a_force_holding_out_inside_a_place_is_present_there(pipeline, text):
    (presence,) = _of_type(_events(pipeline, text), EventType.PRESENCE)
    assert presence.place is not None and presence.place.admin1 == "Kidal" and _agents(presence)


def test_residents_barricading_their_doors_are_no_force(pipeline):
    assert not _of_type(_events(pipeline, "Residents barricaded their doors in Kidal."), EventType.PRESENCE)


def test_villages_listed_in_a_province_are_one_place_each_inside_it(pipeline):
    text = (
        "The army said its forces had retaken the villages of Zorkino, Belyanka and Staraya Gorka in the"
        " Kursk region."
    )
    captures = _of_type(_events(pipeline, text, date(2025, 3, 8)), EventType.CONTROL)
    assert len({e.place.name for e in captures}) == 3
    assert all(e.place.country_code == "RU" and e.place.admin1 == "Kursk" for e in captures)


def test_congo_in_a_report_on_the_democratic_republic_is_the_democratic_republic(pipeline):
    text = (
        "Rebels took the town of Lubero in North Kivu on Sunday. Congo's army said its forces had carried "
        "out a tactical repositioning from Lubero."
    )
    leaving = _of_type(_events(pipeline, text), EventType.WITHDRAW)
    assert leaving and all("Democratic Republic of the Congo" in " ".join(_agents(e)) for e in leaving)


def test_an_unknown_name_that_is_no_town_stays_the_area_it_is_in(pipeline):
    text = "Guatemalan soldiers arrived in Haiti on Saturday to join the U.N.-backed Gang Suppression Force."
    (arrival,) = _of_type(_events(pipeline, text), EventType.DEPLOY)
    assert arrival.place is not None and arrival.place.name == "Haiti"
