"""Cross-report merging scored on a story: many reports over weeks about one theatre, hand-coded.

The story (`iraq-drawdown/` in sitroom's examples: `reports.jsonl` and `expected.json`) says which
documents report each real-world event and what the situation is on four dates. Scores:

- pairwise merge precision and recall: over every pair of extracted reports that match a hand-coded
  event, is "merged into one event" the same as "the same real-world event"?
- the same for a naive baseline that merges reports with the same type, place and date;
- per hand-coded event, whether the merged event has its status, toll, end date and source count;
- the share of situation expectations met.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from sitroom.errors import EvalError
from sitroom.evaluation.expectations import situation_mismatch
from sitroom.ingest import read_inputs
from sitroom.merge import merge_reports
from sitroom.records import Document, Event
from sitroom.situation import situation_as_of

FOLDER = "iraq-drawdown"  # under the examples folder
KEY = "story"
TITLE = "Cross-report merging on a 14-report story (examples/iraq-drawdown, hand-coded)"
SPLIT = "story"


def evaluate_story(pipeline: Any, folder: Path, limit: int | None = None) -> dict[str, Any]:
    expected = _load_expected(folder / "expected.json")
    documents = [d for d in read_inputs([str(folder / "reports.jsonl")]) if isinstance(d, Document)]
    reports = [r for _, found in pipeline.process(documents) for r in found]
    return score_story(reports, expected)


def score_story(reports: Sequence[Event], expected: dict) -> dict[str, Any]:
    gold = _gold_of(reports, expected["events"])
    merged = merge_reports(reports)
    event_of = {link.id: e.id for e in merged for link in e.reports}
    naive = _naive_clusters(reports)
    metrics = {
        **_pairwise("merge", gold, event_of),
        **_pairwise("naive merge (type, place, date)", gold, naive),
        "hand-coded events found": _ratio(len(set(gold.values())), len(expected["events"])),
        "event fields agree": _fields(merged, gold, expected["events"]),
        "situation expectations met": _situation(merged, expected["situation"]),
    }
    counts = {
        "reports extracted": len(reports),
        "reports matching a hand-coded event": len(gold),
        "events after merging": len(merged),
    }
    return {"splits": [SPLIT], "metrics": {SPLIT: metrics}, "counts": {SPLIT: counts}}


def _load_expected(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvalError(f"cannot read the story's expectations {path}: {exc}") from exc


def _gold_of(reports: Sequence[Event], events: list[dict]) -> dict[str, int]:
    """Report id -> index of the hand-coded event it describes (reports matching none are left out)."""
    gold = {}
    for report in reports:
        for index, want in enumerate(events):
            if _describes(report, want):
                gold[report.id] = index
                break
    return gold


def _describes(report: Event, want: dict) -> bool:
    if report.type.value != want["type"] or not set(report.documents) & set(want["documents"]):
        return False
    place = report.place
    names = [place.name, place.mention, place.admin1 or ""] if place else []
    return any(option.casefold() in n.casefold() for n in names for option in want["place_any"])


def _pairwise(label: str, gold: dict[str, int], predicted: dict[str, str]) -> dict[str, dict]:
    tp = fp = fn = 0
    for a, b in combinations(sorted(gold), 2):
        same_gold = gold[a] == gold[b]
        same_predicted = predicted.get(a, a) == predicted.get(b, b)
        tp += same_gold and same_predicted
        fp += same_predicted and not same_gold
        fn += same_gold and not same_predicted
    return {
        f"{label} pairwise precision": _ratio(tp, tp + fp),
        f"{label} pairwise recall": _ratio(tp, tp + fn),
    }


def _naive_clusters(reports: Sequence[Event]) -> dict[str, str]:
    def key(r: Event) -> tuple:
        place = (r.place.gazetteer_id or r.place.name) if r.place else None
        return (r.type, place, r.date.start if r.date else None, r.date.end if r.date else None)

    first: dict[tuple, str] = {}
    return {r.id: first.setdefault(key(r), r.id) for r in sorted(reports, key=lambda r: r.id)}


def _fields(merged: Sequence[Event], gold: dict[str, int], events: list[dict]) -> dict:
    """For each hand-coded event, the merged event holding most of its reports: do its fields agree?"""
    checks: dict[str, Callable[[Event, dict], bool]] = {
        "status": lambda e, w: e.status.value == w["status"],
        "certainty": lambda e, w: e.certainty.value == w["certainty"],
        "fatalities": lambda e, w: e.fatalities == w["fatalities"],
        "date_end": lambda e, w: e.date is not None and e.date.end == date.fromisoformat(w["date_end"]),
        "independent_sources": lambda e, w: e.source_count == w["independent_sources"],
    }
    agree = total = 0
    for index, want in enumerate(events):
        event = _main_event(merged, [r for r, g in gold.items() if g == index])
        for name, check in checks.items():
            if name in want:
                total += 1
                agree += event is not None and check(event, want)
    return _ratio(agree, total)


def _main_event(merged: Sequence[Event], report_ids: list[str]) -> Event | None:
    if not report_ids:
        return None
    return max(merged, key=lambda e: (len({r.id for r in e.reports} & set(report_ids)), e.id))


def _situation(merged: Sequence[Event], wants: list[dict]) -> dict:
    met = 0
    for want in wants:
        entries = situation_as_of(merged, date.fromisoformat(want["as_of"]))
        if want.get("contested"):
            entries = [e for e in entries if e.contested]
        met += not situation_mismatch(entries, want)
    return _ratio(met, len(wants))


def _ratio(part: int, whole: int) -> dict:
    return {"value": part / whole if whole else None, "n": whole, "unit": "share"}
