"""Name keys and sitroom's place data files (no gazetteer build needed)."""

from __future__ import annotations

import re

import pycountry
import pytest

from sitroom.resolve.gazetteer_build import AREA_COLUMNS, DATA_DIR, SITE_COLUMNS, read_tsv
from sitroom.resolve.translit import form_key, name_key


@pytest.mark.parametrize(
    "variants",
    [
        ["Hasakah", "al-Hasakah", "Hassakeh", "Al Hasakah", "Al Ḩasakah", "El Haseke"],
        ["Qamishli", "Kamishli", "Al Qamishli", "Al Qāmishlī"],
        ["Rmelan", "Rumaylan", "Rmeilan"],
        ["Deir ez-Zor", "Dayr az Zawr", "Deir al-Zour"],
        ["Yarubiyah", "al-Yarubiyah", "Al Ya'rubiyah", "Yaarubiya"],
        ["Tell Baydar", "Tall Baydar", "Tell Beydar"],
    ],
)
def test_transliteration_variants_share_a_key(variants: list[str]) -> None:
    assert len({name_key(v) for v in variants}) == 1


def test_different_names_keep_different_keys() -> None:
    assert len({name_key(n) for n in ["Homs", "Hama", "Hasakah", "Harim", "Raqqa", "Rafah"]}) == 6


def test_form_key_folds_spelling_but_keeps_vowels() -> None:
    assert form_key("Al Ḩasakah") == form_key("al-Hasakah") == "hasakah"
    assert form_key("Hasakeh") != form_key("Hasakah")


def test_a_lone_article_is_kept() -> None:
    assert form_key("Al") == "al"
    assert form_key("Ain al-Asad") == "ain asad"


def test_sites_table_is_complete_and_sourced() -> None:
    rows = read_tsv(DATA_DIR / "sites.tsv", SITE_COLUMNS)
    assert len(rows) >= 80
    for row in rows:
        assert re.fullmatch(r"[a-z0-9-]+", row["id"]), row["id"]
        assert row["source"] and row["name"] and row["feature"], row["id"]
        assert row["precision"] in {"1", "2"}, row["id"]
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row["id"]
        assert pycountry.countries.get(alpha_2=row["country_code"]) is not None, row["id"]


def test_syria_and_iraq_are_covered_first() -> None:
    rows = read_tsv(DATA_DIR / "sites.tsv", SITE_COLUMNS)
    per_country = {cc: sum(r["country_code"] == cc for r in rows) for cc in ("SY", "IQ")}
    assert per_country["SY"] >= 35 and per_country["IQ"] >= 15


def test_areas_table_is_sourced() -> None:
    rows = read_tsv(DATA_DIR / "areas.tsv", AREA_COLUMNS)
    assert all(r["source"] for r in rows)
    assert {r["kind"] for r in rows} == {"admin1", "region", "sea"}
