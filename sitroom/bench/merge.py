"""`sitroom bench-merge`: how merging scales with the number of reports, on synthetic reports.

Reports are drawn around true events spread over places, a year of days, types and actors; each true
event is told by one to five documents whose dates, places and wording vary a little. The benchmark
times `merge_reports` over all of them (and the store's incremental path on the smaller sizes), and
scores the merge against the known truth with pairwise precision and recall.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from collections import Counter
from datetime import date, timedelta

from sitroom.merge import merge_reports
from sitroom.merge.reports import _candidate_pairs
from sitroom.records import (
    ActorRef,
    Certainty,
    DatePrecision,
    Document,
    Event,
    EventType,
    Evidence,
    Place,
    PlacePrecision,
    Role,
    Source,
    SourceKind,
    Status,
    TimeSpan,
)
from sitroom.store import open_store

_TYPES = [EventType.ASSAULT, EventType.ASSAULT, EventType.FIGHT, EventType.WITHDRAW, EventType.DEPLOY]
_METHODS = ["an air strike", "shelling", "a car bomb", "an ambush", "an attack"]
_OUTLETS = [f"Outlet {n}" for n in range(40)]
_START = date(2026, 1, 1)


def synthetic_reports(count: int, seed: int = 7) -> tuple[list[Event], dict[str, int]]:
    """About `count` reports and, for each, the index of the true event it tells."""
    rng = random.Random(seed)
    places = _places(max(50, count // 20), rng)
    actors = [ActorRef(f"Group {n}", Role.AGENT, f"group {n}", id=f"group-{n}") for n in range(60)]
    reports: list[Event] = []
    truth: dict[str, int] = {}
    event = 0
    while len(reports) < count:
        kind, where = rng.choice(_TYPES), rng.choice(places)
        when = _START + timedelta(days=rng.randrange(365))
        who, how = rng.choice(actors), rng.choice(_METHODS)
        for copy in range(min(rng.choice([1, 1, 2, 3, 5]), count - len(reports))):
            report = _report(f"s{event}-{copy}", kind, where, when, who, how, rng)
            reports.append(report)
            truth[report.id] = event
        event += 1
    return reports, truth


def _places(count: int, rng: random.Random) -> list[Place]:
    # A larger corpus covers more ground: the region grows with the number of places, so each place
    # keeps about as many neighbours as in a real theatre (a town every ~15 km).
    side = max(1.0, (count * 0.02) ** 0.5)  # degrees
    return [
        Place(
            f"Place {n}",
            round(rng.uniform(-side / 2, side / 2), 4),
            round(rng.uniform(-side / 2, side / 2), 4),
            PlacePrecision.SITE,
            "Testland",
            "TL",
            f"Province {n // 40}",
            gazetteer_id=f"bench:{n}",
        )
        for n in range(count)
    ]


def _report(
    doc: str, kind: EventType, where: Place, when: date, who: ActorRef, how: str, rng: random.Random
) -> Event:
    shift = rng.choice([0, 0, 0, 1])
    said = f"{who.name} carried out {how} in {where.name} on {when:%B %d}, {rng.choice(_OUTLETS)} reported."
    return Event(
        id=f"ev-{doc}",
        type=kind,
        status=Status.COMPLETED,
        certainty=Certainty.REPORTED,
        trigger=how.split()[-1],
        actors=(who,) if rng.random() < 0.7 else (),
        place=where,
        date=TimeSpan(when + timedelta(days=shift), when + timedelta(days=shift), DatePrecision.DAY),
        fatalities=rng.choice([None, 0, 1, 2, 5]),
        sources=(Source(rng.choice(_OUTLETS), SourceKind.OUTLET),),
        evidence=(Evidence(doc, 0, len(said), said),),
        reported=when + timedelta(days=shift + rng.randrange(3)),
    )


def measure(count: int, store_path: bool) -> dict:
    reports, truth = synthetic_reports(count)
    pairs = len(_candidate_pairs(reports))
    started = time.perf_counter()
    events = merge_reports(reports)
    seconds = time.perf_counter() - started
    precision, recall = _pairwise(events, truth)
    row = {
        "reports": len(reports),
        "true_events": len(set(truth.values())),
        "events": len(events),
        "candidate_pairs": pairs,
        "merge_s": round(seconds, 3),
        "us_per_report": round(1e6 * seconds / len(reports), 1),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
    }
    if store_path:
        row["store_ingest_s"] = round(_store_seconds(reports), 2)
        row["peak_mb"] = round(_peak_mb(reports), 1)
    return row


def _peak_mb(reports: list[Event]) -> float:
    """Memory that merging allocates at its peak (a second, traced run: tracing slows it down)."""
    tracemalloc.start()
    merge_reports(reports)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def _pairwise(events: list[Event], truth: dict[str, int]) -> tuple[float, float]:
    """Pairwise precision and recall, counted per cluster (no pair enumeration: linear in reports)."""
    predicted_pairs = sum(n * (n - 1) // 2 for n in (len(e.reports) for e in events))
    true_sizes = Counter(truth.values())
    true_pairs = sum(n * (n - 1) // 2 for n in true_sizes.values())
    agreed = 0
    for event in events:
        counts = Counter(truth[link.id] for link in event.reports)
        agreed += sum(n * (n - 1) // 2 for n in counts.values())
    precision = agreed / predicted_pairs if predicted_pairs else 1.0
    recall = agreed / true_pairs if true_pairs else 1.0
    return precision, recall


def _store_seconds(reports: list[Event]) -> float:
    """One document per report, written one at a time into a fresh in-memory SQLite store."""
    with open_store(":memory:") as store:
        started = time.perf_counter()
        for report in reports:
            doc = report.evidence[0].document
            store.write(Document(doc, doc, report.reported, f"hash-{doc}"), [report])
        return time.perf_counter() - started


def run_merge_bench(sizes: list[int], store_up_to: int = 10_000) -> list[dict]:
    return [measure(n, store_path=n <= store_up_to) for n in sizes]


def render_merge_bench(rows: list[dict]) -> str:
    lines = [
        f"{'reports':>8} {'events':>8} {'pairs':>9} {'merge s':>8} {'us/report':>9} {'peak MB':>8}"
        f" {'precision':>9} {'recall':>7} {'store s':>8}  (store: one document at a time into SQLite)"
    ]
    for r in rows:
        store = f"{r['store_ingest_s']:>8}" if "store_ingest_s" in r else f"{'-':>8}"
        peak = f"{r['peak_mb']:>8}" if "peak_mb" in r else f"{'-':>8}"
        lines.append(
            f"{r['reports']:>8} {r['events']:>8} {r['candidate_pairs']:>9} {r['merge_s']:>8}"
            f" {r['us_per_report']:>9} {peak} {r['precision']:>9.3f} {r['recall']:>7.3f} {store}"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = (last["merge_s"] / first["merge_s"]) / (last["reports"] / first["reports"])
        lines.append(f"time per report, {last['reports']} vs {first['reports']} reports: x{growth:.2f}")
    return "\n".join(lines)
