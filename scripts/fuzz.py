"""Fuzz the whole ingest (read_inputs -> Pipeline.process -> store) over many generated texts.

    python scripts/fuzz.py --count 100000 --workers 2 [--seed 1] [--out fuzz-failures.jsonl]
    python scripts/fuzz.py --readers-only --count 1000000     # the readers alone, without spaCy

Text number i is built from seed + i, so any failure can be replayed alone with --start i --count 1.
Every text is wrapped as one of the input kinds (text, JSONL, HTML, cp1252 text, RSS), read from a file,
and ingested into an in-memory store. Failures (unhandled exceptions) are written to --out with the
text and the traceback; the script prints a summary and exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzzgen import as_input, random_text  # noqa: E402

BATCH = 64


def _texts(seed: int, start: int, stop: int):
    for number in range(start, stop):
        yield number, random_text(random.Random(seed * 1_000_003 + number))


def _write_inputs(folder: Path, numbered: list[tuple[int, str]]) -> list[tuple[int, str, str]]:
    files = []
    for number, text in numbered:
        suffix, data = as_input(text, number)
        path = folder / f"in{number}{suffix}"
        path.write_bytes(data)
        files.append((number, text, str(path)))
    return files


class Run:
    def __init__(self, readers_only: bool) -> None:
        from sitroom.settings import load_settings

        self.readers_only = readers_only
        self.counts = {"texts": 0, "documents": 0, "skipped": 0, "events": 0}
        if not readers_only:
            from sitroom.pipeline import Pipeline

            self.pipeline = Pipeline(load_settings())

    def batch(self, files: list[tuple[int, str, str]], count: bool = True) -> None:
        from sitroom.ingest import read_inputs

        items = list(read_inputs([path for _, _, path in files]))
        if count:  # a replay of a failed batch, text by text, counts the texts no second time
            self.counts["texts"] += len(files)
        self._ingest(items)

    def _ingest(self, items) -> None:
        from sitroom.records import Document

        if self.readers_only:
            self.counts["documents"] += sum(isinstance(i, Document) for i in items)
            self.counts["skipped"] += sum(not isinstance(i, Document) for i in items)
            return
        from sitroom.jobs import ingest
        from sitroom.store import open_store

        # A fresh store per batch: the whole write path runs, without the store growing to 100,000 documents.
        with open_store(":memory:") as store:
            report = ingest(items, store, self.pipeline, strict=True)
        self.counts["documents"] += report.added + report.unchanged
        self.counts["skipped"] += len(report.skipped)
        self.counts["events"] += report.events


def _worker(args: tuple[int, int, int, bool, str]) -> dict:
    seed, start, stop, readers_only, out = args
    os.nice(10)
    run = Run(readers_only)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        numbered = list(_texts(seed, start, stop))
        for first in range(0, len(numbered), BATCH):
            files = _write_inputs(Path(tmp), numbered[first : first + BATCH])
            try:
                run.batch(files)
            except Exception:  # finding these is the point: replay one by one
                failures += _replay(run, files, out)
            for _, _, path in files:
                Path(path).unlink()
            if first % (BATCH * 40) == 0:
                print(f"worker {start}-{stop}: {run.counts['texts']:,} texts", file=sys.stderr, flush=True)
    return {**run.counts, "failures": failures}


def _replay(run: Run, files: list[tuple[int, str, str]], out: str) -> int:
    failures = 0
    for number, text, path in files:
        try:
            run.batch([(number, text, path)], count=False)
        except Exception as exc:  # an unhandled error: what the fuzzing is for
            failures += 1
            record = {"number": number, "text": text, "error": repr(exc), "traceback": traceback.format_exc()}
            with open(out, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=True) + "\n")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    parser.add_argument("--readers-only", action="store_true", help="Only decode and read, no spaCy.")
    parser.add_argument("--out", default="fuzz-failures.jsonl")
    args = parser.parse_args()
    bounds = [args.start + args.count * w // args.workers for w in range(args.workers + 1)]
    jobs = [(args.seed, a, b, args.readers_only, args.out) for a, b in zip(bounds, bounds[1:], strict=False)]
    began = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        results = pool.map(_worker, jobs)
    total = {k: sum(r[k] for r in results) for k in results[0]}
    seconds = time.perf_counter() - began
    print(
        f"{total['texts']:,} texts in {seconds:,.0f} s"
        f" ({total['texts'] / seconds:,.1f}/s, {args.workers} workers): "
        f"{total['documents']:,} documents, {total['skipped']:,} skipped, {total['events']:,} events, "
        f"{total['failures']} failures" + (f" (see {args.out})" if total["failures"] else "")
    )
    if total["failures"]:
        _summarise_failures(args.out)
    return 1 if total["failures"] else 0


def _summarise_failures(out: str) -> None:
    """Failures grouped by the error and the line that raised it."""
    groups: dict[str, list[int]] = {}
    for line in Path(out).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        where = [t for t in record["traceback"].splitlines() if t.strip().startswith("File ")]
        key = f"{record['error'][:120]} at {where[-1].strip() if where else '?'}"
        groups.setdefault(key, []).append(record["number"])
    for key, numbers in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(numbers):6,} x {key} (e.g. text {numbers[0]})")


if __name__ == "__main__":
    sys.exit(main())
