"""Scoring helpers shared by the evaluations: distances, shares, medians, admin1 names, result rows.

A metric is a `Metric`: a value (a share in [0, 1] or a distance in km) and the number of rows it was
computed over. A value is None when there was nothing to compute it over (n == 0).
"""

from __future__ import annotations

import csv
import math
import re
import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sitroom.errors import EvalError

SPLITS = ("dev", "heldout")
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
SHARE = "share"
KM = "km"

_ADMIN_WORDS = frozenset({"governorate", "province", "muhafazat", "muhafazah", "wilayat"})
_ARTICLES = frozenset("al el ar as ash ad adh az an at ath ed ez es er".split())
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Metric:
    """One result cell: a share or a distance, and the number of rows it covers."""

    value: float | None
    n: int
    unit: str = SHARE

    def to_dict(self) -> dict:
        value = None if self.value is None else round(self.value, 4)
        return {"value": value, "n": self.n, "unit": self.unit}


@dataclass(slots=True)
class Ratio:
    """A running count of hits among scored rows."""

    hits: int = 0
    n: int = 0

    def add(self, hit: bool) -> None:
        self.n += 1
        self.hits += int(hit)

    def metric(self) -> Metric:
        return Metric(share(self.hits, self.n), self.n)


@dataclass(slots=True)
class Distances:
    """Distances in km between predicted and gold points, summarised as a median and shares within radii."""

    values: list[float] = field(default_factory=list)

    def add(self, km: float) -> None:
        self.values.append(km)

    def median(self) -> Metric:
        return Metric(median(self.values), len(self.values), KM)

    def within(self, km: float) -> Metric:
        return Metric(share(sum(v <= km for v in self.values), len(self.values)), len(self.values))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def median(values: Iterable[float]) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def share(hits: int, n: int) -> float | None:
    return hits / n if n else None


def admin1_key(name: str) -> str:
    """A comparable form of a first-order division name: "Homs Governorate" -> "homs",
    "Deir ez Zor Governorate" and "Deir ez-Zor" -> "deir zor", "Al Hasakah" -> "hasakah"."""
    words = [w for w in _form_key(name).split() if w not in _ADMIN_WORDS]
    kept = [w for i, w in enumerate(words) if not (w in _ARTICLES and i + 1 < len(words))]
    return " ".join(kept)


def same_admin1(predicted: str | None, gold: str | None) -> bool:
    """Whether two admin1 names name the same division, allowing transliteration variants
    ("Hamah" / "Hama", "Ar Raqqah" / "Raqqa") through sitroom's name skeleton when it exists."""
    if not predicted or not gold:
        return False
    left, right = admin1_key(predicted), admin1_key(gold)
    if not left or not right:
        return False
    return left == right or _skeleton(left) == _skeleton(right)


def _form_key(text: str) -> str:
    """sitroom's own spelling key when the transliteration module is there, else a local fold."""
    try:
        from sitroom.resolve.translit import form_key
    except ImportError:
        return _local_fold(text)
    return form_key(text)


def _local_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[’'‘`´ʻʼʿʾ]", "", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _skeleton(key: str) -> str:
    try:
        from sitroom.resolve.translit import name_key
    except ImportError:
        return key
    return name_key(key)


def overlaps_either_way(a: str, b: str) -> bool:
    """Case-insensitive: one non-empty string contains the other."""
    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    return bool(a) and bool(b) and (a in b or b in a)


def read_split(path: Path, key_column: str) -> dict[str, str]:
    """key -> "dev" or "heldout" from a data set's split.csv."""
    if not path.is_file():
        raise EvalError(f"{path}: split file missing")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or key_column not in rows[0] or "split" not in rows[0]:
        raise EvalError(f"{path}: expected columns {key_column!r} and 'split'")
    bad = {r["split"] for r in rows} - set(SPLITS)
    if bad:
        raise EvalError(f"{path}: unknown split value(s) {sorted(bad)}")
    return {r[key_column]: r["split"] for r in rows}


def first_per_split(items: Iterable[tuple[str, T]], limit: int | None) -> list[tuple[str, T]]:
    """(split, item) pairs in order, keeping at most `limit` per split (all when limit is None)."""
    counts = dict.fromkeys(SPLITS, 0)
    kept = []
    for split, item in items:
        if limit is not None and counts[split] >= limit:
            continue
        counts[split] += 1
        kept.append((split, item))
    return kept


def metrics_dict(metrics: dict[str, Metric]) -> dict[str, dict]:
    return {name: m.to_dict() for name, m in metrics.items()}
