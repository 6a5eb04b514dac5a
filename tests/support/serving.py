"""Stores of synthetic events written through the store's own write path (no NLP), for serving tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sitroom.bench.merge import synthetic_reports
from sitroom.records import Document, Event
from sitroom.store import Store


def synthetic_batches(count: int, seed: int = 7, batch: int = 20) -> list[list[tuple[Document, list[Event]]]]:
    """About `count` reports, one document each, in batches for `Store.write_many`."""
    reports, _ = synthetic_reports(count, seed)
    items = [_told(report, seed) for report in reports]
    return [items[i : i + batch] for i in range(0, len(items), batch)]


def write_synthetic(store: Store, batches: Sequence[Sequence[tuple[Document, list[Event]]]]) -> None:
    for items in batches:
        store.write_many(items)


def _told(report: Event, seed: int) -> tuple[Document, list[Event]]:
    """The report, with ids of its seed's own, and the document that tells it."""
    evidence = report.evidence[0]
    doc = f"{seed}-{evidence.document}"
    report = replace(report, id=f"ev-{doc}", evidence=(replace(evidence, document=doc),))
    return Document(doc, evidence.sentence, report.reported, f"hash-{doc}"), [report]
