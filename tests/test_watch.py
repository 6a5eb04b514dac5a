"""`sitroom watch` against a local HTTP server on 127.0.0.1: feeds, pages, sitemaps, robots.txt, and a
malicious feed, a slow response and oversized ones. No network beyond loopback."""

from __future__ import annotations

import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from sitroom.errors import InputError
from sitroom.ingest.fetch import Failed, Fetched, Fetcher
from sitroom.records import Document, Skipped
from sitroom.watch import SeenState, Watcher, parse_interval, run_watch

REPORT = (
    "Italian troops began leaving Air Base 101 in Niamey on Wednesday, with a first military transport plane "
    "carrying about 60 soldiers, a Nigerien military source said. The withdrawal is expected to take weeks."
)
SECOND = (
    "Russian military instructors arrived in Niamey on Thursday with air defence equipment, state TV showed."
)
THIRD = (
    "Fighters attacked an army post in Ayorou on Saturday, killing two soldiers, the defence ministry said."
)


def _page(title: str, day: str, text: str) -> bytes:
    return (
        f"<html><head><title>{title}</title><meta property='article:published_time' content='{day}'></head>"
        f"<body><nav>Home | World</nav><article><h1>{title}</h1><p>{text}</p></article>"
        "<footer>Copyright Example Wire</footer></body></html>"
    ).encode()


def _feed(base: str) -> bytes:
    items = [
        ("Italy leaves", f"{base}/news/a1", "Thu, 05 Mar 2026 10:00:00 GMT", "Italy summary."),
        ("Russians arrive", f"{base}/news/a2", "Fri, 06 Mar 2026 10:00:00 GMT", "Russia summary."),
        ("Gone", f"{base}/news/gone", "Fri, 06 Mar 2026 10:00:00 GMT", ""),
        (
            "Down",
            f"{base}/news/down",
            "Sat, 07 Mar 2026 10:00:00 GMT",
            "Troops left Gao on Friday, residents said.",
        ),
        ("Local file", "file:///etc/passwd", "Sat, 07 Mar 2026 10:00:00 GMT", ""),
        ("Slow", f"{base}/slow", "Sat, 07 Mar 2026 10:00:00 GMT", ""),
        ("Huge", f"{base}/huge", "Sat, 07 Mar 2026 10:00:00 GMT", ""),
        ("Endless", f"{base}/endless", "Sat, 07 Mar 2026 10:00:00 GMT", ""),
    ]
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate><description>{s}</description></item>"
        for t, link, d, s in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title>{body}</channel></rss>".encode()
    )


EVIL = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss><channel><item><title>&d;</title><link>http://127.0.0.1/x</link></item></channel></rss>"""
MAX_BYTES = 200_000


class Site:
    """What the server serves, and what it was asked for."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        self.base = ""

    def routes(self) -> dict[str, tuple[int, str, bytes]]:
        base = self.base
        return {
            "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
            "/feed.xml": (200, "application/rss+xml", _feed(base)),
            "/evil.xml": (200, "application/rss+xml", EVIL),
            "/linkless.xml": (
                200,
                "application/rss+xml",
                b"<rss><channel><item><title>Wire</title><pubDate>Mon, 09 Mar 2026 08:00:00 GMT</pubDate>"
                b"<description>Troops left Gao on Sunday, residents said.</description>"
                b"</item></channel></rss>",
            ),
            "/news/a1": (
                200,
                "text/html; charset=utf-8",
                _page("Italy begins pullout", "2026-03-05", REPORT),
            ),
            "/news/a2": (
                200,
                "text/html; charset=windows-1252",
                _page("Russians arrive", "2026-03-06", SECOND),
            ),
            "/news/s1": (200, "text/html", _page("Ayorou attack", "2026-03-14", THIRD)),
            "/private/p1": (200, "text/html", _page("Private", "2026-03-14", REPORT + " Private.")),
            "/sitemap.xml": (
                200,
                "application/xml",
                f"<sitemapindex><sitemap><loc>{base}/sitemap-news.xml</loc></sitemap></sitemapindex>".encode(),
            ),
            "/sitemap-news.xml": (
                200,
                "application/xml",
                (
                    f"<urlset><url><loc>{base}/news/s1</loc><lastmod>2026-03-14</lastmod></url>"
                    f"<url><loc>{base}/private/p1</loc></url><url><loc>{base}/news/a1</loc></url></urlset>"
                ).encode(),
            ),
            "/redirect-file": (302, "|file:///etc/passwd", b""),
            "/redirect-ftp": (302, "|ftp://127.0.0.1/x", b""),
        }


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            site.requests.append((self.path, self.headers.get("User-Agent", "")))
            if self.path == "/slow":
                return self._trickle()
            if self.path == "/huge":
                return self._send(200, "text/html", b"x" * 100, length=50_000_000)
            if self.path == "/endless":
                return self._endless()
            if self.path == "/news/down":
                return self._send(503, "text/plain", b"down")
            status, kind, body = site.routes().get(self.path, (404, "text/plain", b"not found"))
            if status == 302:
                self.send_response(302)
                self.send_header("Location", kind.split("|")[1])
                self.end_headers()
                return None
            return self._send(status, kind, body)

        def _send(self, status: int, kind: str, body: bytes, length: int | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(length if length is not None else len(body)))
            self.end_headers()
            self._write(body)

        def _write(self, body: bytes) -> bool:
            try:
                self.wfile.write(body)
                self.wfile.flush()
                return True
            except OSError:  # the client gave up, as it should
                return False

        def _trickle(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(100):
                if not self._write(b"<p>slow</p>"):
                    return
                time.sleep(0.1)

        def _endless(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(1000):
                if not self._write(b"<p>" + b"x" * 65536 + b"</p>"):
                    return

    return Handler


@pytest.fixture
def site():
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


def _watcher(sources, tmp_path, **fetcher) -> Watcher:
    options = {"timeout": 1.0, "max_bytes": MAX_BYTES, "delay": 0.0, "allow_private": True, **fetcher}
    return Watcher(
        sources=sources,
        fetcher=Fetcher(**options),
        seen=SeenState(tmp_path / "seen.json"),
        max_bytes=MAX_BYTES,
        today=lambda: date(2026, 3, 20),
    )


def _by_origin(items) -> dict[str, Document | Skipped]:
    return {i.origin: i for i in items}


def test_a_feed_poll_fetches_each_item_page_politely(site, tmp_path):
    poll = _watcher([f"{site.base}/feed.xml"], tmp_path).poll()
    found = _by_origin(poll.items)
    a1, a2 = found[f"{site.base}/news/a1"], found[f"{site.base}/news/a2"]
    assert isinstance(a1, Document) and isinstance(a2, Document)
    assert (a1.title, a1.date, a1.url) == ("Italy begins pullout", date(2026, 3, 5), f"{site.base}/news/a1")
    assert "Air Base 101" in a1.text and "Copyright" not in a1.text and "Italy summary" not in a1.text
    assert "Russian military instructors" in a2.text
    assert "HTTP 404" in found[f"{site.base}/news/gone"].reason
    (down,) = [i for i in poll.items if isinstance(i, Document) and i.url == f"{site.base}/news/down"]
    assert down.text == "Troops left Gao on Friday, residents said."  # the page failed: the feed's summary
    assert any("HTTP 503" in message for _, message in poll.notes)
    assert "not an http(s) address" in found["file:///etc/passwd"].reason
    assert "too slow" in found[f"{site.base}/slow"].reason
    assert "too big: 50,000,000 bytes" in found[f"{site.base}/huge"].reason
    assert "too big: over the 200,000-byte limit" in found[f"{site.base}/endless"].reason
    assert all("sitroom/" in agent for _, agent in site.requests)
    assert "/robots.txt" in [path for path, _ in site.requests]


def test_what_was_fetched_is_not_fetched_again(site, tmp_path):
    watcher = _watcher([f"{site.base}/feed.xml"], tmp_path)
    first = watcher.poll()
    watcher.seen.add(first.done)
    watcher.seen.save()
    site.requests.clear()
    again = _watcher([f"{site.base}/feed.xml"], tmp_path).poll()  # a new process: the state comes from disk
    fetched = [path for path, _ in site.requests]
    assert "/news/a1" not in fetched and "/news/gone" not in fetched and "/huge" not in fetched
    assert "/news/down" not in fetched  # its summary was ingested instead
    assert "/slow" in fetched  # a failure that may pass is tried again
    assert not [i for i in again.items if isinstance(i, Document) and "Air Base" in i.text]


def test_sitemap_index_pages_and_robots(site, tmp_path):
    poll = _watcher([f"{site.base}/sitemap.xml"], tmp_path).poll()
    found = _by_origin(poll.items)
    s1 = found[f"{site.base}/news/s1"]
    assert isinstance(s1, Document) and s1.date == date(2026, 3, 14) and "Ayorou" in s1.text
    assert "robots.txt" in found[f"{site.base}/private/p1"].reason
    assert "/private/p1" not in [path for path, _ in site.requests]
    assert isinstance(found[f"{site.base}/news/a1"], Document)


def test_feed_items_without_a_link_are_ingested_from_the_feed_once(site, tmp_path):
    watcher = _watcher([f"{site.base}/linkless.xml"], tmp_path)
    first = watcher.poll()
    (doc,) = first.items
    assert (doc.text, doc.date, doc.url) == (
        "Troops left Gao on Sunday, residents said.",
        date(2026, 3, 9),
        None,
    )
    watcher.seen.add(first.done)
    assert watcher.poll().items == []


def test_a_malicious_feed_is_refused(site, tmp_path):
    started = time.perf_counter()
    (item,) = _watcher([f"{site.base}/evil.xml"], tmp_path).poll().items
    assert time.perf_counter() - started < 5
    assert isinstance(item, Skipped) and "XML refused" in item.reason


@pytest.mark.parametrize("route", ["/redirect-file", "/redirect-ftp"])
def test_redirects_to_other_schemes_are_refused(site, route):
    got = Fetcher(timeout=2, delay=0, allow_private=True).fetch(f"{site.base}{route}")
    assert isinstance(got, Failed) and not got.retry
    assert "not allowed" in got.reason or "non-HTTP" in got.reason


def test_requests_to_one_host_wait_for_the_delay(site):
    pauses: list[float] = []
    fetcher = Fetcher(timeout=2, delay=5.0, obey_robots=False, allow_private=True, sleep=pauses.append)
    assert isinstance(fetcher.fetch(f"{site.base}/news/a1"), Fetched)
    fetcher.fetch(f"{site.base}/news/a2")
    assert len(pauses) == 1 and 4.0 < pauses[0] <= 5.0


def test_a_declared_charset_is_honoured():
    page = "<html><body><p>Troops left Gaó.</p></body></html>"
    assert Fetched("u", page.encode("cp1252"), "text/html; charset=windows-1252").as_utf8() == page.encode()
    assert Fetched("u", page.encode(), "text/html; charset=nonsense").as_utf8() == page.encode()


def test_local_folders_are_watched_for_new_files(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a.txt").write_text(f"date 2026-03-05\n{REPORT}", encoding="utf-8")
    watcher = _watcher([str(folder)], tmp_path)
    first = watcher.poll()
    assert [type(i) for i in first.items] == [Document]
    watcher.seen.add(first.done)
    (folder / "b.txt").write_text(f"date 2026-03-06\n{SECOND}", encoding="utf-8")
    (folder / "c.txt").write_bytes(b"")
    second = watcher.poll()
    assert sorted(type(i).__name__ for i in second.items) == ["Document", "Skipped"]
    assert second.items[0].text == SECOND


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("30s", 30), ("10m", 600), ("1.5h", 5400), ("1d", 86400)]
)
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "0", "-5m", "10x"])
def test_bad_intervals(text):
    with pytest.raises(InputError):
        parse_interval(text)


def test_a_corrupt_state_file_is_a_clear_error(tmp_path):
    (tmp_path / "seen.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="delete it to start afresh"):
        SeenState(tmp_path / "seen.json")


@pytest.mark.slow
def test_watch_ingests_through_the_normal_job(site, tmp_path, pipeline):
    from sitroom.store import open_store

    reports = []
    with open_store(str(tmp_path / "w.db")) as store:
        for _ in range(2):
            watcher = _watcher([f"{site.base}/feed.xml", f"{site.base}/sitemap.xml"], tmp_path)
            run_watch(watcher, store, pipeline, 600, True, lambda poll, report: reports.append(report))
        urls = sorted(d.url for d in store.documents())
    assert reports[0].added == 4 and reports[0].events > 0
    assert reports[1].added == 0
    assert urls == sorted(f"{site.base}/news/{name}" for name in ("a1", "a2", "down", "s1"))


@pytest.mark.slow
def test_the_watch_command(site, tmp_path):
    from sitroom.cli import main

    db = str(tmp_path / "cli.db")
    args = ["--db", db, "watch", f"{site.base}/feed.xml", "--once", "--delay", "0", "--timeout", "1"]
    args.append("--allow-private")  # the test's site is on this machine
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "3 documents added" in result.output
    assert f"skipped {site.base}/news/gone: HTTP 404" in result.output
    assert (tmp_path / "cli.db.watch.json").is_file()
    again = CliRunner().invoke(main, args)
    assert "0 documents added" in again.output
    bad = CliRunner().invoke(main, ["--db", db, "watch", str(tmp_path / "missing"), "--once"])
    assert bad.exit_code == 1 and "no such file or folder" in bad.output
