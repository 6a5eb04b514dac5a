"""Combining: a cluster of linked reports becomes one event.

The event carries the sources, actors and evidence of all its reports, the furthest status any of them
gives, the date from the report that says it best, the latest toll (and each report's toll where they
differ), its status history, and each report with its origin (outlet or republished story) and the link
that made it join.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sitroom.merge.cards import LASTING
from sitroom.merge.clusters import Clusters
from sitroom.merge.document import CERTAINTY_RANK, _union, specificity
from sitroom.merge.linking import STATUS_STAGE, Link, jaccard, wording
from sitroom.merge.memo import MergeMemo
from sitroom.records import (
    Certainty,
    Claim,
    DateBasis,
    Event,
    ReportLink,
    Source,
    SourceKind,
    Status,
    StatusStep,
    TimeSpan,
)

_FORESEEN = frozenset({Status.EXPECTED, Status.PLANNED})


def combine_cluster(
    reports: list[Event], links: dict[tuple[str, str], Link], memo: MergeMemo | None = None
) -> Event:
    """The event a cluster of reports describes; `links`: the links found, by pair of report ids."""
    ordered = sorted(reports, key=lambda r: (r.reported or date.max, r.id))
    if len(ordered) == 1:
        only = ordered[0]
        return replace(
            only,
            updated=only.reported,
            reports=(_report_link(only, ordered, links, origin=_origins(ordered, memo)[only.id]),),
            history=_history(ordered),
        )
    anchor, latest = ordered[0], ordered[-1]
    origins = _origins(ordered, memo)
    place = min((r.place for r in ordered if r.place), key=specificity, default=None)
    return replace(
        anchor,
        status=_status(ordered),
        certainty=min((r.certainty for r in ordered), key=CERTAINTY_RANK.__getitem__),
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
    return max(stated, key=lambda r: (STATUS_STAGE[r.status], r.reported or date.min)).status


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
    if reports[0].type in LASTING:
        stage = max(STATUS_STAGE[r.status] for r in dated)
        at_stage = [r.date for r in dated if STATUS_STAGE[r.status] == stage]
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
    steps.sort(key=lambda s: (s.date.start if s.date else s.reported, STATUS_STAGE[s.status], s.report))
    return tuple(steps)


def _origins(reports: list[Event], memo: MergeMemo | None) -> dict[str, str]:
    """Each report's origin: reports from one outlet, or with near-identical wording (an agency story
    republished elsewhere), share one, labelled by the outlet of the group's earliest report."""
    groups = Clusters(r.id for r in reports)
    for i, a in enumerate(reports):
        for b in reports[i + 1 :]:
            same_outlet = _outlet(a) is not None and _outlet(a) == _outlet(b)
            if same_outlet or jaccard(wording(a, memo), wording(b, memo)) >= 0.8:
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
