"""What an operator sees: access lines with request ids, failures with tracebacks, probes."""

from __future__ import annotations

import json
import logging
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from support.serving import synthetic_batches, write_synthetic

from sitroom.api.app import create_app
from sitroom.api.observe import JsonLines
from sitroom.api.state import ApiConfig
from sitroom.errors import StoreError
from sitroom.store import open_store


@pytest.fixture
def db_url(tmp_path):
    url = str(tmp_path / "logs.db")
    with open_store(url) as store:
        write_synthetic(store, synthetic_batches(40))
    return url


@pytest.fixture
def app(base_settings, db_url):
    return create_app(ApiConfig(replace(base_settings, db=db_url)))


def _records(caplog, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger]


def test_each_request_has_an_access_line_and_a_request_id(app, caplog):
    caplog.set_level(logging.INFO, logger="sitroom")
    client = TestClient(app)
    made = client.get("/api/events", params={"limit": 2})
    kept = client.get("/api/places", headers={"X-Request-ID": "analyst-42"})
    assert len(made.headers["X-Request-ID"]) == 32
    assert kept.headers["X-Request-ID"] == "analyst-42"
    lines = _records(caplog, "sitroom.access")
    assert [(r.method, r.path, r.status) for r in lines] == [
        ("GET", "/api/events?limit=2", 200),
        ("GET", "/api/places", 200),
    ]
    assert lines[1].request_id == "analyst-42" and lines[1].duration_ms >= 0
    assert "analyst-42" in lines[1].getMessage()


def test_an_unusable_request_id_is_replaced(app):
    response = TestClient(app).get("/healthz", headers={"X-Request-ID": "two words\tand a tab"})
    assert response.headers["X-Request-ID"] != "two words\tand a tab"


def _explode(*args, **kwargs):
    raise RuntimeError("the places could not be counted")


def test_an_unexpected_failure_is_a_500_logged_with_its_traceback_and_request_id(app, caplog, monkeypatch):
    monkeypatch.setattr("sitroom.store.base.SqlStore.place_counts", _explode)
    caplog.set_level(logging.INFO, logger="sitroom")
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/api/places", headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "trace-me"
    assert response.json()["error"]["status"] == 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    [failure] = _records(caplog, "sitroom.api")
    assert failure.request_id == "trace-me" and "trace-me" in failure.getMessage()
    assert failure.exc_info and "could not be counted" in str(failure.exc_info[1])
    assert _records(caplog, "sitroom.access")[-1].status == 500


def test_a_store_failure_is_a_500_logged_with_its_traceback_and_request_id(app, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise StoreError("database error: disk I/O error")

    monkeypatch.setattr("sitroom.store.base.SqlStore.count_events", broken)
    caplog.set_level(logging.INFO, logger="sitroom")
    response = TestClient(app).get("/api/events", headers={"X-Request-ID": "store-fails"})
    assert response.status_code == 500
    [failure] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failure.exc_info and "store-fails" in failure.getMessage()


def test_json_log_lines_carry_the_fields_and_the_traceback():
    try:
        raise ValueError("boom")
    except ValueError as exc:
        record = logging.LogRecord(
            "sitroom.api", logging.ERROR, __file__, 1, "failed", (), (ValueError, exc, None)
        )
    record.request_id, record.status = "r1", 500
    line = json.loads(JsonLines().format(record))
    assert line["request_id"] == "r1" and line["status"] == 500 and line["level"] == "error"
    assert "ValueError: boom" in line["traceback"]


def test_healthz_answers_while_the_process_runs(app):
    response = TestClient(app).get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_ready_when_the_store_answers_with_the_current_schema(app):
    response = TestClient(app).get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"


def test_readyz_is_503_when_the_schema_is_behind(app, db_url):
    with open_store(db_url) as store:
        newest = store.schema_version()
        store._db.run("DELETE FROM schema_migrations WHERE version = ?", (newest,))
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert str(newest) in response.json()["reason"]


def test_readyz_is_503_when_the_store_is_gone(app, db_url, tmp_path):
    app.state.readers.close()
    app.state.readers.url = str(tmp_path / "missing" / "store.db")
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "not ready"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def test_serve_runs_worker_processes_that_log_json_lines(db_url):
    port = _free_port()
    command = [sys.executable, "-m", "sitroom", "--db", db_url, "serve", "--port", str(port)]
    command += ["--workers", "2", "--log-format", "json"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/events?limit=1", headers={"X-Request-ID": "from-the-test"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200 and response.headers["X-Request-ID"] == "from-the-test"
    finally:
        server.send_signal(signal.SIGINT)
        _, errors = server.communicate(timeout=30)
    lines = [json.loads(line) for line in errors.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "sitroom.access"]
    assert any(a["request_id"] == "from-the-test" and a["status"] == 200 for a in access)
    assert "2 processes" in errors
