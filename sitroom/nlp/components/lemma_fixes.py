"""Lemmas the English model gets wrong for the words of conflict reports, set after its lemmatizer.

"bases" are military bases, not the foundations of an argument; "retook" (which the tagger may read as a
present-tense verb, whose form the lemmatizer then keeps) is the past of "retake".
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

LEMMAS = {
    "bases": "base",
    "retook": "retake",
    "retaken": "retake",
    "overran": "overrun",
    "outflanked": "outflank",
}


@Language.component("sitroom_lemma_fixes", requires=["token.lemma"], assigns=["token.lemma"])
def lemma_fixes(doc: Doc) -> Doc:
    for token in doc:
        lemma = LEMMAS.get(token.lower_)
        if lemma is not None and token.pos_ in ("NOUN", "VERB", "AUX"):
            token.lemma_ = lemma
    return doc
