"""Ingest on Dask: the same store as a single-process ingest, even when a run is killed halfway."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitroom.bench.corpus import generate, write_corpus
from sitroom.cli import main
from sitroom.ingest import read_inputs
from sitroom.jobs import ingest
from sitroom.store import open_store

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

DOCS = 120


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "reports.jsonl"
    with path.open("w", encoding="utf-8") as out:
        write_corpus(generate(DOCS, seed=11), out)
    return path


@pytest.fixture(scope="module")
def single_process(corpus: Path, pipeline, tmp_path_factory) -> dict[str, str]:
    """Event id -> stored record after an ordinary ingest of the corpus."""
    path = tmp_path_factory.mktemp("single") / "s.db"
    with open_store(str(path)) as store:
        ingest(read_inputs([str(corpus)]), store, pipeline)
    return stored_events(path)


def stored_events(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT id, record FROM events"))


def document_ids(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM documents")]


def sitroom(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sitroom", "--db", str(db), *args]


def stored_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # not created yet


def kill_when_partly_stored(command: list[str], db: Path, at_least: int, timeout_s: float = 300) -> int:
    """Start `command` in its own process group; SIGKILL the group once `at_least` documents are stored."""
    run = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + timeout_s
    try:
        while (count := stored_count(db)) < at_least:
            assert run.poll() is None, f"ingest ended (status {run.returncode}) before it could be killed"
            assert time.monotonic() < deadline, "ingest stored too little in time"
            time.sleep(0.2)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    return count


def test_killed_run_resumes_with_no_document_missing_or_doubled(
    corpus: Path, single_process: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "d.db"
    # Small write batches, so that the run is killed between two of them.
    command = sitroom(db, "ingest", "--workers", "2", "--write-batch", "16", str(corpus))
    stored_at_kill = kill_when_partly_stored(command, db, 20)
    left = stored_count(db)
    assert stored_at_kill <= left < DOCS, "the run finished before it was killed; the test proves nothing"

    rerun = subprocess.run(command, capture_output=True, text=True)

    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{DOCS - left} documents added, {left} unchanged" in rerun.stdout
    ids = document_ids(db)
    assert sorted(ids) == sorted(f"synthetic-11-{i}" for i in range(DOCS))  # each exactly once
    assert stored_events(db) == single_process


def test_existing_scheduler_gives_the_same_events(corpus: Path, single_process, tmp_path: Path) -> None:
    from distributed import LocalCluster

    db = tmp_path / "c.db"
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        result = CliRunner().invoke(
            main, ["--db", str(db), "ingest", "--cluster", cluster.scheduler_address, str(corpus)]
        )
    assert result.exit_code == 0, result.output
    assert stored_events(db) == single_process


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["--db", str(tmp_path / "x.db"), "ingest", "--cluster", "tcp://127.0.0.1:1", "-"],
        input="date 2025-01-01\nx",
    )
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler" in result.output


@pytest.mark.parametrize(("count", "threads"), [(0, 2), (5, 2), (95, 2), (600, 2), (600, 1), (1000, 4)])
def test_tasks_are_whole_batches_until_the_tail_is_cut_small_for_every_thread(
    count: int, threads: int
) -> None:
    from sitroom.distributed import task_batches

    batches = list(task_batches(iter(range(count)), 32, threads))
    assert [d for batch in batches for d in batch] == list(range(count))  # every document once, in order
    whole = [b for b in batches if len(b) == 32]
    tail = batches[len(whole) :]
    assert all(len(b) == 32 for b in batches[: len(whole)])
    # What is left when the input ends (under a batch per thread, plus one) goes out a few per thread.
    assert sum(map(len, tail)) < 32 * (threads + 1)
    assert all(len(b) < 32 for b in tail) and len(tail) <= 4 * threads
    if count >= 32 * (threads + 1):
        assert len(tail) >= threads


def _profiling_enabled() -> bool:
    import dask

    return dask.config.get("distributed.worker.profile.enabled")


def test_local_workers_do_not_profile_themselves() -> None:
    # The profiler feeds a dashboard that sitroom's local cluster does not serve; it costs the workers CPU.
    from sitroom.distributed import dask_client

    with dask_client(2) as client:
        assert set(client.run(_profiling_enabled).values()) == {False}
