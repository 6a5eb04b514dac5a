"""The web page in a real headless Chromium (Debian's, driven by Playwright), served by the real app on a
loopback port over a database of the bundled examples. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.request
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from support.examples_db import copy_of_examples

from sitroom.api.app import create_app
from sitroom.api.auth import create_token
from sitroom.api.state import ApiConfig
from sitroom.store import open_store

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BASE = "Niamey Air Base 101"
ITALY = "Italian Armed Forces"
HOSTILE = (
    'Nigerien troops deployed to Ayorou on Monday <img src=x onerror="window.__pwned=1"> to secure the '
    "market <script>window.__pwned=2</script>, a <b>local official</b> said. "
    "The soldiers arrived in armoured vehicles and set up checkpoints on the road to Niamey."
)


def expect(locator):
    """Playwright's waiting assertions (the page's CSP forbids the eval that wait_for_function uses)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _browser_or_skip():
    if not Path(CHROMIUM).exists():
        why = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(base_settings, pipeline, tmp_path_factory):
    """The app on a free loopback port, in a thread, over a copy of the examples; and a write token."""
    import uvicorn

    db = copy_of_examples(pipeline, tmp_path_factory.mktemp("web"))
    with open_store(str(db)) as store:
        token = create_token(store, "alice")
    app = create_app(ApiConfig(replace(base_settings, db=str(db))))
    app.state.pipelines._pipeline = pipeline
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield {"url": f"http://127.0.0.1:{port}", "token": token}
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    sync_api = _browser_or_skip()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    opened.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    opened.problems = problems
    yield opened
    context.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def api(server, path: str, body: dict | None = None):
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers |= {"Content-Type": "application/json", "Authorization": f"Bearer {server['token']}"}
    request = urllib.request.Request(server["url"] + path, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def load(page, server, hash_part: str = "") -> None:
    page.goto(server["url"] + "/" + hash_part)
    page.wait_for_selector("body[data-ready=true]", timeout=20_000)


def move_slider_to(page, day: str) -> None:
    """As a person would: focus the slider, Home, then one arrow press per day."""
    first = date.fromisoformat(page.get_attribute("#slider", "data-first"))
    presses = (date.fromisoformat(day) - first).days
    page.focus("#slider")
    page.keyboard.press("Home")
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
    page.wait_for_selector(f"#map[data-as-of='{day}']", timeout=10_000)


def base_row(page):
    return page.locator(f"#situation tbody tr[data-place='{BASE}'][data-actor='{ITALY}']")


def base_withdrawal(server) -> dict:
    found = api(server, f"/api/events?type=withdraw&place={urllib.request.quote(BASE)}&limit=50")["items"]
    return next(e for e in found if e["status"] == "completed")


def test_page_shows_the_examples_on_an_offline_map(page, server):
    load(page, server)
    last = page.get_attribute("#slider", "data-last")
    dated = api(server, f"/api/events?until={last}&limit=1")["total"]
    assert page.text_content("#events-count") == f"{dated} events dated by {last}"
    assert page.locator("#events li").count() == dated >= 20
    assert page.locator("#map path.country").count() > 100  # Natural Earth countries from world-atlas
    assert page.locator("#map path.event").count() >= 15
    assert page.locator("#map path.uncertainty").count() >= 1  # town, province and country places
    assert page.locator("#situation tbody tr").count() >= 3
    shot(page, "01-page")
    assert page.problems == []


def test_slider_redraws_the_situation(page, server):
    load(page, server)
    move_slider_to(page, "2026-03-10")
    assert base_row(page).get_attribute("data-status") == "withdrawing"
    ring = page.locator(f"#map circle.situation[data-place='{BASE}'][data-actor='{ITALY}']")
    assert "status-withdrawing" in ring.get_attribute("class")
    shot(page, "02-slider-2026-03-10")
    move_slider_to(page, "2026-03-25")
    assert base_row(page).get_attribute("data-status") == "departed"
    assert "status-departed" in ring.get_attribute("class")
    shot(page, "03-slider-2026-03-25")
    assert page.problems == []


def test_filter_by_actor(page, server):
    load(page, server)
    everything = page.locator("#events li").count()
    last = page.get_attribute("#slider", "data-last")
    page.fill("#filter-actor", "Italian")
    page.click("#filters button[type=submit]")
    expected = api(server, f"/api/events?actor=Italian&until={last}&limit=500")["items"]
    expect(page.locator("#events li")).to_have_count(len(expected))
    shown = page.eval_on_selector_all("#events li", "items => items.map(i => i.dataset.id)")
    assert shown == [e["id"] for e in expected] and 0 < len(shown) < everything
    shot(page, "04-filter-actor")


def test_event_panel_highlights_the_evidence(page, server):
    event = base_withdrawal(server)
    load(page, server)
    page.click(f"#events li[data-id='{event['id']}'] button")
    page.wait_for_selector("#event-panel:not([hidden]) blockquote.evidence")
    first = event["evidence"][0]
    quote = page.locator("#event-panel blockquote.evidence").first
    assert quote.text_content() == first["sentence"]  # every character, nothing added
    trigger = next(m for m in first["marks"] if m["label"] == "trigger")
    words = first["sentence"][trigger["start"] - first["start"] : trigger["end"] - first["start"]]
    marked = quote.locator("mark.m-trigger").all_text_contents()
    assert "".join(marked) == words
    assert quote.locator("mark").count() >= len({(m["start"], m["end"]) for m in first["marks"]})
    panel = page.text_content("#event-panel")
    for source in event["sources"]:
        assert source["name"] in panel
    assert page.locator("#event-panel li.report").count() == len(event["reports"])
    shot(page, "05-event-evidence")


def test_review_needs_a_token_and_persists(page, server):
    event = base_withdrawal(server)
    load(page, server, f"#event={event['id']}")
    page.wait_for_selector("#confirm")
    page.click("#confirm")
    assert "token" in page.text_content("#review-message")
    page.fill("#token", "sitroom_wrong")
    page.click("#token-save")
    expect(page.locator("#token-status")).to_have_text("token refused")
    page.fill("#token", server["token"])
    page.click("#token-save")
    expect(page.locator("#token-status")).to_have_text("writes as alice")
    page.click("#confirm")
    expect(page.locator("#review-state")).to_have_text("confirmed")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#review-state")).to_have_text("confirmed")
    assert "confirm by alice" in page.text_content("#event-panel")
    assert page.text_content("#token-status") == "writes as alice"  # the token stayed in localStorage
    shot(page, "06-confirmed-after-reload")


def test_document_text_never_runs_as_html(page, server):
    made = api(server, "/api/documents", {"text": HOSTILE, "date": "2026-03-18", "title": "<b>Ayorou</b>"})
    hostile = [
        e
        for e in (api(server, f"/api/events/{i}") for i in made["events"])
        if any("<img" in ev["sentence"] for ev in e["evidence"])
    ]
    assert hostile, "the report's event keeps the sentence with the markup"
    load(page, server, f"#event={hostile[0]['id']}")
    page.wait_for_selector("#event-panel:not([hidden]) blockquote.evidence")
    page.wait_for_timeout(300)  # time for an injected handler to fire, were there one
    injected = page.evaluate(
        "document.querySelectorAll('#event-panel :is(script, img, b), #events :is(script, img, b)').length"
    )
    assert injected == 0
    assert page.evaluate("window.__pwned") is None
    text = page.text_content("#event-panel")
    assert '<img src=x onerror="window.__pwned=1">' in text and "<script>window.__pwned=2</script>" in text
    assert page.problems == []  # no dialog, no error
    shot(page, "07-xss-shown-as-text")
