"""Jobs that move pipeline output into the store: ingesting a stream of inputs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from os import PathLike

from sitroom.errors import SitroomError, StoreError
from sitroom.pipeline import Pipeline
from sitroom.records import Document, Event, Ignored, Skipped
from sitroom.settings import Settings, load_settings
from sitroom.store import Store

# spaCy's default nlp.max_length: a longer text makes the parser refuse the whole batch.
MAX_TEXT_CHARS = 1_000_000
# Documents per write transaction: one re-merge serves them all, which is most of a write's cost (a
# story reported many times is merged again in each batch that adds to it). A stopped run redoes at
# most this many documents.
WRITE_BATCH = 256
# Documents in, (document, its events or why it was skipped) out, in any number of processes.
Processor = Callable[[Iterator[Document]], Iterable[tuple[Document, "list[Event] | Skipped"]]]


@dataclass(frozen=True, slots=True)
class IdConflict:
    """A document whose id was taken by a different text: both are kept, this one under a derived id."""

    origin: str
    id: str
    stored_as: str


@dataclass
class IngestReport:
    added: int = 0
    unchanged: int = 0  # already stored: ingesting the same document again changes nothing
    events: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    conflicts: list[IdConflict] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)  # passed over by rule: READMEs, hidden files
    document_ids: list[str] = field(default_factory=list)  # the documents this ingest added
    report_ids: list[str] = field(default_factory=list)  # and the event reports it wrote for them


def ingest_paths(
    paths: Iterable[str | PathLike[str]], store: Store, settings: Settings | None = None
) -> IngestReport:
    """Read files, folders and JSONL corpora at `paths`, run the pipeline on the new documents and store
    them: what `sitroom ingest PATH...` does, for a Python caller."""
    from sitroom.ingest import read_inputs

    settings = settings or load_settings()
    inputs = read_inputs([str(p) for p in paths], max_bytes=settings.max_bytes)
    return ingest(inputs, store, Pipeline(settings))


def ingest(
    inputs: Iterable[Document | Skipped | Ignored],
    store: Store,
    pipeline: Pipeline | None,
    on_document: Callable[[], None] = lambda: None,
    strict: bool = False,
    process: Processor | None = None,
    write_batch: int = WRITE_BATCH,
) -> IngestReport:
    """Process and store every new document; report the duplicates, the id conflicts and the inputs that
    were skipped. A document the pipeline or the store fails on is skipped with the error (`strict`: raised),
    so one bad document never stops the rest; what is already stored is never touched.

    `process` replaces running `pipeline` here (sitroom.distributed runs it on other processes): it gets
    the new documents and yields each with its events, or with a Skipped when it failed on it.

    Documents are written `write_batch` at a time, each batch in one transaction with one re-merge, so a
    run that is stopped leaves whole batches only and running it again adds the rest."""
    report = IngestReport()
    unwritten = _Unwritten()

    def new_documents() -> Iterator[Document]:
        for item in inputs:
            if isinstance(item, Skipped):
                report.skipped.append(item)
                on_document()
            elif isinstance(item, Ignored):
                report.ignored.append(item)
                on_document()
            elif item.content_hash in unwritten.hashes or store.has_document(item.content_hash):
                report.unchanged += 1
                on_document()
            elif len(item.text) > MAX_TEXT_CHARS:
                report.skipped.append(_too_long(item))
                on_document()
            else:
                yield unwritten.let_through(_with_free_id(item, store, unwritten.ids, report))

    documents = new_documents()
    if process is not None:
        results = process(documents)
    elif pipeline is not None:
        results = _processed(pipeline, documents, report, strict, on_document)
    else:
        raise ValueError("ingest needs a pipeline or a process function")
    while batch := list(islice(results, write_batch)):
        unwritten.forget(_write(batch, store, report, strict, on_document))
    return report


class _Unwritten:
    """The documents this run has let through and not yet written, by content hash and by id, so that a
    repeat within the run is a duplicate and a clash of ids is seen. Once a document is written the store
    answers for it, so this holds a few batches, not the corpus. A document that was skipped stays: a
    repeat of it is a duplicate, as before."""

    def __init__(self) -> None:
        self.hashes: set[str] = set()
        self.ids: dict[str, str] = {}  # id -> content hash

    def let_through(self, document: Document) -> Document:
        self.hashes.add(document.content_hash)
        return document

    def forget(self, documents: list[Document]) -> None:
        for document in documents:
            self.hashes.discard(document.content_hash)
            if self.ids.get(document.id) == document.content_hash:
                del self.ids[document.id]


def _write(
    batch: list[tuple[Document, list[Event] | Skipped]],
    store: Store,
    report: IngestReport,
    strict: bool,
    on_document: Callable[[], None],
) -> list[Document]:
    """Store a batch in one transaction; when it is rolled back over a bad value, store its documents one
    by one and skip only the one at fault. Returns the documents the store now holds."""
    pairs = [(d, e) for d, e in batch if not isinstance(e, Skipped)]
    try:
        written = store.write_many(pairs) if pairs else []
    except StoreError as err:
        if strict or not _bad_value(err):
            raise
        written = [_write_one(d, e, store, report) for d, e in pairs]
    outcome = iter(written)
    held = []
    for document, events in batch:
        if isinstance(events, Skipped):
            report.skipped.append(events)
        elif (stored := next(outcome)) is None:
            pass  # skipped by _write_one, which said why
        elif stored:
            report.added += 1
            report.events += len(events)
            report.document_ids.append(document.id)
            report.report_ids += [event.id for event in events]
            held.append(document)
        else:
            report.unchanged += 1
            held.append(document)
        on_document()
    return held


def _write_one(document: Document, events: list[Event], store: Store, report: IngestReport) -> bool | None:
    """Whether the document was new; None when its values could not be stored (it is reported)."""
    try:
        return store.write(document, events)
    except StoreError as err:
        if not _bad_value(err):
            raise
        report.skipped.append(Skipped(document.origin, f"not stored: {err}"))
        return None


def _too_long(doc: Document) -> Skipped:
    limit = f"over the {MAX_TEXT_CHARS:,} the language model reads at once"
    return Skipped(doc.origin or doc.id, f"text too long: {len(doc.text):,} characters, {limit}")


def _with_free_id(doc: Document, store: Store, taken: dict[str, str], report: IngestReport) -> Document:
    """`doc`, or, when its id already names a different text, a copy under an id derived from its hash.
    The content hash stays as it was, so ingesting the same input again is still a no-op."""
    holder = taken.get(doc.id)
    if holder is None:
        stored = store.document(doc.id)
        holder = stored.content_hash if stored is not None else None
    if holder is None or holder == doc.content_hash:
        taken[doc.id] = doc.content_hash
        return doc
    derived = f"{doc.id}~{doc.content_hash[:12]}"
    report.conflicts.append(IdConflict(doc.origin, doc.id, derived))
    taken[derived] = doc.content_hash
    return replace(doc, id=derived)


def _processed(
    pipeline: Pipeline,
    documents: Iterator[Document],
    report: IngestReport,
    strict: bool,
    on_document: Callable[[], None],
) -> Iterator[tuple[Document, list[Event]]]:
    """The pipeline's output, a batch at a time; when a batch fails, its documents go one by one and only
    the one that fails is skipped."""
    if strict:
        yield from pipeline.process(documents)
        return
    while batch := list(islice(documents, pipeline.settings.batch_size)):
        try:
            results = list(pipeline.process(batch))
        except Exception:  # find the document at fault below, and keep the others
            results = list(_one_by_one(pipeline, batch, report, on_document))
        yield from results


def _one_by_one(
    pipeline: Pipeline, batch: list[Document], report: IngestReport, on_document: Callable[[], None]
) -> Iterator[tuple[Document, list[Event]]]:
    for document in batch:
        try:
            yield document, pipeline.events(document)
        except SitroomError:
            raise  # sitroom's own data or store is at fault, not this document: stop with its message
        except Exception as exc:  # a rejection is a value: the document is reported, not fatal
            failure = f"{type(exc).__name__}: {exc}"
            reason = f"sitroom failed on this document ({failure}); nothing of it was stored"
            report.skipped.append(Skipped(document.origin or document.id, reason))
            on_document()


def _bad_value(err: StoreError) -> bool:
    """A write rolled back over a value in the document (not a broken or locked database)."""
    return isinstance(err.__cause__, ArithmeticError | ValueError | TypeError | LookupError)
