"""Small text helpers shared by every stage."""

from __future__ import annotations

import unicodedata


def folded(text: str) -> str:
    """Lower case without diacritics, for matching names as users type them ("haditha", "Ḩadīthah")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
