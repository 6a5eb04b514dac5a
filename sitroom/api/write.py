"""Write routes: ingest documents, fetch and ingest pages, review events. Each needs a write token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from sitroom.api.errors import ApiError
from sitroom.api.schemas import ERRORS, WRITE_ERRORS, IngestDocument, IngestUrls, ReviewRequest, json_response
from sitroom.api.state import Writer, config, writable_store_for
from sitroom.codec import to_dict
from sitroom.ingest import document_from_bytes, make_document
from sitroom.ingest.fetch import Failed, Fetcher
from sitroom.ingest.language import language_problem
from sitroom.jobs import ingest
from sitroom.records import Document, Skipped
from sitroom.review import ReviewError, review, undo

router = APIRouter(prefix="/api", tags=["write"], responses=ERRORS | WRITE_ERRORS)

_INGESTED = {
    200: json_response("IngestResult", "Nothing new: every document was stored already, or skipped"),
    201: json_response("IngestResult", "Documents added"),
}


@router.get("/whoami", responses={200: json_response("Writer")})
def whoami(name: Writer) -> JSONResponse:
    """The name a token was created for (what reviews made with it record); 401 for a bad token."""
    return JSONResponse({"name": name})


@router.post("/documents", status_code=201, responses=_INGESTED)
def ingest_document(request: Request, body: IngestDocument, name: Writer) -> JSONResponse:
    """Ingest one document given as JSON: its events are extracted, merged and stored."""
    doc = make_document(
        body.text,
        body.date,
        origin=f"api:{name}",
        name=body.title or "api",
        doc_id=body.id,
        url=str(body.url) if body.url else None,
        outlet=body.outlet,
        title=body.title,
    )
    problem = language_problem(doc.text)
    if problem:
        raise ApiError(422, f"document not ingested: {problem}", [{"location": "body.text"}])
    return _ingest(request, [doc])


@router.post("/documents/urls", status_code=201, responses=_INGESTED)
def ingest_urls(request: Request, body: IngestUrls, name: Writer) -> JSONResponse:
    """Fetch pages (HTML, text or feeds) under sitroom's one fetch policy and ingest what they hold."""
    settings = config(request)
    fetcher = Fetcher(
        timeout=settings.fetch_timeout_s,
        max_bytes=settings.settings.max_bytes,
        allow_private=settings.allow_private_urls,
    )
    items: list[Document | Skipped] = []
    for url in map(str, body.urls):
        got = fetcher.fetch(url)
        if isinstance(got, Failed):
            items.append(Skipped(url, got.reason))
            continue
        items += list(document_from_bytes(got.body, url, body.date, url=url))
    return _ingest(request, items)


@router.post("/events/{event_id}/review", status_code=201, responses={201: json_response("ReviewResult")})
def review_event(
    request: Request,
    event_id: Annotated[str, Path(min_length=1, max_length=200)],
    body: ReviewRequest,
    name: Writer,
) -> JSONResponse:
    """Confirm, reject, correct ({field: value}), merge with another event, or split a report out.

    The review is recorded with the token's name and the time, and names the event's reports, so it
    holds when the events are merged again.
    """
    with writable_store_for(request) as store:
        if store.event(event_id) is None:
            raise ApiError(404, f"no event with id {event_id!r}")
        try:
            now = review(store, event_id, body.action, name, body.other, body.changes, body.note)
        except ReviewError as why:
            raise ApiError(422, str(why), [{"location": "body"}]) from why
        made = [r for r in store.reviews(event_id) if r.author == name][-1]
    return JSONResponse({"review": to_dict(made), "event": to_dict(now)}, status_code=201)


@router.post("/reviews/{review_id}/undo", responses={200: json_response("ReviewResult")})
def undo_review(
    request: Request, review_id: Annotated[str, Path(min_length=1, max_length=200)], name: Writer
) -> JSONResponse:
    """Take back a review (any writer may: the page's undo); the events are merged again without it.
    Answers the review removed and the event as it now stands."""
    with writable_store_for(request) as store:
        try:
            removed, now = undo(store, review_id)
        except ReviewError as why:
            raise ApiError(404, str(why)) from why
    return JSONResponse({"review": to_dict(removed), "event": to_dict(now)})


def _ingest(request: Request, items: list[Document | Skipped]) -> JSONResponse:
    with writable_store_for(request) as store, request.app.state.pipelines.using() as pipeline:
        report = ingest(items, store, pipeline)
        held = store.events_holding(report.report_ids) if report.report_ids else []
    result = {
        "added": report.added,
        "unchanged": report.unchanged,
        "documents": report.document_ids,
        "events": [e.id for e in held],
        "skipped": [{"origin": s.origin, "reason": s.reason} for s in report.skipped],
        "conflicts": [{"origin": c.origin, "id": c.id, "stored_as": c.stored_as} for c in report.conflicts],
    }
    return JSONResponse(result, status_code=201 if report.added else 200)
