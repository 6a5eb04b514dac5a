"""Shared fixtures. Tests that need the full spaCy model and gazetteer use the session `pipeline`."""

from __future__ import annotations

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
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"example article not found at {SEED} (it lives in ../shared/seed/, outside the repo)")
    return SEED


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden files of tests/golden/")
    parser.addoption(
        "--update-baseline",
        action="store_true",
        help="rewrite tests/eval/reports_baseline.json with the current scores",
    )
