"""Shared fixtures. Tests that need the full spaCy model and gazetteer use the session `pipeline`."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from sitroom.settings import load_settings

# Speed is measured by `sitroom bench`, not asserted by tests: no per-example deadline on a busy machine.
hypothesis_settings.register_profile("sitroom", deadline=None)
hypothesis_settings.load_profile("sitroom")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "qasrak-2026-02-23.txt"
PEER_DATA = SHARED / "peer-data"
REPORTS = REPO / "tests" / "fixtures" / "reports"


@pytest.fixture(scope="session")
def base_settings():
    return load_settings()


@pytest.fixture
def settings(base_settings, tmp_path):
    return replace(base_settings, db=str(tmp_path / "test.db"))


@pytest.fixture(scope="session")
def pipeline(base_settings):
    from sitroom.pipeline import Pipeline

    pipe = Pipeline(base_settings)
    _ = pipe.nlp  # build once for the whole session
    return pipe


@pytest.fixture(scope="session")
def postgres_schemas():
    """Empty schemas on a PostgreSQL server (see tests/support/postgres_server.py); skips when none can
    be had.

    With SITROOM_TEST_POSTGRES set (as CI does), a server that cannot be reached fails the tests instead.
    """
    from support.postgres_server import ENV_VAR, Unavailable, postgres_schemas

    manager = postgres_schemas()
    try:
        schemas = manager.__enter__()
    except Unavailable as why:
        if os.environ.get(ENV_VAR):
            pytest.fail(f"{ENV_VAR} is set but unusable: {why}")
        pytest.skip(f"no PostgreSQL server: {why}")
    yield schemas
    manager.__exit__(None, None, None)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def new_store_url(request) -> Callable[[], str]:
    """Makes the URL of a new, empty store on each backend: the store tests run on both."""
    if request.param == "sqlite":
        return lambda: ":memory:"
    return request.getfixturevalue("postgres_schemas").fresh_url


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"example article not found at {SEED} (it lives in ../shared/seed/, outside the repo)")
    return SEED


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden files of tests/golden/")
    parser.addoption(
        "--update-baseline",
        action="store_true",
        help="raise the floors of tests/eval/reports_baseline.json to the current scores (never lowers one)",
    )
    parser.addoption(
        "--allow-regression",
        action="store_true",
        help="with --update-baseline, also lower the floors the current scores fall below, naming each",
    )
