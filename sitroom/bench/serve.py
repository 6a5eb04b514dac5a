"""`sitroom bench-serve`: how `sitroom serve` holds up under many readers while an ingest writes.

A store of N synthetic reports is loaded through the store's own write path (merged, with its situation
table, no NLP); `sitroom serve` runs on it in a subprocess; C client threads, each on a kept-alive
connection, ask for one path (or a mix of the API's reads) for S seconds while another process keeps
writing reports into the same store. For a static file, each API path alone and the mix it prints
requests/s, p50/p95/p99 latency and the answers that were not 200 (by status; "conn" for a connection
that failed). On SQLite, and on PostgreSQL when given an empty database.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitroom.bench.merge import synthetic_reports
from sitroom.records import Document, Event
from sitroom.store import open_store

STATIC = "/static/style.css"
# What the page and analysts ask for; the synthetic reports fall in 2026.
READS = (
    "/api/events",
    "/api/events?type=assault&since=2026-06-01&until=2026-08-31",
    "/api/situation?as_of=2026-07-01",
    "/api/changes?since=2026-06-01",
    "/api/places?limit=50",
    "/api/events?q=shelling",
)


@dataclass(frozen=True, slots=True)
class Ingest:
    """The ingest that runs beside the readers: `batch` reports written every `every_s` seconds, as a
    feed's come (the default, 20 a second, is about what the NLP pipeline ingests on two cores)."""

    batch: int = 20
    every_s: float = 1.0


def synthetic_items(count: int, seed: int) -> list[tuple[Document, list[Event]]]:
    """About `count` reports, each told by a document of its own; ids are the seed's own."""
    reports, _ = synthetic_reports(count, seed)
    return [_told(report, seed) for report in reports]


def _told(report: Event, seed: int) -> tuple[Document, list[Event]]:
    evidence = report.evidence[0]
    doc = f"{seed}-{evidence.document}"
    report = replace(report, id=f"ev-{doc}", evidence=(replace(evidence, document=doc),))
    return Document(doc, evidence.sentence, report.reported, f"hash-{doc}"), [report]


def build_store(url: str, count: int, seed: int = 7) -> int:
    """Write `count` synthetic reports into the store at `url` in one bulk load (the events of writing
    them one by one, in about half the time); its event count."""
    with open_store(url) as store:
        return store.load(synthetic_items(count, seed))


def _keep_ingesting(url: str, ingest: Ingest, stop, written) -> None:
    """Write batches of new reports until `stop` is set (in a process of its own)."""
    seed = 1000
    with open_store(url) as store:
        while not stop.is_set():
            started = time.monotonic()
            items = synthetic_items(ingest.batch, seed)
            store.write_many(items)
            with written.get_lock():
                written.value += len(items)
            seed += 1
            stop.wait(max(0.0, ingest.every_s - (time.monotonic() - started)))


@contextmanager
def ingesting(url: str, ingest: Ingest) -> Iterator[Callable[[], int]]:
    """An ingest writing into the store while the block runs; yields how many reports it wrote so far."""
    context = multiprocessing.get_context("spawn")
    stop, written = context.Event(), context.Value("i", 0)
    writer = context.Process(target=_keep_ingesting, args=(url, ingest, stop, written), daemon=True)
    writer.start()
    try:
        yield lambda: written.value
    finally:
        stop.set()
        writer.join(60)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(url: str, workers: int | None) -> Iterator[int]:
    """`sitroom serve` on the store at `url`, in a subprocess; yields its port once it is ready."""
    port = _free_port()
    command = [sys.executable, "-m", "sitroom", "--db", url, "serve", "--port", str(port)]
    command += ["--log-format", "json"] + (["--workers", str(workers)] if workers else [])
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_ready(port, server)
            yield port
        finally:
            server.terminate()
            server.wait(30)


def _wait_ready(port: int, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"sitroom serve stopped with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"sitroom serve was not ready in {seconds:g} s")


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: int | str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if status != 200:
                self.failures[str(status)] += 1


def _client(port: int, paths: Sequence[str], offset: int, until: float, tally: _Tally) -> None:
    """Ask for `paths` in turn (from `offset`) on one kept-alive connection until `until`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    turn = offset
    while time.monotonic() < until:
        path = paths[turn % len(paths)]
        turn += 1
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status: int | str = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status = "conn"
        tally.add(time.perf_counter() - started, status)
    conn.close()


def load(port: int, paths: Sequence[str], clients: int, seconds: float) -> dict:
    """`clients` threads asking for `paths` for `seconds`: requests/s, percentiles and failures."""
    tally = _Tally()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(port, paths, i, until, tally), daemon=True)
        for i in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return _summary(tally, elapsed)


def _summary(tally: _Tally, elapsed: float) -> dict:
    ordered = sorted(tally.latencies)

    def at(share: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1) if ordered else 0.0

    return {
        "requests": len(ordered),
        "per_s": round(len(ordered) / elapsed, 1),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "errors": dict(tally.failures),
    }


def run_backend(
    url: str, reports: int, clients: int, seconds: float, workers: int | None, ingest: Ingest
) -> dict:
    """Build the store at `url`, serve it, and load each path, then the mix, while an ingest writes."""
    started = time.perf_counter()
    events = build_store(url, reports)
    result: dict = {"reports": reports, "events": events, "build_s": round(time.perf_counter() - started, 1)}
    phases = [("static file", [STATIC])] + [(path, [path]) for path in READS] + [("mix", list(READS))]
    with serving(url, workers) as port, ingesting(url, ingest) as written:
        result["rows"] = [{"path": name, **load(port, paths, clients, seconds)} for name, paths in phases]
        result["ingested_reports"] = written()
    static, mix = result["rows"][0]["per_s"], result["rows"][-1]["per_s"]
    result["mix_vs_static"] = round(mix / static, 3) if static else None
    return result


def run_serve_bench(
    reports: int,
    clients: int,
    seconds: float,
    postgres: str | None = None,
    workers: int | None = None,
    ingest: Ingest = Ingest(),
) -> dict:
    """The serving benchmark on SQLite (a fresh file), and on PostgreSQL when given an empty database."""
    results = {
        "clients": clients,
        "seconds": seconds,
        "workers": workers or os.cpu_count(),
        "ingest": {"batch": ingest.batch, "every_s": ingest.every_s},
        "backends": {},
    }
    with tempfile.TemporaryDirectory(prefix="sitroom-bench-serve-") as folder:
        url = str(Path(folder) / "serve.db")
        results["backends"]["sqlite"] = run_backend(url, reports, clients, seconds, workers, ingest)
    if postgres:
        results["backends"]["postgresql"] = run_backend(postgres, reports, clients, seconds, workers, ingest)
    return results


def render_serve_bench(results: dict) -> str:
    lines = [
        f"{results['clients']} clients, {results['seconds']:g} s per row,"
        f" {results['workers']} server processes; an ingest writes {results['ingest']['batch']} reports"
        f" every {results['ingest']['every_s']:g} s throughout"
    ]
    for backend, r in results["backends"].items():
        lines += [
            "",
            f"{backend}: {r['reports']} reports -> {r['events']} events (built in {r['build_s']} s);"
            f" {r['ingested_reports']} reports ingested during the run; mix/static = {r['mix_vs_static']}",
            f"{'path':<62} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  errors",
        ]
        for row in r["rows"]:
            errors = ", ".join(f"{k}: {v}" for k, v in sorted(row["errors"].items())) or "0"
            lines.append(
                f"{row['path']:<62} {row['per_s']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8}"
                f" {row['p99_ms']:>8}  {errors}"
            )
    return "\n".join(lines)
