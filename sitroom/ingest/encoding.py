"""Bytes to text for hostile input: UTF-8 first, then a sensible fallback, never an exception.

UTF-8 (with or without a byte-order mark) is read as is; UTF-16 and UTF-32 with a mark, or UTF-16 whose
zero bytes give it away, are read too. Bytes that are not valid UTF-8 are read as Windows-1252 when the text
is mostly ASCII (the usual case for English copy from older systems), or in the encoding that
charset-normalizer detects. Files that mix UTF-8 with stray Windows-1252 bytes keep their UTF-8 and have
only the stray bytes read as Windows-1252. Every fallback comes with a note saying what was done.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from sitroom.records import Skipped

# Leading bytes of common binary formats, for a reason more useful than "binary".
MAGIC = {
    b"%PDF": "a PDF file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or a Word/Excel file)",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "a program",
    b"SQLite format 3\x00": "a SQLite database",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office file",
}
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A lead byte followed by continuation bytes: the mark of real UTF-8 among other bytes.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
# Controls that have no place in a report (tab, newline, carriage return and form feed stay).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
SNIFF = 8192
MOSTLY_ASCII = 0.8
MAX_CONTROL_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    note: str | None = None  # how a fallback read it, for the ingest report


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("cp1252", "replace"), err.end


codecs.register_error("sitroom-cp1252", _cp1252_fallback)


def decode(data: bytes, origin: str) -> Decoded | Skipped:
    """The text in `data`, or a Skipped saying why there is none."""
    if not data.strip():
        return Skipped(origin, "empty input: no text to read")
    head = data[:SNIFF]
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return Skipped(origin, f"binary data ({kind}), not text")
    decoded = _decode_text(data, head)
    if decoded is None:
        return Skipped(origin, "binary data, not text (contains NUL bytes)")
    controls = len(CONTROL.findall(decoded.text[:SNIFF]))
    if controls > MAX_CONTROL_SHARE * min(len(decoded.text), SNIFF):
        return Skipped(origin, f"binary data, not text ({controls} control characters in the first part)")
    text = clean_text(decoded.text)
    if not text.strip():
        return Skipped(origin, "empty input: no text to read")
    return Decoded(text, decoded.note)


def clean_text(text: str) -> str:
    """Text safe to parse and store: no control characters, no unpaired surrogates (from JSON escapes)."""
    return LONE_SURROGATE.sub("\ufffd", CONTROL.sub("", text))


def _decode_text(data: bytes, head: bytes) -> Decoded | None:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, "replace")
            bad = text.count("\ufffd")
            return Decoded(text, f"{bad} bytes not valid {encoding.upper()} were replaced" if bad else None)
    if b"\x00" in head:
        wide = _utf16_without_bom(data, head)
        return (
            Decoded(data.decode(wide, "replace"), f"read as {wide.upper()} (no byte-order mark)")
            if wide
            else None
        )
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        return _fallback(data, err)


def _utf16_without_bom(data: bytes, head: bytes) -> str | None:
    """UTF-16 text of mostly ASCII letters has a zero byte in every other position."""
    even, odd = head[0::2], head[1::2]
    if len(head) >= 8 and odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if len(head) >= 8 and even.count(0) > 0.8 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _fallback(data: bytes, err: UnicodeDecodeError) -> Decoded:
    where = f"not valid UTF-8 at byte {err.start:,} ({data[err.start : err.start + 1]!r})"
    if UTF8_SEQUENCE.search(data):
        text = data.decode("utf-8", "sitroom-cp1252")
        return Decoded(text, f"mixed encodings: {where}; the stray bytes read as Windows-1252")
    ascii_share = sum(b < 0x80 for b in data[:SNIFF]) / min(len(data), SNIFF)
    if ascii_share >= MOSTLY_ASCII:
        return Decoded(data.decode("cp1252", "replace"), f"{where}; read as Windows-1252")
    detected = _detect(data)
    if detected is not None:
        encoding, text = detected
        return Decoded(text, f"{where}; read as {encoding} (detected)")
    return Decoded(data.decode("cp1252", "replace"), f"{where}; read as Windows-1252")


def _detect(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    return best.encoding, str(best)
