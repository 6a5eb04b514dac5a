"""The HTTP API over the bundled examples: every route, its errors (one shape), tokens and security."""

from __future__ import annotations

import csv
import io
import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from support.examples_db import copy_of_examples

from sitroom.api.app import create_app
from sitroom.api.auth import create_token
from sitroom.api.state import ApiConfig
from sitroom.cli import main as cli
from sitroom.store import open_store

pytestmark = pytest.mark.slow

BASE = "Niamey Air Base 101"
ITALY = "Italian Armed Forces"
NEW_TEXT = (
    "Nigerien troops deployed to the town of Ayorou on Monday to secure the market, a local official said. "
    "The soldiers arrived in armoured vehicles and set up checkpoints on the road to Niamey."
)

FRENCH = (
    "Les soldats nigériens sont arrivés à Ayorou lundi pour sécuriser le marché, a déclaré un responsable "
    "local. Ils ont installé des points de contrôle sur la route de Niamey et patrouillent depuis mardi."
)


@pytest.fixture
def db_path(pipeline, tmp_path):
    return copy_of_examples(pipeline, tmp_path)


@pytest.fixture
def make_client(base_settings, pipeline, db_path):
    def make(**config) -> TestClient:
        app = create_app(ApiConfig(replace(base_settings, db=str(db_path)), **config))
        app.state.pipelines._pipeline = pipeline  # the session's, already loaded
        return TestClient(app)

    return make


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture
def token(db_path) -> str:
    with open_store(str(db_path)) as store:
        return create_token(store, "alice")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "message", "details"}
    assert body["error"]["status"] == status and body["error"]["message"]
    return body["error"]


def events(client, **params) -> list[dict]:
    response = client.get("/api/events", params=params | {"limit": 500})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def base_withdrawal(client) -> dict:
    found = [e for e in events(client, type="withdraw", place=BASE) if e["status"] == "completed"]
    assert found, "the examples hold the Italian withdrawal from Air Base 101"
    return found[0]


# ---------------------------------------------------------------- the document and the page


def test_openapi_document_lists_every_route(client):
    doc = client.get("/openapi.json").json()
    expected = {
        "/api/documents",
        "/api/documents/{document_id}",
        "/api/documents/urls",
        "/api/events",
        "/api/events/{event_id}",
        "/api/events/{event_id}/reports",
        "/api/events/{event_id}/reviews",
        "/api/events/{event_id}/review",
        "/api/situation",
        "/api/changes",
        "/api/places",
        "/api/places/{place}/timeline",
        "/api/actors",
        "/api/export/events.csv",
        "/api/export/events.geojson",
        "/api/export/events.jsonl",
        "/api/whoami",
    }
    assert expected <= set(doc["paths"])
    assert {"Event", "Evidence", "SituationEntry", "StateChange", "ErrorEnvelope"} <= set(
        doc["components"]["schemas"]
    )
    assert doc["paths"]["/api/events/{event_id}/review"]["post"]["security"]


def test_page_and_its_packages_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert '<script type="module" src="/static/app.js">' in page.text
    assert client.get("/static/app.js").status_code == 200
    topo = client.get("/vendor/world-atlas/countries-50m.json")
    assert topo.status_code == 200 and topo.json()["type"] == "Topology"
    assert client.get("/vendor/leaflet/dist/leaflet.js").status_code == 200
    # Only the files sitroom/web/vendor.json names are reachable, and nothing above them.
    assert_error(client.get("/vendor/commander/package.json"), 404)
    assert_error(client.get("/vendor/leaflet/package.json"), 404)
    assert client.get("/vendor/leaflet/../../package.json").status_code == 404


# ---------------------------------------------------------------- documents


def test_documents_list_pages_without_text(client):
    first = client.get("/api/documents", params={"limit": 3}).json()
    assert first["total"] >= 10 and first["limit"] == 3 and len(first["items"]) == 3
    assert all("text" not in d for d in first["items"])
    rest = client.get("/api/documents", params={"limit": 3, "offset": 3}).json()
    assert {d["id"] for d in first["items"]}.isdisjoint(d["id"] for d in rest["items"])


def test_one_document_with_its_text(client):
    listed = client.get("/api/documents").json()["items"][0]
    found = client.get(f"/api/documents/{listed['id']}").json()
    assert found["id"] == listed["id"] and len(found["text"]) > 100
    assert "no document" in assert_error(client.get("/api/documents/nope"), 404)["message"]


# ---------------------------------------------------------------- events and filters


def test_events_page_and_total(client):
    everything = client.get("/api/events", params={"limit": 500}).json()
    total = everything["total"]
    assert total == len(everything["items"]) >= 20
    page = client.get("/api/events", params={"limit": 5, "offset": 5}).json()
    assert page["total"] == total and [e["id"] for e in page["items"]] == [
        e["id"] for e in everything["items"][5:10]
    ]


@pytest.mark.parametrize(
    "params",
    [{"limit": 501}, {"limit": 0}, {"offset": -1}, {"limit": "many"}, {"type": "picnic"}, {"min_sources": 0}],
)
def test_bad_paging_and_filter_values_are_422(client, params):
    error = assert_error(client.get("/api/events", params=params), 422)
    assert error["details"] and error["details"][0]["location"].startswith("query.")


def test_filter_by_type_actor_and_place(client):
    assert {e["type"] for e in events(client, type="withdraw")} == {"withdraw"}
    italian = events(client, actor="italian")
    assert italian and all(any("Italian" in a["name"] for a in e["actors"]) for e in italian)
    by_id = events(client, actor="it-military")
    assert {e["id"] for e in by_id} <= {e["id"] for e in italian}
    assert all(BASE in e["place"]["name"] for e in events(client, place="air base 101"))


def test_filter_by_bbox(client):
    inside = events(client, bbox="1.5,13,2.5,14")  # around Niamey
    assert inside and all(1.5 <= e["place"]["lon"] <= 2.5 and 13 <= e["place"]["lat"] <= 14 for e in inside)
    assert events(client, bbox="100,-10,110,0") == []


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "0,95,1,96", "0,10,1,5", "-200,0,0,1"])
def test_bad_bbox_is_422(client, bbox):
    assert "bbox" in json.dumps(assert_error(client.get("/api/events", params={"bbox": bbox}), 422))


def test_filter_by_dates(client):
    found = events(client, since="2026-03-10", until="2026-03-12")
    assert found
    for e in found:
        assert e["date"]["end"] >= "2026-03-10" and e["date"]["start"] <= "2026-03-12"
    assert (
        "after" in assert_error(client.get("/api/events?since=2026-03-12&until=2026-03-01"), 422)["message"]
    )
    assert_error(client.get("/api/events?since=2026-02-30"), 422)


def test_filter_by_sources_and_text(client):
    several = events(client, min_sources=2)
    assert several and all(e["source_count"] >= 2 for e in several)
    said = events(client, q="air base")
    assert said
    assert all(any("air base" in ev["sentence"].lower() for ev in e["evidence"]) for e in said)


def test_filters_are_data_never_sql(client):
    hostile = "'; DROP TABLE events; --"
    for name in ("actor", "place", "q"):
        assert events(client, **{name: hostile}) == []
    assert client.get("/api/events").json()["total"] >= 20


def test_event_detail_reports_and_404(client):
    event = base_withdrawal(client)
    found = client.get(f"/api/events/{event['id']}").json()
    assert found["id"] == event["id"]
    assert found["evidence"] and found["sources"] and found["reports"]
    assert any(link["reasons"] for link in found["reports"][1:]) or len(found["reports"]) == 1
    reports = client.get(f"/api/events/{event['id']}/reports").json()
    assert {r["id"] for r in reports} == {link["id"] for link in found["reports"]}
    assert client.get(f"/api/events/{event['id']}/reviews").json() == []
    for path in ("/api/events/ev-none", "/api/events/ev-none/reports", "/api/events/ev-none/reviews"):
        assert_error(client.get(path), 404)


def test_unknown_path_and_method_use_the_error_shape(client):
    assert_error(client.get("/api/nothing"), 404)
    assert_error(client.delete("/api/events"), 405)


# ---------------------------------------------------------------- situation, changes, places, actors


def entry(situation: dict, place: str, actor: str) -> dict | None:
    return next(
        (e for e in situation["entries"] if e["place"]["name"] == place and e["actor"] == actor), None
    )


def test_situation_before_and_after_the_departure(client):
    before = client.get("/api/situation", params={"as_of": "2026-03-10"}).json()
    after = client.get("/api/situation", params={"as_of": "2026-03-25"}).json()
    assert before["as_of"] == "2026-03-10"
    assert entry(before, BASE, ITALY)["status"] == "withdrawing"
    assert entry(after, BASE, ITALY)["status"] == "departed"
    # As of the 25th, but knowing only what was reported by the 10th: not yet gone.
    known = client.get("/api/situation", params={"as_of": "2026-03-25", "known_at": "2026-03-10"}).json()
    assert entry(known, BASE, ITALY)["status"] == "withdrawing"
    assert_error(client.get("/api/situation", params={"as_of": "March"}), 422)


def test_changes_in_a_window(client):
    body = client.get("/api/changes", params={"since": "2026-03-15", "until": "2026-03-25"}).json()
    assert body["since"] == "2026-03-15" and body["until"] == "2026-03-25"
    assert all("2026-03-15" <= c["when"] <= "2026-03-25" for c in body["changes"])
    departed = [c for c in body["changes"] if c["place"]["name"] == BASE and c["after"] == "departed"]
    assert departed and departed[0]["before"] == "withdrawing"
    assert_error(client.get("/api/changes"), 422)
    assert_error(client.get("/api/changes", params={"since": "2026-03-25", "until": "2026-03-01"}), 422)


def test_a_limit_past_the_largest_integer_pages_every_change(client):
    every = client.get("/api/changes", params={"since": "2026-01-01"}).json()
    huge = client.get("/api/changes", params={"since": "2026-01-01", "limit": str(10**30), "offset": "1"})
    assert huge.status_code == 200 and huge.json()["changes"] == every["changes"][1:]


def test_places_actors_and_timeline(client):
    places = client.get("/api/places").json()
    counts = [p["events"] for p in places]
    assert counts == sorted(counts, reverse=True) and any(p["name"] == BASE for p in places)
    actors = client.get("/api/actors").json()
    assert any(a["name"] == ITALY and a["id"] == "it-military" and a["events"] >= 2 for a in actors)
    assert len(client.get("/api/actors", params={"limit": 2}).json()) == 2
    assert_error(client.get("/api/places", params={"limit": 0}), 422)
    timeline = client.get("/api/places/air base 101/timeline").json()
    assert timeline["events"] and any(c["after"] == "departed" for c in timeline["changes"])


# ---------------------------------------------------------------- exports


def test_csv_export(client):
    response = client.get("/api/export/events.csv", params={"type": "withdraw"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="sitroom-events.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and "event_date" in rows[0] and len(rows) == len(events(client, type="withdraw"))


def test_geojson_export(client):
    response = client.get("/api/export/events.geojson")
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["content-disposition"].endswith('filename="sitroom-events.geojson"')
    collection = response.json()
    assert collection["type"] == "FeatureCollection" and collection["features"]


def test_jsonl_export(client):
    response = client.get("/api/export/events.jsonl", params={"place": BASE})
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [e["id"] for e in lines] == [e["id"] for e in events(client, place=BASE)]
    assert_error(client.get("/api/export/events.jsonl", params={"bbox": "x"}), 422)


# ---------------------------------------------------------------- tokens


WRITES = [
    ("/api/documents", {"text": NEW_TEXT, "date": "2026-03-18"}),
    ("/api/documents/urls", {"urls": ["https://example.org/a"]}),
    ("/api/events/ev-any/review", {"action": "confirm"}),
]


@pytest.mark.parametrize("path,body", WRITES)
def test_writes_need_a_known_token(client, token, path, body):
    for headers in ({}, auth("sitroom_not-a-token"), {"Authorization": f"Basic {token}"}):
        error = assert_error(client.post(path, json=body, headers=headers), 401)
        assert "token" in error["message"]
    assert client.post(path, json=body).headers["www-authenticate"] == "Bearer"


def test_whoami_and_revoked_tokens(client, token, db_path):
    assert client.get("/api/whoami", headers=auth(token)).json() == {"name": "alice"}
    assert_error(client.get("/api/whoami"), 401)
    with open_store(str(db_path)) as store:
        assert store.delete_token("alice")
    assert_error(client.get("/api/whoami", headers=auth(token)), 401)


def test_token_commands(db_path, client):
    runner = CliRunner()
    made = runner.invoke(cli, ["--db", str(db_path), "token", "create", "bob"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[0]
    assert client.get("/api/whoami", headers=auth(secret)).json() == {"name": "bob"}
    with open_store(str(db_path)) as store:
        assert secret not in json.dumps(store.token_names()) and store.token_name(secret) is None
    listed = runner.invoke(cli, ["--db", str(db_path), "token", "list"])
    assert listed.stdout.split() == ["bob"]
    assert runner.invoke(cli, ["--db", str(db_path), "token", "create", "bob"]).exit_code == 1
    assert runner.invoke(cli, ["--db", str(db_path), "token", "create", "no spaces"]).exit_code == 1
    assert runner.invoke(cli, ["--db", str(db_path), "token", "revoke", "bob"]).exit_code == 0
    assert runner.invoke(cli, ["--db", str(db_path), "token", "revoke", "bob"]).exit_code == 1
    assert_error(client.get("/api/whoami", headers=auth(secret)), 401)


# ---------------------------------------------------------------- reviews


def review(client, token, event_id, **body):
    return client.post(f"/api/events/{event_id}/review", json=body, headers=auth(token))


def test_confirm_is_recorded_with_who_and_when_and_survives_remerging(client, token, db_path):
    event = base_withdrawal(client)
    response = review(client, token, event["id"], action="confirm", note="checked against two outlets")
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["review"]["author"] == "alice" and made["review"]["at"].startswith("20")
    assert made["event"]["review"] == "confirmed"
    listed = client.get(f"/api/events/{made['event']['id']}/reviews").json()
    assert [(r["action"], r["author"], r["note"]) for r in listed] == [
        ("confirm", "alice", "checked against two outlets")
    ]
    with open_store(str(db_path)) as store:
        store.remerge_all()  # what a change of the merge rules or a re-extraction does
    assert client.get(f"/api/events/{made['event']['id']}").json()["review"] == "confirmed"


def test_rejected_events_leave_the_situation_and_can_be_filtered(client, token):
    event = base_withdrawal(client)
    assert review(client, token, event["id"], action="reject").status_code == 201
    assert event["id"] not in {e["id"] for e in events(client, rejected="exclude")}
    assert event["id"] in {e["id"] for e in events(client, rejected="only")}
    after = client.get("/api/situation", params={"as_of": "2026-03-25"}).json()
    departed = entry(after, BASE, ITALY)
    assert departed is None or event["id"] not in departed["events"]


def test_correct_sets_fields_and_refuses_bad_values(client, token):
    event = base_withdrawal(client)
    made = review(client, token, event["id"], action="correct", changes={"fatalities": "3"}).json()
    assert made["event"]["fatalities"] == 3 and made["event"]["review"] == "corrected"
    assert "correct" in assert_error(review(client, token, event["id"], action="correct"), 422)["message"]
    bad_value = review(client, token, event["id"], action="correct", changes={"type": "picnic"})
    assert_error(bad_value, 422)
    assert_error(review(client, token, event["id"], action="correct", changes={"place": "Mars"}), 422)
    assert_error(review(client, token, event["id"], action="shrug"), 422)
    assert_error(review(client, token, "ev-none", action="confirm"), 404)


def test_merge_two_events(client, token):
    first, second = events(client, place="Ayorou", type="assault")[:2]
    merged = review(client, token, first["id"], action="merge", other=second["id"]).json()["event"]
    held = {link["id"] for link in merged["reports"]}
    assert {link["id"] for link in first["reports"] + second["reports"]} <= held
    assert_error(review(client, token, merged["id"], action="merge"), 422)
    assert_error(review(client, token, merged["id"], action="merge", other=merged["id"]), 422)


def test_split_a_report_out(client, token):
    event = base_withdrawal(client)
    assert len(event["reports"]) >= 2
    taken = event["reports"][-1]["id"]
    kept = review(client, token, event["id"], action="split", other=taken).json()["event"]
    assert taken not in {link["id"] for link in kept["reports"]}
    assert any(taken in {link["id"] for link in e["reports"]} for e in events(client))
    assert_error(review(client, token, kept["id"], action="split", other="not-a-report"), 422)


# ---------------------------------------------------------------- ingest


def test_ingest_a_document(client, token):
    body = {"text": NEW_TEXT, "date": "2026-03-18", "title": "Troops to Ayorou", "outlet": "Test Wire"}
    response = client.post("/api/documents", json=body, headers=auth(token))
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["added"] == 1 and made["events"] and len(made["documents"]) == 1
    stored = client.get(f"/api/documents/{made['documents'][0]}").json()
    assert stored["outlet"] == "Test Wire" and stored["origin"] == "api:alice"
    assert any(e["type"] == "deploy" for e in (client.get(f"/api/events/{i}").json() for i in made["events"]))
    again = client.post("/api/documents", json=body, headers=auth(token))
    assert again.status_code == 200 and again.json()["unchanged"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"text": NEW_TEXT},
        {"text": "", "date": "2026-03-18"},
        {"text": NEW_TEXT, "date": "18 March"},
        {"text": NEW_TEXT, "date": "2026-03-18", "colour": "red"},
        {"text": NEW_TEXT, "date": "2026-03-18", "id": "../etc"},
        {"text": NEW_TEXT, "date": "2026-03-18", "url": "javascript:alert(1)"},
        {"text": FRENCH, "date": "2026-03-18"},
    ],
)
def test_bad_documents_are_422(client, token, body):
    assert_error(client.post("/api/documents", json=body, headers=auth(token)), 422)


def test_body_over_the_limit_is_413(make_client, token):
    client = make_client(max_body_bytes=1000)
    big = {"text": "x" * 2000, "date": "2026-03-18"}
    error = assert_error(client.post("/api/documents", json=big, headers=auth(token)), 413)
    assert "1,000" in error["message"]

    def chunks():  # no Content-Length: the limit counts what arrives
        for _ in range(10):
            yield b"x" * 200

    streamed = client.post(
        "/api/documents", content=chunks(), headers=auth(token) | {"Content-Type": "text/plain"}
    )
    assert_error(streamed, 413)
    assert streamed.headers["x-content-type-options"] == "nosniff"


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        body = f"date 2026-03-18\n{NEW_TEXT}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def page_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_urls_on_this_machine_are_refused_by_default(client, token, page_server):
    made = client.post("/api/documents/urls", json={"urls": [f"{page_server}/a"]}, headers=auth(token)).json()
    assert made["added"] == 0 and "private" in made["skipped"][0]["reason"]
    assert_error(
        client.post("/api/documents/urls", json={"urls": ["ftp://x.org/a"]}, headers=auth(token)), 422
    )
    assert_error(client.post("/api/documents/urls", json={"urls": []}, headers=auth(token)), 422)
    many = {"urls": [f"https://example.org/{i}" for i in range(21)]}
    assert_error(client.post("/api/documents/urls", json=many, headers=auth(token)), 422)


def test_watch_and_the_api_refuse_a_private_address_through_one_policy(
    client, token, page_server, tmp_path, monkeypatch
):
    from sitroom.ingest import fetch
    from sitroom.watch import SeenState, Watcher

    asked: list[str] = []
    policy = fetch.refusal
    monkeypatch.setattr(fetch, "refusal", lambda url, allow: asked.append(url) or policy(url, allow))
    url = f"{page_server}/a"
    made = client.post("/api/documents/urls", json={"urls": [url]}, headers=auth(token)).json()
    watcher = Watcher([url], fetch.Fetcher(delay=0), SeenState(tmp_path / "seen.json"), max_bytes=1000)
    (watched,) = watcher.poll().items
    assert made["skipped"][0]["reason"] == watched.reason
    assert "local or private address" in watched.reason
    assert asked == [url, url]


def test_urls_are_fetched_and_ingested(make_client, token, page_server):
    client = make_client(allow_private_urls=True)
    response = client.post(
        "/api/documents/urls", json={"urls": [f"{page_server}/report"]}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    assert response.json()["added"] == 1 and response.json()["events"]


# ---------------------------------------------------------------- browser-facing security


SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.mark.parametrize("path", ["/", "/api/events", "/api/nothing", "/static/app.js", "/openapi.json"])
def test_security_headers_everywhere(client, path):
    headers = client.get(path).headers
    for name, value in SECURITY.items():
        assert headers[name] == value
    policy = headers["content-security-policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    )


def test_cors_is_closed_by_default(client):
    simple = client.get("/api/events", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in simple.headers
    preflight = client.options(
        "/api/events/x/review",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_opens_only_to_configured_origins(make_client):
    client = make_client(cors_origins=("https://desk.example",))
    allowed = client.get("/api/events", headers={"Origin": "https://desk.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://desk.example"
    other = client.get("/api/events", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
