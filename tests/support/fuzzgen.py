"""Hostile texts for fuzzing: wire-copy fragments mixed with numbers, dates, odd unicode, control
characters, markup and very long tokens. Shared by tests/test_fuzz.py (as hypothesis strategies) and
scripts/fuzz.py (as a seeded random generator, for runs of 100,000 texts and more)."""

from __future__ import annotations

import json
import random
from datetime import date

from hypothesis import strategies as st

WIRE = [
    "GOMA, Feb 9 (Reuters) -",
    "NIAMEY, March 4 (AFP) —",
    "BEIRUT, Lebanon (AP) --",
    "Italian troops began leaving Air Base 101 in Niamey on Wednesday",
    "M23 rebels seized the town of Lubero on Sunday, residents said.",
    "at least 12 people were killed and 30 wounded in the attack,",
    "a Nigerien military source said.",
    "The withdrawal is expected to take several weeks.",
    "Islamic State's Sahel Province claimed responsibility",
    "Russian forces deployed to Niamey",
    "said on condition of anonymity because he was not authorised to speak",
    "Israeli forces withdrew from Kfar Kila",
    "the Syrian Democratic Forces (SDF) took control of the base",
    "U.S. troops left Qasrak base in Hasakah province",
    "dozens of soldiers, between 200 and 300, arrived",
    "The ministry declined to comment.",
    "Hezbollah denied the report.",
    "last week",
    "on Monday",
    "by the end of the month",
    "in late 2025",
    "two days later",
    "three Syrian military and security sources told Reuters",
    "fighting continued near Bakhmut and Avdiivka",
    "the army said it had killed 40 militants",
    "",
    "\n",
    "\n\n",
    " ",
    ",",
    ".",
    "—",
    "(",
    ")",
    '"',
    "'",
]
NASTY = [
    "<script>alert(1)</script>",
    "<p>",
    "</div>",
    "<!--",
    "-->",
    "&amp;",
    "&nbsp;",
    "&#0;",
    "&#x110000;",
    "<![CDATA[",
    "]]>",
    "<?xml version='1.0'?>",
    "<!DOCTYPE x>",
    "<a href='javascript:0'>",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x0b",
    "\x0c",
    "\r",
    "\r\n",
    "\t",
    "\x7f",
    "\x85",
    "\u200b",
    "\u200e",
    "\u202e",
    "\ufeff",
    "\u2028",
    "\ufffd",
    "\u0301\u0301\u0301",
    "🇺🇦",
    "👍🏽",
    "𝕿𝖗𝖔𝖔𝖕𝖘",
    "ﬁ",
    "Ⅻ",
    "٣٤",
    "१२",
    "二十",
    "قوات",
    "войска",
    "Ḥamāh",
    "İstanbul",
    "\ud800",
    "\udfff",
    "1,000,000,000,000,000,000,000",
    "-0",
    "1e308",
    "NaN",
    "½",
    "3.14.15",
    "99999999999999999999",
    "2026-02-31",
    "0000-00-00",
    "9999-12-31",
    "Feb. 30",
    "31/12/2025",
    "12:00 GMT",
    "date 2026-13-01",
    "date 2026-01-01",
    "x" * 500,
    "troops" * 200,
    "-" * 300,
    "a" + "\u0300" * 300,
    "http://" + "a" * 400 + ".test/",
    "....",
    "???",
    "!!!",
    "''''",
    '""""',
    "(((((",
    ")))))",
    "[[[",
    "]]]",
]
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=0, max_value=10**6).map(lambda n: f"{n:,}"),
)
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(
    lambda d: random.Random(d.toordinal()).choice(
        [d.isoformat(), d.strftime("%B %d, %Y"), d.strftime("%d %b")]
    )
)
PIECE = st.one_of(
    st.sampled_from(WIRE),
    st.sampled_from(NASTY),
    NUMBERS,
    DATES,
    st.text(max_size=20),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8),
)
TEXTS = st.lists(PIECE, min_size=1, max_size=25).map(" ".join)


def random_text(rng: random.Random) -> str:
    """The same kind of text as `TEXTS`, from a seeded generator (fast, reproducible, no shrinking)."""
    return " ".join(_random_piece(rng) for _ in range(rng.randint(1, 25)))


def _random_piece(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(WIRE)
    if roll < 0.65:
        return rng.choice(NASTY)
    if roll < 0.75:
        return rng.choice(
            [str(rng.randint(-(10**12), 10**12)), f"{rng.randint(0, 10**6):,}", str(rng.random())]
        )
    if roll < 0.85:
        day = date.fromordinal(rng.randint(1, date(9999, 12, 31).toordinal()))
        return rng.choice([day.isoformat(), day.strftime("%B %d, %Y"), day.strftime("%d %b")])
    return "".join(
        chr(rng.choice([rng.randint(0, 0x2FF), rng.randint(0, 0x10FFFF)])) for _ in range(rng.randint(1, 12))
    )


def as_input(text: str, kind: int) -> tuple[str, bytes]:
    """A text wrapped as one of the input kinds sitroom reads: (file suffix, file bytes)."""
    dated = f"date 2026-03-0{kind % 9 + 1}\n{text}"
    encoded = dated.encode("utf-8", "surrogatepass")
    match kind % 5:
        case 0:
            return ".txt", encoded
        case 1:
            return ".jsonl", json.dumps(
                {"id": f"f{kind}", "date": "2026-03-01", "text": text}
            ).encode() + b"\n"
        case 2:
            page = f"<html><head><title>t</title></head><body><article><p>{text}</p></article></body></html>"
            return ".html", page.encode("utf-8", "surrogatepass")
        case 3:
            return ".txt", dated.encode("cp1252", "replace")
        case _:
            body = json.dumps(text)[1:-1].replace("&", "&amp;").replace("<", "&lt;")
            dated_item = "<item><title>t</title><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>"
            item = f"{dated_item}<description>{body}</description></item>"
            return ".rss", f"<?xml version='1.0'?><rss><channel>{item}</channel></rss>".encode()
