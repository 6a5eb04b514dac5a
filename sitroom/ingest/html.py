"""HTML pages: the main text (trafilatura) with the page's title, date, outlet and address kept."""

from __future__ import annotations

import functools
import re
from datetime import date
from html.parser import HTMLParser

from sitroom.ingest.text import DATELINE, make_document
from sitroom.records import Document, Skipped

# Inside these the text is never part of the report.
HIDDEN = {"script", "style", "template", "noscript", "svg", "head", "title"}
# These end a paragraph, so their text does not run into the next one.
BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "article",
    "section",
    "blockquote",
}
SPACES = re.compile(r"[ \t\r\f\v]+")
BLANK_LINES = re.compile(r"\n\s*\n+")
HTML_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


def looks_like_html(data: bytes) -> bool:
    return HTML_START.match(data[:4096]) is not None


class _TextOnly(HTMLParser):
    """Text of an HTML fragment, one line per block; script, style and the like left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of HTML (a feed summary, or a page trafilatura finds no main text in)."""
    parser = _TextOnly()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # the stdlib parser's reaction to some broken markup
        pass
    lines = (SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@functools.cache
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    # No signal-based timeout: extraction also runs in threads (the watcher), where signals do not work.
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def html_document(
    markup: str,
    origin: str,
    name: str,
    default_date: date | None,
    *,
    url: str | None = None,
    title: str | None = None,
) -> Document | Skipped:
    """A Document from an HTML page; `default_date` and `title` stand in where the page has none."""
    page = _extract(markup, url)
    if isinstance(page, str):
        return Skipped(origin, page)
    text, meta = page
    dateline = _date(meta.get("date")) or _dateline_in(text) or default_date
    if dateline is None:
        return Skipped(origin, "no dateline: the page gives no publication date; pass --date")
    text = DATELINE.sub("", text, count=1)
    if not text.strip():
        return Skipped(origin, "no text found in the HTML page")
    return make_document(
        text,
        dateline,
        origin=origin,
        name=meta.get("title") or title or name,
        url=meta.get("url") or url,
        outlet=meta.get("sitename"),
        title=meta.get("title") or title,
    )


def _extract(markup: str, url: str | None) -> tuple[str, dict] | str:
    """(text, metadata), or the reason there is no text."""
    from trafilatura import bare_extraction

    try:
        found = bare_extraction(markup, url=url, with_metadata=True, include_comments=False, config=_config())
    except Exception as exc:  # a third-party parser on hostile markup: any failure is a skip
        return f"malformed HTML: the page could not be parsed ({type(exc).__name__})"
    meta = {}
    if found is not None:
        meta = {k: getattr(found, k, None) for k in ("title", "date", "url", "sitename")}
        if found.text and found.text.strip():
            return found.text, meta
    # No main text: a short page, or markup too broken for the extractor. Its plain text is the report.
    text = html_to_text(markup)
    return (text, meta) if text else "no text found in the HTML page"


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _dateline_in(text: str) -> date | None:
    match = DATELINE.match(text)
    return _date(match.group(1)) if match else None
