"""An Atom feed of changes in the situation (/api/changes.atom), so an analyst can follow a base, a force
or a kind of event in any feed reader. One entry per change, newest first, linking to the page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from sitroom import queries
from sitroom.api.schemas import ERRORS, Day
from sitroom.api.state import store_for
from sitroom.records import EventType
from sitroom.situation import StateChange, changes
from sitroom.store import overview
from sitroom.text import folded

router = APIRouter(prefix="/api", tags=["read"], responses=ERRORS)

ATOM = "http://www.w3.org/2005/Atom"
_WINDOW_DAYS = 90  # without `since`: the changes of the last 90 days before the latest report
_MAX_ENTRIES = 200


@router.get(
    "/changes.atom",
    response_class=Response,
    responses={200: {"description": "An Atom feed", "content": {"application/atom+xml": {}}}},
)
def changes_feed(
    request: Request,
    place: Annotated[str | None, Query(max_length=200, description="place, admin1 or country (part)")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="actor name or id (part)")] = None,
    type: Annotated[EventType | None, Query(description="the type of the event behind the change")] = None,
    since: Annotated[Day | None, Query(description="first day (default: 90 days before)")] = None,
) -> Response:
    """Changes of state (who is present at, withdrawing from, gone from or in control of which place), newest
    first, at most 200, filtered by place, actor and event type."""
    with store_for(request) as store:
        latest = overview.span(store).latest_report or date.today()
        events = queries.known_events(store)
    first = since or latest - timedelta(days=_WINDOW_DAYS)
    types = {e.id: e.type.value for e in events}
    found = [
        c
        for c in changes(events, first)
        if _matches(c, place, actor) and (type is None or types.get(c.event) == type.value)
    ]
    found = sorted(found, key=lambda c: (c.when, c.event), reverse=True)[:_MAX_ENTRIES]
    body = render(found, str(request.url), str(request.base_url), latest)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _matches(change: StateChange, place: str | None, actor: str | None) -> bool:
    if place:
        names = (change.place.name, change.place.admin1, change.place.country)
        if not any(folded(place) in folded(n) for n in names if n):
            return False
    if actor:
        if folded(actor) not in folded(change.actor) and actor != change.actor_id:
            return False
    return True


def render(found: list[StateChange], self_url: str, base: str, updated: date) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", "sitroom: changes in the situation")
    _text(feed, "id", self_url)
    _text(feed, "updated", _stamp(max((c.when for c in found), default=updated)))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=base)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "sitroom")
    for change in found:
        feed.append(_entry(change, base))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(change: StateChange, base: str) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    before = change.before.value if change.before else "-"
    after = change.after.value if change.after else "-"
    title = f"{change.place.name}: {change.actor} {before} -> {after}"
    _text(entry, "title", title)
    key = f"{change.event}/{change.place.gazetteer_id or change.place.name}/{change.actor_id or change.actor}"
    _text(entry, "id", f"tag:sitroom,2026:change/{key}/{change.when.isoformat()}".replace(" ", "_"))
    _text(entry, "updated", _stamp(change.when))
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=f"{base}#d={change.when}&ev={change.event}")
    summary = " ".join(e.sentence for e in change.evidence[:2]) or title
    _text(entry, "summary", f"{change.when}: {summary}")
    return entry


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
