"""Blocking: the keys that decide which reports merging compares at all.

A report has keys for its type, place and time bucket, and only reports sharing a key are compared, so
the work grows with the blocks rather than with the square of all reports. Coarse places pair with the
finer places inside them but the fine ones not among themselves, points pair through grid cells, and the
time buckets reach as far as the date gaps that link cards allow.
"""

from __future__ import annotations

import math

from sitroom.merge.cards import LASTING, LASTING_GAP, MOMENT_GAP, day_span
from sitroom.records import Event, Place, PlacePrecision

_BUCKET_DAYS = {True: 30, False: 7}  # time-bucket width for lasting / momentary types
_MAX_BUCKETS = 4  # a vaguely dated report is blocked on its first and last buckets only


def blocking_keys(report: Event) -> tuple[str, ...]:
    """The blocks a report belongs to: its type, place and time bucket.

    A plain key pairs every report that has it. A coarse place (a province, a country) is written
    "^key" and a finer place inside it "vkey": they pair with each other but the fine ones not among
    themselves, so a province with thousands of towns does not make all their reports candidates.
    """
    buckets = _time_buckets(report)
    return tuple(
        f"{mark}{report.type.value}|{key}|{bucket}"
        for mark, key in _place_keys(report.place)
        for bucket in buckets
    )


def partner_keys(key: str) -> tuple[str, ...]:
    """The keys that pair with `key` (see `blocking_keys`)."""
    if key.startswith("^"):
        return ("v" + key[1:],)
    if key.startswith("v"):
        return ("^" + key[1:],)
    return (key,)


def _place_keys(place: Place | None) -> list[tuple[str, str]]:
    """(mark, key) pairs: "" plain, "^" coarse, "v" inside a coarse area (see `blocking_keys`)."""
    if place is None:
        return [("", "nowhere")]
    country = f"country:{place.country_code or place.country or place.name.lower()}"
    admin1 = f"admin1:{place.country_code}:{place.admin1.lower()}" if place.admin1 else None
    inside = [("v", country)] + ([("v", admin1)] if admin1 else [])
    if place.precision <= PlacePrecision.ADMIN2:
        if place.lat is None or place.lon is None:
            return [("", f"name:{place.name.lower()}"), *inside]
        return _grid_keys(place) + inside
    if place.precision == PlacePrecision.ADMIN1 and admin1:
        return [("", admin1), ("^", admin1), ("v", country)]
    return [("", country), ("^", country)]


# Grids for points: a site pairs with sites in its own or a neighbouring fine cell (about 11 km), a
# place known only roughly ("near X", a district) with anything in a neighbouring coarse cell (55 km).
_FINE, _COARSE = 10, 2  # cells per degree


def _grid_keys(place: Place) -> list[tuple[str, str]]:
    fine, coarse = _cell(place, _FINE), _cell(place, _COARSE)
    if place.precision == PlacePrecision.SITE:
        keys = [("^", f"f:{fine[0]}:{fine[1]}")]
        keys += [("v", f"f:{x}:{y}") for x, y in _around(fine)]
        return keys + [("v", f"c:{coarse[0]}:{coarse[1]}")]
    return [("^", f"c:{x}:{y}") for x, y in _around(coarse)] + [("v", f"c:{coarse[0]}:{coarse[1]}")]


def _cell(place: Place, per_degree: int) -> tuple[int, int]:
    return math.floor(place.lat * per_degree), math.floor(place.lon * per_degree)


def _around(cell: tuple[int, int]) -> list[tuple[int, int]]:
    return [(cell[0] + dx, cell[1] + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]


def _time_buckets(report: Event) -> tuple[str, ...]:
    span = report.date or day_span(report.reported)
    if span is None:
        return ("undated",)
    lasting = report.type in LASTING
    width = _BUCKET_DAYS[lasting]
    slack = LASTING_GAP if lasting else MOMENT_GAP
    # ordinals, not dates: a date near year 1 or 9999 plus the slack would overflow
    first = (span.start.toordinal() - slack.days) // width
    last = (span.end.toordinal() + slack.days) // width
    if last - first < _MAX_BUCKETS:
        return tuple(f"t{width}:{n}" for n in range(first, last + 1))
    # a vague window ("this year", "since 2013") is blocked at both ends: its start and the report's time
    half = _MAX_BUCKETS // 2
    return tuple(f"t{width}:{n}" for n in (*range(first, first + half), *range(last - half + 1, last + 1)))
