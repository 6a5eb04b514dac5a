"""RSS and Atom feeds and XML sitemaps, parsed with defusedxml: no entity expansion, no external entities.

A feed item becomes a document: its link, title, date and text (the content, else the summary). A feed
that declares entities is refused outright (the "billion laughs" and external-entity attacks need
them); other malformed XML is read with lxml's recovering parser, with a note, as far as it goes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from sitroom.ingest.html import html_to_text
from sitroom.ingest.text import make_document
from sitroom.records import Document, Skipped

MAX_ITEMS = 2000  # a feed or sitemap longer than this is read only this far
FEED_ROOTS = {"rss", "feed", "RDF"}
SITEMAP_ROOTS = {"urlset", "sitemapindex"}
XML_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?P<declaration><\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!DOCTYPE\s+(?P<doctype>[\w:.-]+)|<(?P<tag>[\w:.-]+))",
    re.S | re.I,
)
DECLARES = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
TEXT_FIELDS = ("encoded", "content", "description", "summary")
DATE_FIELDS = ("published", "pubDate", "date", "issued", "updated", "modified", "lastBuildDate")


@dataclass(frozen=True, slots=True)
class FeedItem:
    origin: str
    link: str | None
    title: str | None
    day: date | None
    text: str  # plain text of the item's content or summary


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    items: tuple[FeedItem, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    pages: tuple[tuple[str, date | None], ...]  # (address, last modified)
    sitemaps: tuple[str, ...]  # a sitemap index names other sitemaps


def root_name(data: bytes) -> str | None:
    """The local name of the XML root element (or the one a DOCTYPE names), read without parsing."""
    match = XML_START.match(data[:4096])
    if not match:
        return None
    name = match.group("doctype") or match.group("tag")
    return name.decode("ascii", "replace").rpartition(":")[2]


def looks_like_xml(data: bytes) -> bool:
    """XML that is not an HTML page: a feed, a sitemap, or something to refuse with a reason."""
    match = XML_START.match(data[:4096])
    if not match or (root_name(data) or "").lower() == "html":
        return False
    return bool(match.group("declaration") or match.group("doctype")) or root_name(data) in FEED_ROOTS


def looks_like_feed(data: bytes) -> bool:
    return root_name(data) in FEED_ROOTS


def looks_like_sitemap(data: bytes) -> bool:
    return root_name(data) in SITEMAP_ROOTS


def parse_xml(data: bytes, origin: str) -> tuple[ET.Element, str | None] | Skipped:
    """The root element and a note if recovery was needed; entities are refused, never expanded."""
    try:
        return fromstring(data), None
    except DefusedXmlException as exc:
        return Skipped(
            origin,
            f"XML refused: it declares entities or a DTD ({type(exc).__name__}), "
            "which could expand without bound or read other files",
        )
    except (ET.ParseError, ValueError) as exc:
        if DECLARES.search(data):
            return Skipped(origin, f"malformed XML: {exc}")
        recovered = _recover(data)
        if recovered is None:
            return Skipped(origin, f"malformed XML: {exc}")
        return recovered, f"malformed XML ({exc}); read as far as it goes"


def _recover(data: bytes) -> ET.Element | None:
    """A lenient parse for XML without a DTD (so there is no entity to expand), as stdlib elements."""
    from lxml import etree

    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    try:
        return fromstring(etree.tostring(root))
    except (ET.ParseError, DefusedXmlException, ValueError):
        return None


def parse_feed(data: bytes, origin: str) -> Feed | Skipped:
    parsed = parse_xml(data, origin)
    if isinstance(parsed, Skipped):
        return parsed
    root, note = parsed
    if _local(root.tag) not in FEED_ROOTS:
        return Skipped(origin, f"not an RSS or Atom feed (the root element is <{_local(root.tag)}>)")
    channel = _first(root, "channel")
    channel = root if channel is None else channel
    feed_day = _item_date(channel)
    items = []
    for number, element in enumerate(_items(root), start=1):
        if number > MAX_ITEMS:
            note = f"{note + '; ' if note else ''}only the first {MAX_ITEMS} items were read"
            break
        items.append(_feed_item(element, f"{origin}#item{number}", feed_day))
    return Feed(_text(_first(channel, "title")) or None, tuple(items), note)


def feed_documents(
    data: bytes, origin: str, default_date: date | None, on_note: Callable[[str, str], None]
) -> Iterator[Document | Skipped]:
    """Each item of a feed file as a document, from the text the feed itself carries."""
    feed = parse_feed(data, origin)
    if isinstance(feed, Skipped):
        yield feed
        return
    if feed.note:
        on_note(origin, feed.note)
    if not feed.items:
        yield Skipped(origin, "the feed has no items")
    for item in feed.items:
        yield item_document(item, item.text, feed.title, default_date)


def item_document(
    item: FeedItem, text: str, outlet: str | None, default_date: date | None
) -> Document | Skipped:
    dateline = item.day or default_date
    if dateline is None:
        return Skipped(item.origin, "no dateline: the feed item has no date; pass --date")
    if not text.strip():
        return Skipped(item.origin, "the feed item has no text or summary")
    return make_document(
        text,
        dateline,
        origin=item.origin,
        name=item.title or item.link or "item",
        url=item.link,
        outlet=outlet,
        title=item.title,
    )


def parse_sitemap(data: bytes, origin: str) -> Sitemap | Skipped:
    parsed = parse_xml(data, origin)
    if isinstance(parsed, Skipped):
        return parsed
    root, _ = parsed
    kind = _local(root.tag)
    if kind not in SITEMAP_ROOTS:
        return Skipped(origin, f"not a sitemap (the root element is <{kind}>)")
    entries = [e for e in root if _local(e.tag) in {"url", "sitemap"}][:MAX_ITEMS]
    located = [(_text(_first(e, "loc")), _parse_date(_text(_first(e, "lastmod")))) for e in entries]
    located = [(loc, day) for loc, day in located if loc]
    if kind == "sitemapindex":
        return Sitemap(pages=(), sitemaps=tuple(loc for loc, _ in located))
    return Sitemap(pages=tuple(located), sitemaps=())


def _items(root: ET.Element) -> Iterator[ET.Element]:
    return (e for e in root.iter() if _local(e.tag) in {"item", "entry"})


def _feed_item(element: ET.Element, origin: str, feed_day: date | None) -> FeedItem:
    title = html_to_text(_text(_first(element, "title")))
    body = next((t for t in (_text(_first(element, f)) for f in TEXT_FIELDS) if t.strip()), "")
    return FeedItem(
        origin=origin,
        link=_link(element),
        title=title or None,
        day=_item_date(element) or feed_day,
        text=html_to_text(body),
    )


def _link(element: ET.Element) -> str | None:
    for child in element:
        if _local(child.tag) != "link":
            continue
        href = child.get("href")  # Atom: <link rel="alternate" href="..."/>
        if href and child.get("rel", "alternate") == "alternate":
            return href.strip()
        if not href and (child.text or "").strip():
            return child.text.strip()
    guid = _first(element, "guid")
    if guid is not None and guid.get("isPermaLink", "true") == "true" and _text(guid).startswith("http"):
        return _text(guid)
    return None


def _item_date(element: ET.Element) -> date | None:
    for name in DATE_FIELDS:
        day = _parse_date(_text(_first(element, name)))
        if day is not None:
            return day
    return None


def _parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _first(element: ET.Element, name: str) -> ET.Element | None:
    return next((child for child in element if _local(child.tag) == name), None)


def _text(element: ET.Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
