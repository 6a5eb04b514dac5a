"""Crash safety: `sitroom ingest` killed (SIGKILL) at random points and restarted, two ingests into one
SQLite file at once, and a reader during an ingest.

After every kill the database must open with its migrations intact, pass SQLite's integrity checks, and
hold, for every document it stored, exactly the reports a reference ingest made of that document. After
the last restart every document, report and event is present exactly once, as in the reference.

The kills are real SIGKILLs of processes running `sitroom ingest`: the test waits until the process has
stored a new document (or, for some kills, a random time from its start, to land in start-up and
migrations too), waits a random short moment more and kills it. One kill in five is of a process of its
own; the others are of processes forked from tests/support/crash_worker.py, which loads the model once,
so that 50 kills take about a minute, not ten. SITROOM_CRASH_KILLS sets the number of kills (default 50).
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sitroom import codec
from sitroom.ingest import read_inputs
from sitroom.jobs import ingest
from sitroom.records import Document
from sitroom.store import open_store
from sitroom.store.migrations import latest_version

pytestmark = pytest.mark.slow

REPORTS = Path(__file__).resolve().parent / "fixtures" / "reports"
KILLS = int(os.environ.get("SITROOM_CRASH_KILLS", "50"))
SEED = int(os.environ.get("SITROOM_CRASH_SEED", "20260304"))


def _corpus(folder: Path) -> Path:
    """About 250 short documents: the paragraphs of the test reports, each under two datelines."""
    rows = []
    for doc in read_inputs([str(REPORTS)]):
        if not isinstance(doc, Document):
            continue  # the folder's README and expected outputs
        paragraphs = [p.strip() for p in doc.text.split("\n\n") if len(p.strip()) > 40]
        for number, paragraph in enumerate(paragraphs):
            for copy, day in (("a", doc.date), ("b", doc.date.replace(day=min(doc.date.day + 1, 28)))):
                rows.append({"id": f"{doc.id}-{number}{copy}", "date": day.isoformat(), "text": paragraph})
    path = folder / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _corpus(tmp_path_factory.mktemp("crash"))


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    # Small spaCy batches, so that documents are written all through a run, not in bursts of 32.
    path = tmp_path_factory.mktemp("config") / "sitroom.toml"
    path.write_text("[nlp]\nbatch_size = 2\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(corpus, pipeline, tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("reference") / "reference.db"
    with open_store(str(db)) as store:
        report = ingest(read_inputs([str(corpus)]), store, pipeline)
        assert not report.skipped and not report.conflicts
    return _snapshot(db)


def _snapshot(db: Path) -> dict:
    """What the database holds: documents, each document's reports, and the merged events."""
    with open_store(str(db)) as store:
        documents = {d.id: d.content_hash for d in store.documents(include_text=False)}
        events = {e.id: codec.to_dict(e) for e in store.events()}
    with sqlite3.connect(db) as conn:
        reports: dict[str, set[str]] = {}
        for document_id, report_id in conn.execute("SELECT document_id, id FROM reports"):
            reports.setdefault(document_id, set()).add(report_id)
        unmerged = conn.execute(
            "SELECT COUNT(*) FROM reports WHERE event_id IS NULL OR event_id NOT IN (SELECT id FROM events)"
        ).fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        document_rows = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    return {
        "documents": documents,
        "document_rows": document_rows,
        "reports": reports,
        "events": events,
        "unmerged": unmerged,
        "integrity": integrity,
        "dangling": dangling,
        "versions": versions,
    }


def _assert_consistent(db: Path, reference: dict) -> dict:
    now = _snapshot(db)
    assert now["integrity"] == "ok"
    assert now["dangling"] == []
    assert now["versions"] == list(range(1, latest_version() + 1))
    assert now["document_rows"] == len(now["documents"])
    for doc_id, content_hash in now["documents"].items():
        assert reference["documents"].get(doc_id) == content_hash, f"unexpected document {doc_id}"
        assert now["reports"].get(doc_id, set()) == reference["reports"].get(doc_id, set()), doc_id
    assert set(now["reports"]) <= set(now["documents"])  # no report without its document
    assert now["unmerged"] == 0
    return now


# Documents per write transaction: small, so that kills land between many commits of one run.
WRITE_BATCH = ["--write-batch", "8"]


def _ingest(db: Path, config: Path, *paths: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "sitroom",
        "--db",
        str(db),
        "--config",
        str(config),
        "ingest",
        *WRITE_BATCH,
    ]
    return subprocess.Popen(
        [*command, *map(str, paths)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _document_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # not created or not migrated yet
        return 0


class ProcessRun:
    """A `sitroom ingest` process of its own: it loads the model, so kills land in start-up too."""

    def __init__(self, db: Path, config: Path, corpus: Path) -> None:
        self.process = _ingest(db, config, corpus)

    def done(self) -> bool:
        return self.process.poll() is not None

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)

    def exit_code(self) -> int:
        _, err = self.process.communicate(timeout=600)
        if self.process.returncode not in (0, -signal.SIGKILL):
            pytest.fail(f"ingest failed: {err}")
        return self.process.returncode


class Worker:
    """tests/support/crash_worker.py: `sitroom ingest` in forked processes that share one loaded model."""

    def __init__(self, config: Path) -> None:
        worker = Path(__file__).parent / "support" / "crash_worker.py"
        self.process = subprocess.Popen(
            [sys.executable, str(worker), str(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.lines.get(timeout=300) == "ready"

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def run(self, args: list[str], log: Path) -> ForkedRun:
        self.process.stdin.write(json.dumps({"args": args, "log": str(log)}) + "\n")
        self.process.stdin.flush()
        started, pid = self.lines.get(timeout=60).split()
        assert started == "started"
        return ForkedRun(self, int(pid), log)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


class ForkedRun:
    def __init__(self, worker: Worker, pid: int, log: Path) -> None:
        self.worker, self.pid, self.log, self.ended = worker, pid, log, None

    def done(self) -> bool:
        if self.ended is None and not self.worker.lines.empty():
            self.ended = self.worker.lines.get()
        return self.ended is not None

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it ended (and was reaped) just before: exit_code() tells how

    def exit_code(self) -> int:
        ended = self.ended or self.worker.lines.get(timeout=600)
        code = os.waitstatus_to_exitcode(int(ended.split()[2]))
        if code not in (0, -signal.SIGKILL):
            pytest.fail(f"ingest failed ({code}): {self.log.read_text()}")
        return code


def _kill_at_random(run, db: Path, rng: random.Random, early: bool) -> str:
    """Kill a run at a random point: once it has stored a new document, or (`early`) at a random time
    from its start; "finished" if it ended first."""
    started, before = time.monotonic(), _document_count(db)
    deadline = started + rng.uniform(0.0, 8.0) if early else None
    while not run.done():
        if deadline is not None and time.monotonic() >= deadline:
            break
        if deadline is None and _document_count(db) > before:
            time.sleep(rng.choice([0.0, rng.uniform(0.0, 0.3)]))
            break
        time.sleep(0.01)
    if not run.done():
        run.kill()
    return "finished" if run.exit_code() == 0 else ("early" if early else "writing")


def test_killed_ingests_lose_nothing_and_duplicate_nothing(corpus, config, reference, tmp_path):
    rng = random.Random(SEED)
    worker = Worker(config)
    kills, rounds, kinds = 0, 0, {"early": 0, "writing": 0}
    try:
        while kills < KILLS:
            rounds += 1
            db = tmp_path / f"round{rounds}.db"
            args = ["--db", str(db), "--config", str(config), "ingest", *WRITE_BATCH, str(corpus)]
            while kills < KILLS:
                # One kill in five is of a process of its own (start-up, migrations, reading included).
                own = kills % 5 == 0
                run = ProcessRun(db, config, corpus) if own else worker.run(args, tmp_path / "run.log")
                outcome = _kill_at_random(run, db, rng, early=own and rng.random() < 0.5)
                if outcome == "finished":
                    break
                kills += 1
                kinds[outcome] += 1
                _assert_consistent(db, reference)
            assert worker.run(args, tmp_path / "run.log").exit_code() == 0  # the last restart runs to the end
            done = _assert_consistent(db, reference)
            assert done["documents"] == reference["documents"]
            assert done["reports"] == reference["reports"]
            assert done["events"] == reference["events"]
    finally:
        worker.close()
    print(f"{kills} kills ({kinds['writing']} while writing, {kinds['early']} early) over {rounds} rounds")


def test_two_ingests_at_once_into_one_file(corpus, config, reference, tmp_path):
    db = tmp_path / "both.db"
    first, second = _ingest(db, config, corpus), _ingest(db, config, corpus)
    results = [p.communicate(timeout=600) for p in (first, second)]
    for process, (_out, err) in zip((first, second), results, strict=True):
        assert process.returncode == 0, err
        assert "database is locked" not in err
    done = _assert_consistent(db, reference)
    assert done["documents"] == reference["documents"]
    assert done["reports"] == reference["reports"]
    assert done["events"] == reference["events"]


def test_a_reader_during_an_ingest(corpus, config, reference, tmp_path):
    db = tmp_path / "read.db"
    with open_store(str(db)):
        pass  # created and migrated, so that the reader has tables to read from the start
    seen: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    writer = _ingest(db, config, corpus)

    def read_while_writing() -> None:
        while writer.poll() is None:
            try:
                with open_store(str(db)) as store:
                    seen.append((store.document_count(), len(store.events())))
            except BaseException as exc:  # any failure to read is what this test is about
                errors.append(exc)
                return
            time.sleep(0.05)

    reader = threading.Thread(target=read_while_writing)
    reader.start()
    out, err = writer.communicate(timeout=600)
    reader.join()
    assert writer.returncode == 0, err
    assert not errors, errors
    assert len(seen) > 10
    counts = [documents for documents, _ in seen]
    assert counts == sorted(counts)  # the reader never sees the store go back
    assert _assert_consistent(db, reference)["documents"] == reference["documents"]
