"""`sitroom watch`: poll feeds, sitemaps, pages and folders, and ingest what is new through the normal job.

A feed's items and a sitemap's pages are fetched (their main text read with trafilatura); a feed item
whose page cannot be fetched falls back to the text the feed carries. What was fetched is remembered in
a small state file, so a poll does not fetch it again; the store's content hashes would make re-ingesting
a no-op anyway. Failures that may pass (a timeout, a server error) are retried at the next poll.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sitroom.errors import InputError
from sitroom.ingest import document_from_bytes, files_in, read_inputs
from sitroom.ingest.feeds import (
    FeedItem,
    item_document,
    looks_like_sitemap,
    looks_like_xml,
    parse_feed,
    parse_sitemap,
)
from sitroom.ingest.fetch import Failed, Fetcher
from sitroom.jobs import IngestReport, ingest
from sitroom.pipeline import Pipeline
from sitroom.records import Document, Skipped
from sitroom.store import Store

INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_PAGES_PER_POLL = 500  # a huge feed or sitemap is worked through over several polls
MAX_SITEMAP_DEPTH = 3
MAX_SEEN = 100_000  # the state file keeps this many of the newest addresses

Note = Callable[[str, str], None]


def parse_interval(text: str) -> float:
    """Seconds in "90", "30s", "10m", "1h" or "1d"."""
    match = INTERVAL.match(text)
    if not match or float(match.group(1)) <= 0:
        raise InputError(f"not an interval: {text!r} (write e.g. 30s, 10m, 1h)")
    return float(match.group(1)) * UNIT_SECONDS[match.group(2)]


def default_state_path(db: str, data_dir: Path) -> Path:
    """Beside a database file; in the data folder, named after the database, for other stores."""
    if "://" not in db and db != ":memory:":
        return Path(db).with_name(Path(db).name + ".watch.json")
    return data_dir / f"watch-{hashlib.sha256(db.encode()).hexdigest()[:12]}.json"


class SeenState:
    """Addresses (and local files, by path, size and time) already fetched and ingested."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: dict[str, None] = dict.fromkeys(self._load())

    def _load(self) -> list[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            problem = f"cannot read the watch state {self.path}: {exc}; delete it to start afresh"
            raise InputError(problem) from exc
        return [s for s in data.get("seen", []) if isinstance(s, str)] if isinstance(data, dict) else []

    def __contains__(self, key: str) -> bool:
        return key in self._seen

    def add(self, keys: list[str]) -> None:
        self._seen.update(dict.fromkeys(keys))
        while len(self._seen) > MAX_SEEN:
            del self._seen[next(iter(self._seen))]

    def save(self) -> None:
        """Written whole to a temporary file and renamed: a crash leaves the old state or the new one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps({"seen": list(self._seen)}), encoding="utf-8")
        os.replace(partial, self.path)


@dataclass
class Poll:
    """What one poll found: the inputs for the ingest job, and the keys to remember once it is stored."""

    items: list[Document | Skipped] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    pages: int = 0

    def note(self, origin: str, message: str) -> None:
        self.notes.append((origin, message))


@dataclass
class Watcher:
    sources: list[str]
    fetcher: Fetcher
    seen: SeenState
    max_bytes: int
    default_date: date | None = None
    today: Callable[[], date] = date.today

    def poll(self) -> Poll:
        poll = Poll()
        for source in self.sources:
            if _is_address(source):
                self._poll_address(source, poll)
            else:
                self._poll_local(source, poll)
        return poll

    def _poll_local(self, source: str, poll: Poll) -> None:
        paths = files_in(Path(source)) if Path(source).is_dir() else [Path(source)]
        for path in paths:
            key = _file_key(path)
            if key in self.seen:
                continue
            poll.items.extend(read_inputs([str(path)], self.default_date, self.max_bytes, on_note=poll.note))
            poll.done.append(key)

    def _poll_address(self, url: str, poll: Poll, depth: int = 0) -> None:
        got = self.fetcher.fetch(url)
        if isinstance(got, Failed):
            poll.items.append(Skipped(url, got.reason))
            return
        body = got.as_utf8()
        if looks_like_sitemap(body):
            self._sitemap(url, body, poll, depth)
        elif looks_like_xml(body):  # a feed, or XML to refuse with its reason
            self._feed(url, body, poll)
        elif url not in self.seen:
            self._page_items(url, body, self.default_date or self.today(), poll)

    def _feed(self, url: str, body: bytes, poll: Poll) -> None:
        feed = parse_feed(body, url)
        if isinstance(feed, Skipped):
            poll.items.append(feed)
            return
        if feed.note:
            poll.note(url, feed.note)
        for item in feed.items:
            if item.link is None:  # nothing to fetch: the feed's own text is the document
                key = _item_key(item)
                if key not in self.seen:
                    poll.items.append(item_document(item, item.text, feed.title, self.default_date))
                    poll.done.append(key)
            elif item.link not in self.seen and self._room(poll):
                self._feed_page(item, feed.title, poll)

    def _feed_page(self, item: FeedItem, outlet: str | None, poll: Poll) -> None:
        assert item.link is not None
        got = self.fetcher.fetch(item.link)
        if isinstance(got, Failed):
            if not item.text.strip():
                self._failed(got, poll)
                return
            poll.note(item.link, f"page not fetched ({got.reason}); the feed's summary is ingested instead")
            poll.items.append(item_document(item, item.text, outlet, self.default_date or self.today()))
            poll.done.append(item.link)
            return
        self._page_items(item.link, got.as_utf8(), item.day or self.default_date or self.today(), poll)

    def _sitemap(self, url: str, body: bytes, poll: Poll, depth: int) -> None:
        sitemap = parse_sitemap(body, url)
        if isinstance(sitemap, Skipped):
            poll.items.append(sitemap)
            return
        if depth < MAX_SITEMAP_DEPTH:
            for child in sitemap.sitemaps:
                self._poll_address(child, poll, depth + 1)
        elif sitemap.sitemaps:
            poll.note(url, f"sitemaps nested deeper than {MAX_SITEMAP_DEPTH} levels are not followed")
        for page, modified in sitemap.pages:
            if page not in self.seen and page not in poll.done and self._room(poll):
                got = self.fetcher.fetch(page)
                if isinstance(got, Failed):
                    self._failed(got, poll)
                else:
                    self._page_items(page, got.as_utf8(), modified or self.default_date or self.today(), poll)

    def _page_items(self, url: str, body: bytes, fallback_date: date, poll: Poll) -> None:
        poll.pages += 1
        poll.items.extend(document_from_bytes(body, url, fallback_date, poll.note, url=url))
        poll.done.append(url)

    def _failed(self, got: Failed, poll: Poll) -> None:
        poll.items.append(Skipped(got.url, got.reason))
        if not got.retry:
            poll.done.append(got.url)

    def _room(self, poll: Poll) -> bool:
        return poll.pages < MAX_PAGES_PER_POLL


def run_watch(
    watcher: Watcher,
    store: Store,
    pipeline: Pipeline,
    every: float,
    once: bool,
    on_poll: Callable[[Poll, IngestReport], None],
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Poll, ingest what is new, remember it; again every `every` seconds until stopped (or once)."""
    while True:
        started = time.monotonic()
        poll = watcher.poll()
        report = ingest(poll.items, store, pipeline)
        watcher.seen.add(poll.done)
        watcher.seen.save()
        on_poll(poll, report)
        if once:
            return
        sleep(max(0.0, every - (time.monotonic() - started)))


def _is_address(source: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source))


def _item_key(item: FeedItem) -> str:
    """A feed item without a link, known by its content (its place in the feed changes as items come)."""
    return "item:" + hashlib.sha256(f"{item.title}\x1f{item.day}\x1f{item.text}".encode()).hexdigest()[:24]


def _file_key(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return f"file:{path}"
    return f"file:{path.resolve()}:{info.st_size}:{info.st_mtime_ns}"


def iter_sources(sources: list[str]) -> Iterator[str]:
    """Sources with local paths checked: an address is taken as it is, a path must exist."""
    for source in sources:
        if not _is_address(source) and not Path(source).exists():
            raise InputError(f"no such file or folder: {source}")
        yield source
