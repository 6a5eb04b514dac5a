"""JSONL corpora: one JSON object a line with `id`, `date` and `text` (and optionally url, outlet, title)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

from sitroom.ingest.text import make_document
from sitroom.records import Document, Skipped

MAX_ID_CHARS = 200
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?!\d)")


def jsonl_documents(text: str, origin: str) -> Iterator[Document | Skipped]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield parse_jsonl_line(line, f"{origin}:{number}")


def parse_jsonl_line(line: str, origin: str) -> Document | Skipped:
    try:
        row = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as err:
        detail = (
            f"{err.msg} at column {err.colno}" if isinstance(err, json.JSONDecodeError) else "nested too deep"
        )
        return Skipped(origin, f"not JSON ({detail})")
    if not isinstance(row, dict):
        return Skipped(origin, "a JSONL line must be an object with id, date and text")
    missing = [k for k in ("id", "date", "text") if not row.get(k)]
    if missing:
        return Skipped(origin, f"missing field(s): {', '.join(missing)}")
    if not isinstance(row["text"], str):
        return Skipped(origin, "text must be a string")
    if isinstance(row["id"], dict | list) or len(str(row["id"])) > MAX_ID_CHARS:
        return Skipped(origin, f"id must be a string or number of at most {MAX_ID_CHARS} characters")
    dateline = _day(row["date"])
    if dateline is None:
        return Skipped(origin, f"date {str(row['date'])[:40]!r} is not YYYY-MM-DD")
    document = make_document(
        row["text"],
        dateline,
        origin=origin,
        doc_id=str(row["id"]),
        url=_optional_text(row.get("url")),
        outlet=_optional_text(row.get("outlet")),
        title=_optional_text(row.get("title")),
    )
    if not document.text:  # blank, or nothing left once control characters are taken out
        return Skipped(origin, "text is blank")
    return document


def _day(value: object) -> date | None:
    """The date at the start of an ISO date or timestamp string ("2026-03-04", "2026-03-04T10:00Z")."""
    if not isinstance(value, str) or not ISO_DAY.match(value):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _optional_text(value: object) -> str | None:
    """Metadata is text; a number is taken as text, anything else (lists, objects) is dropped."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None
