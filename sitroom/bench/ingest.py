"""`sitroom bench`: whole-ingest throughput beside the bare spaCy pipeline on the same texts, in one run.

A third row runs sitroom's own spaCy pipeline alone (the model with its indexed attribute rules and
entity rulers): the gap between it and bare spaCy is what sitroom does to the model, the gap between it
and the whole ingest is what extraction, resolution and the store add.

Each measurement runs in a fresh process, so its peak memory (ru_maxrss) is its own. Model and gazetteer
loading are timed separately from throughput. Texts are read from the folders passed in (`sitroom bench`
names its defaults: the examples and test reports), cycled to the requested count with a numbered line
so that every document is new to the store.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sitroom.settings import Settings


def bench_texts(count: int, folders: Sequence[Path]) -> list[tuple[str, str]]:
    """(dateline, text) pairs: the report texts in `folders`, cycled, each made unique."""
    from sitroom.ingest import read_inputs
    from sitroom.records import Document

    base = [d for d in read_inputs([str(p) for p in folders if p.is_dir()]) if isinstance(d, Document)]
    if not base:
        shown = ", ".join(map(str, folders)) or "none given"
        raise RuntimeError(f"no report texts found to benchmark on (folders: {shown})")
    return [
        (base[i % len(base)].date.isoformat(), f"{base[i % len(base)].text}\n\nCopy {i}.")
        for i in range(count)
    ]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bare_spacy(settings: Settings, texts: list[tuple[str, str]]) -> dict:
    import spacy

    return _parse_only(lambda: spacy.load(settings.model), settings, texts)


def _sitroom_nlp(settings: Settings, texts: list[tuple[str, str]]) -> dict:
    """sitroom's own spaCy pipeline alone: the model with its indexed attribute rules, entity rulers and
    dateline splitter, no extraction and no store; what ingest adds is measured against it too."""
    from sitroom.pipeline import Pipeline

    return _parse_only(lambda: Pipeline(settings).nlp, settings, texts)


def _parse_only(load: Callable[[], Any], settings: Settings, texts: list[tuple[str, str]]) -> dict:
    """Load a spaCy pipeline, then time it over the texts in the batches ingest uses."""
    started = time.perf_counter()
    nlp = load()
    loaded = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe((t for _, t in texts), batch_size=settings.batch_size))
    done = time.perf_counter()
    return {
        "load_s": loaded - started,
        "seconds": done - loaded,
        "tokens": tokens,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _whole_ingest(settings: Settings, texts: list[tuple[str, str]]) -> dict:
    from datetime import date

    from sitroom.ingest import make_document
    from sitroom.jobs import ingest
    from sitroom.pipeline import Pipeline
    from sitroom.store import open_store

    started = time.perf_counter()
    pipeline = Pipeline(settings)
    _ = (pipeline.nlp, pipeline.resolvers)  # load everything before timing throughput
    loaded = time.perf_counter()
    geo_clock = _time_place_resolution(pipeline.resolvers.geo)
    docs = [make_document(t, date.fromisoformat(d), name=f"bench-{i}") for i, (d, t) in enumerate(texts)]
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "bench.db")) as store:
        report = ingest(docs, store, pipeline)
    done = time.perf_counter()
    tokens = sum(len(pipeline.nlp.tokenizer(t)) for _, t in texts)
    return {
        "load_s": loaded - started,
        "seconds": done - loaded,
        "tokens": tokens,
        "events": report.events,
        "documents": report.added,
        "peak_rss_mb": _peak_rss_mb(),
        "geo_resolve_s": geo_clock.seconds,
    }


@dataclass
class _Clock:
    seconds: float = 0.0


def _time_place_resolution(geo: Any) -> _Clock:
    """Time every call the pipeline makes to the place resolver, by wrapping its two public methods on
    this one instance (the stages call them through the resolver they were given)."""
    clock = _Clock()
    for name in ("resolve", "resolve_document"):
        setattr(geo, name, _timed(getattr(geo, name), clock))
    return clock


def _timed(method: Callable[..., Any], clock: _Clock) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            clock.seconds += time.perf_counter() - started

    return timed


def _gazetteer_open(settings: Settings) -> dict:
    """Opening the compiled gazetteer (built beforehand) and its first lookup, in a fresh process."""
    from sitroom.resolve.gazetteer import Gazetteer

    started = time.perf_counter()
    gazetteer = Gazetteer.open(settings.gazetteer_path)
    gazetteer.candidates("Damascus")
    return {"open_s": time.perf_counter() - started}


def _in_fresh_process(func, *args) -> dict:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(func, args)


def run_bench(
    settings: Settings,
    count: int,
    texts: Sequence[Path],
    worker_docs: int = 0,
    workers: tuple[int, ...] = (1, 2),
    memory_sizes: tuple[int, ...] = (),
    events: int = 0,
    postgres: str | None = None,
    repeat: int = 1,
) -> dict:
    """Throughput on `count` texts from the `texts` folders; with the options, also worker scaling, memory
    and query latency.
    With `repeat`, throughput and worker runs are made that many times, interleaved, and the fastest of
    each is kept: on a shared machine, other jobs only ever slow a run down."""
    results = _throughput(settings, bench_texts(count, texts), repeat)
    if worker_docs:
        base = bench_texts(min(worker_docs, 64), texts)
        results["workers"] = _worker_scaling(settings, worker_docs, base, workers, repeat)
    if memory_sizes:
        results["memory"] = _memory_by_size(settings, memory_sizes)
    if events:
        results["queries"] = _query_latency(events, postgres)
    return results


def _throughput(settings: Settings, texts: list[tuple[str, str]], repeat: int = 1) -> dict:
    count = len(texts)
    settings = replace(settings, db=":memory:")
    _in_fresh_process(_gazetteer_open, settings)  # builds the index if it is missing or stale
    gazetteer = _in_fresh_process(_gazetteer_open, settings)
    rounds = [
        [_in_fresh_process(run, settings, texts) for run in (_bare_spacy, _sitroom_nlp, _whole_ingest)]
        for _ in range(repeat)
    ]
    bare, nlp, whole = (
        fastest(list(runs), _quickness, ("peak_rss_mb",)) for runs in zip(*rounds, strict=True)
    )
    for part in (bare, nlp, whole):
        part["docs_per_s"] = count / part["seconds"]
        part["tokens_per_s"] = part["tokens"] / part["seconds"]
    return {
        "documents": count,
        "repeat": repeat,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "bare_spacy": bare,
        "sitroom_nlp": nlp,
        "sitroom_ingest": whole,
        "ratio": whole["docs_per_s"] / bare["docs_per_s"],
        "ratio_to_own_nlp": whole["docs_per_s"] / nlp["docs_per_s"],
        "gazetteer_open_s": gazetteer["open_s"],
        "geo_share": whole["geo_resolve_s"] / whole["seconds"],
    }


def _worker_scaling(
    settings: Settings, count: int, base: list[tuple[str, str]], workers: tuple[int, ...], repeat: int = 1
) -> dict:
    from sitroom.bench.scale import in_fresh_child, in_process, on_workers

    settings = replace(settings, db=":memory:")
    singles, runs = [], {n: [] for n in workers}
    for _ in range(repeat):
        singles.append(in_fresh_child(in_process, settings, count, base))
        for n in workers:
            runs[n].append(in_fresh_child(on_workers, settings, count, n, base))
    peaks = ("client_peak_rss_mb", "worker_peak_rss_mb")
    return {
        "documents": count,
        "single_process": fastest(singles, _rate, ("peak_rss_mb",)),
        "runs": [fastest(found, _rate, peaks) for found in runs.values()],
    }


def _rate(run: dict) -> float:
    return run["docs_per_s"]


def _quickness(run: dict) -> float:
    return -run["seconds"]


def fastest(runs: list[dict], speed: Callable[[dict], float], peaks: tuple[str, ...]) -> dict:
    """The fastest of repeated runs (by `speed`), with the highest peak memory any of them reached."""
    best = max(runs, key=speed)
    return {**best, **{key: max(run[key] for run in runs) for key in peaks}}


def _memory_by_size(settings: Settings, sizes: tuple[int, ...]) -> list[dict]:
    from sitroom.bench.scale import in_fresh_child, in_process

    settings = replace(settings, db=":memory:")
    # Synthetic reports, not the bundled texts cycled: copies of one text would all merge into one event.
    return [in_fresh_child(in_process, settings, size, None) for size in sizes]


def _query_latency(events: int, postgres: str | None) -> dict:
    from sitroom.bench.store import run_store_bench

    with tempfile.TemporaryDirectory() as tmp:
        found = {"sqlite": run_store_bench(str(Path(tmp) / "queries.db"), events)}
    if postgres:
        found["postgresql"] = run_store_bench(postgres, events)
    return found


def render_bench(r: dict) -> str:
    repeat = r.get("repeat", 1)
    fastest_of = f" (fastest of {repeat} interleaved runs each)" if repeat > 1 else ""
    lines = [
        f"sitroom bench: {r['documents']} documents on {r['machine']}{fastest_of}",
        f"{'':<16} {'docs/s':>8} {'tokens/s':>9} {'load s':>7} {'peak MB':>8}",
    ]
    rows = (
        ("bare spaCy", "bare_spacy"),
        ("sitroom NLP only", "sitroom_nlp"),
        ("sitroom ingest", "sitroom_ingest"),
    )
    for label, key in rows:
        if key not in r:
            continue
        p = r[key]
        lines.append(
            f"{label:<16} {p['docs_per_s']:>8.1f} {p['tokens_per_s']:>9.0f} {p['load_s']:>7.2f} "
            f"{p['peak_rss_mb']:>8.0f}"
        )
    lines.append(f"ratio (sitroom / bare spaCy docs/s): {r['ratio']:.2f}")
    if "ratio_to_own_nlp" in r:
        lines.append(f"ratio (sitroom / its own NLP pipeline alone): {r['ratio_to_own_nlp']:.2f}")
    lines.append(f"events extracted: {r['sitroom_ingest']['events']}")
    open_ms = r["gazetteer_open_s"] * 1000
    lines.append(f"gazetteer open + first lookup (built index, fresh process): {open_ms:.0f} ms")
    lines.append(
        f"place resolution: {r['sitroom_ingest']['geo_resolve_s']:.2f} s, "
        f"{100 * r['geo_share']:.1f}% of the sitroom ingest time"
    )
    from sitroom.bench.scale import render_memory, render_workers
    from sitroom.bench.store import render_queries

    if "workers" in r:
        lines += render_workers(r["workers"])
    if "memory" in r:
        lines += render_memory(r["memory"])
    if "queries" in r:
        lines += render_queries(r["queries"])
    return "\n".join(lines)
