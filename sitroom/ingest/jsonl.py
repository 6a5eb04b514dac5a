"""JSONL corpora: one JSON object a line with a date and a text, and optionally an id, url, outlet, title.

Corpora in the field name their fields differently (`published` for the date, `body` or `content` for the
text, `source` or `publisher` for the outlet, `link` for the url): each field is read from the first of its
known names that a line has, or from the name a `--field outlet=source` mapping gives. Which names were
read is told once per file, so a corpus read from unexpected fields is seen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from sitroom.ingest.text import make_document
from sitroom.records import Document, Skipped

MAX_ID_CHARS = 200
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?!\d)")
# Each field of a Document, and the names corpora give it, in the order they are tried.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "guid", "uuid"),
    "date": ("date", "published", "published_at", "publication_date", "pubdate"),
    "text": ("text", "body", "content"),
    "url": ("url", "link"),
    "outlet": ("outlet", "source", "publisher"),
    "title": ("title", "headline"),
}
REQUIRED = ("date", "text")


def field_mapping(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """`["outlet=source", ...]` as {field: name in the corpus}; a ValueError names a bad pair."""
    mapping = {}
    for pair in pairs:
        field, sep, name = pair.partition("=")
        field, name = field.strip(), name.strip()
        if not sep or not name or field not in FIELD_NAMES:
            known = ", ".join(FIELD_NAMES)
            raise ValueError(f"{pair!r}: write FIELD=NAME, where FIELD is one of {known}")
        mapping[field] = name
    return mapping


def jsonl_documents(
    text: str,
    origin: str,
    mapping: Mapping[str, str] | None = None,
    on_note: Callable[[str, str], None] | None = None,
) -> Iterator[Document | Skipped]:
    used: dict[str, dict[str, None]] = {}  # field -> the names it was read from, in order of first use
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield parse_jsonl_line(line, f"{origin}:{number}", mapping, used)
    renamed = {field: list(names) for field, names in used.items() if list(names) != [field]}
    if renamed and on_note is not None:
        shown = ", ".join(
            f"{field} from {' or '.join(repr(n) for n in names)}" for field, names in renamed.items()
        )
        on_note(origin, f"JSONL fields read: {shown}")


def parse_jsonl_line(
    line: str,
    origin: str,
    mapping: Mapping[str, str] | None = None,
    used: dict[str, dict[str, None]] | None = None,
) -> Document | Skipped:
    try:
        row = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as err:
        detail = (
            f"{err.msg} at column {err.colno}" if isinstance(err, json.JSONDecodeError) else "nested too deep"
        )
        return Skipped(origin, f"not JSON ({detail})")
    if not isinstance(row, dict):
        return Skipped(origin, "a JSONL line must be an object with a date and a text")
    fields = _fields(row, mapping or {})
    if used is not None:
        for field, (name, _) in fields.items():
            used.setdefault(field, {})[name] = None
    values = {field: value for field, (_, value) in fields.items()}
    return _document(values, origin, mapping or {})


def _fields(row: dict, mapping: Mapping[str, str]) -> dict[str, tuple[str, object]]:
    """{field: (the corpus's name for it, its value)} for each field this row has."""
    found = {}
    for field, names in FIELD_NAMES.items():
        for name in (mapping[field],) if field in mapping else names:
            if row.get(name) not in (None, ""):
                found[field] = (name, row[name])
                break
    return found


def _document(values: dict[str, object], origin: str, mapping: Mapping[str, str]) -> Document | Skipped:
    missing = [_names(field, mapping) for field in REQUIRED if field not in values]
    if missing:
        return Skipped(origin, f"missing field(s): {'; '.join(missing)}")
    if not isinstance(values["text"], str):
        return Skipped(origin, "text must be a string")
    doc_id = values.get("id")
    if doc_id is not None and (isinstance(doc_id, dict | list) or len(str(doc_id)) > MAX_ID_CHARS):
        return Skipped(origin, f"id must be a string or number of at most {MAX_ID_CHARS} characters")
    dateline = _day(values["date"])
    if dateline is None:
        shown = str(values["date"])[:40]
        return Skipped(origin, f"date {shown!r} is not YYYY-MM-DD (nor an ISO timestamp or an RFC 2822 date)")
    document = make_document(
        values["text"],
        dateline,
        origin=origin,
        name=origin,
        doc_id=str(doc_id) if doc_id is not None else None,
        url=_optional_text(values.get("url")),
        outlet=_optional_text(values.get("outlet")),
        title=_optional_text(values.get("title")),
    )
    if not document.text:  # blank, or nothing left once control characters are taken out
        return Skipped(origin, "text is blank")
    return document


def _names(field: str, mapping: Mapping[str, str]) -> str:
    names = (mapping[field],) if field in mapping else FIELD_NAMES[field]
    return f"{field} (looked for {', '.join(repr(n) for n in names)})"


def _day(value: object) -> date | None:
    """The date of an ISO date or timestamp ("2026-03-04", "2026-03-04T10:00Z") or an RFC 2822 one."""
    if not isinstance(value, str):
        return None
    if ISO_DAY.match(value):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    try:
        parsed: datetime = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed.date()


def _optional_text(value: object) -> str | None:
    """Metadata is text; a number is taken as text, an object's "name" (`"source": {"name": ...}`) is
    taken, anything else (lists, other objects) is dropped."""
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None
