"""The situation: which force is present at, withdrawing from, gone from, or in control of which place.

A pure fold over events, in the order they took effect. A begun or ongoing withdrawal takes effect when it
starts; a completed one when it ends (before that, the report does not say the force had gone). A merged
event whose reports moved from "began" to "completed" takes effect twice: withdrawing, then departed.
The same fold answers `situation_as_of` (the state on a date), `changes` (what changed in a window)
and `timeline` (everything at one place).
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
    Evidence,
    Place,
    PostureStatus,
    ReviewState,
    Role,
    SituationEntry,
    Status,
)
from sitroom.text import folded

# A hold that only its holder claims, or that is hedged, is not established: it shows as contested.
_ONE_SIDED = frozenset({Certainty.CLAIMED, Certainty.UNCERTAIN})
_POSTURE_TYPES = frozenset({EventType.WITHDRAW, EventType.DEPLOY, EventType.PRESENCE, EventType.CONTROL})


@dataclass(frozen=True)
class _Change:
    when: date
    event: Event
    actor: ActorRef
    status: PostureStatus | None  # None: the actor's hold on the place ended (it lost control)
    evidence: tuple[Evidence, ...] = ()  # the sentences that report this stage


@dataclass(frozen=True, slots=True)
class StateChange:
    """One actor's relation to one place changed on a date, because of an event."""

    when: date
    place: Place
    actor: str
    actor_id: str | None
    before: PostureStatus | None  # None: no known relation before
    after: PostureStatus | None  # None: the hold ended (control lost)
    event: str
    evidence: tuple[Evidence, ...] = ()


def situation_as_of(
    events: Iterable[Event], as_of: date, known_at: date | None = None
) -> list[SituationEntry]:
    """The state of every (place, actor) pair as of a date, from what was reported by `known_at`."""
    state: dict[tuple[str, str], SituationEntry] = {}
    for change in _ordered_changes(events, known_at):
        if change.when > as_of:
            break
        _apply(state, change)
    entries = [e for e in state.values() if e.status is not None]
    return sorted(_mark_contested(entries), key=lambda e: (e.place.name, e.actor, e.status))


def changes(
    events: Iterable[Event], since: date, until: date | None = None, known_at: date | None = None
) -> list[StateChange]:
    """Every change of state that took effect between `since` and `until` (both included), oldest first."""
    found = []
    state: dict[tuple[str, str], SituationEntry] = {}
    for change in _ordered_changes(events, known_at):
        if until is not None and change.when > until:
            break
        before = state.get(_key(change))
        _apply(state, change)
        after = state.get(_key(change))
        moved = (before.status, before.until) if before else (None, None)
        if change.when >= since and after is not None and moved != (after.status, after.until):
            found.append(_state_change(change, before, after))
    return found


def timeline(events: Iterable[Event], place: str) -> tuple[list[Event], list[StateChange]]:
    """The history of the places whose name, admin1 or country contains `place` (case-insensitive):
    their events by date, and the changes of state they saw."""
    wanted = [e for e in events if e.place is not None and _place_matches(e.place, place)]
    history = sorted(wanted, key=lambda e: (_effective_date(e) or date.max, e.id))
    return history, changes(wanted, date.min)


def _place_matches(place: Place, query: str) -> bool:
    names = (place.name, place.mention, place.admin1, place.country)
    return any(folded(query) in folded(value or "") for value in names)




def _state_change(change: _Change, before: SituationEntry | None, after: SituationEntry) -> StateChange:
    ended = after.until is not None and after.until == change.when
    return StateChange(
        when=change.when,
        place=change.event.place,
        actor=change.actor.name,
        actor_id=change.actor.id,
        before=before.status if before and before.until is None else None,
        after=None if ended else after.status,
        event=change.event.id,
        evidence=change.evidence[:2],
    )


def _ordered_changes(events: Iterable[Event], known_at: date | None) -> list[_Change]:
    found = [c for e in events if _counts(e, known_at) for c in _changes(e)]
    return sorted(found, key=lambda c: (c.when, c.event.id, _STAGE[c.status], c.actor.id or c.actor.name))


# Within one day, a force arrives before it starts leaving, and starts leaving before it has gone.
_STAGE = {
    PostureStatus.PRESENT: 0,
    PostureStatus.CONTROLS: 0,
    PostureStatus.WITHDRAWING: 1,
    PostureStatus.DEPARTED: 2,
    None: 3,
}


def _key(change: _Change) -> tuple[str, str]:
    place = change.event.place
    return (place.gazetteer_id or place.name, change.actor.id or change.actor.name)


def _counts(event: Event, known_at: date | None) -> bool:
    if event.type not in _POSTURE_TYPES or event.place is None or event.certainty == Certainty.DENIED:
        return False
    if event.status in (Status.EXPECTED, Status.PLANNED) or event.review == ReviewState.REJECTED:
        return False
    return known_at is None or (event.reported is not None and event.reported <= known_at)


def _changes(event: Event) -> list[_Change]:
    agents = [a for a in event.actors if a.role in (Role.AGENT, Role.CLAIMANT) and _named(a)]
    agents = list({(a.id or a.name): a for a in agents}.values())
    found = []
    for status, when in _stages(event):
        evidence = _stage_evidence(event, status)
        found += [_Change(when, event, a, status, evidence) for a in agents]
        if event.type == EventType.CONTROL:
            found += [
                _Change(when, event, a, None, evidence) for a in event.actors if a.role == Role.PREVIOUS
            ]
    return found


def _stages(event: Event) -> list[tuple[PostureStatus, date]]:
    """When the event changed the situation: once, or (a withdrawal reported as begun and later as
    completed) first withdrawing, then departed."""
    status, when = _posture(event), _effective_date(event)
    if when is None:
        return []
    stages = [(status, when)]
    if event.type == EventType.WITHDRAW and status == PostureStatus.DEPARTED:
        began = [s.date.start for s in event.history if s.status in _UNDER_WAY and s.date is not None]
        if began and min(began) < when:
            stages.insert(0, (PostureStatus.WITHDRAWING, min(began)))
    return stages


_UNDER_WAY = frozenset({Status.BEGAN, Status.ONGOING})


def _stage_evidence(event: Event, stage: PostureStatus) -> tuple[Evidence, ...]:
    """The sentences from the reports that gave this stage ("began withdrawing" for withdrawing), not
    those that only foresaw it."""
    if stage == PostureStatus.WITHDRAWING:
        wanted = _UNDER_WAY
    elif event.type == EventType.WITHDRAW:
        wanted = frozenset({Status.COMPLETED})
    else:
        wanted = frozenset(Status) - {Status.EXPECTED, Status.PLANNED}
    documents = {r.document for r in event.reports if r.status in wanted}
    return tuple(e for e in event.evidence if e.document in documents) or event.evidence


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
        # Undated: it had happened by the first report that says it happened (not one that foresaw it).
        said = [s.reported for s in event.history if s.status not in (Status.EXPECTED, Status.PLANNED)]
        return min(said, default=event.reported)
    if event.type == EventType.WITHDRAW and event.status == Status.COMPLETED:
        return event.date.end
    return event.date.start


def _apply(state: dict[tuple[str, str], SituationEntry], change: _Change) -> None:
    place = change.event.place
    key = _key(change)
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
        evidence=change.evidence[:3],
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
        evidence=current.evidence + change.evidence[:1],
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
