"""Read inputs into Documents: plain text, HTML pages, RSS/Atom feeds, JSONL corpora, folders and stdin.

`read_inputs` yields a `Document` for every readable document and a `Skipped` for every input that
cannot be one, with a message naming the input and the problem; one bad input never stops the rest.
What was read with a fallback (another encoding, recovered XML) is told to `on_note`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

from sitroom.ingest.encoding import Decoded, decode
from sitroom.ingest.feeds import feed_documents, looks_like_xml
from sitroom.ingest.html import html_document, looks_like_html
from sitroom.ingest.jsonl import jsonl_documents, parse_jsonl_line
from sitroom.ingest.language import language_problem
from sitroom.ingest.limits import read_file_capped, read_stream_capped
from sitroom.ingest.text import make_document, parse_text_document
from sitroom.records import Document, Ignored, Skipped

__all__ = [
    "Note",
    "count_documents",
    "document_from_bytes",
    "files_in",
    "folder_entries",
    "make_document",
    "parse_jsonl_line",
    "parse_text_document",
    "read_inputs",
]

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
READ_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES
DEFAULT_MAX_BYTES = 10_000_000
# Files a folder may hold that sitroom does not read, by suffix, with what to do about them.
NOT_READ = {
    **dict.fromkeys([".pdf"], "a PDF file: sitroom reads text, so convert it first (e.g. pdftotext)"),
    **dict.fromkeys(
        [".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".svg"],
        "an image: sitroom reads text, not pictures",
    ),
    **dict.fromkeys(
        [".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp", ".pages"],
        "an office document: save it as text or HTML first",
    ),
    **dict.fromkeys(
        [".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar"], "an archive: unpack it first"
    ),
    **dict.fromkeys([".mp3", ".mp4", ".wav", ".m4a", ".mov", ".avi", ".webm"], "audio or video, not text"),
}

Note = Callable[[str, str], None]  # (origin, what was done) for inputs read with a fallback


def _ignore(origin: str, message: str) -> None:
    pass


def read_inputs(
    paths: Iterable[str],
    default_date: date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_note: Note = _ignore,
    fields: Mapping[str, str] | None = None,
) -> Iterator[Document | Skipped | Ignored]:
    """Documents from files, folders (recursively, sorted) and "-" (stdin). Every file of a folder that
    is not read comes out too: a Skipped when it is a fault (a PDF, an image, an unreadable file), an
    Ignored when it is passed over by rule (a README, a hidden file). `fields` maps a Document field to
    the name a JSONL corpus gives it (sitroom.ingest.jsonl.FIELD_NAMES has the names tried otherwise)."""
    for raw in paths:
        for item in _read_one(raw, default_date, max_bytes, on_note, fields):
            yield _english_only(item)


def _read_one(
    raw: str, default_date: date | None, max_bytes: int, on_note: Note, fields: Mapping[str, str] | None
) -> Iterator[Document | Skipped | Ignored]:
    if raw == "-":
        data = read_stream_capped(sys.stdin.buffer, "-", max_bytes)
        yield from _items(data, "-", "", default_date, on_note, fields=fields)
        return
    path = Path(raw)
    if path.is_dir():
        for entry in folder_entries(path):
            if isinstance(entry, Path):
                yield from _read_one(str(entry), default_date, max_bytes, on_note, fields)
            else:
                yield entry
    elif not path.exists():
        yield Skipped(raw, "no such file or folder")
    else:
        data = read_file_capped(path, max_bytes)
        yield from _items(data, raw, path.suffix.lower(), default_date, on_note, fields=fields)


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
    fields: Mapping[str, str] | None = None,
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
        yield from jsonl_documents(decoded.text, origin, fields, on_note)
    elif suffix in HTML_SUFFIXES or looks_like_html(data):
        yield html_document(decoded.text, origin, name, default_date, url=url)
    else:
        yield parse_text_document(decoded.text, origin, name, default_date)


def _tell(decoded: Decoded, origin: str, on_note: Note) -> None:
    if decoded.note:
        on_note(origin, decoded.note)


def _name(origin: str) -> str:
    return Path(origin).stem if origin not in ("-", "") else "stdin"


def _english_only(item: Document | Skipped | Ignored) -> Document | Skipped | Ignored:
    if isinstance(item, Document):
        problem = language_problem(item.text)
        if problem:
            return Skipped(item.origin, problem)
    return item


IGNORE_FILE = ".sitroomignore"


def folder_entries(folder: Path) -> Iterator[Path | Skipped | Ignored]:
    """Every file under `folder` (recursively, sorted): its path when sitroom reads that kind of file,
    else why not. A hidden folder is passed over whole, named once. A `.sitroomignore` file lists
    shell patterns (one a line, `#` comments) of files and folders beneath it to pass over."""
    patterns: dict[Path, list[str]] = {}
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        patterns[here] = patterns.get(here.parent, []) + _ignore_patterns(here, folder)
        for name in sorted(dirs):
            why = "a hidden folder" if name.startswith(".") else _listed(here / name, folder, patterns[here])
            if why:
                yield Ignored(f"{here / name}{os.sep}", why)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not _listed(here / d, folder, patterns[here])
        )
        for name in sorted(files):
            yield _listed_entry(here / name, folder, patterns[here]) or _entry(here / name)


def _ignore_patterns(here: Path, top: Path) -> list[str]:
    """The patterns of `here`'s .sitroomignore, made relative to `top`."""
    try:
        lines = (here / IGNORE_FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return []
    prefix = here.relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    return [prefix + line.strip().strip("/") for line in lines if line.strip() and not line.startswith("#")]


def _listed(path: Path, top: Path, patterns: list[str]) -> str | None:
    relative = path.relative_to(top).as_posix()
    if any(fnmatch(relative, pattern) or fnmatch(path.name, pattern) for pattern in patterns):
        return f"listed in {IGNORE_FILE}"
    return None


def _listed_entry(path: Path, top: Path, patterns: list[str]) -> Ignored | None:
    if path.name == IGNORE_FILE:
        return Ignored(str(path), "the folder's list of files to pass over")
    why = _listed(path, top, patterns)
    return Ignored(str(path), why) if why else None


def _entry(path: Path) -> Path | Skipped | Ignored:
    suffix = path.suffix.lower()
    if path.name.startswith("."):
        return Ignored(str(path), "a hidden file")
    if path.stem.upper() == "README" and suffix in TEXT_SUFFIXES:
        return Ignored(str(path), "a README: the folder's notes, not a report")
    if suffix in READ_SUFFIXES:
        return path
    if suffix in NOT_READ:
        return Skipped(str(path), NOT_READ[suffix])
    return Skipped(str(path), f"not a kind of file sitroom reads ({suffix}): it reads {_kinds()}")


def _kinds() -> str:
    return "text (.txt, .md or no suffix), HTML, RSS/Atom feeds (.xml, .rss, .atom) and JSONL (.jsonl)"


def files_in(folder: Path) -> list[Path]:
    """The files under a folder (recursively, sorted) that look like inputs sitroom reads."""
    return [entry for entry in folder_entries(folder) if isinstance(entry, Path)]


def count_documents(paths: Iterable[str]) -> int | None:
    """About how many items `read_inputs(paths)` yields, for a progress bar: a JSONL file counts its
    lines, any other file one. None when a path is stdin (it cannot be read twice)."""
    total = 0
    for raw in paths:
        if raw == "-":
            return None
        path = Path(raw)
        entries = folder_entries(path) if path.is_dir() else [path]
        for entry in entries:
            total += _items_in(entry) if isinstance(entry, Path) else 1
    return total


def _items_in(path: Path) -> int:
    if path.suffix.lower() not in JSONL_SUFFIXES:
        return 1
    try:
        with path.open("rb") as stream:
            return max(1, sum(1 for line in stream if line.strip()))
    except OSError:
        return 1
