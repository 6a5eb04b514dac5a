"""The user's own gazetteer entries: GeoNames dumps they import and places they add by hand.

Both live beside the compiled index, outside it, so that rebuilding the index (whenever sitroom's code or
data files change its build stamp) loses neither:

- ``<index stem>-user.sqlite``: the imported GeoNames rows and a copy of the hand-made entries, in the
  index's own ``place``/``name`` tables; `Gazetteer` attaches it read-only and searches both.
- ``<index stem>-places.tsv``: the hand-made entries, one a line, tab-separated, UTF-8, with the header
  ``name lat lon country_code admin1 feature aliases source`` (aliases separated by ``|``; admin1,
  feature, aliases and source may be empty). It is the record of truth: edit it freely; the copy in the
  SQLite file is refreshed whenever the file's content changes.

GeoNames dumps (https://download.geonames.org/export/dump/: ``allCountries``, ``cities500``, a country
such as ``SY``; ``.txt`` or ``.zip``) are read as a stream, one line at a time, in the 19-column "geoname"
table format. An import is one transaction: a malformed line rolls all of it back. Rows already known (by
GeoNames id, in the index or from an earlier import) are skipped, so importing twice changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sitroom.errors import DataError
from sitroom.resolve.translit import form_key, name_key

GEONAMES_COLUMNS = 19  # geonameid, name, asciiname, alternatenames, lat, lon, class, code, cc, cc2,
# admin1..admin4, population, elevation, dem, timezone, modification date
USER_COLUMNS = ("name", "lat", "lon", "country_code", "admin1", "feature", "aliases", "source")
IMPORT_SOURCE = "geonames-import"
USER_SOURCE = "user"
_BATCH = 5_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE IF NOT EXISTS place(pid INTEGER PRIMARY KEY, gid TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  lat REAL, lon REAL, feature TEXT NOT NULL, feature_code TEXT, country_code TEXT, country TEXT,
  admin1 TEXT, admin2 TEXT, population INTEGER, source TEXT NOT NULL, site_feature TEXT, near_town TEXT,
  precision INTEGER);
CREATE TABLE IF NOT EXISTS name(key TEXT NOT NULL, form TEXT NOT NULL, kind TEXT NOT NULL,
  pid INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS name_key ON name(key);
CREATE INDEX IF NOT EXISTS name_pid ON name(pid);
"""
_TOWN_WORDS = frozenset({"city", "town", "village", "populated"})
_UNIT_WORDS = frozenset({"admin1", "province", "state", "governorate"})
_AREA_WORDS = frozenset({"area", "region", "district", "county"})


def user_db_path(index: Path) -> Path:
    return Path(index).with_name(f"{Path(index).stem}-user.sqlite")


def user_places_path(index: Path) -> Path:
    return Path(index).with_name(f"{Path(index).stem}-places.tsv")


@dataclass(frozen=True, slots=True)
class UserPlace:
    """One hand-made gazetteer entry (a line of the places file)."""

    name: str
    lat: float
    lon: float
    country_code: str
    admin1: str | None = None
    feature: str = "city"
    aliases: tuple[str, ...] = ()
    source: str = ""

    def row(self) -> list[str]:
        return [
            self.name,
            f"{self.lat:.6f}",
            f"{self.lon:.6f}",
            self.country_code,
            self.admin1 or "",
            self.feature,
            "|".join(self.aliases),
            self.source,
        ]


def checked_user_place(
    name: str,
    lat: float,
    lon: float,
    country_code: str,
    admin1: str | None = None,
    feature: str | None = None,
    aliases: tuple[str, ...] = (),
    source: str = "",
) -> UserPlace:
    """A UserPlace from loose values, or a DataError saying what is wrong."""
    name = " ".join(name.split())
    if not name_key(name):
        raise DataError(f"place name {name!r} has no letters")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DataError(f"coordinates {lat}, {lon} are out of range")
    cc = country_code.strip().upper()
    if len(cc) != 2 or not cc.isalpha():
        raise DataError(f"country must be an ISO 3166-1 alpha-2 code such as SY, not {country_code!r}")
    cells = [name, admin1 or "", feature or "", source, *aliases]
    if any("\t" in c or "\n" in c for c in cells):
        raise DataError("names, aliases and sources cannot contain tabs or line breaks")
    clean = tuple(a.strip() for a in aliases if a.strip() and "|" not in a)
    return UserPlace(name, lat, lon, cc, admin1 or None, (feature or "city").lower(), clean, source)


def add_user_place(index: Path, place: UserPlace) -> None:
    """Append a hand-made entry to the places file; the next `Gazetteer.open` picks it up."""
    path = user_places_path(index)
    existing = read_user_places(path)
    if place in existing:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    new_file = not path.is_file()
    with path.open("a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
        if new_file:
            writer.writerow(USER_COLUMNS)
        writer.writerow(place.row())


def read_user_places(path: Path) -> list[UserPlace]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if line]
    if not lines or tuple(lines[0]) != USER_COLUMNS:
        raise DataError(f"{path}: the first line must be the header {' '.join(USER_COLUMNS)}")
    places = []
    for number, line in enumerate(lines[1:], start=2):
        if len(line) != len(USER_COLUMNS):
            raise DataError(f"{path}:{number}: expected {len(USER_COLUMNS)} columns, found {len(line)}")
        cell = dict(zip(USER_COLUMNS, line, strict=True))
        try:
            lat, lon = float(cell["lat"]), float(cell["lon"])
        except ValueError as err:
            raise DataError(f"{path}:{number}: lat and lon must be numbers") from err
        aliases = tuple(cell["aliases"].split("|")) if cell["aliases"] else ()
        try:
            places.append(
                checked_user_place(
                    cell["name"], lat, lon, cell["country_code"], cell["admin1"], cell["feature"],
                    aliases, cell["source"],
                )
            )  # fmt: skip
        except DataError as err:
            raise DataError(f"{path}:{number}: {err}") from err
    return places


def sync_user_places(index: Path) -> None:
    """Copy the places file into the user SQLite file when the file changed since the last copy."""
    places_file = user_places_path(index)
    digest = hashlib.sha1(places_file.read_bytes()).hexdigest() if places_file.is_file() else ""
    db = user_db_path(index)
    if not digest and not db.is_file():
        return
    with _user_db(db) as conn:
        row = conn.execute("SELECT v FROM meta WHERE k = 'places_digest'").fetchone()
        if (row[0] if row else "") == digest:
            return
        places = read_user_places(places_file)
        old = [pid for (pid,) in conn.execute("SELECT pid FROM place WHERE source = ?", (USER_SOURCE,))]
        conn.executemany("DELETE FROM name WHERE pid = ?", ((p,) for p in old))
        conn.execute("DELETE FROM place WHERE source = ?", (USER_SOURCE,))
        for place in places:
            _insert(conn, _user_row(place, _country_names(index)), {place.name, *place.aliases}, place.name)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('places_digest', ?)", (digest,))


def _user_row(place: UserPlace, countries: dict[str, str]) -> dict:
    feature, precision, site_feature = "site", 1, place.feature
    if place.feature in _TOWN_WORDS:
        feature, site_feature, precision = "city", None, None
    elif place.feature in _UNIT_WORDS:
        feature, site_feature, precision = "admin1", None, None
    elif place.feature in _AREA_WORDS:
        feature, site_feature, precision = "area", None, 5
    ident = hashlib.sha1(f"{place.name}|{place.lat:.5f}|{place.lon:.5f}".encode()).hexdigest()[:12]
    return {
        "gid": f"user:{ident}",
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "feature": feature,
        "feature_code": place.feature.upper(),
        "country_code": place.country_code,
        "country": countries.get(place.country_code),
        "admin1": place.admin1 if feature != "admin1" else place.name,
        "population": 0,
        "source": USER_SOURCE,
        "site_feature": site_feature,
        "precision": precision,
    }


def import_geonames(index: Path, dump: Path) -> tuple[int, int]:
    """Add a GeoNames dump to the user SQLite file: (rows added, rows already known)."""
    dump = Path(dump)
    if not dump.is_file():
        raise DataError(f"{dump} is not a file")
    known = _index_ids(index)
    countries, units = _country_names(index), _admin1_names(index)
    added = skipped = 0
    with _user_db(user_db_path(index)) as conn, _dump_lines(dump) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            row = _geonames_row(dump.name, number, line, countries, units)
            if row is None or row[0]["gid"] in known:
                skipped += 1
                continue
            if _insert(conn, *row):
                added += 1
            else:
                skipped += 1
    return added, skipped


def _geonames_row(
    source: str, number: int, line: str, countries: dict[str, str], units: dict[tuple[str, str], str]
) -> tuple[dict, set[str], str] | None:
    """One dump line as (place row, its names, its own name); None for a country (the index has them)."""
    cells = line.rstrip("\n").split("\t")
    if len(cells) != GEONAMES_COLUMNS:
        raise DataError(
            f"{source}:{number}: not a GeoNames 'geoname' table line "
            f"(expected {GEONAMES_COLUMNS} tab-separated columns, found {len(cells)})"
        )
    gid, name, ascii_name, alternates, lat, lon, fclass, fcode, cc = cells[:9]
    try:
        geonameid, lat_f, lon_f = int(gid), float(lat), float(lon)
        population = int(cells[14] or 0)
    except ValueError as err:
        raise DataError(
            f"{source}:{number}: geonameid, latitude, longitude or population is not a number"
        ) from err
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise DataError(f"{source}:{number}: coordinates out of range")
    if fcode.startswith("PCL"):
        return None
    feature, precision = _feature_of(fclass, fcode)
    row = {
        "gid": f"geonames:{geonameid}",
        "name": name,
        "lat": lat_f,
        "lon": lon_f,
        "feature": feature,
        "feature_code": fcode or fclass,
        "country_code": cc or None,
        "country": countries.get(cc),
        "admin1": units.get((cc, cells[10])) or (name if feature == "admin1" else None),
        "population": population,
        "source": IMPORT_SOURCE,
        "site_feature": fcode.lower() if feature == "site" else None,
        "precision": precision,
    }
    names = {name, ascii_name, *(a for a in alternates.split(",") if _usable(a))}
    return row, {n for n in names if n}, name


def _feature_of(fclass: str, fcode: str) -> tuple[str, int | None]:
    """sitroom's feature class and UCDP where_prec for a GeoNames feature."""
    if fclass == "P":
        return "city", None
    if fcode == "ADM1":
        return "admin1", None
    if fclass == "A":
        return "area", 3  # a second- or lower-order division
    if fclass == "S":
        return "site", 1
    if fcode in ("OCN", "SEA", "GULF", "BAY", "STRT"):
        return "area", 7
    return "area", 5


def _usable(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and not (len(letters) <= 4 and all(c.isupper() for c in letters)) and alias.isascii()


def _insert(conn: sqlite3.Connection, row: dict, names: set[str], own: str) -> bool:
    cols = ", ".join(row)
    cur = conn.execute(
        f"INSERT OR IGNORE INTO place({cols}) VALUES ({', '.join('?' * len(row))})", tuple(row.values())
    )
    if not cur.rowcount:
        return False
    keyed = {(name_key(n), form_key(n), "name" if n == own else "alias") for n in names if name_key(n)}
    conn.executemany("INSERT INTO name VALUES (?, ?, ?, ?)", ((*k, cur.lastrowid) for k in keyed))
    return True


@contextmanager
def _user_db(path: Path) -> Iterator[sqlite3.Connection]:
    """The user SQLite file in one transaction: committed on success, rolled back on any error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(_SCHEMA)
        conn.execute("BEGIN")
        yield conn
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()


@contextmanager
def _dump_lines(path: Path) -> Iterator[Iterator[str]]:
    """The lines of a dump, read as a stream from a text file or the data file inside a zip."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.endswith(".txt") and "readme" not in n.lower()]
            if len(members) != 1:
                raise DataError(f"{path.name}: expected one GeoNames .txt file inside, found {members}")
            with archive.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8")
        return
    try:
        with path.open(encoding="utf-8") as f:
            yield f
    except UnicodeDecodeError as err:
        raise DataError(f"{path.name}: not UTF-8 text ({err.reason})") from err


def _index_ids(index: Path) -> set[str]:
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as conn:
        return {gid for (gid,) in conn.execute("SELECT gid FROM place WHERE gid LIKE 'geonames:%'")}


def _country_names(index: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT code, name FROM country").fetchall())


def _admin1_names(index: Path) -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> the index's English name of that unit."""
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT gid, name FROM place WHERE feature = 'admin1' AND gid LIKE 'admin1:%'")
        return {tuple(gid.split(":", 1)[1].split(".", 1)): name for gid, name in rows}


def user_counts(index: Path) -> dict[str, int]:
    """Entries in the user SQLite file by source."""
    db = user_db_path(index)
    if not db.is_file():
        return {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT source, count(*) FROM place GROUP BY source").fetchall())
