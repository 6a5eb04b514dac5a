"""The rules sitroom/data/README.md sets for sites.tsv, checked on every row."""

from __future__ import annotations

from collections import defaultdict

import pytest

from sitroom.resolve.gazetteer_build import DATA_DIR, SITE_COLUMNS, read_tsv

ROWS = read_tsv(DATA_DIR / "sites.tsv", SITE_COLUMNS)
AT_THE_SITE = "1"  # precision 1: the site's own point, not a nearby town's
# Towns the gazetteer does not list (GeoNames has no Bagram of 500 people): their plain name stays the
# site's alias, or the bare name would resolve to a namesake elsewhere (Bahram in Iran).
TOWNS_NOT_IN_THE_GAZETTEER = {("AF", "bagram")}


def _aliases(row: dict[str, str]) -> list[str]:
    return [alias.strip() for alias in row["aliases"].split("|") if alias.strip()]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["id"])
def test_every_site_cites_its_source(row) -> None:
    assert row["source"].strip()


def test_no_alias_is_the_plain_name_of_a_town_beside_a_site() -> None:
    towns = {(row["country_code"], row["near_town"].casefold()) for row in ROWS if row["near_town"]}
    towns -= TOWNS_NOT_IN_THE_GAZETTEER
    wrong = [
        (row["id"], alias)
        for row in ROWS
        for alias in _aliases(row)
        if (row["country_code"], alias.casefold()) in towns
    ]
    assert not wrong, "a town's plain name goes in near_town, not among a site's aliases"


def test_one_installation_has_one_id() -> None:
    """Two rows at one exact point are one installation twice, unless a row stands at a nearby town's
    point (precision 2), which several distinct sites in that town share."""
    at_point = defaultdict(list)
    for row in ROWS:
        if row["precision"] == AT_THE_SITE:
            at_point[(row["lat"], row["lon"])].append(row["id"])
    assert not [ids for ids in at_point.values() if len(ids) > 1]
