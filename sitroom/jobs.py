"""Jobs that move pipeline output into the store: ingesting a stream of inputs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sitroom.pipeline import Pipeline
from sitroom.records import Document, Skipped
from sitroom.store import Store


@dataclass
class IngestReport:
    added: int = 0
    unchanged: int = 0  # already stored: ingesting the same document again changes nothing
    events: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def ingest(
    inputs: Iterable[Document | Skipped],
    store: Store,
    pipeline: Pipeline,
    on_document: Callable[[], None] = lambda: None,
) -> IngestReport:
    """Process and store every new document; report the duplicates and the inputs that were skipped."""
    report = IngestReport()

    def new_documents() -> Iterator[Document]:
        seen: set[str] = set()
        for item in inputs:
            if isinstance(item, Skipped):
                report.skipped.append(item)
                on_document()
            elif item.content_hash in seen or store.has_document(item.content_hash):
                report.unchanged += 1
                on_document()
            else:
                seen.add(item.content_hash)
                yield item

    for document, events in pipeline.process(new_documents()):
        if store.write(document, events):
            report.added += 1
            report.events += len(events)
        else:
            report.unchanged += 1
        on_document()
    return report
