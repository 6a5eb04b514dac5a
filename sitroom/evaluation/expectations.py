"""Assertions shipped for tests and users: does an extracted event match a hand-coded expectation?

An expectation lists only what a careful coder is sure of; every key it has must match, and keys it
leaves out are not checked. The format is described in tests/fixtures/reports/README.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sitroom.records import Event, SituationEntry
from sitroom.situation import situation_as_of


def _has_any(text: str | None, options: Sequence[str]) -> bool:
    low = (text or "").casefold()
    return any(opt.casefold() in low for opt in options)


def _actor_ok(event: Event, options: Sequence[str]) -> bool:
    return any(_has_any(a.name, options) or _has_any(a.mention, options) for a in event.actors)


def _place_ok(event: Event, want: dict) -> bool:
    place = event.place
    if place is None:
        return False
    if "name_any" in want and not (
        _has_any(place.name, want["name_any"]) or _has_any(place.mention, want["name_any"])
    ):
        return False
    if "country" in want and (place.country or "").casefold() != want["country"].casefold():
        return False
    return "admin1_any" not in want or _has_any(place.admin1, want["admin1_any"])


def _date_ok(event: Event, want: dict) -> bool:
    if event.date is None:
        return False
    start, end = date.fromisoformat(want["start"]), date.fromisoformat(want["end"])
    return event.date.start == start and event.date.end == end


def _quantities_ok(event: Event, wants: list[dict]) -> bool:
    return all(any(q.kind == w["kind"] and q.value == w["value"] for q in event.quantities) for w in wants)


def mismatches(event: Event, want: dict) -> list[str]:
    """The keys of `want` that `event` does not satisfy (empty: it matches)."""
    checks = {
        "type": lambda: event.type.value == want["type"],
        "actors_any": lambda: _actor_ok(event, want["actors_any"]),
        "place": lambda: _place_ok(event, want["place"]),
        "date": lambda: _date_ok(event, want["date"]),
        "status": lambda: event.status.value == want["status"],
        "certainty": lambda: event.certainty.value == want["certainty"],
        "fatalities": lambda: event.fatalities == want["fatalities"],
        "quantities": lambda: _quantities_ok(event, want["quantities"]),
        "source_kinds_any": lambda: any(s.kind.value in want["source_kinds_any"] for s in event.sources),
        "claims_fields": lambda: set(want["claims_fields"]) <= {c.field for c in event.claims},
    }
    return [key for key, check in checks.items() if key in want and not check()]


def best_match(events: Sequence[Event], want: dict) -> tuple[Event | None, list[str]]:
    """The event that fails fewest keys of `want`, among those of its type and place."""
    scored = [(len(m), e, m) for e in events if "type" not in (m := mismatches(e, want))]
    if not scored:
        return None, ["type"]
    scored.sort(key=lambda item: item[0])
    return scored[0][1], scored[0][2]


def situation_mismatch(entries: Sequence[SituationEntry], want: dict) -> bool:
    """True when no entry has the wanted place, actor and status."""
    return not any(
        (_has_any(e.place.name, want["place_any"]) or _has_any(e.place.mention, want["place_any"]))
        and _has_any(e.actor, want["actor_any"])
        and e.status.value == want["status"]
        for e in entries
    )


def score_expectations(extracted: dict[str, Sequence[Event]], expectations: dict[str, dict]) -> dict:
    """Per-key agreement of extracted events with hand-coded expectations, over a set of reports.

    For each expected event, its best-matching extracted event is compared key by key; a key counts as
    right when it matches. Also: events matched on every key, background wrongly coded as events, and
    situation expectations met.
    """
    keys: dict[str, list[int]] = {}
    full = total = background = situations_met = situations = 0
    for name, want in expectations.items():
        events = extracted[name]
        for expected in want["events"]:
            _, missed = best_match(events, expected)
            total += 1
            full += not missed
            for key in expected:
                if key != "note":
                    right, seen = keys.setdefault(key, [0, 0])
                    keys[key] = [right + (key not in missed), seen + 1]
        background += sum(1 for u in want.get("not_events", []) if any(not mismatches(e, u) for e in events))
        for expected in want.get("situation", []):
            situations += 1
            entries = situation_as_of(events, date.fromisoformat(expected["as_of"]))
            situations_met += not situation_mismatch(entries, expected)
    return {
        "keys": {k: round(right / seen, 4) for k, (right, seen) in sorted(keys.items())},
        "events_fully_matched": round(full / total, 4) if total else 0.0,
        "background_coded": background,
        "situations_met": round(situations_met / situations, 4) if situations else 0.0,
    }
