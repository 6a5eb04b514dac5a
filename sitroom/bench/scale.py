"""How ingest scales: docs/s on 1..N Dask workers, and peak memory as the corpus grows.

Each measurement runs in a fresh process (`sitroom.bench.ingest` starts it), so its peak memory is its own and
no loaded model carries over. Worker start-up and pipeline loading are timed apart from throughput.
Documents are made on the fly from the bundled texts, so the corpus itself never sits in memory.
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sitroom.settings import Settings


def streamed_documents(count: int, base: list[tuple[str, str]]) -> Iterator:
    """`count` distinct Documents cycling over (dateline, text) pairs, made one at a time."""
    from sitroom.ingest import make_document

    for i in range(count):
        day, text = base[i % len(base)]
        yield make_document(f"{text}\n\nCopy {i}.", date.fromisoformat(day), name=f"bench-{i}")


def corpus_documents(count: int, seed: int = 0) -> Iterator:
    """`count` synthetic reports (`sitroom.bench.corpus`), each telling its own events, made one at a time."""
    from sitroom.bench.corpus import generate
    from sitroom.ingest import make_document

    for report in generate(count, seed):
        yield make_document(report.text, report.date, doc_id=report.id, outlet=report.outlet)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def on_workers(settings: Settings, count: int, workers: int, base: list[tuple[str, str]] | None) -> dict:
    """Ingest `count` documents (as `in_process` picks them) on a local cluster of `workers` processes."""
    from sitroom.distributed import dask_client, dask_processor, ingest_on_cluster
    from sitroom.store import open_store

    started = time.perf_counter()
    with dask_client(workers) as client, tempfile.TemporaryDirectory() as tmp:
        with open_store(str(Path(tmp) / "bench.db")) as store:
            process = dask_processor(client, settings)  # starts and warms the workers
            loaded = time.perf_counter()
            documents = streamed_documents(count, base) if base else corpus_documents(count)
            report = ingest_on_cluster(documents, store, settings, client, process=process)
            done = time.perf_counter()
        worker_rss = client.run(_peak_rss_mb)
    return {
        "workers": workers,
        "load_s": loaded - started,
        "seconds": done - loaded,
        "docs_per_s": report.added / (done - loaded),
        "documents": report.added,
        "client_peak_rss_mb": _peak_rss_mb(),
        "worker_peak_rss_mb": max(worker_rss.values()),
    }


def in_process(settings: Settings, count: int, base: list[tuple[str, str]] | None) -> dict:
    """Ingest `count` streamed documents in this process (the bundled texts cycled, or with `base` None
    synthetic reports); its peak memory is what the corpus size costs."""
    from sitroom.jobs import ingest
    from sitroom.pipeline import Pipeline
    from sitroom.store import open_store

    pipeline = Pipeline(settings)
    _ = (pipeline.nlp, pipeline.resolvers)
    loaded_rss = _peak_rss_mb()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "bench.db")) as store:
        documents = streamed_documents(count, base) if base else corpus_documents(count)
        report = ingest(documents, store, pipeline)
    seconds = time.perf_counter() - started
    return {
        "documents": report.added,
        "seconds": seconds,
        "docs_per_s": report.added / seconds,
        "loaded_rss_mb": loaded_rss,
        "peak_rss_mb": _peak_rss_mb(),
    }


def in_fresh_child(func, *args) -> dict:
    """`func(*args)` in a new spawned process that may start processes of its own (Dask workers)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_send_result, args=(send, func, args))
    child.start()
    send.close()
    try:
        ok, value = receive.recv()
    except EOFError as exc:
        raise RuntimeError(f"the benchmark process died (exit status {child.exitcode})") from exc
    finally:
        child.join()
    if not ok:
        raise RuntimeError(f"the benchmark process failed: {value}")
    return value


def _send_result(send, func, args) -> None:
    try:
        send.send((True, func(*args)))
    except Exception as exc:  # report it to the parent, which raises it there
        send.send((False, f"{type(exc).__name__}: {exc}"))


def render_workers(r: dict) -> list[str]:
    single = r["single_process"]
    lines = [
        f"ingest on Dask workers, {r['documents']} documents (fresh processes; start-up timed apart):",
        f"  {'':<18} {'docs/s':>8} {'start s':>8} {'client MB':>10} {'worker MB':>10}",
        f"  {'single process':<18} {single['docs_per_s']:>8.1f} {'':>8} {single['peak_rss_mb']:>10.0f}",
    ]
    for run in r["runs"]:
        lines.append(
            f"  {run['workers']} worker(s){'':<8} {run['docs_per_s']:>8.1f} {run['load_s']:>8.1f} "
            f"{run['client_peak_rss_mb']:>10.0f} {run['worker_peak_rss_mb']:>10.0f}"
        )
    by_count = {run["workers"]: run["docs_per_s"] for run in r["runs"]}
    if 1 in by_count:
        for n, rate in sorted(by_count.items()):
            if n > 1:
                lines.append(f"  {n} vs 1 worker: {rate / by_count[1]:.2f}x")
        lines.append(f"  1 worker vs single process: {by_count[1] / single['docs_per_s']:.2f}x")
    return lines


def render_memory(runs: list[dict]) -> list[str]:
    lines = [
        "peak memory of a single-process ingest of synthetic reports by corpus size (fresh process each):"
    ]
    for run in runs:
        lines.append(
            f"  {run['documents']:>7} documents: peak {run['peak_rss_mb']:.0f} MB"
            f" (pipeline loaded: {run['loaded_rss_mb']:.0f} MB), {run['docs_per_s']:.1f} docs/s"
        )
    return lines
