"""The reads the page is built on (the time bar's stats, the map's points and cells, labels, search,
sources), the Atom feed of changes, the offline /docs and undoing a review: over the bundled examples,
and over a store of bulk-loaded synthetic events where a view holds thousands."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from support.examples_db import copy_of_examples

from sitroom.api.app import create_app
from sitroom.api.auth import create_token
from sitroom.api.state import ApiConfig
from sitroom.bench.store import bulk_load
from sitroom.store import open_store


@pytest.fixture
def examples(base_settings, pipeline, tmp_path) -> tuple[TestClient, str]:
    """A client over a copy of the examples, and a write token."""
    db = copy_of_examples(pipeline, tmp_path)
    with open_store(str(db)) as store:
        token = create_token(store, "alice")
    return TestClient(create_app(ApiConfig(replace(base_settings, db=str(db))))), token


@pytest.fixture(scope="module")
def synthetic(base_settings, tmp_path_factory) -> TestClient:
    """A client over 3,000 bulk-loaded synthetic events at sitroom's sites."""
    db = str(tmp_path_factory.mktemp("synthetic") / "synthetic.db")
    with open_store(db) as store:
        bulk_load(store, 3000)
        store.rebuild_situation()
    return TestClient(create_app(ApiConfig(replace(base_settings, db=db))))


def listed(client: TestClient, query: str) -> list[dict]:
    found, offset = [], 0
    while True:
        page = client.get(f"/api/events?{query}&limit=500&offset={offset}").json()
        found += page["items"]
        offset += 500
        if offset >= page["total"]:
            return found


@pytest.mark.slow
def test_stats_span_every_event_and_the_latest_report(examples):
    client, _ = examples
    stats = client.get("/api/stats").json()
    events = listed(client, "rejected=include")
    starts = [e["date"]["start"] for e in events if e["date"]]
    assert stats["first"] == min(starts) and stats["last"] == max(starts)
    documents = client.get("/api/documents?limit=500").json()["items"]
    assert stats["latest_report"] == max(d["date"] for d in documents)  # not an expected end in 2027
    assert sum(n for _, n in stats["per_day"]) == len(starts) and stats["events"] == len(events)
    withdrawals = client.get("/api/stats?type=withdraw").json()["per_day"]
    assert sum(n for _, n in withdrawals) == sum(1 for e in events if e["type"] == "withdraw" and e["date"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "query",
    ["", "type=withdraw", "actor=Italian", "until=2026-03-20", "since=2026-09-01", "bbox=0,10,5,15"],
)
def test_map_points_are_the_listed_events_with_a_place(examples, query):
    client, _ = examples
    answer = client.get(f"/api/map?zoom=5&{query}").json()
    expected = {e["id"]: e for e in listed(client, query) if e["place"] and e["place"]["lat"] is not None}
    assert {p[0] for p in answer["points"]} == set(expected) and answer["total"] == len(expected)
    for id_, lat, lon, kind, status, _review, place, start, precision in answer["points"]:
        event = expected[id_]
        assert (lat, lon, kind, status, place) == (
            event["place"]["lat"],
            event["place"]["lon"],
            event["type"],
            event["status"],
            event["place"]["name"],
        )
        assert start == (event["date"] or {}).get("start") and precision == event["place"]["precision"]


def test_a_crowded_view_is_counted_in_cells(synthetic):
    everything = synthetic.get("/api/map?zoom=3").json()
    assert "points" not in everything and everything["total"] == 3000
    assert sum(cell[2] for cell in everything["cells"]) == 3000
    deployments = synthetic.get("/api/map?zoom=3&type=deploy").json()
    assert deployments["total"] == synthetic.get("/api/events?type=deploy&limit=1").json()["total"]
    assert len(deployments["points"]) == deployments["total"] < 2000  # few enough to give one by one
    single = [c for c in everything["cells"] if c[2] == 1]
    assert all(c[3] and c[4] for c in single)
    # Closer in, cells are smaller: more of them for the same events.
    closer = synthetic.get("/api/map?zoom=6").json()
    assert len(closer["cells"]) > len(everything["cells"])


def test_a_small_view_gives_its_events_one_by_one(synthetic):
    place = synthetic.get("/api/events?limit=1").json()["items"][0]["place"]
    lat, lon = place["lat"], place["lon"]
    box = (lon - 0.5, lat - 0.5, lon + 0.5, lat + 0.5)
    answer = synthetic.get("/api/map", params={"zoom": 9, "bbox": ",".join(map(str, box))}).json()
    assert 0 < answer["total"] <= 2000 and len(answer["points"]) == answer["total"]
    assert all(box[1] <= p[1] <= box[3] and box[0] <= p[2] <= box[2] for p in answer["points"])


def test_the_time_bar_spans_a_large_store(synthetic):
    stats = synthetic.get("/api/stats").json()
    assert sum(n for _, n in stats["per_day"]) == stats["events"] == 3000
    assert stats["first"] < stats["last"] <= stats["latest_report"]


def test_labels_are_towns_from_the_gazetteer_in_the_view(synthetic):
    near = synthetic.get("/api/labels?bbox=1,12,3.5,15&zoom=7").json()
    names = [label[0] for label in near]
    assert "Niamey" in names
    assert all(12 <= lat <= 15 and 1 <= lon <= 3.5 for _, lat, lon, _, _ in near)
    far = synthetic.get("/api/labels?bbox=1,12,3.5,15&zoom=3").json()
    assert len(far) < len(near) and all(population >= 2_000_000 for *_, population, _ in far)
    assert synthetic.get("/api/labels?bbox=0,0,1,1&zoom=3").status_code == 200
    assert synthetic.get("/api/labels?bbox=0,0,1&zoom=3").status_code == 422


@pytest.mark.slow
def test_situation_view_narrows_the_situation_by_actor_place_and_view(examples):
    client, _ = examples
    whole = client.get("/api/situation?as_of=2026-03-25").json()["entries"]
    view = client.get("/api/situation/view?as_of=2026-03-25").json()
    assert view["total"] == len(whole) and view["entries"] == whole
    assert sum(len(p["entries"]) for p in view["places"]) == sum(
        1 for e in whole if e["place"]["lat"] is not None
    )
    italians = client.get("/api/situation/view?as_of=2026-03-25&actor=italian").json()
    assert italians["entries"] == [e for e in whole if "Italian" in e["actor"]] != []
    niger = client.get("/api/situation/view?as_of=2026-03-25&place=niger&limit=1").json()
    assert niger["total"] > 1 and len(niger["entries"]) == 1
    box = client.get("/api/situation/view?as_of=2026-03-25&bbox=2,13,2.5,14").json()
    inside = [
        e
        for e in whole
        if e["place"]["lat"] and 13 <= e["place"]["lat"] <= 14 and 2 <= e["place"]["lon"] <= 2.5
    ]
    assert box["entries"] == inside != []


@pytest.mark.slow
def test_search_finds_places_without_diacritics_and_leaves_out_common_nouns(examples):
    client, _ = examples
    places = client.get("/api/search?q=haditha").json()["places"]
    assert [p["name"] for p in places] == ["Ḩadīthah"]
    every_actor = client.get("/api/actors?limit=5000").json()
    common = [a for a in every_actor if not a["id"] and a["name"][:1].islower()]
    assert common, "the examples have actors that are common nouns (the case this guards against)"
    for actor in common:
        found = client.get("/api/search", params={"q": actor["name"]}).json()["actors"]
        assert actor["name"] not in [a["name"] for a in found]
    found = client.get("/api/search?q=italian").json()["actors"]
    assert found[0] == {"name": "Italian Armed Forces", "id": "it-military", "events": found[0]["events"]}


@pytest.mark.slow
def test_sources_give_each_documents_url_outlet_and_date(examples):
    client, _ = examples
    documents = client.get("/api/documents?limit=500").json()["items"]
    ids = ",".join(d["id"] for d in documents[:5]) + ",no-such-document"
    found = client.get("/api/sources", params={"documents": ids}).json()
    assert set(found) == {d["id"] for d in documents[:5]}
    for d in documents[:5]:
        assert found[d["id"]] == {k: d[k] for k in ("url", "outlet", "date", "title")}


@pytest.mark.slow
def test_changes_feed_is_valid_atom_filtered_by_place_actor_and_type(examples):
    feedparser = pytest.importorskip("feedparser")
    client, _ = examples
    changes = client.get("/api/changes?since=2026-01-01").json()["changes"]
    response = client.get("/api/changes.atom?since=2026-01-01")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == "atom10"
    assert feed.feed.title and feed.feed.id and feed.feed.updated_parsed
    assert len(feed.entries) == len(changes) > 5
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    assert all(e.title and e.updated_parsed and e.link.startswith("http") for e in feed.entries)
    assert [e.updated[:10] for e in feed.entries] == sorted((c["when"] for c in changes), reverse=True)
    for query, holds in (
        ("place=haditha", lambda c: c["place"]["name"] == "Ḩadīthah"),
        ("actor=Iraqi", lambda c: "Iraqi" in c["actor"]),
    ):
        entries = feedparser.parse(client.get(f"/api/changes.atom?since=2026-01-01&{query}").content).entries
        assert len(entries) == sum(1 for c in changes if holds(c)) > 0
    types = {e["id"]: e["type"] for e in listed(client, "rejected=include")}
    controls = feedparser.parse(client.get("/api/changes.atom?since=2026-01-01&type=control").content)
    assert len(controls.entries) == sum(1 for c in changes if types.get(c["event"]) == "control") > 0


@pytest.mark.slow
def test_docs_are_served_from_this_machine(examples):
    client, _ = examples
    page = client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert loaded and all(url.startswith("/") or url.startswith("data:") for url in loaded)
    for url in (u for u in loaded if u.startswith("/")):
        assert client.get(url).status_code == 200, url
    assert "validatorUrl: null" in client.get("/static/docs.js").text  # no badge from a public validator
    assert client.get("/redoc", follow_redirects=False).headers["location"] == "/docs"


@pytest.mark.slow
def test_a_review_can_be_undone(examples):
    client, token = examples
    headers = {"Authorization": f"Bearer {token}"}
    event = client.get("/api/events?type=withdraw&limit=1").json()["items"][0]
    made = client.post(f"/api/events/{event['id']}/review", json={"action": "reject"}, headers=headers).json()
    assert made["event"]["review"] == "rejected"
    undone = client.post(f"/api/reviews/{made['review']['id']}/undo", headers=headers)
    assert undone.status_code == 200 and undone.json()["event"]["review"] is None
    assert client.get(f"/api/events/{event['id']}/reviews").json() == []
    assert client.post(f"/api/reviews/{made['review']['id']}/undo", headers=headers).status_code == 404
    assert client.post(f"/api/reviews/{made['review']['id']}/undo").status_code == 401
