"""Linking: whether two reports from different documents describe one event, and how strongly.

A pair links when nothing tells the reports apart (`conflict`: type, documents, link cards, methods,
named targets) and enough agrees (place, date, actors, wording) to pass the threshold; the reasons are
kept so that every merge can be explained. The report features this reads (documents, methods, words)
are read through the merge memo passed in, or worked out afresh without one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sitroom.lexicon import load_lexicon
from sitroom.merge.cards import LASTING, card_conflict, distance, gap, link_card, same_place
from sitroom.merge.memo import MergeMemo
from sitroom.records import OFFSET_FEATURE, Event, Evidence, Place, PlacePrecision, Role, Status

# Link strength: what agrees, and how much it says.
_THRESHOLD = 0.6

_WORD = re.compile(r"[a-z0-9]+")
STATUS_STAGE = {
    Status.PLANNED: 0,
    Status.EXPECTED: 0,
    Status.BEGAN: 1,
    Status.ONGOING: 2,
    Status.COMPLETED: 3,
}


@dataclass(frozen=True, slots=True)
class Link:
    score: float
    reasons: tuple[str, ...]


def link(a: Event, b: Event, memo: MergeMemo | None = None) -> Link | None:
    """How strongly two reports from different documents describe one event; None when they cannot."""
    if memo is None:
        return _link(a, b, memo)
    # Only links are kept, not pairs that do not link: most pairs in a block do not, and would fill the memo.
    return memo.pair("link", a, b, lambda: _link(a, b, memo), keep=lambda found: found is not None)


def _link(a: Event, b: Event, memo: MergeMemo | None) -> Link | None:
    if conflict(a, b, memo):
        return None
    reasons: list[str] = [f"same type ({a.type.value})"]
    score = _place_score(a.place, b.place, reasons) + _date_score(a, b, reasons)
    score += _actor_score(a, b, reasons) + _text_score(a, b, reasons, memo)
    return Link(round(score, 3), tuple(reasons)) if score >= _THRESHOLD else None


def conflict(a: Event, b: Event, memo: MergeMemo | None = None) -> str | None:
    """Why two reports cannot be one event, or None."""
    if a.type != b.type:
        return "different types"
    if _documents(a, memo) & _documents(b, memo):
        return "one document told them apart"
    found = card_conflict(link_card(a), link_card(b))
    if found is None and _different_methods(a, b, memo):
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


def _feature(
    what: str, report: Event, compute: Callable[[], frozenset[str]], memo: MergeMemo | None
) -> frozenset[str]:
    return compute() if memo is None else memo.feature(what, report, compute)


def _documents(report: Event, memo: MergeMemo | None) -> frozenset[str]:
    if report.reports:
        return frozenset(report.documents)
    return _feature("documents", report, lambda: frozenset(e.document for e in report.evidence), memo)


# How an attack was carried out (lexicon.toml [methods]): two reports naming different methods describe
# different attacks; a report naming none ("an attack", "killed") fits any.
_METHOD_PATTERNS = {
    method: re.compile(r"\b(?:" + "|".join(words) + r")", re.IGNORECASE)
    for method, words in load_lexicon().attack_methods.items()
}


def _different_methods(a: Event, b: Event, memo: MergeMemo | None) -> bool:
    return bool(_methods(a, memo) and _methods(b, memo) and not _methods(a, memo) & _methods(b, memo))


def _methods(event: Event, memo: MergeMemo | None) -> frozenset[str]:
    return _feature("methods", event, lambda: _methods_in(event.trigger, event.evidence[:1]), memo)


def _methods_in(trigger: str, evidence: tuple[Evidence, ...]) -> frozenset[str]:
    text = " ".join([trigger, *(e.sentence for e in evidence)])
    return frozenset(m for m, pattern in _METHOD_PATTERNS.items() if pattern.search(text))


def _place_score(a: Place | None, b: Place | None, reasons: list[str]) -> float:
    if a is None or b is None:
        return 0.1
    if same_place(a, b):
        reasons.append(f"same place ({a.name})")
        return 0.4 if a.precision <= PlacePrecision.ADMIN2 else 0.25
    points = max(a.precision, b.precision) <= PlacePrecision.ADMIN2
    if points or a.feature == b.feature == OFFSET_FEATURE:  # "50 km west of X" is a point too
        reasons.append(f"places {round(distance(a, b))} km apart")
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
    if gap(sa, sb) == timedelta(0):
        reasons.append("dates overlap")
        return 0.25
    if a.type in LASTING and STATUS_STAGE[a.status] != STATUS_STAGE[b.status]:
        reasons.append(f"the story moves on ({_status_pair(a, b)})")
        return 0.2
    reasons.append(f"dates {gap(sa, sb).days} days apart")
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


def _text_score(a: Event, b: Event, reasons: list[str], memo: MergeMemo | None) -> float:
    similarity = jaccard(wording(a, memo), wording(b, memo))
    if similarity >= 0.3:
        reasons.append(f"wording {similarity:.0%} alike")
    return 0.15 * similarity


def wording(event: Event, memo: MergeMemo | None = None) -> frozenset[str]:
    """The words of a report's evidence sentences."""
    return _feature("words", event, lambda: _words_in(event.evidence), memo)


def _words_in(evidence: tuple[Evidence, ...]) -> frozenset[str]:
    return frozenset(_WORD.findall(" ".join(e.sentence for e in evidence).lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)
