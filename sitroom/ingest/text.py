"""Plain-text documents: a leading `date YYYY-MM-DD` line is the dateline; the rest is the report."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from sitroom.ingest.encoding import clean_text
from sitroom.records import Document, Skipped

DATELINE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})[ \t]*(?:\r?\n)*[ \t]*")


def parse_text_document(text: str, origin: str, name: str, default_date: date | None) -> Document | Skipped:
    """A plain-text document; a leading `date YYYY-MM-DD` line is its dateline, else `default_date`."""
    match = DATELINE.match(text)
    dateline: date | None = default_date
    if match:
        try:
            dateline = date.fromisoformat(match.group(1))
        except ValueError:
            return Skipped(origin, f"dateline {match.group(1)!r} is not a real date")
        text = text[match.end() :]
    if dateline is None:
        return Skipped(origin, "no dateline: start the text with 'date YYYY-MM-DD' or pass --date")
    if not text.strip():
        return Skipped(origin, "empty input: a dateline but no text")
    return make_document(text, dateline, origin=origin, name=name)


def make_document(
    text: str,
    dateline: date,
    *,
    origin: str = "",
    name: str = "",
    doc_id: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
) -> Document:
    """A Document whose content hash covers what changes its meaning: text, dateline and id."""
    text = clean_text(text.replace("\r\n", "\n")).strip()
    digest = hashlib.sha256(f"{doc_id or ''}\x1f{dateline.isoformat()}\x1f{text}".encode()).hexdigest()
    ident = doc_id or f"{_slug(name)}-{digest[:10]}"
    return Document(
        id=clean_text(ident),
        text=text,
        date=dateline,
        content_hash=digest,
        origin=clean_text(origin),
        url=_clean_optional(url),
        outlet=_clean_optional(outlet),
        title=_clean_optional(title),
    )


def _clean_optional(value: str | None) -> str | None:
    return clean_text(value).strip() or None if value else None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "doc"
