"""Read inputs into Documents: plain text, JSONL corpora, folders and stdin.

`read_inputs` yields a `Document` for every readable document and a `Skipped` for every input that
cannot be one, with a message naming the input and the problem; one bad input never stops the rest.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from sitroom.records import Document, Skipped

DATELINE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})[ \t]*(?:\r?\n)*[ \t]*")
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
DEFAULT_MAX_BYTES = 10_000_000


def read_inputs(
    paths: Iterable[str], default_date: date | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | Skipped]:
    """Documents from files, folders (recursively, sorted) and "-" (stdin as one text document)."""
    for raw in paths:
        if raw == "-":
            yield from _from_bytes(sys.stdin.buffer.read(), "-", "<stdin>", default_date)
            continue
        path = Path(raw)
        if path.is_dir():
            yield from read_inputs((str(p) for p in _files_in(path)), default_date, max_bytes)
        elif not path.exists():
            yield Skipped(raw, "no such file or folder")
        else:
            yield from _read_file(path, default_date, max_bytes)


def _files_in(folder: Path) -> list[Path]:
    wanted = TEXT_SUFFIXES | JSONL_SUFFIXES
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in wanted and not p.name.startswith(".") and p.name != "README.md"
    )


def _read_file(path: Path, default_date: date | None, max_bytes: int) -> Iterator[Document | Skipped]:
    size = path.stat().st_size
    if size > max_bytes:
        yield Skipped(str(path), f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        return
    data = path.read_bytes()
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _from_jsonl(data, str(path))
    else:
        yield from _from_bytes(data, str(path), path.stem, default_date)


def _decode(data: bytes, origin: str) -> str | Skipped:
    if not data.strip():
        return Skipped(origin, "empty input: no text to read")
    if b"\x00" in data[:8192]:
        return Skipped(origin, "binary data, not text (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Skipped(origin, f"not valid UTF-8 (byte {err.start}: {data[err.start : err.start + 1]!r})")


def _from_bytes(
    data: bytes, origin: str, name: str, default_date: date | None
) -> Iterator[Document | Skipped]:
    text = _decode(data, origin)
    if isinstance(text, Skipped):
        yield text
        return
    yield parse_text_document(text, origin, name, default_date)


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
    text = text.replace("\r\n", "\n").strip()
    digest = hashlib.sha256(f"{doc_id or ''}\x1f{dateline.isoformat()}\x1f{text}".encode()).hexdigest()
    ident = doc_id or f"{_slug(name)}-{digest[:10]}"
    return Document(
        id=ident,
        text=text,
        date=dateline,
        content_hash=digest,
        origin=origin,
        url=url,
        outlet=outlet,
        title=title,
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "doc"


def _from_jsonl(data: bytes, origin: str) -> Iterator[Document | Skipped]:
    text = _decode(data, origin)
    if isinstance(text, Skipped):
        yield text
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield parse_jsonl_line(line, f"{origin}:{number}")


def parse_jsonl_line(line: str, origin: str) -> Document | Skipped:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as err:
        return Skipped(origin, f"not JSON ({err.msg} at column {err.colno})")
    if not isinstance(row, dict):
        return Skipped(origin, "a JSONL line must be an object with id, date and text")
    missing = [k for k in ("id", "date", "text") if not row.get(k)]
    if missing:
        return Skipped(origin, f"missing field(s): {', '.join(missing)}")
    try:
        dateline = date.fromisoformat(str(row["date"])[:10])
    except ValueError:
        return Skipped(origin, f"date {row['date']!r} is not YYYY-MM-DD")
    if not isinstance(row["text"], str):
        return Skipped(origin, "text must be a string")
    return make_document(
        row["text"],
        dateline,
        origin=origin,
        doc_id=str(row["id"]),
        url=row.get("url"),
        outlet=row.get("outlet"),
        title=row.get("title"),
    )
