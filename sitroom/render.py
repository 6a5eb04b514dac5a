"""Plain-text renderings of records for the terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date

from sitroom.records import Annotation, Event, Evidence, SituationEntry, TimeSpan
from sitroom.situation import StateChange


def _when(span: TimeSpan | None) -> str:
    if span is None:
        return "?"
    return span.start.isoformat() if span.start == span.end else f"{span.start}..{span.end}"


def _agents(event: Event) -> str:
    return (
        ", ".join(dict.fromkeys(a.name for a in event.actors if a.role.value in ("agent", "claimant"))) or "-"
    )


def events_table(events: Sequence[Event]) -> str:
    lines = [
        f"{'id':<17} {'date':<22} {'type':<9} {'status':<9} {'certainty':<9} {'actor':<28} {'place':<26} "
        f"{'dead':>4} src rep"
    ]
    for e in events:
        place = e.place.name if e.place else "-"
        dead = "" if e.fatalities is None else str(e.fatalities)
        lines.append(
            f"{e.id:<17} {_when(e.date):<22} {e.type.value:<9} {e.status.value:<9} "
            f"{e.certainty.value:<9} {_agents(e)[:28]:<28} {place[:26]:<26} {dead:>4} {e.source_count:>3}"
            f" {max(len(e.reports), 1):>3}{_review_flag(e)}"
        )
    lines.append(f"{len(events)} events")
    return "\n".join(lines)


def _review_flag(event: Event) -> str:
    return f"  [{event.review.value}]" if event.review else ""


def situation_table(entries: Sequence[SituationEntry], as_of: date) -> str:
    lines = [f"Situation as of {as_of}", f"{'place':<30} {'actor':<34} {'status':<12} {'since':<11} until"]
    for e in entries:
        until = (
            e.until.isoformat()
            if e.until
            else (f"expected {_when(e.expected_end)}" if e.expected_end else "")
        )
        flag = "  CONTESTED" if e.contested else ""
        since = e.since.isoformat() if e.since else "?"
        lines.append(
            f"{e.place.name[:30]:<30} {e.actor[:34]:<34} {e.status.value:<12} {since:<11} {until}{flag}"
        )
    return "\n".join(lines)


def highlighted(evidence: Evidence) -> str:
    """The sentence with each marked fact as [words]{label}; marks on the same words share brackets."""
    text, offset = evidence.sentence, evidence.start
    labels: dict[tuple[int, int], list[str]] = {}
    for mark in evidence.marks:
        s, e = mark.start - offset, mark.end - offset
        if 0 <= s < e <= len(text) and mark.label not in labels.setdefault((s, e), []):
            labels[(s, e)].append(mark.label)
    inserts = [(e, 1, "]{" + ",".join(names) + "}") for (s, e), names in labels.items()]
    inserts += [(s, 0, "[") for (s, e) in labels]
    # from the end backwards; at one position a closing bracket goes before an opening one
    for position, _, piece in sorted(inserts, key=lambda i: (i[0], i[1]), reverse=True):
        text = text[:position] + piece + text[position:]
    return text


def event_detail(e: Event) -> str:
    place = e.place
    lines = [
        f"{e.id}  {e.type.value}  {e.status.value}  {e.certainty.value}",
        f"  date: {_when(e.date)} ({e.date.precision.name.lower() if e.date else 'unknown'})",
        f"  place: {place.name}, {place.admin1 or '-'}, {place.country or '-'} "
        f"({place.lat}, {place.lon}; where_prec {int(place.precision)})"
        if place
        else "  place: -",
    ]
    lines += [f'  actor: {a.name} [{a.role.value}] ← "{a.mention}"' for a in e.actors]
    lines += [
        f"  quantity: {q.kind} {q.value}{'-' + str(q.high) if q.high else ''}"
        f'{" " + q.category if q.category else ""} ← "{q.text}"'
        for q in e.quantities
    ]
    if e.fatalities is not None:
        lines.append(f"  fatalities (headline, lowest sourced figure): {e.fatalities}")
    lines += [
        f"  claim: {c.field} = {c.value} ({c.certainty.value}) says {c.source.name}"
        + (f" → {_when(c.span)}" if c.span else "")
        for c in e.claims
    ]
    lines += [
        f"  source: {s.name} [{s.kind.value}{', ' + s.stance.value if s.stance.value != 'asserts' else ''}]"
        + (f" via {s.via}" if s.via else "")
        for s in e.sources
    ]
    lines += _reports_lines(e)
    for ev in e.evidence:
        lines.append(f"  evidence {ev.document} [{ev.start}:{ev.end}]:")
        lines += ["    " + line for line in textwrap.wrap(highlighted(ev), 100)]
    return "\n".join(lines)


def _reports_lines(e: Event) -> list[str]:
    """Which documents' reports were merged into the event, and why each joined."""
    if not e.reports:
        return []
    first, last = e.reported, e.updated or e.reported
    lines = [
        f"  reports: {len(e.reports)} from {e.source_count} independent source(s);"
        f" first reported {first}, last updated {last}"
        + (f"; reviewed: {e.review.value}" if e.review else "")
    ]
    for r in e.reports:
        why = "; ".join(r.reasons) if r.reasons else "first report"
        outlet = f"{r.outlet}, " if r.outlet else ""
        lines.append(f"    {r.id} in {r.document} ({outlet}{r.reported}, {r.status.value}): {why}")
    if len({s.status for s in e.history}) > 1:
        lines.append("  history: " + " -> ".join(_stages(e)))
    return lines


def _stages(e: Event) -> list[str]:
    """Each stage once, with how many reports gave it: "began 2026-09-02 (3 reports)"."""
    counts: dict[str, int] = {}
    for step in e.history:
        label = f"{step.status.value} {_when(step.date)}"
        counts[label] = counts.get(label, 0) + 1
    return [f"{label} ({n} report{'s' if n > 1 else ''})" for label, n in counts.items()]


def changes_table(found: Sequence[StateChange]) -> str:
    lines = [f"{'date':<11} {'place':<28} {'actor':<32} change"]
    for c in found:
        before = c.before.value if c.before else "-"
        after = c.after.value if c.after else "no longer holds"
        lines.append(
            f"{c.when.isoformat():<11} {c.place.name[:28]:<28} {c.actor[:32]:<32} {before} -> {after}"
        )
        lines += [f"    {c.event}: " + textwrap.shorten(ev.sentence, 110) for ev in c.evidence[:1]]
    lines.append(f"{len(found)} changes")
    return "\n".join(lines)


def timeline_text(place: str, events: Sequence[Event], found: Sequence[StateChange]) -> str:
    lines = [f"Timeline of {place}", "", events_table(events)]
    if found:
        lines += ["", "Changes of state", changes_table(found)]
    return "\n".join(lines)


def annotation_text(a: Annotation) -> str:
    lines = [f"document {a.document.id} dated {a.document.date}"]
    lines += [
        f"  place {p.text!r} -> "
        + (f"{p.place.name}, {p.place.country} (prec {int(p.place.precision)})" if p.place else "abstain")
        for p in a.places
    ]
    lines += [f"  date {d.text!r} -> {_when(d.span)}" for d in a.dates]
    lines += [f"  source {s.text!r} [{s.source.kind.value}]" for s in a.sources]
    lines += ["", events_table(a.events)]
    return "\n".join(lines)
