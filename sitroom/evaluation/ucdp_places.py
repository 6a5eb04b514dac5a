"""Place resolution on UCDP rows: UCDP's own place description, resolved with its governorate as context.

For rows with where_prec 1 (exact place) or 2 (within about 25 km of a named place), `where_coordinates`
("Teir Maaleh village", "Tadmur/Palmyra town", "Ghazal (Qizil Mazra'ah) village") is stripped of UCDP's
descriptor words and resolved through the pipeline's GeoResolver with `GeoContext(container=<adm_1
name>, country_hint="SY")`; alternative spellings (after "/" or in parentheses) are tried in turn when
the first does not resolve. Scores: resolved share (any point, and a point at place precision 1-2 rather
than a fallback to the governorate or a region), within 5 and 25 km of UCDP's point, admin1 agreement,
median error. The same is reported for the naive baseline, `sitroom.evaluation.baseline.most_populous`
(the most populous candidate of the name, no context).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sitroom.evaluation.baseline import most_populous
from sitroom.evaluation.metrics import SPLITS, Distances, Metric, Ratio, haversine_km, same_admin1
from sitroom.records import PlacePrecision

if TYPE_CHECKING:
    from sitroom.evaluation.ucdp import GedRow

DESCRIPTORS = frozenset(
    "village town city district governorate area countryside suburb locality "
    "neighbourhood neighborhood".split()
)
PRECISIONS = frozenset({PlacePrecision.SITE, PlacePrecision.NEAR})
_PAREN = re.compile(r"\(([^()]*)\)")
Lookup = Callable[[str, str | None], Any]  # (mention, container) -> a place-like object or None


@dataclass
class PlaceScores:
    metrics: dict[str, dict[str, Metric]] = field(default_factory=dict)  # split -> name -> metric
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Tally:
    resolved: Ratio = field(default_factory=Ratio)
    as_place: Ratio = field(default_factory=Ratio)
    within_5: Ratio = field(default_factory=Ratio)
    within_25: Ratio = field(default_factory=Ratio)
    admin1: Ratio = field(default_factory=Ratio)
    distances: Distances = field(default_factory=Distances)

    def add(self, row: GedRow, place: Any) -> None:
        point = _point(place)
        km = haversine_km(point[0], point[1], row.lat, row.lon) if point else None
        self.resolved.add(point is not None)
        self.as_place.add(point is not None and getattr(place, "precision", None) in PRECISIONS)
        self.within_5.add(km is not None and km <= 5)
        self.within_25.add(km is not None and km <= 25)
        self.admin1.add(place is not None and same_admin1(getattr(place, "admin1", None), row.adm_1))
        if km is not None:
            self.distances.add(km)

    def metrics(self, prefix: str) -> dict[str, Metric]:
        found = {
            "resolved": self.resolved.metric(),
            "resolved_as_place": self.as_place.metric(),
            "within_5km": self.within_5.metric(),
            "within_25km": self.within_25.metric(),
            "admin1": self.admin1.metric(),
            "median_km": self.distances.median(),
        }
        return {f"{prefix}.{name}": metric for name, metric in found.items()}


def place_mentions(where_coordinates: str) -> list[str]:
    """Names to try for a UCDP place description, best first, without descriptor words."""
    inside = _PAREN.findall(where_coordinates)
    outside = _PAREN.sub(" ", where_coordinates)
    names = [_strip_descriptors(part) for part in [*outside.split("/"), *inside]]
    return list(dict.fromkeys(n for n in names if n))


def _strip_descriptors(text: str) -> str:
    words = text.split()
    while words and words[-1].casefold() in DESCRIPTORS:
        words.pop()
    while words and words[0].casefold() == "the":
        words.pop(0)
    return " ".join(words)


def governorate_name(adm_1: str) -> str | None:
    """UCDP's "Homs Governorate" as the name a text would use: "Homs"."""
    name = " ".join(w for w in adm_1.split() if w.casefold() not in {"governorate", "province"})
    return name or None


def score_place_resolution(pipeline: Any, rows: Sequence[GedRow]) -> PlaceScores:
    """Place-resolution scores of the rows with where_prec 1 or 2, per split."""
    scores = PlaceScores()
    lookups = _lookups(pipeline, scores.info)
    for prefix, lookup in lookups.items():
        # all rows together, then where_prec 1 (the exact place) and 2 (within about 25 km) apart
        groups = ("", *(f".where_prec_{int(p)}" for p in sorted(PRECISIONS)))
        tallies = {(split, group): _Tally() for split in SPLITS for group in groups}
        resolve = _cached(lookup, scores.info, prefix)
        for row in rows:
            if row.where_prec in PRECISIONS:
                place = _first_resolved(resolve, row)
                tallies[(row.split, "")].add(row, place)
                tallies[(row.split, f".where_prec_{int(row.where_prec)}")].add(row, place)
        for (split, group), tally in tallies.items():
            scores.metrics.setdefault(split, {}).update(tally.metrics(prefix + group))
    return scores


def _first_resolved(resolve: Lookup, row: GedRow) -> Any:
    container = governorate_name(row.adm_1)
    for mention in place_mentions(row.where_coordinates):
        place = resolve(mention, container)
        if _point(place) is not None:
            return place
    return None


def _lookups(pipeline: Any, info: dict[str, Any]) -> dict[str, Lookup]:
    try:
        geo = importlib.import_module("sitroom.resolve.geo")
    except ImportError as error:
        info["place_resolution_skipped"] = f"sitroom.resolve.geo cannot be imported: {error}"
        return {}
    resolver, context = pipeline.resolvers.geo, geo.GeoContext
    found: dict[str, Lookup] = {
        "place_resolution": lambda m, c: resolver.resolve(m, context(container=c, country_hint="SY"))
    }
    found["baseline_most_populous"] = lambda m, _c: most_populous(pipeline.gazetteer, m)
    return found


def _cached(lookup: Lookup, info: dict[str, Any], prefix: str) -> Lookup:
    """The lookup with each (mention, container) computed once; a lookup that raises counts as no answer."""
    cache: dict[tuple[str, str | None], Any] = {}

    def resolve(mention: str, container: str | None) -> Any:
        key = (mention, container)
        if key not in cache:
            try:
                cache[key] = lookup(mention, container)
            except Exception as error:  # noqa: BLE001 - counted; one failing name must not end the run
                cache[key] = None
                info[f"{prefix}_errors"] = info.get(f"{prefix}_errors", 0) + 1
                info.setdefault(f"{prefix}_first_error", f"{mention!r}: {type(error).__name__}: {error}")
        return cache[key]

    return resolve


def _point(place: Any) -> tuple[float, float] | None:
    lat, lon = getattr(place, "lat", None), getattr(place, "lon", None)
    return (lat, lon) if lat is not None and lon is not None else None
