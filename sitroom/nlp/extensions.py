"""Every custom attribute sitroom sets on spaCy objects, registered once and idempotently."""

from __future__ import annotations

from spacy.tokens import Doc


def register_extensions() -> None:
    if not Doc.has_extension("dateline"):
        Doc.set_extension("dateline", default=None)  # datetime.date the document's relative dates refer to
    if not Doc.has_extension("doc_id"):
        Doc.set_extension("doc_id", default="")
