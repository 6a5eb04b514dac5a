"""The situation: which force is present at, withdrawing from, gone from, or in control of which place.

A pure fold over events, in the order they took effect. A begun or ongoing withdrawal takes effect when it
starts; a completed one when it ends (before that, the report does not say the force had gone). A merged
event whose reports moved from "began" to "completed" takes effect twice: withdrawing, then departed.
The same fold answers `situation_as_of` (the state on a date), `changes` (what changed in a window)
and `timeline` (everything at one place).

Each (place, actor) pair's state depends only on that pair's changes; only `settled` (contested holds)
looks across the actors of a place. So the situation as of any date is each pair's latest version by then
(`entry_histories`), settled: the store keeps those versions in a table and answers the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

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
# The only event types that change the situation.
POSTURE_TYPES = frozenset({EventType.WITHDRAW, EventType.DEPLOY, EventType.PRESENCE, EventType.CONTROL})
# An entry's lists stay small however long its state lasts: the first and the latest event ids and
# evidence items; `event_count` says how many events there were in all.
_MAX_EVENTS = 10
_MAX_EVIDENCE = 3
_Item = TypeVar("_Item")


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


# A (place key, actor key) pair: the place's gazetteer id or name, the actor's id or name.
PairKey = tuple[str, str]
# Where a change comes in the fold: its day, event id, stage within the day (`_STAGE`), actor key. Only
# one pair's changes can tie on all four (an event has one place); the fold keeps their order.
ChangeOrder = tuple[date, str, int, str]


@dataclass(frozen=True, slots=True)
class EntryVersion:
    """A pair's state from `valid_from` until its next version: the state at the end of that day."""

    valid_from: date
    entry: SituationEntry


def situation_as_of(
    events: Iterable[Event], as_of: date, known_at: date | None = None
) -> list[SituationEntry]:
    """The state of every (place, actor) pair as of a date, from what was reported by `known_at`."""
    histories = entry_histories(events, known_at)
    return settled(version_as_of(history, as_of) for history in histories.values())


def entry_histories(
    events: Iterable[Event], known_at: date | None = None
) -> dict[PairKey, list[EntryVersion]]:
    """Each pair's versions, oldest first: one for each day its state changed, the last state of the day.
    The entries are not yet settled (see `settled`), since that depends on the other pairs at the place."""
    histories: dict[PairKey, list[EntryVersion]] = {}
    state: dict[PairKey, SituationEntry] = {}
    for change in _ordered_changes(events, known_at):
        key = _key(change)
        _apply(state, change)
        entry = state.get(key)
        if entry is None:
            continue  # a hold ended that was never recorded: nothing to show
        history = histories.setdefault(key, [])
        if history and history[-1].valid_from == change.when:
            history[-1] = EntryVersion(change.when, entry)
        elif not history or history[-1].entry is not entry:
            history.append(EntryVersion(change.when, entry))
    return histories


def version_as_of(history: list[EntryVersion], as_of: date) -> SituationEntry | None:
    """The pair's state as of a date: its latest version by then, if any."""
    found = None
    for version in history:
        if version.valid_from > as_of:
            break
        found = version.entry
    return found


def settled(entries: Iterable[SituationEntry | None]) -> list[SituationEntry]:
    """The situation from each pair's state: two holders of one place are contested, and the entries
    come in display order (place, actor, status; then the keys, so that the order is total)."""
    found = [e for e in entries if e is not None and e.status is not None]
    return sorted(_mark_contested(found), key=_display_order)


def _display_order(entry: SituationEntry) -> tuple[str, str, str, str, str]:
    return (
        entry.place.name,
        entry.actor,
        entry.status,
        place_key(entry.place),
        entry.actor_id or entry.actor,
    )


def place_key(place: Place) -> str:
    """What identifies a place in the situation: its gazetteer id, else its name."""
    return place.gazetteer_id or place.name


def pair_keys(event: Event) -> set[PairKey]:
    """The pairs whose state `event` may change (whether it counts or not): a changed or removed event
    changes the histories of these pairs only."""
    if event.type not in POSTURE_TYPES or event.place is None:
        return set()
    return {_key(change) for change in _changes(event)}


def changes(
    events: Iterable[Event], since: date, until: date | None = None, known_at: date | None = None
) -> list[StateChange]:
    """Every change of state that took effect between `since` and `until` (both included), oldest first."""
    found = []
    for change, state_change in _state_changes(events, known_at):
        if until is not None and change.when > until:
            break
        if change.when >= since:
            found.append(state_change)
    return found


def change_histories(
    events: Iterable[Event], known_at: date | None = None
) -> dict[PairKey, list[tuple[ChangeOrder, StateChange]]]:
    """Each pair's changes of state, oldest first, each with its place in the order of all changes: the
    changes in any window are every pair's changes in it, in that order (the store keeps them so)."""
    found: dict[PairKey, list[tuple[ChangeOrder, StateChange]]] = {}
    for change, state_change in _state_changes(events, known_at):
        found.setdefault(_key(change), []).append((_order(change), state_change))
    return found


def _state_changes(events: Iterable[Event], known_at: date | None) -> Iterator[tuple[_Change, StateChange]]:
    """The fold, yielding each change that moved its pair's status or end."""
    state: dict[PairKey, SituationEntry] = {}
    for change in _ordered_changes(events, known_at):
        before = state.get(_key(change))
        _apply(state, change)
        after = state.get(_key(change))
        moved = (before.status, before.until) if before else (None, None)
        if after is not None and moved != (after.status, after.until):
            yield change, _state_change(change, before, after)


def timeline(
    events: Iterable[Event], place: str, known_at: date | None = None
) -> tuple[list[Event], list[StateChange]]:
    """The history of the places whose name, admin1 or country contains `place` (case-insensitive):
    their events by date, and the changes of state they saw, from what was reported by `known_at`."""
    wanted = [e for e in events if e.place is not None and _place_matches(e.place, place)]
    history = sorted(wanted, key=lambda e: (_effective_date(e) or date.max, e.id))
    return history, changes(wanted, date.min, known_at=known_at)


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
    return sorted(found, key=_order)


def _order(change: _Change) -> ChangeOrder:
    return (change.when, change.event.id, _STAGE[change.status], change.actor.id or change.actor.name)


# Within one day, a force arrives before it starts leaving, and starts leaving before it has gone.
_STAGE = {
    PostureStatus.PRESENT: 0,
    PostureStatus.CONTROLS: 0,
    PostureStatus.WITHDRAWING: 1,
    PostureStatus.DEPARTED: 2,
    None: 3,
}


def _key(change: _Change) -> PairKey:
    return (place_key(change.event.place), change.actor.id or change.actor.name)


def _counts(event: Event, known_at: date | None) -> bool:
    if event.type not in POSTURE_TYPES or event.place is None or event.certainty == Certainty.DENIED:
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


def _apply(state: dict[PairKey, SituationEntry], change: _Change) -> None:
    place = change.event.place
    key = _key(change)
    current = state.get(key)
    if change.status is None:
        if current is not None and current.until is None:
            state[key] = replace(
                current,
                until=change.when,
                events=_capped(current.events + (change.event.id,), _MAX_EVENTS),
                event_count=current.event_count + 1,
            )
        return
    if current is not None and current.until is None and _same_hold(current.status, change.status):
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
        evidence=change.evidence[:_MAX_EVIDENCE],
        event_count=1,
    )


def _same_hold(current: PostureStatus | None, reported: PostureStatus) -> bool:
    """A report of the same state; forces reported in a place they control still control it."""
    return current == reported or (current, reported) == (PostureStatus.CONTROLS, PostureStatus.PRESENT)


def _extend(current: SituationEntry, change: _Change) -> SituationEntry:
    """Another report of the same state: keep the earliest start, add the evidence."""
    since = min(current.since, change.when) if current.since else change.when
    return replace(
        current,
        contested=current.contested and change.event.certainty in _ONE_SIDED,
        since=since,
        expected_end=current.expected_end or change.event.expected_end,
        events=_capped(current.events + (change.event.id,), _MAX_EVENTS),
        evidence=_capped(current.evidence + change.evidence[:1], _MAX_EVIDENCE),
        event_count=current.event_count + 1,
    )


def _capped(items: tuple[_Item, ...], limit: int) -> tuple[_Item, ...]:
    """The first item and the latest ones, `limit` in all."""
    return items if len(items) <= limit else items[:1] + items[1 - limit :]


def _mark_contested(entries: list[SituationEntry]) -> list[SituationEntry]:
    """Two actors each said to control a place, and neither report ended the other's hold: contested.
    So is a hold that rests only on a party's own claim."""
    holders: dict[str, list[SituationEntry]] = {}
    for entry in entries:
        if entry.status == PostureStatus.CONTROLS and entry.until is None:
            holders.setdefault(place_key(entry.place), []).append(entry)
    contested = {id(e) for group in holders.values() if len(group) > 1 for e in group}
    return [replace(e, contested=True) if id(e) in contested else e for e in entries]
