"""Place resolution on general news: relative descriptions, continents, short country names, document
context (the installed gazetteer, through the session pipeline)."""

from __future__ import annotations

from sitroom.evaluation.metrics import haversine_km
from sitroom.records import PlacePrecision
from sitroom.resolve.geo import GeoContext


def _resolve(pipeline, text, **context):
    return pipeline.resolvers.geo.resolve(text, GeoContext(**context))


def test_offset_from_a_town_moves_the_point_and_coarsens_precision(pipeline):
    raqqa = _resolve(pipeline, "Raqqa", country_hint="SY")
    west = _resolve(pipeline, "60 km west of Raqqa", country_hint="SY")
    assert 55 < haversine_km(raqqa.lat, raqqa.lon, west.lat, west.lon) < 65 and west.lon < raqqa.lon
    assert west.precision == PlacePrecision.AREA and west.precision.acled == 3
    close = _resolve(pipeline, "10 km north of Raqqa", country_hint="SY")
    assert close.precision == PlacePrecision.NEAR and close.lat > raqqa.lat


def test_continents_and_short_country_names(pipeline):
    europe = _resolve(pipeline, "Europe")
    assert europe.feature == "area" and europe.precision == PlacePrecision.INTERNATIONAL
    for text in ("U.S.", "USA", "America", "United States"):
        assert _resolve(pipeline, text).country_code == "US", text
    assert _resolve(pipeline, "Britain").country_code == "GB"


def test_dictionary_words_that_are_major_places_resolve(pipeline):
    texts = ("Syria", "Texas", "London")
    places = pipeline.resolvers.geo.resolve_document([(t, GeoContext(document_places=texts)) for t in texts])
    assert [p.country_code for p in places] == ["SY", "US", "GB"]


def test_a_far_small_namesake_of_a_word_is_not_guessed(pipeline):
    assert _resolve(pipeline, "northeast", country_hint="SY") is None


def test_countries_sit_at_their_representative_point_not_the_mean_of_their_towns(pipeline):
    # countries.tsv: Russia's point is 60N 100E; the mean of its settlements lies in European Russia.
    russia = _resolve(pipeline, "Russia")
    assert (russia.lat, russia.lon) == (60.0, 100.0) and russia.precision == PlacePrecision.COUNTRY
    usa = _resolve(pipeline, "United States")
    assert haversine_km(usa.lat, usa.lon, 39.8333, -98.5833) < 1  # centre of the contiguous states
    assert _resolve(pipeline, "UK").country_code == "GB"  # a two-letter name that is no ISO code


def test_a_demonym_is_its_country_only_when_asked(pipeline):
    assert _resolve(pipeline, "Syrian") is None  # an event's place never comes from a nationality word
    syrian = _resolve(pipeline, "Syrians", feature_hint="demonym")
    assert syrian.country_code == "SY" and syrian.feature == "demonym"
    assert syrian.precision == PlacePrecision.COUNTRY
    assert _resolve(pipeline, "Damascus", feature_hint="demonym") is None
    assert pipeline.resolvers.geo.is_demonym("Iraqi") and not pipeline.resolvers.geo.is_demonym("Iraq")


def test_us_counties_and_state_abbreviations(pipeline):
    texts = ("Orange County", "Florida")
    places = pipeline.resolvers.geo.resolve_document([(t, GeoContext(document_places=texts)) for t in texts])
    assert places[0].feature == "admin2" and places[0].admin1 == "Florida"
    assert places[0].precision == PlacePrecision.ADMIN2
    assert _resolve(pipeline, "Ga.").admin1 == "Georgia"
    assert _resolve(pipeline, "B.C.").country_code == "CA"


def test_regions_spanning_countries(pipeline):
    for text in ("Middle East", "Sahel", "Horn of Africa", "the Levant", "Mediterranean"):
        place = _resolve(pipeline, text)
        assert place.feature in ("area", "sea") and place.precision == PlacePrecision.INTERNATIONAL, text


def test_border_and_between_phrases_get_an_area_point(pipeline):
    syria = _resolve(pipeline, "Syria")
    border = _resolve(pipeline, "close to the Iraqi border", country_hint="SY")
    assert border.country_code == "SY" and border.precision == PlacePrecision.AREA
    assert border.lon > syria.lon  # Iraq lies east of Syria
    assert _resolve(pipeline, "the border with Turkey", country_hint="SY").lat > syria.lat  # Turkey: north
    assert _resolve(pipeline, "the Iraqi border", country_hint="BR") is None  # Brazil has no such border
    raqqa = _resolve(pipeline, "Raqqa", country_hint="SY")
    tabqa = _resolve(pipeline, "Tabqa", country_hint="SY")
    road = _resolve(pipeline, "on the road between Raqqa and Tabqa", country_hint="SY")
    assert abs(road.lat - (raqqa.lat + tabqa.lat) / 2) < 1e-6 and road.precision == PlacePrecision.NEAR


def test_place_mentions_list_demonyms_and_places_inside_other_names(pipeline):
    text = (
        "Syrian forces shelled Idlib on Monday. The Anderson County Sheriff's Office in South Carolina "
        "said Russians had visited Tunisia."
    )
    mentions = {m.text: m.place for m in pipeline.place_mentions(pipeline.nlp(text))}
    assert mentions["Syrian"].feature == "demonym" and mentions["Syrian"].country_code == "SY"
    assert mentions["Russians"].country_code == "RU"
    assert mentions["Anderson County"].admin1 == "South Carolina"
    assert mentions["Idlib"].country_code == "SY"
    from sitroom.pipeline import _place_mentions

    assert "Syrian" not in {m.text for m in _place_mentions(pipeline.nlp(text))}  # what events read


def test_a_state_is_not_displaced_by_a_small_namesake_town(pipeline):
    # Only a unit's largest settlement shares its name as its seat ("Homs"); "Minneota", whose
    # alternate names include "Minnesota", is no seat of Minnesota.
    for state in ("Arizona", "Minnesota", "Hawaii"):
        assert _resolve(pipeline, state, country_hint="US").feature == "admin1", state
    assert _resolve(pipeline, "Homs", country_hint="SY").feature == "city"
