"""Merge the reports of one real-world event across documents.

Each document's account of an event is a *report* (an `Event` from one document). Forty outlets covering
one attack give forty reports and one event. Merging is a pure function of the set of reports and the
reviewers' decisions, so the order in which documents arrive never changes the result:

1. Blocking: a report has keys (type, place, time bucket); only reports sharing a key are compared.
2. Linking: a pair of reports links when nothing tells them apart (type, actors, places, dates, method)
   and enough agrees; the reasons are kept so every merge can be explained.
3. Clustering: links are taken strongest first (ties by ids) and join two clusters only when no pair
   across them conflicts. Reviewers' merges join first; their splits forbid a pair.
4. Combining: a cluster becomes one event carrying all its sources, its status history and its reports.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import orjson

from sitroom.codec import collector_paused
from sitroom.lexicon import load_lexicon
from sitroom.merge.document import _union, facility_kind, specificity
from sitroom.records import (
    OFFSET_FEATURE,
    Certainty,
    Claim,
    DateBasis,
    DatePrecision,
    Event,
    EventType,
    Evidence,
    Place,
    PlacePrecision,
    ReportLink,
    Review,
    ReviewAction,
    ReviewState,
    Role,
    Source,
    SourceKind,
    Status,
    StatusStep,
    TimeSpan,
)

# A force's move (withdrawal, deployment, handover) is a story that runs for weeks; an attack is a moment.
_LASTING = frozenset({EventType.WITHDRAW, EventType.DEPLOY, EventType.PRESENCE, EventType.CONTROL})
_LASTING_GAP = timedelta(days=45)  # reports of one move may be this far apart
_MOMENT_GAP = timedelta(days=1)  # reports of one attack may disagree on its date by a day
_BUCKET_DAYS = {True: 30, False: 7}  # time-bucket width for lasting / momentary types
_MAX_BUCKETS = 4  # a vaguely dated report is blocked on its first and last buckets only

# Link strength: what agrees, and how much it says.
_THRESHOLD = 0.6
# Two differently named points are one place only this close (gazetteer duplicates, a base and the
# village it is named after); "near X" and districts reach further.
_NEAR_KM = {PlacePrecision.SITE: 5.0, PlacePrecision.NEAR: 25.0, PlacePrecision.ADMIN2: 40.0}
_OFFSET_KM = 50.0

_WORD = re.compile(r"[a-z0-9]+")
_STATUS_STAGE = {
    Status.PLANNED: 0,
    Status.EXPECTED: 0,
    Status.BEGAN: 1,
    Status.ONGOING: 2,
    Status.COMPLETED: 3,
}
_CERTAINTY_RANK = {
    Certainty.REPORTED: 0,
    Certainty.CLAIMED: 1,
    Certainty.UNCERTAIN: 2,
    Certainty.EXPECTED: 3,
    Certainty.DENIED: 4,
}
_FORESEEN = frozenset({Status.EXPECTED, Status.PLANNED})
_CORRECTABLE = ("type", "status", "certainty", "fatalities", "date_start", "date_end")


@dataclass(frozen=True, slots=True)
class Link:
    score: float
    reasons: tuple[str, ...]


# --- blocking ----------------------------------------------------------------------------------------


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
    span = report.date or _day_span(report.reported)
    if span is None:
        return ("undated",)
    lasting = report.type in _LASTING
    width = _BUCKET_DAYS[lasting]
    slack = _LASTING_GAP if lasting else _MOMENT_GAP
    # ordinals, not dates: a date near year 1 or 9999 plus the slack would overflow
    first = (span.start.toordinal() - slack.days) // width
    last = (span.end.toordinal() + slack.days) // width
    if last - first < _MAX_BUCKETS:
        return tuple(f"t{width}:{n}" for n in range(first, last + 1))
    # a vague window ("this year", "since 2013") is blocked at both ends: its start and the report's time
    half = _MAX_BUCKETS // 2
    return tuple(f"t{width}:{n}" for n in (*range(first, first + half), *range(last - half + 1, last + 1)))


def _day_span(day: date | None) -> TimeSpan | None:
    return TimeSpan(day, day, DatePrecision.DAY) if day is not None else None


# --- linking -----------------------------------------------------------------------------------------


def link(a: Event, b: Event) -> Link | None:
    """How strongly two reports from different documents describe one event; None when they cannot."""
    # Only links are kept, not pairs that do not link: most pairs in a block do not, and would fill the memo.
    return _per_pair("link", a, b, _link, keep=lambda found: found is not None)


def _link(a: Event, b: Event) -> Link | None:
    if conflict(a, b):
        return None
    reasons: list[str] = [f"same type ({a.type.value})"]
    score = _place_score(a.place, b.place, reasons) + _date_score(a, b, reasons)
    score += _actor_score(a, b, reasons) + _text_score(a, b, reasons)
    return Link(round(score, 3), tuple(reasons)) if score >= _THRESHOLD else None


def conflict(a: Event, b: Event) -> str | None:
    """Why two reports cannot be one event, or None."""
    if a.type != b.type:
        return "different types"
    if _documents(a) & _documents(b):
        return "one document told them apart"
    found = card_conflict(link_card(a), link_card(b))
    if found is None and _methods(a) and _methods(b) and not _methods(a) & _methods(b):
        return "different methods"
    hit_a, hit_b = _named_targets(a), _named_targets(b)
    if found is None and hit_a and hit_b and not hit_a & hit_b:
        return "different targets"  # attacks on the "Eternity C" and on the "Magic Seas" are two attacks
    return found


def _named_targets(event: Event) -> frozenset[str]:
    """The proper names of what an attack hit that sitroom's actor data does not know (a ship, a person):
    each word capitalised or a number ("Eternity C", "Magic Seas"), unlike "a Liberian-flagged ship"."""
    return frozenset(
        a.name.casefold()
        for a in event.actors
        if a.role == Role.TARGET and a.id is None and _PROPER_NAME.match(a.name)
    )


_PROPER_NAME = re.compile(r"^(?:[A-Z0-9][\w'’.-]*)(?:\s+[A-Z0-9][\w'’.-]*)*$")


@dataclass(frozen=True, slots=True)
class LinkCard:
    """What `conflict` reads of a report besides its documents and wording: small enough for a store to
    read for every report in a block, so that it decodes in full only the reports a card cannot rule out."""

    type: EventType
    status: Status
    span: TimeSpan | None  # the event's dates, or else the day it was reported
    agents: frozenset[str]  # the ids of the actors who act
    place: Place | None  # read back from a card, only what comparing places reads is filled in


def link_card(report: Event) -> LinkCard:
    agents = frozenset(x.id for x in report.actors if x.role == Role.AGENT and x.id)
    span = report.date or _day_span(report.reported)
    return LinkCard(report.type, report.status, span, agents, report.place)


def card_conflict(a: LinkCard, b: LinkCard) -> str | None:
    """Why two reports with these cards cannot be one event, or None where the cards allow it."""
    if a.type != b.type:
        return "different types"
    if a.agents and b.agents and not a.agents & b.agents:
        return "different actors"
    if not _places_compatible(a.place, b.place):
        return "different places"
    if a.type in _LASTING and not _same_scope(a.place, b.place):
        # Leaving a country is not leaving one of its bases: a move's place is its scope.
        return "different scopes"
    if not _dates_compatible(a, b):
        return "different dates"
    return None


# Stored cards say which layout they have: a card of another layout (older rules) rules nothing out.
_CARD_LAYOUT = 1


def card_text(report: Event) -> str:
    """A report's `LinkCard` as compact JSON, to store beside its record."""
    card = link_card(report)
    span, place = card.span, card.place
    return orjson.dumps(
        [
            _CARD_LAYOUT,
            card.type.value,
            card.status.value,
            [span.start.isoformat(), span.end.isoformat(), int(span.precision)] if span else None,
            sorted(card.agents),
            [
                place.name,
                place.lat,
                place.lon,
                int(place.precision),
                place.country_code,
                place.admin1,
                place.gazetteer_id,
            ]
            if place
            else None,
        ]
    ).decode()


def read_card(text: str | None) -> LinkCard | None:
    """The card `card_text` wrote, or None for no card, one of another layout or one that cannot be read."""
    if text is None:
        return None
    try:
        layout, type_, status, span, agents, place = orjson.loads(text)
        if layout != _CARD_LAYOUT:
            return None
        return LinkCard(
            EventType(type_),
            Status(status),
            TimeSpan(date.fromisoformat(span[0]), date.fromisoformat(span[1]), DatePrecision(span[2]))
            if span
            else None,
            frozenset(agents),
            _card_place(place) if place else None,
        )
    except (ValueError, TypeError, IndexError):
        return None


def _card_place(fields: list) -> Place:
    name, lat, lon, precision, country_code, admin1, gazetteer_id = fields
    return Place(
        name,
        lat,
        lon,
        PlacePrecision(precision),
        country_code=country_code,
        admin1=admin1,
        gazetteer_id=gazetteer_id,
    )


def _documents(report: Event) -> frozenset[str]:
    if report.reports:
        return frozenset(report.documents)
    return _memoised("documents", report, lambda: frozenset(e.document for e in report.evidence))


def _places_compatible(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None:
        return True
    if a.country_code and b.country_code and a.country_code != b.country_code:
        return False
    if _same_place(a, b):
        return True
    kinds = {facility_kind(a), facility_kind(b)}
    if None not in kinds and len(kinds) == 2:
        return False  # a palace and an airport of one city are two places, however close
    coarse, fine = (a, b) if a.precision >= b.precision else (b, a)
    if OFFSET_FEATURE in (a.feature, b.feature) and max(a.precision, b.precision) <= PlacePrecision.AREA:
        return _distance(a, b) <= _OFFSET_KM  # "50 km west of X": a point, known to tens of kilometres
    if coarse.precision >= PlacePrecision.AREA:
        return True
    if coarse.precision == PlacePrecision.ADMIN1:
        return bool(fine.admin1) and fine.admin1 == coarse.admin1
    limit = _NEAR_KM.get(coarse.precision, 25.0)
    return _distance(a, b) <= limit


def _same_scope(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None:
        return True
    if _same_place(a, b):
        return True
    points = max(a.precision, b.precision) <= PlacePrecision.ADMIN2
    return points and _distance(a, b) <= _NEAR_KM.get(max(a.precision, b.precision), 25.0)


def _same_place(a: Place, b: Place) -> bool:
    if a.gazetteer_id and b.gazetteer_id:
        return a.gazetteer_id == b.gazetteer_id
    return a.name.lower() == b.name.lower()


def _distance(a: Place, b: Place) -> float:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _dates_compatible(a: LinkCard, b: LinkCard) -> bool:
    sa, sb = a.span, b.span
    if sa is None or sb is None:
        return True
    if a.type in _LASTING:
        if a.status == Status.COMPLETED and b.status == Status.COMPLETED:
            return _gap(sa, sb) <= timedelta(days=7)  # two completed moves weeks apart are two moves
        return _gap(sa, sb) <= _LASTING_GAP
    return _gap(sa, sb) <= _MOMENT_GAP


def _gap(a: TimeSpan, b: TimeSpan) -> timedelta:
    if a.start <= b.end and b.start <= a.end:
        return timedelta(0)
    return (b.start - a.end) if a.end < b.start else (a.start - b.end)


# How an attack was carried out (lexicon.toml [methods]): two reports naming different methods describe
# different attacks; a report naming none ("an attack", "killed") fits any.
_METHOD_PATTERNS = {
    method: re.compile(r"\b(?:" + "|".join(words) + r")", re.IGNORECASE)
    for method, words in load_lexicon().attack_methods.items()
}


def _methods(event: Event) -> frozenset[str]:
    return _memoised("methods", event, lambda: _methods_in(event.trigger, event.evidence[:1]))


def _methods_in(trigger: str, evidence: tuple[Evidence, ...]) -> frozenset[str]:
    text = " ".join([trigger, *(e.sentence for e in evidence)])
    return frozenset(m for m, pattern in _METHOD_PATTERNS.items() if pattern.search(text))


def _place_score(a: Place | None, b: Place | None, reasons: list[str]) -> float:
    if a is None or b is None:
        return 0.1
    if _same_place(a, b):
        reasons.append(f"same place ({a.name})")
        return 0.4 if a.precision <= PlacePrecision.ADMIN2 else 0.25
    points = max(a.precision, b.precision) <= PlacePrecision.ADMIN2
    if points or a.feature == b.feature == OFFSET_FEATURE:  # "50 km west of X" is a point too
        reasons.append(f"places {round(_distance(a, b))} km apart")
        return 0.3
    reasons.append(f"{a.name} and {b.name} nest")
    return 0.15


def _date_score(a: Event, b: Event, reasons: list[str]) -> float:
    sa, sb = a.date, b.date
    if sa is None or sb is None:
        return 0.05
    if sa.start == sb.start and sa.end == sb.end:
        reasons.append(f"same date ({sa.start})")
        return 0.3
    if _gap(sa, sb) == timedelta(0):
        reasons.append("dates overlap")
        return 0.25
    if a.type in _LASTING and _STATUS_STAGE[a.status] != _STATUS_STAGE[b.status]:
        reasons.append(f"the story moves on ({_status_pair(a, b)})")
        return 0.2
    reasons.append(f"dates {_gap(sa, sb).days} days apart")
    return 0.1


def _status_pair(a: Event, b: Event) -> str:
    first, then = sorted((a, b), key=lambda e: e.date.start if e.date else date.min)
    return f"{first.status.value} then {then.status.value}"


def _actor_score(a: Event, b: Event, reasons: list[str]) -> float:
    shared = _agent_ids(a) & _agent_ids(b)
    if shared:
        reasons.append(f"same actor ({', '.join(sorted(shared))})")
        return 0.2
    return 0.0


def _agent_ids(event: Event) -> set[str]:
    return {x.id for x in event.actors if x.id and x.role.value in ("agent", "claimant")}


def _text_score(a: Event, b: Event, reasons: list[str]) -> float:
    similarity = _jaccard(_words(a), _words(b))
    if similarity >= 0.3:
        reasons.append(f"wording {similarity:.0%} alike")
    return 0.15 * similarity


def _words(event: Event) -> frozenset[str]:
    return _memoised("words", event, lambda: _words_in(event.evidence))


def _words_in(evidence: tuple[Evidence, ...]) -> frozenset[str]:
    return frozenset(_WORD.findall(" ".join(e.sentence for e in evidence).lower()))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


# --- clustering --------------------------------------------------------------------------------------


class _Clusters:
    """Union-find over report ids, with each cluster's members kept for the conflict check."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}
        self.members = {i: [i] for i in self.parent}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: str, b: str) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        if ra != rb:
            self.parent[rb] = ra
            self.members[ra] += self.members.pop(rb)


def merge_reports(reports: Sequence[Event], reviews: Sequence[Review] = ()) -> list[Event]:
    """The events that a set of reports describe, each with its sources; the same for any order."""
    # The cyclic collector's full passes over every live record cost a third of the time at 100k reports
    # (bench-merge); merging makes no reference cycles.
    with collector_paused(), memoised(MergeMemo()):
        _active_memo().merging(reports)
        return _merge(reports, reviews)


class MergeMemo:
    """What merging learns about reports, by the identity of the report objects: each report's
    documents, methods and words, each pair's conflict and, where they link, its link. Reports are
    immutable and the memo keeps every report it has an entry for alive, so no id() is reused while it
    lasts: an entry is right for as long as it exists. A store keeps one across its writes: it hands out
    the same decoded object for a report until the report's record changes, so the pairs a write merges
    again (a busy story grows in every write) are not compared again. After each write it keeps only
    the reports that write merged (the stories it touched), and past its limits it is emptied, so memory
    stays flat."""

    def __init__(self, reports: int = 2048, pairs: int = 50_000, reads: MergeMemo | None = None) -> None:
        self._limits = (reports, pairs)
        self.reads = reads  # a memo whose features this one reads, without keeping its reports alive
        self.clear()

    def clear(self) -> None:
        self._merged: set[int] = set()
        self._reports: dict[int, Event] = {}
        self.features: dict[tuple[str, int], frozenset[str]] = {}
        self.pairs: dict[tuple[str, int, int], Any] = {}  # ("link" or "conflict", a, b) -> what was found

    def key(self, report: Event) -> int:
        found = id(report)
        if found not in self._reports:
            self._reports[found] = report
        return found

    def feature(self, what: str, report: Event) -> frozenset[str] | None:
        """A feature found before, here or in `reads` (a memo keeps alive every report it has an entry
        for, so an id found in either is this report's)."""
        found = self.features.get((what, id(report)))
        if found is None and self.reads is not None:
            found = self.reads.features.get((what, id(report)))
        return found

    def merging(self, reports: Iterable[Event]) -> None:
        self._merged.update(id(report) for report in reports)

    def trim(self) -> None:
        """Keep the entries of the reports merged since the last trim, if any were, within the limits."""
        kept = self._merged
        if kept:
            self._reports = {key: r for key, r in self._reports.items() if key in kept}
            self.features = {key: f for key, f in self.features.items() if key[1] in kept}
            self.pairs = {key: p for key, p in self.pairs.items() if key[1] in kept and key[2] in kept}
            self._merged = set()
        reports, pairs = self._limits
        if len(self._reports) > reports or len(self.pairs) > pairs:
            self.clear()


# The memo of the merge or store write running in this thread, if any.
_local = threading.local()


def _active_memo() -> MergeMemo | None:
    return getattr(_local, "memo", None)


@contextlib.contextmanager
def memoised(memo: MergeMemo, instead: bool = False) -> Iterator[None]:
    """Use `memo` in this thread while the block runs, unless an outer block already set one (`instead`:
    even then)."""
    outer = _active_memo()
    _local.memo = outer if outer is not None and not instead else memo
    try:
        yield
    finally:
        _local.memo = outer


def _memoised(what: str, report: Event, compute: Callable[[], frozenset[str]]) -> frozenset[str]:
    memo = _active_memo()
    if memo is None:
        return compute()
    found = memo.feature(what, report)
    if found is None:
        found = memo.features[(what, memo.key(report))] = compute()
    return found


def _per_pair(
    what: str,
    a: Event,
    b: Event,
    compute: Callable[[Event, Event], Any],
    keep: Callable[[Any], bool] = lambda found: True,
) -> Any:
    memo = _active_memo()
    if memo is None:
        return compute(a, b)
    key = (what, id(a), id(b))
    found = memo.pairs.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = compute(a, b)
        if keep(found):
            memo.pairs[(what, memo.key(a), memo.key(b))] = found
    return found


_UNKNOWN = object()


def _merge(reports: Sequence[Event], reviews: Sequence[Review]) -> list[Event]:
    by_id = {r.id: r for r in sorted(reports, key=lambda r: r.id)}
    clusters = _Clusters(by_id)
    joined, forbidden = _review_constraints(reviews, by_id)
    for a, b in sorted(joined):
        clusters.union(a, b)
    links: dict[tuple[str, str], Link] = {}
    for a, b in _candidate_pairs(by_id.values()):
        found = link(by_id[a], by_id[b]) if (a, b) not in forbidden else None
        if found is not None:
            links[(a, b)] = found
    for (a, b), _ in sorted(links.items(), key=lambda item: (-item[1].score, item[0])):
        ra, rb = clusters.find(a), clusters.find(b)
        if ra != rb and _joinable(clusters.members[ra], clusters.members[rb], by_id, forbidden):
            clusters.union(a, b)
    events = [_combine([by_id[i] for i in members], links) for members in clusters.members.values()]
    return sorted(_apply_reviews(events, reviews), key=lambda e: e.id)


def _candidate_pairs(reports: Iterable[Event]) -> set[tuple[str, str]]:
    blocks: dict[str, list[str]] = {}
    for report in reports:
        for key in blocking_keys(report):
            blocks.setdefault(key, []).append(report.id)
    pairs = set()
    for key, ids in blocks.items():
        if key.startswith("v"):
            continue  # fine members pair only with the coarse reports of their area
        partners = ids if not key.startswith("^") else blocks.get("v" + key[1:], [])
        for i, a in enumerate(ids):
            for b in partners[i + 1 :] if partners is ids else partners:
                if a != b:
                    pairs.add((a, b) if a < b else (b, a))
    return pairs


def _joinable(
    left: list[str], right: list[str], by_id: dict[str, Event], forbidden: set[tuple[str, str]]
) -> bool:
    """Single links join clusters only when no pair across them conflicts (no chaining across events)."""
    for a in left:
        for b in right:
            pair = (a, b) if a < b else (b, a)
            if pair in forbidden or _per_pair("conflict", by_id[a], by_id[b], conflict):
                return False
    return True


def _review_constraints(
    reviews: Sequence[Review], by_id: dict[str, Event]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(pairs a reviewer joined, pairs a reviewer separated), the later decision winning for a pair."""
    joined: set[tuple[str, str]] = set()
    separated: set[tuple[str, str]] = set()
    for review in sorted(reviews, key=lambda r: (r.at, r.id)):
        if review.action == ReviewAction.MERGE:
            ids = sorted(i for i in {*review.reports, *review.other_reports} if i in by_id)
            pairs = {(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]}
            joined |= pairs
            separated -= pairs
        elif review.action == ReviewAction.SPLIT and review.other in by_id:
            pairs = {_pair(review.other, o) for o in review.reports if o != review.other and o in by_id}
            separated |= pairs
            joined = {p for p in joined if review.other not in p}
    return joined, separated


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


# --- combining ---------------------------------------------------------------------------------------


def _combine(reports: list[Event], links: dict[tuple[str, str], Link]) -> Event:
    ordered = sorted(reports, key=lambda r: (r.reported or date.max, r.id))
    if len(ordered) == 1:
        only = ordered[0]
        return replace(
            only,
            updated=only.reported,
            reports=(_report_link(only, ordered, links, origin=_origins(ordered)[only.id]),),
            history=_history(ordered),
        )
    anchor, latest = ordered[0], ordered[-1]
    origins = _origins(ordered)
    place = min((r.place for r in ordered if r.place), key=specificity, default=None)
    return replace(
        anchor,
        status=_status(ordered),
        certainty=min((r.certainty for r in ordered), key=_CERTAINTY_RANK.__getitem__),
        actors=_union_all(ordered, "actors", lambda a: (a.id or a.name, a.role)),
        place=place,
        date=_date(ordered),
        fatalities=_latest_toll(ordered),
        quantities=_union_all(ordered, "quantities", lambda q: (q.kind, q.category, q.value)),
        claims=_union_all(ordered, "claims", lambda c: (c.field, c.value, c.source.name))
        + _toll_claims(ordered),
        sources=_union_all(ordered, "sources", lambda s: (s.name, s.kind, s.stance)),
        evidence=_union_all(ordered, "evidence", lambda e: (e.document, e.start)),
        expected_end=next((r.expected_end for r in reversed(ordered) if r.expected_end), None),
        reported=anchor.reported,
        updated=latest.reported,
        reports=tuple(_report_link(r, ordered, links, origins[r.id]) for r in ordered),
        source_count=len(set(origins.values())),
        history=_history(ordered),
    )


def _union_all(reports: list[Event], name: str, key) -> tuple:
    found: tuple = ()
    for report in reports:
        found = _union(found, getattr(report, name), key)
    return found


def _status(reports: list[Event]) -> Status:
    """The furthest stage any report gives: "began withdrawing" then "completed" is completed."""
    stated = [r for r in reports if r.certainty != Certainty.DENIED] or reports
    return max(stated, key=lambda r: (_STATUS_STAGE[r.status], r.reported or date.min)).status


def _date(reports: list[Event]) -> TimeSpan | None:
    """The event's own date, from the report that says it best, never the hull of its reports' dates.

    A move's date is that of its furthest stage (its completion, from the report that states it), the
    stages before it staying in the history; a moment lies in every report's window: the narrowest
    window wins, the tightest when they overlap. Dates the text gives the event itself come before dates
    read off a speech or bounded by a report."""
    # A foreseen date ("by the end of April") says when it was due, not when it happened.
    happened = [r for r in reports if r.status not in _FORESEEN] or reports
    dated = [r for r in happened if r.date is not None]
    if not dated:
        return None
    best_basis = min(_BASIS_RANK[r.date.basis] for r in dated)
    dated = [r for r in dated if _BASIS_RANK[r.date.basis] == best_basis]
    if reports[0].type in _LASTING:
        stage = max(_STATUS_STAGE[r.status] for r in dated)
        at_stage = [r.date for r in dated if _STATUS_STAGE[r.status] == stage]
        return min(at_stage, key=lambda s: (s.end - s.start, s.start))
    spans = [r.date for r in dated]
    start, end = max(s.start for s in spans), min(s.end for s in spans)
    if start <= end:
        narrowest = min(spans, key=lambda s: (s.end - s.start, s.start))
        if (narrowest.start, narrowest.end) == (start, end):
            return narrowest
        return TimeSpan(start, end, narrowest.precision, narrowest.text, narrowest.basis)
    return min(spans, key=lambda s: (s.end - s.start, s.start))


_BASIS_RANK = {DateBasis.TEXT: 0, DateBasis.DISCOURSE: 1, DateBasis.REPORT: 2}


def _latest_toll(reports: list[Event]) -> int | None:
    """The toll of the latest report that gives one: tolls rise as bodies are found."""
    for report in reversed(reports):
        if report.fatalities is not None:
            return report.fatalities
    return None


def _toll_claims(reports: list[Event]) -> tuple[Claim, ...]:
    """Each report's toll, side by side, when the reports give different ones."""
    tolls = {r.fatalities for r in reports if r.fatalities is not None}
    if len(tolls) < 2:
        return ()
    return tuple(
        Claim(
            field="fatalities",
            value=str(r.fatalities),
            source=_speaker(r),
            certainty=r.certainty,
            evidence=r.evidence[0],
            low=float(r.fatalities),
            high=float(r.fatalities),
        )
        for r in reports
        if r.fatalities is not None and r.evidence
    )


def _speaker(report: Event) -> Source:
    outlet = next((s for s in report.sources if s.kind == SourceKind.OUTLET), None)
    if outlet is not None or report.sources:
        return outlet or report.sources[0]
    return Source(report.documents[0] if report.documents else "a report", SourceKind.OUTLET)


def _history(reports: list[Event]) -> tuple[StatusStep, ...]:
    steps = [
        StatusStep(r.status, r.date, r.reported, r.id)
        for r in reports
        if r.reported is not None and r.certainty != Certainty.DENIED
    ]
    steps.sort(key=lambda s: (s.date.start if s.date else s.reported, _STATUS_STAGE[s.status], s.report))
    return tuple(steps)


def _origins(reports: list[Event]) -> dict[str, str]:
    """Each report's origin: reports from one outlet, or with near-identical wording (an agency story
    republished elsewhere), share one, labelled by the outlet of the group's earliest report."""
    groups = _Clusters(r.id for r in reports)
    for i, a in enumerate(reports):
        for b in reports[i + 1 :]:
            same_outlet = _outlet(a) is not None and _outlet(a) == _outlet(b)
            if same_outlet or _jaccard(_words(a), _words(b)) >= 0.8:
                groups.union(a.id, b.id)
    by_id = {r.id: r for r in reports}
    origin = {}
    for root, members in groups.members.items():
        earliest = min((by_id[m] for m in members), key=lambda r: (r.reported or date.max, r.id))
        label = _outlet(earliest) or root
        origin.update(dict.fromkeys(members, label))
    return origin


def _outlet(report: Event) -> str | None:
    return next((s.name for s in report.sources if s.kind == SourceKind.OUTLET), None)


def _report_link(report: Event, ordered: list[Event], links: dict[tuple[str, str], Link], origin: str):
    """The report as merged, with why it joined: its strongest link to a report that came before it
    (or, failing that, to any other report of the event)."""
    reasons: tuple[str, ...] = ()
    if report is not ordered[0]:
        position = ordered.index(report)
        best = _strongest(report, ordered[:position], links) or _strongest(report, ordered, links)
        reasons = best.reasons if best else ("joined by a reviewer",)
    return ReportLink(
        id=report.id,
        document=report.documents[0] if report.documents else "",
        reported=report.reported or date.min,
        origin=origin,
        status=report.status,
        outlet=_outlet(report),
        reasons=reasons,
    )


def _strongest(report: Event, others: list[Event], links: dict[tuple[str, str], Link]) -> Link | None:
    found = [links.get((min(o.id, report.id), max(o.id, report.id))) for o in others if o is not report]
    return max((lk for lk in found if lk is not None), key=lambda lk: lk.score, default=None)


# --- reviews -----------------------------------------------------------------------------------------


def _apply_reviews(events: list[Event], reviews: Sequence[Review]) -> list[Event]:
    """Confirmations, rejections and corrections follow the reports they were made on."""
    verdicts = [
        r for r in reviews if r.action in (ReviewAction.CONFIRM, ReviewAction.REJECT, ReviewAction.CORRECT)
    ]
    if not verdicts:
        return events
    result = []
    for event in events:
        held = {r.id for r in event.reports}
        mine = sorted(
            (r for r in verdicts if held & set(r.reports) or r.event_id == event.id), key=lambda r: r.at
        )
        for review in mine:
            event = _apply_review(event, review)
        result.append(event)
    return result


def _apply_review(event: Event, review: Review) -> Event:
    if review.action == ReviewAction.CONFIRM:
        return replace(event, review=ReviewState.CONFIRMED)
    if review.action == ReviewAction.REJECT:
        return replace(event, review=ReviewState.REJECTED)
    return replace(corrected(event, dict(review.changes)), review=ReviewState.CORRECTED)


def corrected(event: Event, changes: dict[str, str]) -> Event:
    """The event with a reviewer's values; raises ValueError for a field or value that cannot be set."""
    unknown = set(changes) - set(_CORRECTABLE)
    if unknown:
        raise ValueError(f"cannot correct {sorted(unknown)}; correctable: {', '.join(_CORRECTABLE)}")
    fields: dict[str, object] = {}
    if "type" in changes:
        fields["type"] = EventType(changes["type"])
    if "status" in changes:
        fields["status"] = Status(changes["status"])
    if "certainty" in changes:
        fields["certainty"] = Certainty(changes["certainty"])
    if "fatalities" in changes:
        fields["fatalities"] = int(changes["fatalities"]) if changes["fatalities"] != "" else None
    if "date_start" in changes or "date_end" in changes:
        fields["date"] = _corrected_date(event.date, changes)
    return replace(event, **fields)


def _corrected_date(span: TimeSpan | None, changes: dict[str, str]) -> TimeSpan:
    given_start, given_end = changes.get("date_start"), changes.get("date_end")
    start = date.fromisoformat(given_start) if given_start else (span.start if span else None)
    end = date.fromisoformat(given_end) if given_end else (span.end if span and not given_start else start)
    start = start or end
    precision = DatePrecision.DAY if start == end else DatePrecision.WEEK
    return TimeSpan(start, end, precision, "corrected by a reviewer")


@dataclass(frozen=True)
class ReportMerger:
    """What the store needs from this stage: blocking keys and the merge itself."""

    memo: MergeMemo = field(default_factory=MergeMemo, compare=False, repr=False)

    def keys(self, report: Event) -> tuple[str, ...]:
        return blocking_keys(report)

    def partner_keys(self, key: str) -> tuple[str, ...]:
        return partner_keys(key)

    def card(self, report: Event) -> str | None:
        return card_text(report)

    def may_link(self, pairs: Sequence[tuple[str | None, str | None]]) -> list[bool]:
        """For pairs of stored cards, False where the cards alone rule a link out; a missing card or one
        that cannot be read rules nothing out. Each distinct card is read once."""
        cards: dict[str | None, LinkCard | None] = {}
        found = []
        for text_a, text_b in pairs:
            for text in (text_a, text_b):
                if text not in cards:
                    cards[text] = read_card(text)
            a, b = cards[text_a], cards[text_b]
            found.append(a is None or b is None or card_conflict(a, b) is None)
        return found

    def linked(self, pairs: Sequence[tuple[Event, Event]]) -> list[bool]:
        """For each pair, whether merging may join the two (clusters grow along links only). Each pair
        is read in the order merging reads it, by report id, so that a session's memo serves both."""
        ordered = [(a, b) if a.id < b.id else (b, a) for a, b in pairs]
        session = _active_memo()
        # The store decodes a block's reports a chunk at a time, so that a write's memory does not grow
        # with its blocks: their features are kept for this call only, and the session keeps the links.
        # The features of reports that the session holds already are read from it.
        known = session.pairs if session is not None else {}
        with memoised(MergeMemo(reads=session), instead=True):
            found = [known.get(("link", id(a), id(b))) or link(a, b) for a, b in ordered]
        if session is not None:
            for (a, b), one in zip(ordered, found, strict=True):
                if one is not None:
                    session.pairs[("link", session.key(a), session.key(b))] = one
        return [one is not None for one in found]

    def merge(self, reports: Sequence[Event], reviews: Sequence[Review] = ()) -> list[Event]:
        return merge_reports(reports, reviews)

    def session(self) -> contextlib.AbstractContextManager[None]:
        """A pass of linking and merging (one store write) that uses this merger's memo, kept from one
        pass to the next: a link found once is not looked for again while both reports stay the same
        objects."""
        return self._session()

    @contextlib.contextmanager
    def _session(self) -> Iterator[None]:
        try:
            with memoised(self.memo):
                yield
        finally:
            self.memo.trim()


@dataclass(frozen=True)
class KeepReports:
    """No cross-report merging: each report is an event as it stands (for looking at raw extraction)."""

    def keys(self, report: Event) -> tuple[str, ...]:
        return ()

    def partner_keys(self, key: str) -> tuple[str, ...]:
        return (key,)

    def card(self, report: Event) -> str | None:
        return None

    def may_link(self, pairs: Sequence[tuple[str | None, str | None]]) -> list[bool]:
        return [False] * len(pairs)

    def linked(self, pairs: Sequence[tuple[Event, Event]]) -> list[bool]:
        return [False] * len(pairs)

    def merge(self, reports: Sequence[Event], reviews: Sequence[Review] = ()) -> list[Event]:
        return sorted(reports, key=lambda r: r.id)

    def session(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


def review_id(event_id: str, action: str, at: str, author: str) -> str:
    return "rv-" + hashlib.sha1(f"{event_id}|{action}|{at}|{author}".encode()).hexdigest()[:14]
