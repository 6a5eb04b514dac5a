"""Stores of synthetic events written through the store's own write path (no NLP), for serving tests."""

from __future__ import annotations

from collections.abc import Sequence

from sitroom.bench.serve import synthetic_items
from sitroom.records import Document, Event
from sitroom.store import Store


def synthetic_batches(count: int, seed: int = 7, batch: int = 20) -> list[list[tuple[Document, list[Event]]]]:
    """About `count` reports, one document each, in batches for `Store.write_many`."""
    items = synthetic_items(count, seed)
    return [items[i : i + batch] for i in range(0, len(items), batch)]


def write_synthetic(store: Store, batches: Sequence[Sequence[tuple[Document, list[Event]]]]) -> None:
    for items in batches:
        store.write_many(items)
