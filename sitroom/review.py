"""Reviewers' decisions on events: confirm, reject, correct, merge, split. Used by the CLI and the API.

A review names the reports the event held when it was made, so it still applies after the event is
merged again (a new report joins, the rules change, the text is extracted again).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sitroom.errors import SitroomError
from sitroom.merge.reviews import corrected, review_id
from sitroom.records import Event, Review, ReviewAction
from sitroom.store import Store


class ReviewError(SitroomError):
    """A review that cannot be applied: unknown event or report, or a bad correction."""


def review(
    store: Store,
    event_id: str,
    action: ReviewAction | str,
    author: str,
    other: str | None = None,
    changes: Mapping[str, str] | None = None,
    note: str = "",
) -> Event | None:
    """Record a decision on `event_id` and return the event as it now stands (None if it was split away)."""
    action = ReviewAction(action)
    event = _event(store, event_id)
    event_id = event.id  # a report's id finds the event that holds it now
    reports = tuple(r.id for r in event.reports) or (event.id,)
    other_reports: tuple[str, ...] = ()
    if action == ReviewAction.MERGE:
        target = _event(store, other) if other is not None else None
        if target is None or target.id == event_id:
            raise ReviewError("merge needs the id of another event")
        other_reports = tuple(r.id for r in target.reports) or (target.id,)
    elif action == ReviewAction.SPLIT:
        if other not in reports or len(reports) < 2:
            raise ReviewError(f"split needs one of the event's reports to take out: {', '.join(reports)}")
    elif action == ReviewAction.CORRECT:
        _check_changes(event, changes or {})
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    store.add_review(
        Review(
            id=review_id(event_id, action.value, at, author),
            event_id=event_id,
            action=action,
            author=author,
            at=at,
            reports=reports,
            other=other,
            other_reports=other_reports,
            changes=tuple(sorted((changes or {}).items())),
            note=note,
        )
    )
    return event_holding(store, reports[0] if action != ReviewAction.SPLIT else _kept(reports, other))


def undo(store: Store, review_id: str) -> tuple[Review, Event | None]:
    """Take back a review: the events are merged again as if it had never been made. The review, and the
    event that now holds the first report it named."""
    removed = store.remove_review(review_id)
    if removed is None:
        raise ReviewError(f"no review with id {review_id!r}")
    return removed, event_holding(store, removed.reports[0]) if removed.reports else None


def event_holding(store: Store, report_id: str) -> Event | None:
    """The merged event that holds a report now."""
    for report_event in store.events_holding([report_id]):
        return report_event
    return None


def _kept(reports: tuple[str, ...], taken: str | None) -> str:
    return next(r for r in reports if r != taken)


def _event(store: Store, event_id: str) -> Event:
    event = store.find_event(event_id)
    if event is None:
        raise ReviewError(f"no event with id {event_id!r}")
    return event


def _check_changes(event: Event, changes: Mapping[str, str]) -> None:
    if not changes:
        raise ReviewError("a correction needs at least one field=value")
    try:
        corrected(event, dict(changes))
    except (ValueError, KeyError) as exc:
        raise ReviewError(f"bad correction: {exc}") from exc
