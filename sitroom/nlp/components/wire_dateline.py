"""Splits a wire dateline ("GOMA, Feb 9 (Reuters) - ") off the first sentence, before the parser runs.

Left in place, the filing city reads as the subject of the lead sentence and its date as the event's. The
forms agencies and republishers use:

    GOMA, Feb 9 (Reuters) -        ADEN/DUBAI -        KHARTOUM:        NICE, France (AP) —
    Khartoum, March 21 (IANS)      New York —          (CNN) —          July 10 (UPI) --
    Port-Bouët, Ivory Coast, Feb 20 (AFP) Feb 20, 2025   (a line of its own)

The filing city, when there is one, is kept (`dateline_city`): it is where the reporter was, which wire
copy often leaves as the place of a lead event it does not place more precisely.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

_LETTER = r"A-Za-z\u00C0-\u024F"
_CAPS_CITY = r"[A-Z][A-Z\u00C0-\u00DE.'\-]{2,}(?:[ /][A-Z][A-Z\u00C0-\u00DE.'\-]+)*"  # GOMA, ADEN/DUBAI
_TITLE_CITY = rf"[A-Z][{_LETTER}.'\-]+(?: [A-Z][{_LETTER}.'\-]+){{0,2}}"  # Port-Bouët, New York
_COUNTRY = rf"(?:,\s*[A-Z][{_LETTER}.' ]+?)"  # , Iraq
_DATE = r"(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)"  # , Feb 9 / , March 10, 2025
_AGENCY = r"(?:\s*\([A-Za-z .]{2,30}\))"  # (Reuters)
_DASH = r"[^\S\n]*[-\u2013\u2014]+\s*"  # on the same line
_COLON = r"\s*:\s+"
# "(AFP) Feb 20, 2025" and the end of the line
_LINE_END = r"[^\S\n]*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s*\d{4})?[^\S\n]*\n"
WIRE_DATELINE = re.compile(
    r"\A\s*(?:"
    rf"(?P<caps>{_CAPS_CITY}){_COUNTRY}?{_DATE}?{_AGENCY}?(?:{_DASH}|{_COLON})"
    rf"|(?P<agency_city>{_TITLE_CITY}){_COUNTRY}?{_DATE}?{_AGENCY}(?:{_LINE_END}|{_DASH}|\s+)"
    rf"|(?P<dated_city>{_TITLE_CITY}){_DATE}{_AGENCY}?(?:{_DASH}|\s+)"
    rf"|(?P<dash_city>{_TITLE_CITY}){_DASH}"
    rf"|(?:[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}}\s*)?{_AGENCY}(?:{_DASH}|\s+)"
    r")"
)
DATELINE_KEY = "sitroom_dateline"
CITY_KEY = "dateline_city"


@Language.component("sitroom_wire_dateline", assigns=["token.is_sent_start", "doc.spans"])
def wire_dateline(doc: Doc) -> Doc:
    match = WIRE_DATELINE.match(doc.text)
    if match is None:
        return doc
    span = doc.char_span(0, match.end(), alignment_mode="contract")
    if span is not None and span.end < len(doc):
        doc[span.end].is_sent_start = True
        for token in doc[1 : span.end]:
            token.is_sent_start = False
        doc.spans[DATELINE_KEY] = [span]
        city = dateline_city(match)
        if city:
            doc.user_data[CITY_KEY] = city
    return doc


def dateline_city(match: re.Match[str]) -> str | None:
    """The first city of a dateline ("ADEN/DUBAI" -> "ADEN"), in its own letters."""
    for group in ("caps", "agency_city", "dated_city", "dash_city"):
        city = match.group(group)
        if city:
            return city.split("/")[0].strip()
    return None
