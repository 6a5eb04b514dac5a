"""How the situation room page holds up as the store grows: a real headless Chromium (Debian's, driven by
Playwright) opens the page served by `sitroom serve` over stores of synthetic events, and the page's own
performance marks time what an analyst waits for.

Each store is built by the store benchmark's bulk loader (`sitroom.bench.store.bulk_load`: template
events over sitroom's sites and actors, six years of dates) and its situation table rebuilt. For each
size, with a fresh server (no kept answers):

- first render: from the navigation's start until the map and the list are drawn (`sitroom:first-render`);
- slider redraw: one day back on the slider, from the redraw's start (after the slider's 120 ms pause)
  until the situation, the map and the list are drawn again (`sitroom:refresh`);
- filter: a type chosen and applied until the list, the map, the table and the histogram are drawn again
  (`sitroom:filter`).

Each is the median of `repeat` tries (after one unmeasured, which warms the browser), each on a fresh
server (every answer computed, none kept from an earlier try). The page opens as a user's first visit
does: on the latest report's day, the last 30 days.
"""

from __future__ import annotations

import statistics
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sitroom.bench.serve import serving
from sitroom.bench.store import bulk_load
from sitroom.store import open_store

CHROMIUM = "/usr/bin/chromium"
_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
_TYPES = ("deploy", "withdraw", "assault", "control", "presence")
_MEASURES = ("first_render_ms", "slider_redraw_ms", "filter_ms")


def build(folder: Path, count: int) -> str:
    """A SQLite store of `count` synthetic events with its situation table; its path."""
    path = str(folder / f"page-{count}.db")
    with open_store(path) as store:
        bulk_load(store, count)
        store.rebuild_situation()
    return path


def _last_measure(page, name: str) -> float:
    return page.evaluate(f"performance.getEntriesByName('sitroom:{name}').at(-1).duration")


def _first_render(page, url: str) -> float:
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=120_000)
    return page.evaluate("performance.getEntriesByName('sitroom:first-render')[0].startTime")


def _slider_redraw(page) -> float:
    day = (date.fromisoformat(page.input_value("#date")) - timedelta(days=1)).isoformat()
    page.focus("#slider")
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector(f"#map[data-as-of='{day}']", timeout=120_000)
    return _last_measure(page, "refresh")


def _filter(page, kind: str) -> float:
    done = int(page.get_attribute("body", "data-filtered") or 0) + 1
    page.select_option("#filter-type", kind)
    page.click("#filters button[type=submit]")
    page.wait_for_selector(f"body[data-filtered='{done}']", timeout=120_000)
    return _last_measure(page, "filter")


def _warm(port: int) -> None:
    """What each server process does once whatever the store (reading the gazetteer's towns)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/labels?bbox=0,0,1,1&zoom=9", timeout=60):
        pass


@contextmanager
def _browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def measure(browser, db: str, repeat: int) -> dict:
    """The page's timings over the store at `db`, `repeat` tries each, each on a fresh server."""
    tries: dict[str, list[float]] = {name: [] for name in _MEASURES}
    for n in range(repeat):
        with serving(db, workers=1) as port:
            _warm(port)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            tries["first_render_ms"].append(_first_render(page, f"http://127.0.0.1:{port}/"))
            tries["slider_redraw_ms"].append(_slider_redraw(page))
            tries["filter_ms"].append(_filter(page, _TYPES[n % len(_TYPES)]))
            page.close()
    return {name: statistics.median(values) for name, values in tries.items()}


def run_page_bench(sizes: list[int], repeat: int = 3) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="sitroom-bench-page-") as folder, _browser() as browser:
        for n, count in enumerate(sizes):
            db = build(Path(folder), count)
            if n == 0:
                measure(browser, db, 1)  # the browser's first page costs more, whatever the store
            rows.append({"events": count} | measure(browser, db, repeat))
    return rows


def render_page_bench(rows: list[dict]) -> str:
    lines = [
        "events    first render  slider redraw  filter   (ms, median, in the page)",
    ]
    for row in rows:
        values = "".join(f"{row[name]:>14.0f}" for name in _MEASURES)
        lines.append(f"{row['events']:>7,}{values}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = "".join(f"{last[name] / first[name]:>13.2f}x" for name in _MEASURES)
        lines.append(f"growth {first['events']:,} -> {last['events']:,}:{growth}")
    return "\n".join(lines)
