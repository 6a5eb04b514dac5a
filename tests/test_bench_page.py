"""The page benchmark runs end to end on two tiny stores in a real Chromium and reports every measure."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitroom.bench.page import CHROMIUM, render_page_bench, run_page_bench

pytestmark = pytest.mark.slow


def test_the_page_benchmark_times_first_render_slider_and_filter():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    rows = run_page_bench([200, 400], repeat=1)
    assert [row["events"] for row in rows] == [200, 400]
    for row in rows:
        assert 0 < row["slider_redraw_ms"] < row["first_render_ms"] < 60_000 and row["filter_ms"] > 0
    table = render_page_bench(rows)
    assert "growth 200 -> 400:" in table and table.count("\n") == 3
