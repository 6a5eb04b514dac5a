"""The situation: which force is present at, withdrawing from, gone from, or in control of which place.

A pure fold over events, in the order they took effect. A begun or ongoing withdrawal takes effect when it
starts; a completed one when it ends (before that, the report does not say the force had gone).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sitroom.records import (
    ActorRef,
    Certainty,
    Event,
    EventType,
    PostureStatus,
    Role,
    SituationEntry,
    Status,
)

# A hold that only its holder claims, or that is hedged, is not established: it shows as contested.
_ONE_SIDED = frozenset({Certainty.CLAIMED, Certainty.UNCERTAIN})
_POSTURE_TYPES = frozenset({EventType.WITHDRAW, EventType.DEPLOY, EventType.PRESENCE, EventType.CONTROL})


@dataclass(frozen=True)
class _Change:
    when: date
    event: Event
    actor: ActorRef
    status: PostureStatus | None  # None: the actor's hold on the place ended (it lost control)


def situation_as_of(
    events: Iterable[Event], as_of: date, known_at: date | None = None
) -> list[SituationEntry]:
    """The state of every (place, actor) pair as of a date, from what was reported by `known_at`."""
    changes = [c for e in events if _counts(e, known_at) for c in _changes(e)]
    changes = sorted((c for c in changes if c.when <= as_of), key=lambda c: (c.when, c.event.id))
    state: dict[tuple[str, str], SituationEntry] = {}
    for change in changes:
        _apply(state, change)
    entries = [e for e in state.values() if e.status is not None]
    return sorted(_mark_contested(entries), key=lambda e: (e.place.name, e.actor, e.status))


def _counts(event: Event, known_at: date | None) -> bool:
    if event.type not in _POSTURE_TYPES or event.place is None or event.certainty == Certainty.DENIED:
        return False
    if event.status in (Status.EXPECTED, Status.PLANNED):
        return False
    return known_at is None or (event.reported is not None and event.reported <= known_at)


def _changes(event: Event) -> list[_Change]:
    status = _posture(event)
    if status is None:
        return []
    agents = [a for a in event.actors if a.role in (Role.AGENT, Role.CLAIMANT) and _named(a)]
    agents = list({(a.id or a.name): a for a in agents}.values())
    when = _effective_date(event)
    if when is None:
        return []
    found = [_Change(when, event, a, status) for a in agents]
    if event.type == EventType.CONTROL:
        found += [_Change(when, event, a, None) for a in event.actors if a.role == Role.PREVIOUS]
    return found


def _named(actor: ActorRef) -> bool:
    """A known entity, or at least a proper name ("Wazalendo militiamen"); not "the group" or "troops"."""
    return actor.id is not None or any(ch.isupper() for ch in actor.name)


def _posture(event: Event) -> PostureStatus | None:
    if event.type == EventType.WITHDRAW:
        return PostureStatus.DEPARTED if event.status == Status.COMPLETED else PostureStatus.WITHDRAWING
    if event.type == EventType.CONTROL:
        return PostureStatus.CONTROLS
    return PostureStatus.PRESENT


def _effective_date(event: Event) -> date | None:
    if event.date is None:
        return event.reported
    if event.type == EventType.WITHDRAW and event.status == Status.COMPLETED:
        return event.date.end
    return event.date.start


def _apply(state: dict[tuple[str, str], SituationEntry], change: _Change) -> None:
    place = change.event.place
    key = (place.gazetteer_id or place.name, change.actor.id or change.actor.name)
    current = state.get(key)
    if change.status is None:
        if current is not None and current.until is None:
            state[key] = replace(current, until=change.when, events=current.events + (change.event.id,))
        return
    if current is not None and current.status == change.status and current.until is None:
        state[key] = _extend(current, change)
        return
    state[key] = SituationEntry(
        place=place,
        actor=change.actor.name,
        actor_id=change.actor.id,
        status=change.status,
        since=change.when,
        expected_end=change.event.expected_end if change.status == PostureStatus.WITHDRAWING else None,
        contested=change.status == PostureStatus.CONTROLS and change.event.certainty in _ONE_SIDED,
        events=(change.event.id,),
        evidence=change.event.evidence[:3],
    )


def _extend(current: SituationEntry, change: _Change) -> SituationEntry:
    """Another report of the same state: keep the earliest start, add the evidence."""
    since = min(current.since, change.when) if current.since else change.when
    return replace(
        current,
        contested=current.contested and change.event.certainty in _ONE_SIDED,
        since=since,
        expected_end=current.expected_end or change.event.expected_end,
        events=current.events + (change.event.id,),
        evidence=current.evidence + change.event.evidence[:1],
    )


def _mark_contested(entries: list[SituationEntry]) -> list[SituationEntry]:
    """Two actors each said to control a place, and neither report ended the other's hold: contested.
    So is a hold that rests only on a party's own claim."""
    holders: dict[str, list[SituationEntry]] = {}
    for entry in entries:
        if entry.status == PostureStatus.CONTROLS and entry.until is None:
            holders.setdefault(entry.place.gazetteer_id or entry.place.name, []).append(entry)
    contested = {id(e) for group in holders.values() if len(group) > 1 for e in group}
    return [replace(e, contested=True) if id(e) in contested else e for e in entries]
