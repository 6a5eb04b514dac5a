"""The user's own gazetteer entries: GeoNames dumps imported, places added by hand, both kept apart
from the compiled index so that a rebuild keeps them."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitroom.cli import main
from sitroom.errors import DataError
from sitroom.resolve.gazetteer import Gazetteer
from sitroom.resolve.gazetteer_user import (
    add_user_place,
    checked_user_place,
    import_geonames,
    user_counts,
    user_places_path,
)
from sitroom.resolve.geo import GeoContext, GeoResolver

# Invented places in the GeoNames "geoname" table layout: 19 tab-separated columns.
ROWS = [
    ["990000001", "Qasr Zawiyat", "Qasr Zawiyat", "Qasr Zawiya,Kasr Zawiyat", "35.5012", "38.7401", "P",
     "PPL", "SY", "", "11", "", "", "", "1200", "", "350", "Asia/Damascus", "2024-01-01"],
    ["990000002", "Tall Ghurab", "Tall Ghurab", "", "36.1001", "40.2002", "T", "HLL", "SY", "", "04", "",
     "", "", "0", "", "420", "Asia/Damascus", "2024-01-01"],
    ["990000003", "Wadi Nusayr", "Wadi Nusayr", "", "34.9", "39.1", "H", "WAD", "SY", "", "11", "", "", "",
     "0", "", "300", "Asia/Damascus", "2024-01-01"],
]  # fmt: skip


def _dump_text() -> str:
    return "".join("\t".join(row) + "\n" for row in ROWS)


@pytest.fixture
def index(base_settings, tmp_path) -> Path:
    """A private copy of the compiled index, so imports go beside it and nowhere else."""
    Gazetteer.open(base_settings.gazetteer_path).close()
    copy = tmp_path / "gazetteer.sqlite"
    shutil.copy(base_settings.gazetteer_path, copy)
    return copy


def _resolve(index: Path, name: str):
    return GeoResolver(Gazetteer.open(index)).resolve(name, GeoContext(country_hint="SY"))


def test_import_plain_dump_then_resolve(index, tmp_path):
    dump = tmp_path / "SY.txt"
    dump.write_text(_dump_text(), encoding="utf-8")
    assert _resolve(index, "Qasr Zawiyat") is None
    added, known = import_geonames(index, dump)
    assert (added, known) == (3, 0)
    place = _resolve(index, "Qasr Zawiyat")
    assert place is not None and place.gazetteer_id == "geonames:990000001"
    assert (round(place.lat, 3), round(place.lon, 3)) == (35.501, 38.740)
    assert place.country_code == "SY" and place.precision.acled == 1
    assert _resolve(index, "Kasr Zawiyat").gazetteer_id == "geonames:990000001"  # an alternate name


def test_import_zipped_dump_twice_changes_nothing(index, tmp_path):
    dump = tmp_path / "SY.zip"
    with zipfile.ZipFile(dump, "w") as archive:
        archive.writestr("SY.txt", _dump_text())
        archive.writestr("readme.txt", "not data")
    assert import_geonames(index, dump) == (3, 0)
    before = user_counts(index)
    assert import_geonames(index, dump) == (0, 3)
    assert user_counts(index) == before
    assert _resolve(index, "Qasr Zawiyat").gazetteer_id == "geonames:990000001"


def test_malformed_dump_is_refused_and_changes_nothing(index, tmp_path):
    good = tmp_path / "SY.txt"
    good.write_text(_dump_text(), encoding="utf-8")
    import_geonames(index, good)
    before = user_counts(index)
    bad = tmp_path / "bad.txt"
    bad.write_text("990000009\tSomewhere\t35.0\t38.0\n" + _dump_text(), encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.txt:1: not a GeoNames 'geoname' table line"):
        import_geonames(index, bad)
    late = tmp_path / "late.txt"  # a bad line after good ones: the good ones are rolled back too
    rows = [["990000010", *ROWS[0][1:]], ["x", *ROWS[1][1:]]]
    late.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(DataError, match="late.txt:2"):
        import_geonames(index, late)
    assert user_counts(index) == before


def test_added_place_resolves_and_survives_a_rebuild(index):
    place = checked_user_place(
        "Tell Qasrak Outpost", 36.61, 40.93, "sy", feature="base", aliases=("Qasrak outpost",), source="test"
    )
    add_user_place(index, place)
    add_user_place(index, place)  # adding the same entry again changes nothing
    assert user_places_path(index).read_text(encoding="utf-8").count("Tell Qasrak Outpost") == 1
    found = _resolve(index, "Qasrak outpost")
    assert found is not None and (found.lat, found.lon) == (36.61, 40.93) and found.feature == "base"
    from sitroom.resolve.gazetteer_build import build

    build(index)  # what happens when sitroom's data or code changes the build stamp
    assert _resolve(index, "Tell Qasrak Outpost").lat == 36.61


def test_bad_added_place_is_refused():
    with pytest.raises(DataError, match="country"):
        checked_user_place("Somewhere", 35.0, 38.0, "Syria")
    with pytest.raises(DataError, match="out of range"):
        checked_user_place("Somewhere", 135.0, 38.0, "SY")


def test_cli_gazetteer_commands(index, tmp_path):
    env = {"SITROOM_GAZETTEER": str(index)}
    dump = tmp_path / "SY.txt"
    dump.write_text(_dump_text(), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["gazetteer", "import", str(dump)], env=env)
    assert result.exit_code == 0, result.output
    assert "3 places added" in result.output
    add = ["gazetteer", "add", "Jabal Qasrak", "--lat", "36.6", "--lon", "40.9", "--country", "SY"]
    result = runner.invoke(main, add, env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["gazetteer", "info"], env=env)
    assert result.exit_code == 0 and "geonames-import: 3" in result.output and "user: 1" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lat,lon\nX,1,2\n", encoding="utf-8")
    result = runner.invoke(main, ["gazetteer", "import", str(bad)], env=env)
    assert result.exit_code == 1 and "not a GeoNames 'geoname' table line" in result.output
