"""`sitroom eval --only realnews` agrees with the reference scorer kept beside the real-news set.

The articles and their gold live in ../shared/realnews-dev/ (they belong to their publishers and are
never copied into the repository); the test skips where that folder is absent.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHARED

from sitroom.cli import DEFAULT_PEER_DATA
from sitroom.evaluation.realnews import FOLDER, evaluate_realnews, score_realnews

pytestmark = pytest.mark.slow
REALNEWS = SHARED / "realnews-dev"


@pytest.fixture(scope="module")
def folder() -> Path:
    if not (REALNEWS / "gold.json").is_file():
        pytest.skip(f"no real-news set at {REALNEWS}")
    return REALNEWS


def test_the_default_folder_is_the_shared_one():
    assert (DEFAULT_PEER_DATA / FOLDER).resolve() == REALNEWS.resolve()


def test_the_section_agrees_with_the_reference_scorer(pipeline, folder):
    section = evaluate_realnews(pipeline, folder)
    ours = section["metrics"]["dev"]["realnews facts"]
    reference = _reference_score(folder)
    assert (round(ours["value"] * ours["n"]), ours["n"]) == reference
    counts = section["counts"]["dev"]
    assert counts["documents ingested"] == 60 and counts["events with no date window"] == 0


def _reference_score(folder: Path) -> tuple[int, int]:
    """The last line of `score.py`: "realnews facts: got/total (pct%)", run with this checkout's CLI."""
    sitroom = shutil.which("sitroom")
    if sitroom is None:
        pytest.skip("the sitroom command is not on PATH (pip install -e .)")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    done = subprocess.run(
        [sys.executable, str(folder / "score.py"), str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    found = re.search(r"realnews facts: (\d+)/(\d+)", done.stdout)
    assert found, done.stdout + done.stderr
    return int(found.group(1)), int(found.group(2))


def test_scoring_follows_the_coding_rules():
    gold = {
        "events": [
            {
                "doc": "a",
                "what": "withdrawal",
                "type": "withdraw",
                "actor": ["us"],
                "date": ["2026-03-02", "2026-03-02"],
                "place": {"names": ["tessalit"], "admin1": ["kidal"], "lat": 20.2, "lon": 1.0, "km": 30},
                "status": ["completed"],
            },
            {"doc": "b", "what": "attack", "type": "assault", "actor": ["rsf"], "place": {"names": ["gao"]}},
        ],
        "merge": [{"what": "w", "type": "withdraw", "place": ["tessalit"], "docs": ["a", "c"]}],
    }
    withdrawal = {
        "type": "withdraw",
        "status": "completed",
        "actors": [{"name": "United States Armed Forces", "id": "us-military", "mention": "US troops"}],
        "date": {"start": "2026-03-02", "end": "2026-03-02"},
        "place": {"name": "Tessalit base", "admin1": "Kidal", "lat": 20.25, "lon": 1.01},
        "evidence": [{"document": "a"}, {"document": "c~1"}],
    }
    fight = {
        "type": "fight",
        "status": "completed",
        "actors": [{"name": "rsfighters"}],
        "place": {"name": "Gao"},
        "evidence": [{"document": "b"}],
    }
    section = score_realnews([withdrawal, fight], gold, [True, False])
    metrics = section["metrics"]["dev"]
    assert metrics["gold events found"]["value"] == 1.0  # a fight is of the assault family
    assert metrics["actor (of found)"]["value"] == 0.5  # "us" is a whole word; "rsf" is not in "rsfighters"
    assert metrics["multi-report events merged"]["value"] == 1.0  # "c~1": a document kept under a derived id
    assert metrics["situation checks met"]["value"] == 0.5
    # facts: 6 of 6 (withdrawal), 2 of 3 (attack: found, place, no actor), 1 merge, 1 situation of 2
    assert (metrics["realnews facts"]["value"], metrics["realnews facts"]["n"]) == (round(10 / 12, 4), 12)
