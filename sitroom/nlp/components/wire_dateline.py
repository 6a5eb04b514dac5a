"""Splits a wire dateline ("GOMA, Feb 9 (Reuters) - ") off the first sentence, before the parser runs.

Left in place, the filing city reads as the subject of the lead sentence and its date as the event's.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

WIRE_DATELINE = re.compile(
    r"\A\s*[A-Z][A-Z.'\-]{2,}[A-Z.'\- ]*(?:/[A-Z][A-Z.'\- ]+)*"  # GOMA, ADEN/DUBAI, PORT-AU-PRINCE
    r"(?:,\s*[A-Z][A-Za-z.' ]+)?"  # , Iraq
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"  # , Feb 9 / , March 10 (or no date: "ERBIL -")
    r"(?:\s*\([A-Za-z .]+\))?"  # (Reuters)
    r"\s*[-\u2013\u2014]+\s*"
)
DATELINE_KEY = "sitroom_dateline"


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
    return doc
