"""Is a text English? sitroom's lexicons and model read English only, so other languages are reported.

py3langid (its model ships in the package) names the language. A text is refused only when the verdict is
safe: enough letters to judge, a confident non-English answer, and few English function words (wire copy
full of place and group names can fool a character model, but not with "the", "of" and "said" in it).
A text mostly in a non-Latin script is refused from fewer letters, since the script alone tells.
"""

from __future__ import annotations

import functools
import re
import unicodedata

MIN_LETTERS = 80  # shorter texts are accepted unjudged: too little to tell reliably
MIN_SCRIPT_LETTERS = 20
MIN_CONFIDENCE = 0.95
ENGLISH_WORD_SHARE = 0.08
SAMPLE = 3000  # characters judged: the opening of a report is enough
WORD = re.compile(r"[^\W\d_]+")
ENGLISH_WORDS = frozenset(
    "the of and to in a is was were are said that for on with by from at as it its has have had "
    "been be will would not they he she this which their who after".split()
)


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language_problem(text: str) -> str | None:
    """Why `text` is not English, or None when it is (or is too short to say)."""
    sample = text[:SAMPLE]
    letters = [c for c in sample if c.isalpha()]
    if len(letters) < MIN_SCRIPT_LETTERS:
        return None
    latin = sum(1 for c in letters if c.isascii() or "LATIN" in unicodedata.name(c, ""))
    if latin < len(letters) / 2:
        code, confidence = _identifier().classify(sample)
        return _message(code, confidence, "mostly in a non-Latin script")
    if len(letters) < MIN_LETTERS or _english_word_share(sample) >= ENGLISH_WORD_SHARE:
        return None
    code, confidence = _identifier().classify(sample)
    if code == "en" or confidence < MIN_CONFIDENCE:
        return None
    return _message(code, confidence, None)


def _english_word_share(sample: str) -> float:
    words = WORD.findall(sample.lower())
    return sum(w in ENGLISH_WORDS for w in words) / len(words) if words else 0.0


def _message(code: str, confidence: float, detail: str | None) -> str:
    name = _language_name(code)
    how = detail or f"{confidence:.0%} sure"
    return f"not English: the text looks {name} ({code}, {how}); sitroom reads English reports only"


def _language_name(code: str) -> str:
    import pycountry

    found = pycountry.languages.get(alpha_2=code) or pycountry.languages.get(alpha_3=code)
    return found.name if found is not None else "like another language"
