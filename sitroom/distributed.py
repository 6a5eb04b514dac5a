"""Ingest on a Dask cluster: NLP, extraction and resolution on workers, the store in this process.

Documents go to the workers in batches, with only a few batches in flight at once, so neither this process
nor a worker ever holds more than a bounded slice of the corpus. Each worker process loads the pipeline once
(`_worker_pipeline`) and keeps it for every later batch. Results come back in the order the batches went out
and are written a batch of documents per transaction (`sitroom.jobs.ingest`), so a run that is killed leaves
whole documents only, and running it again skips them by content hash and processes the rest.
"""

from __future__ import annotations

import functools
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from sitroom.errors import SitroomError
from sitroom.jobs import WRITE_BATCH, IngestReport, ingest
from sitroom.pipeline import Pipeline
from sitroom.records import Document, Event, Skipped
from sitroom.settings import Settings
from sitroom.store import Store

# Tasks' worth of documents in flight per worker thread: one running, one queued, so a worker never
# waits on this process.
IN_FLIGHT_PER_THREAD = 2
# Batches per thread that the last documents of a run are cut into.
_TAIL_BATCHES_PER_THREAD = 4
# A worker samples its own stack every 10 ms for the dashboard's profile, which a local cluster here
# does not serve: that took about 5% of a worker's CPU beside the pipeline, on the cores the pipeline uses.
_LOCAL_WORKER_CONFIG = {"distributed.worker.profile.enabled": False}

Result = tuple[Document, "list[Event] | Skipped"]


class ClusterError(SitroomError):
    """The Dask cluster cannot be started or reached."""


@functools.cache
def _worker_pipeline(settings: Settings) -> Pipeline:
    pipeline = Pipeline(settings)
    _ = (pipeline.nlp, pipeline.resolvers)  # load everything now, not inside the first batch
    return pipeline


def _pipeline_settings(settings: Settings) -> Settings:
    # The database is not the workers' business; leaving it out lets every store share one loaded pipeline.
    return replace(settings, db="")


def warm_worker(settings: Settings) -> int:
    """Load the pipeline in this worker process (run on every worker before work starts)."""
    _worker_pipeline(settings)
    return os.getpid()


def process_batch(settings: Settings, documents: list[Document]) -> list[Result]:
    """Runs on a worker: each document with its events, or a Skipped saying why it failed."""
    pipeline = _worker_pipeline(settings)
    try:
        return list(pipeline.process(documents))
    except Exception:  # find the document at fault, keep the others
        return [_one(pipeline, document) for document in documents]


def _one(pipeline: Pipeline, document: Document) -> Result:
    try:
        return document, pipeline.events(document)
    except Exception as exc:  # a rejection is a value: the document is reported, not fatal
        reason = f"sitroom failed on this document ({type(exc).__name__}: {exc}); nothing of it was stored"
        return document, Skipped(document.origin or document.id, reason)


def dask_processor(client, settings: Settings, task_size: int | None = None):
    """A `sitroom.jobs.Processor` that runs the pipeline on the client's workers, in bounded batches.
    A task is one spaCy batch (`settings.batch_size` documents) unless `task_size` says otherwise: a
    smaller one parses in smaller batches, and each task costs the scheduler and this process the same."""
    task_size = task_size or settings.batch_size
    pipeline_settings = _pipeline_settings(settings)
    threads = sum(client.nthreads().values())
    if threads == 0:
        raise ClusterError("the Dask cluster has no workers")
    client.run(warm_worker, pipeline_settings)
    # Documents in flight, not tasks: the small batches at the end of a run must keep workers as busy.
    limit = max(2, threads * IN_FLIGHT_PER_THREAD) * task_size

    def process(documents: Iterator[Document]) -> Iterator[Result]:
        pending: deque = deque()
        in_flight = 0
        for batch in task_batches(documents, task_size, threads):
            pending.append((client.submit(process_batch, pipeline_settings, batch, pure=False), len(batch)))
            in_flight += len(batch)
            while in_flight >= limit:
                future, size = pending.popleft()
                in_flight -= size
                yield from _result(future)
        while pending:
            yield from _result(pending.popleft()[0])

    return process


def task_batches(documents: Iterable[Document], size: int, threads: int) -> Iterator[list[Document]]:
    """Batches of `size` documents, reading one batch per thread ahead; the documents left when the
    input ends are cut into smaller batches, a few per thread. Whole batches to the end would leave
    some workers idle while others finish their last batch; small ones all the way would parse in
    small spaCy batches."""
    ahead: deque[Document] = deque()
    for document in documents:
        ahead.append(document)
        if len(ahead) == size * (threads + 1):
            yield [ahead.popleft() for _ in range(size)]
    small = max(1, -(-len(ahead) // (threads * _TAIL_BATCHES_PER_THREAD)))
    while ahead:
        yield [ahead.popleft() for _ in range(min(small, len(ahead)))]


def _result(future) -> list[Result]:
    try:
        return future.result()
    except Exception as exc:  # a lost worker or scheduler; what was written so far stays written
        raise ClusterError(
            f"the Dask cluster failed ({type(exc).__name__}: {exc}); run again to resume"
        ) from exc


@contextmanager
def dask_client(workers: int | None = None, address: str | None = None) -> Iterator:
    """A client of a new local cluster of `workers` processes (one thread each), or of the scheduler at
    `address`."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError("distributed ingest needs Dask: pip install 'dask[distributed]'") from exc
    if address:
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        with client:
            yield client
        return
    if workers is None or workers < 1:
        raise ClusterError(f"the number of workers must be at least 1, got {workers}")
    try:
        with dask.config.set(_LOCAL_WORKER_CONFIG):  # the nannies hand it to their workers
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                memory_limit=0,  # the pipeline's footprint is steady; do not restart workers on a guess
                silence_logs=logging.ERROR,
            )
    except (OSError, RuntimeError, TimeoutError) as exc:
        raise ClusterError(f"cannot start a local Dask cluster of {workers} workers: {exc}") from exc
    with cluster, Client(cluster) as client:
        yield client


def ingest_on_cluster(
    inputs: Iterable[Document | Skipped],
    store: Store,
    settings: Settings,
    client,
    on_document: Callable[[], None] = lambda: None,
    task_size: int | None = None,
    process=None,
    write_batch: int = WRITE_BATCH,
) -> IngestReport:
    """`sitroom.jobs.ingest` with the pipeline on a Dask cluster and the writes here. `process`: a
    `dask_processor` made beforehand (its workers already warm)."""
    process = process or dask_processor(client, settings, task_size)
    return ingest(inputs, store, None, on_document=on_document, process=process, write_batch=write_batch)
