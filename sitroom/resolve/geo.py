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

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sitroom.records import Place, PlacePrecision
from sitroom.resolve.gazetteer import Candidate, Gazetteer
from sitroom.resolve.translit import name_key

BASE_HINTS = frozenset(
    {"base", "airbase", "garrison", "crossing", "airport", "airfield", "camp", "port", "dam", "field"}
)
ADMIN_HINTS = frozenset({"province", "governorate", "oblast", "state", "region"})
TOWN_HINTS = frozenset({"city", "town", "village"})
SMALL_PLACE = 100_000  # below this a populated place is "small" for abstention purposes

_LEADING = re.compile(
    r"^(?:the\s+)?(?:(?P<town>city|town|village|municipality)\s+of\s+"
    r"|(?P<admin>province|governorate|region|oblast)\s+of\s+|(?P<rural>rural)\s+"
    r"|(?P<near>near|outside|around|(?:the\s+)?outskirts\s+of|(?:the\s+)?vicinity\s+of)\s+)",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"\s+(?:(?P<admin>province|governorate|oblast|region)|(?P<rural>countryside)|(?P<town>city|town|village)"
    r"|(?P<near>area|outskirts|environs|vicinity)"
    r"|(?P<base>(?:military\s+|air\s+|naval\s+)?(?:base|airbase|airfield|airport|garrison|outpost)"
    r"|(?:border\s+)?crossing))$",
    re.IGNORECASE,
)
_HINT_OF = {"town": "town", "admin": "province", "rural": "province", "near": "near", "base": "base"}
_DIR = r"(?P<dir>(?:north|south)(?:[-\s]?(?:east|west))?|east|west)(?:ern)?"
_DIRECTIONAL = (
    re.compile(rf"^(?:the\s+)?{_DIR}\s+(?P<unit>.+)$", re.IGNORECASE),  # northeastern Syria
    re.compile(
        rf"^(?P<unit>.+?)['’]s\s+{_DIR}(?:\s+(?:region|part|area))?$", re.IGNORECASE
    ),  # Syria's north-east
    re.compile(rf"^the\s+{_DIR}\s+of\s+(?P<unit>.+)$", re.IGNORECASE),  # the north of Iraq
)
_POINTS = {"north": (1, 0), "south": (-1, 0), "east": (0, 1), "west": (0, -1)}


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


class GeoResolver:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def resolve(self, mention: str, context: GeoContext = GeoContext()) -> Place | None:
        countries = self._hinted_countries(context)
        if not countries and context.document_places:
            countries = self._infer_countries(context.document_places)
        return self._resolve(mention, context, countries)

    def resolve_document(self, mentions: Sequence[tuple[str, GeoContext]]) -> list[Place | None]:
        """Resolve a document's mentions together: unambiguous ones fix the document's countries."""
        countries = self._infer_countries([text for text, _ in mentions])
        return [self._resolve(text, ctx, self._hinted_countries(ctx) or countries) for text, ctx in mentions]

    def _hinted_countries(self, context: GeoContext) -> frozenset[str]:
        return frozenset({context.country_hint.upper()}) if context.country_hint else frozenset()

    def _infer_countries(self, texts: Sequence[str]) -> frozenset[str]:
        """The most frequent country among mentions that only one country's places match."""
        votes = Counter(cc for cc in (self._unambiguous_country(t) for t in texts) if cc)
        if not votes:
            return frozenset()
        top = votes.most_common(1)[0][1]
        return frozenset(cc for cc, n in votes.items() if n == top)

    def _unambiguous_country(self, text: str) -> str | None:
        core = self._parse(text).core
        exact = [c for c in self.gazetteer.candidates(core) if c.exact and c.country_code]
        notable = [c for c in exact if c.feature != "city" or c.population >= SMALL_PLACE] or exact
        codes = {c.country_code for c in notable}
        return codes.pop() if len(codes) == 1 else None

    def _resolve(self, mention: str, context: GeoContext, countries: frozenset[str]) -> Place | None:
        if re.fullmatch(r"[A-Z]{2}", mention.strip()):  # callers may name a country by its ISO code
            country = self.gazetteer.country(mention.strip())
            return _to_place(country, mention, near=False) if country else None
        scope = self._scope(context, countries)
        parsed = self._parse(mention)
        hint = (context.feature_hint or "").lower() or parsed.hint
        near = parsed.near or hint == "near"
        place = self._lookup(mention, parsed, hint, scope, near)
        if place is None:
            place = self._direction(mention, scope)
        if place is None and scope.container is not None:
            return _to_place(scope.container, mention, near=False)
        return place

    def _scope(self, context: GeoContext, countries: frozenset[str]) -> _Scope:
        container = self._container(context.container) if context.container else None
        if container is not None and container.country_code:
            countries = countries | {container.country_code}
        nearby = set(countries)
        for cc in countries:
            nearby |= self.gazetteer.neighbours(cc)
        return _Scope(countries, frozenset(nearby), container)

    def _container(self, text: str) -> Candidate | None:
        """An enclosing unit: an admin1 division or country, else an area."""
        cands = self.gazetteer.candidates(self._parse(text).core)
        units = [c for c in cands if c.exact and c.feature in ("admin1", "country", "area")]
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
        for query in dict.fromkeys((whole, parsed.core)):
            cands = [c for c in self.gazetteer.candidates(query) if _admissible(c, hint)]
            if query == whole != parsed.core and not any(c.exact for c in cands):
                continue
            best = self._best(cands, hint, scope)
            if best is not None:
                return (
                    None
                    if self._abstain(best, mention, parsed.core, scope)
                    else _to_place(best, mention, near)
                )
        return None

    def _town_of_site(self, mention: str, core: str, scope: _Scope) -> Place | None:
        """A town GeoNames lacks but a site is named after ("Tell Baydar"): the site's point, coded NEAR."""
        sites = [c for c in self.gazetteer.candidates(core) if c.matched == "near_town" and c.exact]
        best = self._best(sites, "base", scope)
        if best is None or (scope.countries and best.country_code not in scope.nearby):
            return None
        place = _to_place(best, mention, near=True)
        return replace(place, name=best.near_town or core, feature="town")

    def _best(self, cands: list[Candidate], hint: str, scope: _Scope) -> Candidate | None:
        # A unit and its seat city share a name: either spelling counts as exact for both.
        exact_units = {
            (c.country_code, c.admin1) for c in cands if c.exact and c.feature in ("admin1", "city")
        }
        seats = {(c.country_code, c.admin1) for c in cands if c.feature == "city"}

        def exact(c: Candidate) -> bool:
            shared = c.feature in ("admin1", "city") and c.admin1 is not None
            return c.exact or (shared and (c.country_code, c.admin1) in exact_units)

        def score(c: Candidate) -> tuple:
            unit = (c.country_code, c.admin1)
            return (
                _hint_fit(c, hint),
                exact(c),
                _inside(c, scope.container),
                c.country_code in scope.countries,
                c.country_code in scope.nearby,
                _class_rank(c, has_seat=unit in seats),
                c.matched == "name",  # a place's own name over a former or variant name
                math.log10(c.population + 1),
            )

        best = max(cands, key=score, default=None)
        return replace(best, exact=True) if best is not None and exact(best) else best

    def _abstain(self, best: Candidate, mention: str, core: str, scope: _Scope) -> bool:
        common = not any(ch.isupper() for ch in mention) or self.gazetteer.is_common_word(core)
        if not best.exact and len(name_key(core)) < 4:
            return True  # a short consonant skeleton matches too much to trust a variant spelling
        if best.matched == "alias" and scope.countries and best.country_code not in scope.nearby:
            return True  # one of a far place's many alternate names, in a document about elsewhere
        far = bool(scope.countries) and best.country_code not in scope.nearby
        if best.feature != "city" or best.population >= SMALL_PLACE:
            return common and (not best.exact or far)  # "northeast" is not Iceland's Northeast region
        if scope.container is not None and best.country_code == scope.container.country_code:
            return False
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


def _compass_key(lat_sign: float, lon_sign: float) -> str:
    return ("n" if lat_sign > 0 else "s" if lat_sign < 0 else "") + (
        "e" if lon_sign > 0 else "w" if lon_sign < 0 else ""
    )


def _admissible(c: Candidate, hint: str | None) -> bool:
    """A site matched only by its nearby town's name stands for that town only after a base-like word."""
    return c.matched != "near_town" or hint in BASE_HINTS or hint == "airbase"


def _hint_fit(c: Candidate, hint: str | None) -> int:
    if not hint or hint == "near":
        return 0
    if hint in BASE_HINTS or hint == "airbase":
        return int(c.feature == "site")
    if hint in ADMIN_HINTS:
        return int(c.feature == "admin1") * 2 + int(c.feature in ("country", "area"))
    if hint in TOWN_HINTS:
        return int(c.feature == "city")
    if hint == "border":
        return int(c.feature == "site" and c.site_feature == "crossing")
    return 0


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
        base = {"admin1": PlacePrecision.ADMIN1, "country": PlacePrecision.COUNTRY}.get(
            c.feature, PlacePrecision.SITE
        )
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


def most_populous_baseline(gazetteer: Gazetteer, mention: str) -> Place | None:
    """The naive baseline: the most populous entry spelled like the mention, no context."""
    exact = [c for c in gazetteer.candidates(mention) if c.exact and c.matched != "near_town"]
    best = max(exact, key=lambda c: c.population, default=None)
    return _to_place(best, mention, near=False) if best else None
