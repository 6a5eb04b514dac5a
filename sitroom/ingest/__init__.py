"""Read inputs into Documents: plain text, HTML pages, RSS/Atom feeds, JSONL corpora, folders and stdin.

`read_inputs` yields a `Document` for every readable document and a `Skipped` for every input that
cannot be one, with a message naming the input and the problem; one bad input never stops the rest.
What was read with a fallback (another encoding, recovered XML) is told to `on_note`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from sitroom.ingest.encoding import Decoded, decode
from sitroom.ingest.feeds import feed_documents, looks_like_xml
from sitroom.ingest.html import html_document, looks_like_html
from sitroom.ingest.jsonl import jsonl_documents, parse_jsonl_line
from sitroom.ingest.language import language_problem
from sitroom.ingest.limits import read_file_capped, read_stream_capped
from sitroom.ingest.text import make_document, parse_text_document
from sitroom.records import Document, Skipped

__all__ = [
    "Note",
    "document_from_bytes",
    "files_in",
    "make_document",
    "parse_jsonl_line",
    "parse_text_document",
    "read_inputs",
]

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
DEFAULT_MAX_BYTES = 10_000_000

Note = Callable[[str, str], None]  # (origin, what was done) for inputs read with a fallback


def _ignore(origin: str, message: str) -> None:
    pass


def read_inputs(
    paths: Iterable[str],
    default_date: date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_note: Note = _ignore,
) -> Iterator[Document | Skipped]:
    """Documents from files, folders (recursively, sorted) and "-" (stdin)."""
    for raw in paths:
        for item in _read_one(raw, default_date, max_bytes, on_note):
            yield _english_only(item)


def _read_one(
    raw: str, default_date: date | None, max_bytes: int, on_note: Note
) -> Iterator[Document | Skipped]:
    if raw == "-":
        data = read_stream_capped(sys.stdin.buffer, "-", max_bytes)
        yield from _items(data, "-", "", default_date, on_note)
        return
    path = Path(raw)
    if path.is_dir():
        for file in files_in(path):
            yield from _read_one(str(file), default_date, max_bytes, on_note)
    elif not path.exists():
        yield Skipped(raw, "no such file or folder")
    else:
        data = read_file_capped(path, max_bytes)
        yield from _items(data, raw, path.suffix.lower(), default_date, on_note)


def document_from_bytes(
    data: bytes, origin: str, default_date: date | None, on_note: Note = _ignore, url: str | None = None
) -> Iterator[Document | Skipped]:
    """Documents in bytes of any supported kind, told apart by their content (the watcher's pages)."""
    for item in _items(data, origin, "", default_date, on_note, url=url):
        yield _english_only(item)


def _items(
    data: bytes | Skipped,
    origin: str,
    suffix: str,
    default_date: date | None,
    on_note: Note,
    url: str | None = None,
) -> Iterator[Document | Skipped]:
    if isinstance(data, Skipped):
        yield data
        return
    if suffix in FEED_SUFFIXES or (suffix not in HTML_SUFFIXES | JSONL_SUFFIXES and looks_like_xml(data)):
        yield from feed_documents(data, origin, default_date, on_note)
        return
    decoded = decode(data, origin)
    if isinstance(decoded, Skipped):
        yield decoded
        return
    _tell(decoded, origin, on_note)
    name = _name(origin)
    if suffix in JSONL_SUFFIXES:
        yield from jsonl_documents(decoded.text, origin)
    elif suffix in HTML_SUFFIXES or looks_like_html(data):
        yield html_document(decoded.text, origin, name, default_date, url=url)
    else:
        yield parse_text_document(decoded.text, origin, name, default_date)


def _tell(decoded: Decoded, origin: str, on_note: Note) -> None:
    if decoded.note:
        on_note(origin, decoded.note)


def _name(origin: str) -> str:
    return Path(origin).stem if origin not in ("-", "") else "stdin"


def _english_only(item: Document | Skipped) -> Document | Skipped:
    if isinstance(item, Document):
        problem = language_problem(item.text)
        if problem:
            return Skipped(item.origin, problem)
    return item


def files_in(folder: Path) -> list[Path]:
    """The files in a folder (recursively, sorted) that look like inputs sitroom reads."""
    wanted = TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in wanted and not p.name.startswith(".") and p.name != "README.md"
    )
