"""Fuzzing: generated hostile texts through the readers (fast, no model) and through the whole ingest
(read_inputs -> Pipeline.process -> store). CI runs a few thousand texts; `scripts/fuzz.py --count
100000` runs the long version on several processes. SITROOM_FUZZ_EXAMPLES scales the pipeline test."""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.fuzzgen import TEXTS, as_input, random_text

from sitroom.ingest import read_inputs
from sitroom.ingest.encoding import CONTROL
from sitroom.records import Document, Skipped

PIPELINE_EXAMPLES = int(os.environ.get("SITROOM_FUZZ_EXAMPLES", "150"))
SEEDED_TEXTS = int(os.environ.get("SITROOM_FUZZ_TEXTS", "1500"))
# Failures the fuzzing found in stages outside ingest, reported to their owners and still open: the
# ingest job turns them into skipped documents (nothing crashes, nothing stored is lost), and this test
# fails on any failure that is not one of them.
KNOWN_OPEN: tuple[str, ...] = ()  # internal failures still open (each a reason substring); none now
INTERNAL = ("sitroom failed on this document", "not stored:")


def _read(folder: Path, data: bytes, suffix: str) -> list[Document | Skipped]:
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    return list(read_inputs([str(path)]))


def _assert_sound(items: list[Document | Skipped]) -> None:
    assert items
    for item in items:
        assert isinstance(item, Document | Skipped)
        if isinstance(item, Document):
            assert item.text.strip() and not CONTROL.search(item.text)
            item.text.encode("utf-8")  # no unpaired surrogates: the store can take it
            item.id.encode("utf-8")
        else:
            assert item.reason


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, kind=st.integers(min_value=0, max_value=9))
def test_readers_never_crash_on_generated_texts(text, kind):
    suffix, data = as_input(text, kind)
    with tempfile.TemporaryDirectory() as tmp:
        _assert_sound(_read(Path(tmp), data, suffix))


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(["", ".txt", ".html", ".rss", ".xml", ".jsonl"]))
def test_readers_never_crash_on_raw_bytes(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        _assert_sound(_read(Path(tmp), data, suffix))


@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow])
@given(
    head=st.sampled_from(
        [b"<?xml version='1.0'?><rss><channel>", b"<feed xmlns='http://www.w3.org/2005/Atom'>"]
    ),
    body=st.lists(
        st.sampled_from(
            [
                b"<item>",
                b"</item>",
                b"<entry>",
                b"</entry>",
                b"<title>T</title>",
                b"<link>http://x/a</link>",
                b"<link href='http://x/b'/>",
                b"<pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>",
                b"<updated>2026-13-45T99:00:00Z</updated>",
                b"<description>Troops left Gao.</description>",
                b"<description>&lt;p&gt;x</description>",
                b"<![CDATA[<p>",
                b"]]>",
                b"&amp;",
                b"&bogus;",
                b"&#0;",
                b"<",
                b">",
                b"\x00",
                b"\xff",
                b"</channel></rss>",
                b"</feed>",
            ]
        ),
        max_size=30,
    ),
)
def test_feed_reader_never_crashes(head, body):
    with tempfile.TemporaryDirectory() as tmp:
        _assert_sound(_read(Path(tmp), head + b"".join(body), ".rss"))


@pytest.mark.slow
@settings(
    max_examples=PIPELINE_EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(texts=st.lists(TEXTS, min_size=5, max_size=25), first_kind=st.integers(min_value=0, max_value=9))
def test_the_whole_ingest_never_crashes(pipeline, texts, first_kind):
    _ingest_all(pipeline, [(first_kind + number, text) for number, text in enumerate(texts)])


@pytest.mark.slow
def test_the_whole_ingest_on_seeded_texts(pipeline):
    """The texts scripts/fuzz.py starts with: reproducible, and longer than hypothesis's shrunk ones."""
    numbered = [(n, random_text(random.Random(1_000_003 + n))) for n in range(SEEDED_TEXTS)]
    for first in range(0, len(numbered), 50):
        _ingest_all(pipeline, numbered[first : first + 50])


def _ingest_all(pipeline, numbered: list[tuple[int, str]]) -> None:
    from sitroom.jobs import ingest
    from sitroom.store import open_store

    with tempfile.TemporaryDirectory() as tmp, open_store(":memory:") as store:
        paths = []
        for number, text in numbered:
            suffix, data = as_input(text, number)
            path = Path(tmp) / f"in{number}{suffix}"
            path.write_bytes(data)
            paths.append(str(path))
        items = list(read_inputs(paths))
        report = ingest(items, store, pipeline)  # as the command runs it: a failing document is skipped
        assert report.added + report.unchanged + len(report.skipped) == len(items)
        internal = [s.reason for s in report.skipped if s.reason.startswith(INTERNAL)]
        assert all(any(known in reason for known in KNOWN_OPEN) for reason in internal), internal
        assert store.document_count() == report.added
