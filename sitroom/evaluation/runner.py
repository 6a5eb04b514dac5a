"""Run the pipeline over evaluation documents: each unique document once, in batches, surviving failures.

The evaluation must report on the whole data set even while a pipeline part still fails on some inputs,
so a batch that raises is retried one document at a time and the documents that still fail are counted
(with the first error message) and scored as if nothing had been extracted from them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tqdm import tqdm

from sitroom.records import Document, Event

CHUNK = 256  # documents handed to Pipeline.process at a time; a failing chunk is retried one by one
K = TypeVar("K", bound=Hashable)


@dataclass
class RunReport:
    """What the pipeline produced for a set of unique documents."""

    events: dict[str, list[Event]] = field(default_factory=dict)  # by document id
    failed: int = 0
    first_error: str | None = None

    def record_failure(self, document: Document, error: Exception) -> None:
        self.failed += 1
        if self.first_error is None:
            self.first_error = f"{document.id}: {type(error).__name__}: {error}"

    def info(self) -> dict[str, Any]:
        return {
            "documents": len(self.events) + self.failed,
            "failed_documents": self.failed,
            "first_failure": self.first_error,
        }


def run_documents(pipeline: Any, documents: Sequence[Document], label: str = "eval") -> RunReport:
    """Events of every document, keyed by document id (ids must be unique)."""
    report = RunReport()
    with tqdm(total=len(documents), desc=label, unit="doc", disable=None, file=sys.stderr) as bar:
        for chunk in _chunks(documents, CHUNK):
            _run_chunk(pipeline, chunk, report)
            bar.update(len(chunk))
    return report


def _run_chunk(pipeline: Any, chunk: Sequence[Document], report: RunReport) -> None:
    try:
        done = {document.id: events for document, events in pipeline.process(chunk)}
    except Exception:  # noqa: BLE001 - a pipeline bug on one document must not end the evaluation
        done = None
    if done is not None and len(done) == len(chunk):
        report.events.update(done)
        return
    for document in chunk:
        try:
            report.events[document.id] = pipeline.events(document)
        except Exception as error:  # noqa: BLE001 - counted and reported, see the module docstring
            report.record_failure(document, error)


def _chunks(items: Sequence[Document], size: int) -> Iterator[Sequence[Document]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def unique_documents(
    keys: Mapping[str, K], make: Callable[[K, int], Document]
) -> tuple[list[Document], dict[str, str]]:
    """One document per distinct key: (documents, row id -> document id).

    `keys` maps each row id to a hashable key (such as (text, dateline)); `make(key, index)` builds the
    document for a key the first time it is seen.
    """
    by_key: dict[K, Document] = {}
    row_document: dict[str, str] = {}
    for row_id, key in keys.items():
        if key not in by_key:
            by_key[key] = make(key, len(by_key))
        row_document[row_id] = by_key[key].id
    return list(by_key.values()), row_document
