"""Ingest on hostile input: every bad document becomes a Skipped with a clear reason, nothing crashes,
and nothing already stored is lost."""

from __future__ import annotations

import codecs
import io
import json
import os
import sys
import time
from datetime import date
from itertools import islice

import pytest

from sitroom.ingest import read_inputs
from sitroom.ingest.encoding import decode
from sitroom.ingest.feeds import parse_feed, parse_sitemap
from sitroom.ingest.html import html_to_text
from sitroom.ingest.language import language_problem
from sitroom.records import Document, Skipped

REPORT = (
    "NIAMEY, March 4 (Reuters) - Italian troops began leaving Air Base 101 in Niamey on Wednesday, "
    "with a first military transport plane carrying about 60 soldiers, a Nigerien military source said."
)


def _read(tmp_path, name: str, data: bytes, **options) -> list[Document | Skipped]:
    path = tmp_path / name
    path.write_bytes(data)
    notes: list[tuple[str, str]] = []
    items = list(read_inputs([str(path)], on_note=lambda o, m: notes.append((o, m)), **options))
    return items + [Skipped(o, f"NOTE {m}") for o, m in notes]


def _one(tmp_path, name: str, data: bytes, **options) -> Document | Skipped:
    found = [i for i in _read(tmp_path, name, data, **options) if not _is_note(i)]
    assert len(found) == 1, found
    return found[0]


def _is_note(item) -> bool:
    return isinstance(item, Skipped) and item.reason.startswith("NOTE")


def _notes(tmp_path, name: str, data: bytes) -> list[str]:
    return [i.reason for i in _read(tmp_path, name, data) if _is_note(i)]


# --- encodings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text", "note"),
    [
        (REPORT.encode("utf-8"), REPORT, None),
        (codecs.BOM_UTF8 + "Troops left Gaó.".encode(), "Troops left Gaó.", None),
        ("Troops left Gaó.".encode("utf-16"), "Troops left Gaó.", None),
        ("Troops left Gaó.".encode("utf-16-le"), "Troops left Gaó.", "UTF-16-LE"),
        (
            "“Troops” left Gaó – officials said.".encode("cp1252"),
            "“Troops” left Gaó – officials said.",
            "Windows-1252",
        ),
        ("Gaó ".encode() + "Gaó".encode("cp1252"), "Gaó Gaó", "mixed encodings"),
        (
            "Войска покинули базу в понедельник".encode("cp1251"),
            "Войска покинули базу в понедельник",
            "detected",
        ),
    ],
)
def test_encodings_are_read_with_a_note_when_not_utf8(data, text, note):
    decoded = decode(data, "x")
    assert decoded.text == text
    assert (decoded.note is None) if note is None else (note in decoded.note)


def test_a_latin1_file_is_ingested_and_the_fallback_is_noted(tmp_path):
    data = "date 2026-03-04\nTroops left the base at Tessalit, the ministère said.".encode("latin-1")
    doc = _one(tmp_path, "l1.txt", data)
    assert isinstance(doc, Document) and "ministère" in doc.text
    assert any("Windows-1252" in n for n in _notes(tmp_path, "l1.txt", data))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty input"),
        (b"  \n\t\r\n ", "empty input"),
        (b"\x00\x01\x02\x03" * 100, "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (bytes(range(1, 32)) * 50, "control characters"),
        (b"date 2026-03-04\n\x00\x00\x00", "binary"),
    ],
)
def test_empty_and_binary_files_are_skipped(tmp_path, data, reason):
    item = _one(tmp_path, "f.txt", data)
    assert isinstance(item, Skipped) and reason in item.reason


def test_control_characters_and_lone_surrogates_are_cleaned(tmp_path):
    row = {"id": "c1", "date": "2026-03-04", "text": "Troops\x00 left\x1b[31m \ud800 the base."}
    doc = _one(tmp_path, "c.jsonl", json.dumps(row).encode())
    assert isinstance(doc, Document)
    assert doc.text == "Troops left[31m \ufffd the base."
    doc.text.encode("utf-8")  # storable: no unpaired surrogate left


# --- size limits -----------------------------------------------------------------------------------


def test_a_100_mb_file_is_refused_quickly_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: its size says 100 MB, reading it would take the time
    started = time.perf_counter()
    (item,) = read_inputs([str(path)], max_bytes=10_000_000)
    assert time.perf_counter() - started < 1.0
    assert isinstance(item, Skipped)
    assert "too big: 104,857,600 bytes, over the 10,000,000-byte limit" in item.reason


def test_a_stream_longer_than_its_size_says_is_cut_off(tmp_path):
    (item,) = read_inputs(["/dev/zero"], max_bytes=1000)
    assert isinstance(item, Skipped) and "over the 1,000-byte limit" in item.reason


def test_a_named_pipe_is_refused_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (item,) = read_inputs([str(tmp_path / "pipe.txt")])
    assert isinstance(item, Skipped) and "pipe" in item.reason


def test_stdin_is_capped_and_its_kind_told_from_its_content(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PAGE.encode())))
    (doc,) = read_inputs(["-"])
    assert doc.title == "Italy begins Niger pullout" and doc.origin == "-"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 5000)))
    (item,) = read_inputs(["-"], max_bytes=1000)
    assert isinstance(item, Skipped) and "over the 1,000-byte limit" in item.reason


# --- HTML ------------------------------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html><html><head><title>Italy begins Niger pullout | Example Wire</title>
<meta property="article:published_time" content="2026-03-05T10:00:00Z">
<meta property="og:site_name" content="Example Wire"><link rel="canonical" href="https://wire.example/a1">
<script>var ad = "Troops left Gao";</script><style>p {{ color: red }}</style></head>
<body><nav>Home | World | Sport</nav><article><h1>Italy begins Niger pullout</h1><p>{REPORT}</p>
<p>The withdrawal is expected to take several weeks, the source added.</p></article>
<footer>Copyright Example Wire. All rights reserved.</footer></body></html>"""


def test_html_main_text_and_metadata(tmp_path):
    doc = _one(tmp_path, "page.html", PAGE.encode())
    assert isinstance(doc, Document)
    assert doc.date == date(2026, 3, 5)
    assert doc.title == "Italy begins Niger pullout"
    assert doc.url == "https://wire.example/a1"
    assert doc.outlet == "Example Wire"
    assert "Italian troops began leaving Air Base 101" in doc.text
    assert "Copyright" not in doc.text and "var ad" not in doc.text and "color: red" not in doc.text


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><p>" + REPORT + "<div><b><i>unclosed <table><tr><td>cell",
        "<html><body>" + "<div>" * 5000 + REPORT + "</span>" * 100,
        "<html><body><p>" + REPORT + "</p><script>never closed " + "x" * 1000,
        "<html><body><p>" + REPORT + "</p><!-- a comment that never ends",
        "<html><body>\x00\x01<p>" + REPORT + "</p>&#0;&#x110000;&bogus;&amp</body></html>",
        "<html><body><p>Troops left.</p></body></html>",
    ],
)
def test_malformed_html_is_read_or_skipped_never_fatal(tmp_path, markup):
    item = _one(tmp_path, "bad.html", markup.encode(), default_date=date(2026, 3, 1))
    if isinstance(item, Document):
        assert "Troops" in item.text or "troops" in item.text
        assert "never closed" not in item.text
    else:
        assert item.reason


def test_html_without_a_date_needs_one(tmp_path):
    page = f"<html><body><article><p>{REPORT}</p></article></body></html>".encode()
    item = _one(tmp_path, "nodate.html", page)
    assert isinstance(item, Skipped) and "no dateline" in item.reason
    assert _one(tmp_path, "nodate.html", page, default_date=date(2026, 3, 4)).date == date(2026, 3, 4)


def test_html_to_text_leaves_out_scripts_and_keeps_paragraphs():
    text = html_to_text("<p>One &amp; two</p><script>bad()</script><p>Three<br>four</p><style>x{}</style>")
    assert text == "One & two\n\nThree\nfour"


# --- feeds -----------------------------------------------------------------------------------------

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Example Wire</title><lastBuildDate>Fri, 06 Mar 2026 09:00:00 GMT</lastBuildDate>
<item><title>Italy begins pullout</title><link>https://wire.example/a1</link>
<pubDate>Thu, 05 Mar 2026 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Italian troops began leaving Air Base 101 in Niamey.&lt;/p&gt;</description>
<content:encoded><![CDATA[<p>Italian troops began leaving Air Base 101 in Niamey on Wednesday,
a source said.</p>]]></content:encoded></item>
<item><title>Undated item</title><link>https://wire.example/a2</link>
<description>Russian personnel arrived in Niamey.</description></item>
<item><title>Empty item</title><pubDate>Thu, 05 Mar 2026 10:00:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><title type="html">Fighters attack &lt;b&gt;Ayorou&lt;/b&gt;</title>
<link rel="self" href="https://wire.example/self"/><link href="https://wire.example/b1"/>
<published>2026-03-12T08:00:00Z</published><summary>Fighters attacked Ayorou on Thursday.</summary></entry>
</feed>"""


def test_rss_items_become_documents(tmp_path):
    first, second, third = (i for i in _read(tmp_path, "wire.rss", RSS) if not _is_note(i))
    assert (first.url, first.title, first.date, first.outlet) == (
        "https://wire.example/a1",
        "Italy begins pullout",
        date(2026, 3, 5),
        "Example Wire",
    )
    assert first.text == "Italian troops began leaving Air Base 101 in Niamey on Wednesday,\na source said."
    assert second.date == date(2026, 3, 6)  # no date of its own: the feed's
    assert isinstance(third, Skipped) and "no text" in third.reason and third.origin.endswith("#item3")


def test_atom_entries_become_documents(tmp_path):
    (doc,) = _read(tmp_path, "wire.atom", ATOM)
    assert (doc.url, doc.title, doc.date) == (
        "https://wire.example/b1",
        "Fighters attack Ayorou",
        date(2026, 3, 12),
    )
    assert doc.text == "Fighters attacked Ayorou on Thursday."


BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>
<rss><channel><item><title>&i;</title><description>&i;</description></item></channel></rss>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>x</title><description>&secret;</description></item></channel></rss>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">
<rss><channel><item><title>x</title><description>&evil;</description></item></channel></rss>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<rss><channel/></rss>"""


@pytest.mark.parametrize("feed", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY])
def test_malicious_feeds_are_refused_quickly(tmp_path, feed):
    started = time.perf_counter()
    (item,) = _read(tmp_path, "evil.xml", feed)
    assert time.perf_counter() - started < 2.0
    assert isinstance(item, Skipped)
    assert "refused" in item.reason or "malformed" in item.reason
    assert "root:" not in item.reason  # nothing of /etc/passwd


def test_malformed_feed_is_read_as_far_as_it_goes(tmp_path):
    truncated = RSS[: RSS.index(b"<item><title>Undated")]
    items = _read(tmp_path, "cut.rss", truncated)
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.url for d in docs] == ["https://wire.example/a1"]
    assert any(_is_note(i) and "malformed XML" in i.reason for i in items)


@pytest.mark.parametrize(
    "feed",
    [
        b"<rss>",
        b"<?xml version='1.0'?>",
        b"<rss><channel><item>" * 3,
        b"<feed><entry><title>x</title></entry></feed>",
        b"<html><body>not a feed</body></html>",
        b"<rss><channel></channel></rss>",
        b"\xff\xfe<\x00r\x00",
    ],
)
def test_broken_feeds_are_skipped_with_a_reason(tmp_path, feed):
    items = _read(tmp_path, "broken.xml", feed)
    assert items and all(isinstance(i, Skipped) and i.reason for i in items)


def test_feed_parsing_refuses_entities_in_sitemaps_too():
    assert isinstance(parse_sitemap(BILLION_LAUGHS, "s"), Skipped)
    assert isinstance(parse_feed(EXTERNAL_ENTITY, "f"), Skipped)


def test_sitemaps_and_sitemap_indexes():
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/a</loc>
    <lastmod>2026-03-05</lastmod></url><url><loc> https://x.example/b </loc></url><url></url></urlset>"""
    index = b"""<sitemapindex><sitemap><loc>https://x.example/s1.xml</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(urlset, "s").pages == (
        ("https://x.example/a", date(2026, 3, 5)),
        ("https://x.example/b", None),
    )
    assert parse_sitemap(index, "s").sitemaps == ("https://x.example/s1.xml",)


# --- language --------------------------------------------------------------------------------------

FRENCH = (
    "Les soldats italiens ont commencé à quitter la base aérienne 101 de Niamey mercredi, avec un premier "
    "avion de transport militaire transportant environ 60 soldats, a indiqué une source militaire nigérienne."
)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (FRENCH, "French"),
        (
            "Die Bundeswehr hat am Mittwoch ihre letzten Soldaten aus Niger abgezogen, teilte das "
            "Verteidigungsministerium in Berlin mit, nachdem die Regierung den Abzug beschlossen hatte.",
            "German",
        ),
        ("Войска покинули базу в понедельник, сообщил источник в министерстве обороны.", "Russian"),
        ("انسحبت القوات الأمريكية من قاعدة قسرك في محافظة الحسكة يوم الاثنين، بحسب مصادر محلية.", "Arabic"),
    ],
)
def test_non_english_text_is_reported(tmp_path, text, language):
    item = _one(tmp_path, "x.txt", f"date 2026-03-04\n{text}".encode())
    assert isinstance(item, Skipped) and "not English" in item.reason and language in item.reason


@pytest.mark.parametrize(
    "text",
    [
        "Troops left.",
        "Gao, Kidal, Tessalit, Aguelhok.",
        "KFAR KILA, Lebanon - Hezbollah, UNIFIL, IDF.",
        "Ouagadougou (AFP) — Djibo: 40 morts.",  # short: not enough to judge
        REPORT,
        "HASAKAH, Syria (Reuters) - Qasrak base, Tal Baydar, Rmelan, Kharab al-Jir and Tal Tamr were handed "
        "to the SDF by the U.S.-led coalition, the Syrian Observatory for Human Rights said.",
        REPORT + " The Arabic statement read: انسحبت القوات من القاعدة.",
    ],
)
def test_english_and_short_texts_are_not_rejected(text):
    assert language_problem(text) is None


# --- JSONL -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": {"a": 1}, "date": "2026-03-04", "text": "x"}', "id must be"),
        ('{"id": "a", "date": "2026-03-04", "text": ["x"]}', "text must be a string"),
        ('{"id": "a", "date": "2026-03-04", "text": "   "}', "blank"),
        ('{"id": "a", "date": "2026-03-04", "text": " \\u0007 "}', "blank"),  # nothing once cleaned
        ('{"id": "a", "date": 20260304.5, "text": "x"}', "not YYYY-MM-DD"),
        ('{"id": "a", "date": "2026-03-04", "text": "x"' + "]" * 10, "not JSON"),
        ("[" * 100_000 + "]" * 100_000, "not JSON"),
        ('"just a string"', "must be an object"),
        ("\ufeff{}", "missing field(s): date (looked for"),
    ],
)
def test_bad_jsonl_lines_are_skipped(tmp_path, line, reason):
    (item,) = _read(tmp_path, "c.jsonl", line.encode())
    assert isinstance(item, Skipped) and reason in item.reason


def test_jsonl_metadata_of_the_wrong_type_is_dropped(tmp_path):
    row = {"id": 7, "date": "2026-03-04", "text": "Troops left.", "url": ["x"], "title": 12, "outlet": None}
    (doc,) = _read(tmp_path, "m.jsonl", json.dumps(row).encode())
    assert (doc.id, doc.url, doc.title, doc.outlet) == ("7", None, "12", None)


# --- the ingest job: id conflicts, failing documents, nothing stored lost ---------------------------


def _jsonl(tmp_path, name: str, rows: list[dict]) -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


@pytest.mark.slow
def test_same_id_with_other_text_is_kept_under_a_derived_id(tmp_path, pipeline):
    from sitroom.jobs import ingest
    from sitroom.store import open_store

    first = {"id": "wire-1", "date": "2026-03-04", "text": REPORT}
    second = {**first, "text": REPORT.replace("60 soldiers", "80 soldiers")}
    with open_store(str(tmp_path / "s.db")) as store:
        report = ingest(read_inputs([_jsonl(tmp_path, "a.jsonl", [first])]), store, pipeline)
        assert (report.added, report.conflicts) == (1, [])
        report = ingest(read_inputs([_jsonl(tmp_path, "b.jsonl", [second, first])]), store, pipeline)
        assert (report.added, report.unchanged) == (1, 1)
        (conflict,) = report.conflicts
        assert conflict.id == "wire-1" and conflict.stored_as.startswith("wire-1~")
        assert store.document("wire-1").text == REPORT
        assert "80 soldiers" in store.document(conflict.stored_as).text
        again = ingest(read_inputs([_jsonl(tmp_path, "b.jsonl", [second, first])]), store, pipeline)
        assert (again.added, again.unchanged, again.conflicts) == (0, 2, [])  # the same input: a no-op
        assert store.document_count() == 2


@pytest.mark.slow
def test_conflicts_within_one_input_are_kept_too(tmp_path, pipeline):
    from sitroom.jobs import ingest
    from sitroom.store import open_store

    rows = [{"id": "x", "date": "2026-03-04", "text": f"{REPORT} Version {n}."} for n in range(3)]
    with open_store(":memory:") as store:
        report = ingest(read_inputs([_jsonl(tmp_path, "c.jsonl", rows)]), store, pipeline)
        assert report.added == 3 and len(report.conflicts) == 2
        assert len({d.id for d in store.documents()}) == 3


@pytest.mark.slow
def test_repeats_and_clashes_are_seen_across_write_batches(tmp_path, pipeline):
    # The run forgets the documents it has written and asks the store about them, but it must still
    # know the ones let through and not yet written: a clash with one of those is no clash in the store.
    from sitroom.jobs import ingest
    from sitroom.store import open_store

    def three_ahead(documents):
        while chunk := list(islice(documents, 3)):
            yield from [(d, pipeline.events(d)) for d in chunk]

    first = {"id": "a", "date": "2026-03-04", "text": REPORT}
    clash = {**first, "text": REPORT.replace("60 soldiers", "70 soldiers")}
    o0, o1, o2, o3 = ({"id": f"o{n}", "date": "2026-03-04", "text": f"{REPORT} ({n})"} for n in range(4))
    rows = [o0, o1, first, clash, o2, first, o3, clash]
    with open_store(":memory:") as store:
        inputs = read_inputs([_jsonl(tmp_path, "r.jsonl", rows)])
        report = ingest(inputs, store, None, process=three_ahead, write_batch=2)
        assert (report.added, report.unchanged, len(report.conflicts), report.skipped) == (6, 2, 1, [])
        assert sorted(d.id for d in store.documents())[:2] == ["a", report.conflicts[0].stored_as]


class _FailsOnMarker:
    """The real pipeline, with one fault injected: it raises on documents that carry a marker."""

    def __init__(self, pipeline) -> None:
        self.real = pipeline
        self.settings = pipeline.settings

    def _check(self, document) -> None:
        if "FAULT" in document.text:
            raise RuntimeError("injected fault")

    def process(self, documents):
        for document in documents:
            self._check(document)
            yield document, self.real.events(document)

    def events(self, document):
        self._check(document)
        return self.real.events(document)


@pytest.mark.slow
def test_a_document_the_pipeline_fails_on_is_skipped_and_nothing_stored_is_lost(tmp_path, pipeline):
    from sitroom.jobs import ingest
    from sitroom.store import open_store

    good = [{"id": f"g{n}", "date": "2026-03-04", "text": f"{REPORT} ({n})"} for n in range(3)]
    with open_store(str(tmp_path / "s.db")) as store:
        ingest(read_inputs([_jsonl(tmp_path, "good.jsonl", good)]), store, pipeline)
        before = {d.id: d.content_hash for d in store.documents()}
        later = [{"id": "bad", "date": "2026-03-05", "text": "FAULT " + REPORT}, *good]
        later.append({"id": "new", "date": "2026-03-05", "text": REPORT + " Later."})
        report = ingest(
            read_inputs([_jsonl(tmp_path, "later.jsonl", later)]), store, _FailsOnMarker(pipeline)
        )
        assert (report.added, report.unchanged) == (1, 3)
        (skipped,) = report.skipped
        assert skipped.origin.endswith("later.jsonl:1") and "RuntimeError: injected fault" in skipped.reason
        after = {d.id: d.content_hash for d in store.documents()}
        assert after.items() >= before.items() and set(after) == set(before) | {"new"}
        with pytest.raises(RuntimeError):
            ingest(
                read_inputs([_jsonl(tmp_path, "later.jsonl", later)]),
                store,
                _FailsOnMarker(pipeline),
                strict=True,
            )


@pytest.mark.slow
def test_the_ingest_command_prints_notes_conflicts_and_skips(tmp_path):
    from click.testing import CliRunner

    from sitroom.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "legacy.txt").write_bytes(f"date 2026-03-04\n{REPORT} \u201cQuote\u201d".encode("cp1252"))
    (folder / "french.txt").write_text(f"date 2026-03-04\n{FRENCH}", encoding="utf-8")
    (folder / "long.txt").write_text("date 2026-03-04\n" + "Troops left. " * 100_000, encoding="utf-8")
    _jsonl(folder, "a.jsonl", [{"id": "w1", "date": "2026-03-04", "text": REPORT}])
    _jsonl(folder, "b.jsonl", [{"id": "w1", "date": "2026-03-04", "text": REPORT + " Updated."}])
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "c.db"), "ingest", str(folder)])
    lines = result.output.splitlines()
    assert result.exit_code == 1  # something was skipped
    assert any(line.startswith("note ") and "legacy.txt" in line and "Windows-1252" in line for line in lines)
    assert any(
        line.startswith("conflict ") and "b.jsonl:1" in line and "'w1'" in line and "'w1~" in line
        for line in lines
    )
    assert any(line.startswith("skipped ") and "french.txt: not English" in line for line in lines)
    assert any(
        line.startswith("skipped ") and "long.txt: text too long: 1,299,999 characters" in line
        for line in lines
    )
    assert "3 documents added, 0 unchanged, 2 skipped" in result.output
