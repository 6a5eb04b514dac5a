"""Merge mentions of one event into one Event.

A report names its main event several times ("began withdrawing from their largest base", "left the X base",
"the withdrawal from X is expected to take a month"); each mention adds detail. Two events merge when they
have the same type and no field tells them apart: places nest, dates overlap, actors do not conflict.
A vaguer mention joins the most specific event it fits, and only one whose date matches exactly when
several would fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from sitroom.records import (
    ActorRef,
    Certainty,
    DateBasis,
    Event,
    EventType,
    Place,
    PlacePrecision,
    Role,
    Status,
    TimeSpan,
)

# When mentions disagree, the stage given by an explicit aspect verb wins over one read off a plain tense.
_STATUS_RANK = {
    Status.BEGAN: 0,
    Status.ONGOING: 1,
    Status.COMPLETED: 2,
    Status.PLANNED: 3,
    Status.EXPECTED: 4,
}
# The best-established reading among the mentions stands; a denial stays visible as a denying source.
CERTAINTY_RANK = {
    Certainty.REPORTED: 0,
    Certainty.CLAIMED: 1,
    Certainty.UNCERTAIN: 2,
    Certainty.EXPECTED: 3,
    Certainty.DENIED: 4,
}


def merge_document_events(events: Sequence[Event], verbal: Sequence[bool] | None = None) -> list[Event]:
    """Merge the events of one document; `verbal[i]` says event i came from a verb, not a noun."""
    verbal = list(verbal) if verbal is not None else [True] * len(events)
    order = sorted(range(len(events)), key=lambda i: (_event_specificity(events[i]), not verbal[i]))
    merged: list[tuple[Event, bool]] = []
    for i in order:
        event = events[i]
        target = _best_match(event, merged)
        if target is None:
            merged.append((event, verbal[i]))
        else:
            kept, kept_verbal = merged[target]
            merged[target] = (combine(kept, event, kept_verbal, verbal[i]), kept_verbal or verbal[i])
    first_offset = {e.id: e.evidence[0].start for e in events}
    return sorted((e for e, _ in merged), key=lambda e: (first_offset.get(e.id, 0), e.id))


def _event_specificity(event: Event) -> tuple[tuple[int, bool], int]:
    place = specificity(event.place) if event.place is not None else (9, True)
    width = (event.date.end - event.date.start).days if event.date is not None else 10_000
    return place, width


def _best_match(event: Event, merged: list[tuple[Event, bool]]) -> int | None:
    fits = [i for i, (kept, _) in enumerate(merged) if compatible(kept, event)]
    if len(fits) <= 1:
        return fits[0] if fits else None
    same_day = [i for i in fits if _same_day(merged[i][0].date, event.date)]
    if len(same_day) == 1:
        return same_day[0]
    # "the departure from the base went to plan": the move that happened, not the one foreseen
    same_realm = [i for i in fits if _foreseen(merged[i][0]) == _foreseen(event)]
    if len(same_realm) == 1:
        return same_realm[0]
    return (
        _told_last_before(event, [merged[i][0] for i in same_realm], same_realm)
        if event.place is None
        else None
    )


def _told_last_before(event: Event, kept: list[Event], indexes: list[int]) -> int | None:
    """ "The withdrawal was completed on Tuesday": a mention with no place of its own is of the event of its
    kind the report told last before it, where the dates of both agree (an undated one may be any)."""
    start = event.evidence[0].start
    before = [
        (k.evidence[0].start, i)
        for k, i in zip(kept, indexes, strict=True)
        if k.evidence[0].start < start and k.date is not None
    ]
    return max(before)[1] if before else None


def _foreseen(event: Event) -> bool:
    return event.status in (Status.EXPECTED, Status.PLANNED)


def _same_day(a: TimeSpan | None, b: TimeSpan | None) -> bool:
    return a is not None and b is not None and a.start == b.start and a.end == b.end


def compatible(a: Event, b: Event) -> bool:
    """Same type, agreeing actors, and either the same place at overlapping dates, or nested places on
    the same day (a vaguer place with a vaguer date could be any of several events)."""
    if a.type != b.type or not _actors_agree(a.actors, b.actors):
        return False
    # Attacks are many and alike: only windows that overlap as given join them. A move (a withdrawal, a
    # deployment, a change of control) is one per place, and a date that only bounds it may join it.
    # a move still to come and one done join only where their dates meet as given ("will leave at the end
    # of the summer" is not the pullout the report dates to its own week)
    if _foreseen(a) != _foreseen(b):
        done, due = (b, a) if _foreseen(a) else (a, b)
        if done.date is None and due.date is not None:
            return False  # an undated move done is not the one the report dates to come
    soft = a.type not in _VIOLENT and _foreseen(a) == _foreseen(b)
    if a.type in _VIOLENT and _campaign(a.date) != _campaign(b.date):
        return False  # "attacks since October" tell of a campaign, not of the raid told beside them
    if _same_place(a.place, b.place):
        return _dates_overlap(a.date, b.date, soft)
    if not _places_nest(a.place, b.place):
        return False
    if a.date is None or b.date is None or _same_day(a.date, b.date):
        return True
    # a date the text gave and one it only bounds, where one mention names no place of its own
    bounded = a.date.basis != DateBasis.TEXT or b.date.basis != DateBasis.TEXT
    vague = _vague(a.place) or _vague(b.place)
    return soft and bounded and vague and _dates_overlap(a.date, b.date, soft)


def _campaign(span: TimeSpan | None) -> bool:
    return span is not None and span.end - span.start > _CAMPAIGN_DAYS


_CAMPAIGN_DAYS = timedelta(days=14)


def _vague(place: Place | None) -> bool:
    return place is None or place.precision >= PlacePrecision.COUNTRY


def _same_place(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return (a.gazetteer_id or a.name) == (b.gazetteer_id or b.name)


def _places_nest(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None:
        return True
    if a.country_code and b.country_code and a.country_code != b.country_code:
        return False
    coarse, fine = (a, b) if a.precision >= b.precision else (b, a)
    if coarse.feature == "unresolved":
        return False  # a place named but not found: another place than the one found, not its country
    if coarse.precision >= PlacePrecision.AREA:
        return True  # a country or region holds any place in it
    if coarse.precision == PlacePrecision.ADMIN1:
        return fine.admin1 == coarse.admin1
    return False  # two distinct towns or sites


def _dates_overlap(a: TimeSpan | None, b: TimeSpan | None, soft: bool = False) -> bool:
    """Overlapping windows. With `soft`, a window the text did not give the event itself (the day a
    speaker said it happened, the days before the report) only bounds it from above: it may lie a week
    earlier."""
    if a is None or b is None:
        return True
    a_start = a.start - _SOFT_REACH if soft and a.basis != DateBasis.TEXT else a.start
    b_start = b.start - _SOFT_REACH if soft and b.basis != DateBasis.TEXT else b.start
    return a_start <= b.end and b_start <= a.end


_SOFT_REACH = timedelta(days=7)
_VIOLENT = frozenset({EventType.ASSAULT, EventType.FIGHT})


def _actors_agree(a: tuple[ActorRef, ...], b: tuple[ActorRef, ...]) -> bool:
    """No two different named agents, and no agent of one that the other names as the old holder ("the
    army still holds X" is not "the rebels are close to taking X from the army")."""
    if _named(a, Role.AGENT) & _named(b, Role.PREVIOUS) or _named(b, Role.AGENT) & _named(a, Role.PREVIOUS):
        return False
    agents_a = {x.id for x in a if x.role == Role.AGENT and x.id}
    agents_b = {x.id for x in b if x.role == Role.AGENT and x.id}
    return not agents_a or not agents_b or bool(agents_a & agents_b)


def _named(actors: tuple[ActorRef, ...], role: Role) -> set[str]:
    return {x.id or x.name for x in actors if x.role == role}


def combine(kept: Event, other: Event, kept_verbal: bool = True, other_verbal: bool = True) -> Event:
    """One event from two mentions: the precise value of each field, every source, claim and sentence."""
    status = _pick_status(kept, other, kept_verbal, other_verbal)
    return replace(
        kept,
        status=status,
        certainty=_pick_certainty(kept, other, kept_verbal, other_verbal),
        actors=_union(kept.actors, other.actors, key=lambda a: (a.id or a.name, a.role)),
        place=_finer_place(kept.place, other.place),
        date=_narrower_date(kept.date, other.date),
        quantities=_union(kept.quantities, other.quantities, key=lambda q: (q.kind, q.category, q.value)),
        claims=_union(
            kept.claims, other.claims, key=lambda c: (c.field, c.value, c.source.name, c.evidence.start)
        ),
        sources=_union(kept.sources, other.sources, key=lambda s: (s.name, s.kind, s.stance)),
        evidence=_union(kept.evidence, other.evidence, key=lambda e: (e.document, e.start)),
        fatalities=_headline_toll(kept, other),
        expected_end=kept.expected_end or other.expected_end,
        reported=min(d for d in (kept.reported, other.reported) if d is not None)
        if kept.reported or other.reported
        else None,
    )


def _pick_certainty(a: Event, b: Event, a_verbal: bool, b_verbal: bool) -> Certainty:
    """A verb's reading over a noun's; between two verbs, a hedge on the first telling (the lead) holds for
    the plain mentions after it ("X appears to have withdrawn ... the withdrawal began on Monday"), else
    the best-established reading stands."""
    if a_verbal != b_verbal:
        return a.certainty if a_verbal else b.certainty
    first, then = sorted((a, b), key=lambda e: e.evidence[0].start if e.evidence else 0)
    if first.certainty == Certainty.UNCERTAIN and then.certainty == Certainty.REPORTED:
        return Certainty.UNCERTAIN
    return min(a.certainty, b.certainty, key=CERTAINTY_RANK.__getitem__)


def _pick_status(a: Event, b: Event, a_verbal: bool, b_verbal: bool) -> Status:
    if a_verbal != b_verbal:
        return a.status if a_verbal else b.status
    return min(a.status, b.status, key=_STATUS_RANK.__getitem__)


def _finer_place(a: Place | None, b: Place | None) -> Place | None:
    if a is None or b is None:
        return a or b
    return a if specificity(a) <= specificity(b) else b


def specificity(place: Place) -> tuple[int, bool]:
    """Lower is more specific. A facility placed at its town's point (precision NEAR: the palace at
    Khartoum's coordinates) still names more exactly where it happened than the town itself."""
    facility = facility_kind(place) is not None
    precision = int(place.precision)
    if facility and precision <= PlacePrecision.NEAR:
        precision = PlacePrecision.SITE
    return precision, not facility


# Place features that are no facility: a town, a unit, an area.
_NOT_FACILITIES = frozenset(
    {"city", "town", "admin1", "admin2", "country", "area", "sea", "unresolved", "demonym", "site"}
)


def facility_kind(place: Place) -> str | None:
    """The kind of facility a place is (airport, palace, base, ...), None for a town or an area."""
    feature = place.feature or ""
    if not feature or feature in _NOT_FACILITIES:
        return None
    return "base" if feature in ("airbase", "garrison", "camp") else feature


def _narrower_date(a: TimeSpan | None, b: TimeSpan | None) -> TimeSpan | None:
    """A window that lies inside the other, both read off the text ("since 2014" holds "on Saturday");
    else the date the text gives the event itself; else the narrower window."""
    if a is None or b is None:
        return a or b
    if DateBasis.REPORT not in (a.basis, b.basis):
        inner = [d for d, outer in ((a, b), (b, a)) if outer.start <= d.start and d.end <= outer.end]
        if inner:
            return min(inner, key=lambda d: (d.end - d.start, d.basis != DateBasis.TEXT))
    return min(a, b, key=lambda d: (d.basis != DateBasis.TEXT, d.end - d.start))


def _headline_toll(a: Event, b: Event) -> int | None:
    """The lowest figure that a source gives (ACLED's conservative rule); the others stay as claims."""
    figures = [f for f in (a.fatalities, b.fatalities) if f is not None]
    return min(figures) if figures else None


def _union(a, b, key) -> tuple:
    seen = {}
    for item in (*a, *b):
        seen.setdefault(key(item), item)
    return tuple(seen.values())
