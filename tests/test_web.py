"""The web page in a real headless Chromium (Debian's, driven by Playwright), served by the real app on a
loopback port over a database of the bundled examples, each workflow at a desktop's 1440x900 and a
phone's 390x844. Screenshots go to tests/artifacts/ (NN-workflow-desktop.png, NN-workflow-phone.png)."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from support.examples_db import copy_of_examples
from support.pmtiles import solid_png, write_pmtiles

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
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
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


@contextmanager
def serving(app) -> Iterator[str]:
    """The app on a free loopback port, in a thread; its URL."""
    import uvicorn

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
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def examples_copy(pipeline, tmp_path_factory) -> Path:
    return copy_of_examples(pipeline, tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def server(base_settings, pipeline, examples_copy):
    """The app over a copy of the examples, and a write token."""
    with open_store(str(examples_copy)) as store:
        token = create_token(store, "alice")
    app = create_app(ApiConfig(replace(base_settings, db=str(examples_copy))))
    app.state.pipelines._pipeline = pipeline
    with serving(app) as url:
        yield {"url": url, "token": token}


@pytest.fixture(scope="module")
def browser():
    sync_api = _browser_or_skip()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def page(request, browser, server):
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    opened = context.new_page()
    problems: list[str] = []
    outside: list[str] = []
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    opened.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    opened.on(
        "request", lambda r: None if r.url.startswith((server["url"], "data:")) else outside.append(r.url)
    )
    opened.problems = problems
    opened.outside = outside
    opened.viewport_name = request.param
    yield opened
    context.close()


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-{page.viewport_name}.png"
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


def view_of(page) -> dict[str, str]:
    """The view the page wrote into its URL's fragment."""
    fragment = urllib.parse.urlsplit(page.url).fragment
    return dict(urllib.parse.parse_qsl(fragment))


def set_day(page, day: str) -> None:
    """As a person would: type the day into the date box."""
    page.fill("#date", day)
    page.dispatch_event("#date", "change")
    page.wait_for_selector(f"#map[data-as-of='{day}']", timeout=10_000)


def base_row(page):
    return page.locator(f"#situation tbody tr[data-place='{BASE}'][data-actor='{ITALY}']")


def base_withdrawal(server) -> dict:
    found = api(server, f"/api/events?type=withdraw&place={urllib.parse.quote(BASE)}&limit=50")["items"]
    return next(e for e in found if e["status"] == "completed")


def assert_in_view(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    width, height = VIEWPORTS[page.viewport_name]
    assert box is not None and 0 <= box["y"] < height and box["x"] < width, (selector, box)


def test_page_opens_on_the_latest_report_with_a_map(page, server):
    load(page, server)
    stats = api(server, "/api/stats")
    latest = stats["latest_report"]
    assert page.input_value("#date") == latest == page.get_attribute("#slider", "data-last")
    assert page.get_attribute("#slider", "data-first") == stats["first"]  # the whole store, not a page of it
    since = (date.fromisoformat(latest) - timedelta(days=29)).isoformat()
    listed = api(server, f"/api/events?since={since}&until={latest}&rejected=exclude&limit=1")["total"]
    assert page.text_content("#events-count") == f"{listed} events from {since} to {latest}"
    assert page.locator("#events li").count() == listed > 0
    zoom = int(view_of(page)["map"].split("/")[0])  # framed on the events
    scale = "50m" if zoom >= 4 else "110m"  # Natural Earth from world-atlas, at the zoom's scale
    assert page.get_attribute("#map", "data-countries") == scale
    assert int(page.get_attribute("#map", "data-labels")) > 5  # towns from the gazetteer
    assert page.locator("#map .ev-marker, #map .marker-cluster").count() > 0
    assert page.locator("#histogram path.bars").get_attribute("d").count("M") == len(stats["per_day"])
    assert page.locator("#situation tbody tr").count() >= 3
    shot(page, "01-opens-on-latest-report")
    assert page.problems == [] and page.outside == []


def test_map_zooms_to_detailed_borders_and_keeps_the_view_in_the_url(page, server):
    load(page, server, "#d=2026-10-01&map=3/33.9/42.4")  # over Iraq; the situation is in Niger too
    assert page.get_attribute("#map", "data-countries") == "110m"
    page.locator(".leaflet-control-zoom-in").click()
    expect(page.locator("#map")).to_have_attribute("data-countries", "50m")  # from zoom 4
    for zoom in range(5, 9):
        page.locator(".leaflet-control-zoom-in").click()
        expect(page.locator("#map")).to_have_attribute("data-zoom", str(zoom))
    expect(page.locator("#map .ev-marker, #map .marker-cluster").first).to_be_visible()
    page.wait_for_url(re.compile(r".*map=8%2F.*"))
    labels = page.locator("#map .town-label").all_text_contents()
    assert "Ḩadīthah" in labels and "Ain al-Asad Air Base" in labels  # situation places labelled first
    everywhere = page.locator("#situation tbody tr[data-place]").count()
    page.check("#in-view")  # the table narrowed to the places in the map's view
    rows = page.locator("#situation tbody tr[data-place]")
    expect(rows).not_to_have_count(everywhere)
    places = set(rows.evaluate_all("rows => rows.map(r => r.dataset.place)"))
    assert {"Ḩadīthah", "Ain al-Asad Air Base"} <= places and not places & {"Ayorou", BASE, "Niger"}, places
    shot(page, "02-zoomed-map")
    assert page.problems == [] and page.outside == []


def test_date_box_and_slider_redraw_the_situation(page, server):
    load(page, server)
    set_day(page, "2026-03-10")
    assert base_row(page).get_attribute("data-status") == "withdrawing"
    marker = page.locator(f"#map .sit-marker[data-place='{BASE}']")
    assert "withdrawing" in marker.get_attribute("data-statuses")
    shot(page, "03-situation-2026-03-10")
    page.focus("#slider")
    for _ in range(15):
        page.keyboard.press("ArrowRight")
    page.wait_for_selector("#map[data-as-of='2026-03-25']", timeout=10_000)
    assert base_row(page).get_attribute("data-status") == "departed"
    assert view_of(page)["d"] == "2026-03-25"
    page.click("#play")
    page.wait_for_selector("#map[data-as-of='2026-03-26']", timeout=10_000)
    page.click("#play")  # pause
    shot(page, "03-situation-2026-03-25-played")
    assert page.problems == []


def test_situation_row_opens_its_events_and_evidence(page, server):
    load(page, server, "#d=2026-03-25")
    base_row(page).locator("button.row-open").click()
    detail = page.locator("#situation tr.entry-detail")
    expect(detail.locator("blockquote.evidence").first).to_be_visible()
    event_id = detail.locator("button[data-event]").last.get_attribute("data-event")
    detail.locator("button[data-event]").last.click()
    page.wait_for_selector("#event-panel:not([hidden]) blockquote.evidence")
    assert event_id in page.text_content("#event-panel .meta")
    assert_in_view(page, "#event-panel h2")  # on a phone the panel opens over the page
    shot(page, "04-row-to-evidence")
    assert page.problems == []


def test_filters_narrow_the_table_the_map_and_the_list_together(page, server):
    load(page, server, "#d=2026-03-25")
    everything = page.locator("#events li").count()
    page.fill("#filter-actor", "Italian")
    page.click("#filters button[type=submit]")
    params = "actor=Italian&since=2026-02-24&until=2026-03-25&rejected=exclude"
    expected = api(server, f"/api/events?{params}&limit=500")["items"]
    expect(page.locator("#events li")).to_have_count(len(expected))
    shown = page.eval_on_selector_all("#events li", "items => items.map(i => i.dataset.id)")
    assert shown == [e["id"] for e in reversed(expected)] and 0 < len(shown) < everything  # newest first
    actors = page.eval_on_selector_all(
        "#situation tbody tr[data-actor]", "rows => rows.map(r => r.dataset.actor)"
    )
    assert actors and all("Italian" in a for a in actors)
    assert int(page.get_attribute("#map", "data-total")) <= len(expected)
    assert "actor=Italian" in page.get_attribute("#export-csv", "href")
    assert view_of(page)["actor"] == "Italian"
    shot(page, "05-filter-actor")


def test_the_window_can_take_every_event_undated_too(page, server):
    load(page, server, "#w=u")
    total = api(server, "/api/events?rejected=exclude&limit=1")["total"]
    assert page.text_content("#events-count") == f"{total} events, any date or none (undated first)"
    assert page.locator("#events li").count() == total
    page.select_option("#window", "7")
    expect(page.locator("#events-count")).to_contain_text("events from")
    assert view_of(page)["w"] == "7"


def test_evidence_links_its_source_and_stage_dates_are_no_dispute(page, server):
    event = base_withdrawal(server)
    load(page, server, f"#ev={event['id']}")
    page.wait_for_selector("#event-panel:not([hidden]) blockquote.evidence")
    first = event["evidence"][0]
    quote = page.locator("#event-panel blockquote.evidence").first
    assert quote.text_content() == first["sentence"]  # every character, nothing added
    trigger = next(m for m in first["marks"] if m["label"] == "trigger")
    words = first["sentence"][trigger["start"] - first["start"] : trigger["end"] - first["start"]]
    assert "".join(quote.locator("mark.m-trigger").all_text_contents()) == words
    # The withdrawal began on Wednesday and ended on Thursday: two stages, not two sides of a dispute.
    dates = page.locator("#event-panel .claim-row[data-field=date]")
    assert "disputed" not in dates.get_attribute("class")
    assert "→ 2026-03-04" in dates.text_content() and "the began stage" in dates.text_content()
    assert "“on Wednesday” → 2026-03-04" in page.text_content("#event-panel")
    links = page.locator("#event-panel .citation a")
    hrefs = set(links.evaluate_all("links => links.map(a => a.href)"))
    assert "https://wire.example/2026/03/25/niger-russians-air-base-101" in hrefs
    assert "Example Wire, 2026-03-25" in page.text_content("#event-panel")
    assert page.locator("#event-panel li.report").count() == len(event["reports"])
    shot(page, "06-evidence-and-sources")
    assert page.problems == []


def test_known_at_shows_what_we_knew_and_overdue_moves(page, server):
    load(page, server, "#d=2026-10-07&k=2026-09-10")
    row = page.locator("#situation tbody tr[data-place='Ain al-Asad Air Base']").first
    assert row.get_attribute("data-status") == "withdrawing"
    assert "expected 2026-09-19..2026-09-29" in row.locator("td.until").text_content()
    assert "overdue" in row.locator("td.until").text_content()
    assert page.input_value("#known-at") == "2026-09-10"
    shot(page, "07-known-at-overdue")
    page.fill("#known-at", "")
    page.dispatch_event("#known-at", "change")
    expect(row).to_have_attribute("data-status", "departed")


def test_changes_since_and_a_places_history(page, server):
    load(page, server, "#d=2026-09-30")
    page.fill("#changed-since", "2026-09-15")
    page.click("#changes-form button[type=submit]")
    expected = api(server, "/api/changes?since=2026-09-15&until=2026-09-30")["changes"]
    expect(page.locator("#changes li.change")).to_have_count(len(expected))
    assert view_of(page)["since"] == "2026-09-15"
    page.locator("#search").fill("hadith")
    page.locator("#search-results button[data-kind=place]").first.click()
    page.wait_for_selector("#place-panel:not([hidden]) .place-events li")
    timeline = api(server, "/api/places/" + urllib.parse.quote("Ḩadīthah") + "/timeline")
    assert page.locator("#place-panel .place-events li").count() == len(timeline["events"])
    assert_in_view(page, "#place-panel h2")
    shot(page, "08-changes-and-history")
    assert page.problems == []


def test_a_link_reopens_the_same_view(page, server, browser):
    event = base_withdrawal(server)
    load(page, server, f"#d=2026-03-20&w=90&place=Niamey&ev={event['id']}&map=6/13.5/2.1")
    page.wait_for_selector("#event-panel:not([hidden])")
    link = page.get_attribute("#permalink", "href")
    again = browser.new_page(viewport={"width": 1440, "height": 900})
    again.goto(link)
    again.wait_for_selector("body[data-ready=true]")
    again.wait_for_selector("#event-panel:not([hidden])")
    assert again.input_value("#date") == "2026-03-20" and again.input_value("#filter-place") == "Niamey"
    assert again.input_value("#window") == "90"
    assert event["id"] in again.text_content("#event-panel .meta")
    assert view_of(again)["map"].startswith("6/")
    again.close()
    shot(page, "09-permalink")


def test_phone_puts_the_list_first_and_tap_targets_are_big_enough(page, server):
    load(page, server, "#d=2026-03-25")
    if page.viewport_name == "phone":
        assert page.locator("#events").bounding_box()["y"] < page.locator("#map").bounding_box()["y"]
    marks = "#map :is(.ev-marker, .marker-cluster, .cell-marker)"
    targets = f"#events button, {marks}, #situation button, .exports a"
    small = page.eval_on_selector_all(
        targets,
        """nodes => nodes.map(n => n.getBoundingClientRect())
          .filter(r => r.width > 0 && (r.width < 24 || r.height < 24)).map(r => [r.width, r.height])""",
    )
    assert small == [], small
    page.locator("#events li button").first.click()
    page.wait_for_selector("#event-panel:not([hidden]) h2")
    assert_in_view(page, "#event-panel h2")
    shot(page, "10-phone-list-first")


def test_search_finds_places_and_proper_actors(page, server):
    load(page, server)
    page.locator("#search").fill("r")
    page.wait_for_selector("#search-results:not([hidden]) li")
    actors = page.locator("#search-results button[data-kind=actor]").all_text_contents()
    assert actors and all(a[:1].isupper() for a in actors)  # no "rest", no "car bomb"
    page.locator("#search").fill("italian")
    page.locator("#search-results button[data-kind=actor]", has_text="Italian").click()
    expect(page.locator("#filter-actor")).to_have_value("it-military")
    shot(page, "11-search")


def save_token(page, secret: str, status: str) -> None:
    if not page.is_visible("#token"):
        page.click(".settings summary")
    page.fill("#token", secret)
    page.click("#token-save")
    expect(page.locator("#token-status")).to_have_text(status)


def test_review_actions_with_undo(page, server):
    event = base_withdrawal(server)
    load(page, server, f"#ev={event['id']}")
    page.wait_for_selector("#confirm")
    page.click("#confirm")
    assert "token" in page.text_content("#review-message")
    page.click("#event-panel button.close")  # on a phone the panel covers the settings
    save_token(page, "sitroom_wrong", "token refused")
    save_token(page, server["token"], "writes as alice")
    page.problems.clear()  # the refused token's 401
    load(page, server, f"#ev={event['id']}&d=2026-03-25")
    page.click("#confirm")
    expect(page.locator("#review-state")).to_have_text("confirmed")
    page.click("#undo")
    expect(page.locator("#review-state")).to_have_text("not reviewed")
    page.fill("#correct-value", "4")
    page.select_option("#correct-field", "fatalities")
    page.click("#correct")
    expect(page.locator("#review-state")).to_have_text("corrected")
    assert "Killed4" in page.text_content("#event-panel dl").replace(" ", "")
    page.click("#reject")
    expect(page.locator("#review-state")).to_have_text("rejected")
    expect(page.locator(f"#events li[data-id='{event['id']}']")).to_have_count(0)  # rejected: hidden
    if page.viewport_name == "phone":
        page.click("#event-panel button.close")
    page.check("#filter-rejected")
    expect(page.locator(f"#events li[data-id='{event['id']}'].review-rejected")).to_have_count(1)
    shot(page, "12-review-rejected-shown")
    page.click(f"#events li[data-id='{event['id']}'] button")
    for _ in range(2):  # take back the reject and the correction
        page.locator("#event-panel li.review button.undo").last.click()
        page.wait_for_timeout(300)
    expect(page.locator("#review-state")).to_have_text("not reviewed")
    assert api(server, f"/api/events/{event['id']}/reviews") == []
    assert page.problems == []


def test_split_and_merge_from_the_panel(page, server):
    event = base_withdrawal(server)
    load(page, server)
    save_token(page, server["token"], "writes as alice")
    load(page, server, f"#ev={event['id']}")
    taken = event["reports"][-1]["id"]
    page.select_option("#split-report", taken)
    page.click("#split")
    expect(page.locator("#event-panel li.report")).to_have_count(len(event["reports"]) - 1)
    split_off = next(
        e
        for e in api(server, "/api/events?limit=500")["items"]
        if any(r["id"] == taken for r in e["reports"])
    )
    page.fill("#merge-other", split_off["id"])
    page.click("#merge")
    expect(page.locator("#event-panel li.report")).to_have_count(len(event["reports"]))
    shot(page, "13-split-then-merge")
    undo = page.locator("#event-panel li.review", has_text="merge by alice").locator("button.undo")
    undo.click()  # the merge taken back: the report is apart again
    expect(page.locator("#event-panel li.report")).to_have_count(len(event["reports"]) - 1)
    page.locator("#event-panel li.review", has_text="split by alice").locator("button.undo").click()
    expect(page.locator("#event-panel li.report")).to_have_count(len(event["reports"]))
    everything = api(server, "/api/events?limit=500")["items"]
    assert all(not api(server, f"/api/events/{e['id']}/reviews") for e in everything)


def test_exports_follow_the_filters(page, server):
    load(page, server, "#d=2026-03-25&w=0&type=withdraw")
    href = page.get_attribute("#export-geojson", "href")
    assert "type=withdraw" in href and "until=2026-03-25" in href
    with urllib.request.urlopen(server["url"] + href, timeout=30) as response:
        features = json.loads(response.read())["features"]
    listed = api(server, "/api/events?type=withdraw&until=2026-03-25&rejected=exclude&limit=500")["items"]
    assert {f["properties"]["id"] for f in features} == {e["id"] for e in listed if e["place"]}
    shot(page, "14-exports")


def test_docs_load_nothing_from_outside(page, server):
    page.goto(server["url"] + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() > 20
    page.wait_for_timeout(500)
    assert page.outside == []
    assert page.problems == []
    shot(page, "15-docs")


def test_a_local_pmtiles_basemap_is_drawn(page, server, base_settings, examples_copy, tmp_path):
    tiles = write_pmtiles(tmp_path / "mine.pmtiles", solid_png((200, 120, 40)))
    app = create_app(ApiConfig(replace(base_settings, db=str(examples_copy)), basemap=str(tiles)))
    with serving(app) as url:
        here = {"url": url, "token": server["token"]}
        page.outside.clear()
        load(page, here, "#map=2/20/20")
        expect(page.locator("#map")).to_have_attribute("data-basemap", "/basemap.pmtiles")
        drawn = page.locator("#map img.leaflet-tile-loaded")
        expect(drawn.first).to_be_attached(timeout=10_000)
        assert drawn.first.get_attribute("src").startswith("blob:")  # a tile read from the file by range
        shot(page, "17-own-basemap")
        assert page.problems == [] and all(u.startswith((url, "blob:")) for u in page.outside)


def test_document_text_never_runs_as_html(page, server):
    text = f"{HOSTILE} Seen on a {page.viewport_name}."  # a new document for each viewport
    made = api(server, "/api/documents", {"text": text, "date": "2026-03-18", "title": "<b>Ayorou</b>"})
    hostile = [
        e
        for e in (api(server, f"/api/events/{i}") for i in made["events"])
        if any("<img" in ev["sentence"] for ev in e["evidence"])
    ]
    assert hostile, "the report's event keeps the sentence with the markup"
    load(page, server, f"#ev={hostile[0]['id']}&d=2026-03-18")
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
    shot(page, "16-xss-shown-as-text")
