"""Reviewers' decisions in merging: merges and splits constrain the clusters, and confirmations,
rejections and corrections follow the reports they were made on into the events merging makes. Also
what a correction may change (`corrected`) and how a review is named (`review_id`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sitroom.records import (
    Certainty,
    DatePrecision,
    Event,
    EventType,
    Review,
    ReviewAction,
    ReviewState,
    Status,
    TimeSpan,
)

_CORRECTABLE = ("type", "status", "certainty", "fatalities", "date_start", "date_end")


def review_constraints(
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


def apply_reviews(events: list[Event], reviews: Sequence[Review]) -> list[Event]:
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


def review_id(event_id: str, action: str, at: str, author: str) -> str:
    return "rv-" + hashlib.sha1(f"{event_id}|{action}|{at}|{author}".encode()).hexdigest()[:14]
