"""Small helpers over spaCy's dependency parse, shared by the extractors."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from sitroom.records import Mention

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
ACTOR_LABELS = frozenset({"ORG", "NORP", "PERSON"})
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})


def doc_text(doc: Doc) -> str:
    """The document's text, joined once: spaCy rebuilds `doc.text` from the tokens on every access."""
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return doc.user_data["text"]


def span_text(span: Span) -> str:
    """`span.text`, cut from the document's text: spaCy joins a span's tokens on every access."""
    return doc_text(span.doc)[span.start_char : span.end_char]


def mention(doc: Doc, start_char: int, end_char: int) -> Mention:
    return Mention(doc.user_data.get("doc_id", ""), start_char, end_char, doc_text(doc)[start_char:end_char])


def span_mention(span: Span | Token) -> Mention:
    if isinstance(span, Token):
        start, end = span.idx, span.idx + len(span)
    else:
        start, end = span.start_char, span.end_char
    text = doc_text(span.doc)
    while end - start > 1 and text[end - 1] in "’'\"”":
        end -= 1  # "Debark’s" is tokenised "Debark’", "s"
    return mention(span.doc, start, end)


def ents_in(span: Span) -> list[Span]:
    """The named entities inside a span (a sentence, a phrase). `span.ents` rebuilds every entity of the
    document on each access; this reads them once per document (`forget_ents` after changing them)."""
    doc = span.doc
    found = doc.user_data.get(_ENTS_KEY)
    if found is None:
        found = doc.user_data[_ENTS_KEY] = (list(doc.ents), [e.start for e in doc.ents])
    ents, starts = found
    first = bisect.bisect_left(starts, span.start)
    inside = []
    for ent in ents[first:]:
        if ent.start >= span.end:
            break
        if ent.end <= span.end:
            inside.append(ent)
    return inside


def forget_ents(doc: Doc) -> None:
    doc.user_data.pop(_ENTS_KEY, None)


_ENTS_KEY = "sitroom_ents"


def entity_of(token: Token) -> Span | None:
    """The named entity a token is part of, if any (found from the token's IOB tags, not by a scan)."""
    if not token.ent_type_:
        return None
    doc, start, end = token.doc, token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=token.ent_type_, span_id=token.ent_id_)


def children(token: Token, *deps: str) -> Iterator[Token]:
    return (c for c in token.children if c.dep_ in deps)


def antecedent(token: Token) -> Token:
    """What a relative pronoun stands for: "the base, which was handed over" -> base; else the token."""
    if token.tag_ == "WDT" and token.head.dep_ == "relcl" and token.head.head != token.head:
        return token.head.head
    return token


def prep_objects(token: Token, *preps: str) -> Iterator[tuple[str, Token]]:
    """(preposition, object) pairs hanging off a token, following conjoined prepositions."""
    for prep in token.children:
        if prep.dep_ not in ("prep", "agent", "dative") or (preps and prep.lower_ not in preps):
            continue
        for pobj in prep.children:
            if pobj.dep_ in ("pobj", "pcomp"):
                yield prep.lower_, pobj
                yield from ((prep.lower_, c) for c in conjuncts(pobj))
        for conj_prep in prep.subtree:
            # "from a base in X and from the Y garrison": the second "from" hangs off a word in the first
            if conj_prep.dep_ == "conj" and conj_prep.tag_ == "IN" and conj_prep.lower_ == prep.lower_:
                for pobj in children(conj_prep, "pobj"):
                    yield conj_prep.lower_, pobj


def conjuncts(token: Token) -> list[Token]:
    """Tokens conjoined to this one ("A and B and C" -> [B, C] for A)."""
    found: list[Token] = []
    for c in children(token, "conj"):
        found.append(c)
        found.extend(conjuncts(c))
    return found


# Nouns whose infinitive's doer is the one who has them ("France has plans to withdraw").
_INTENT_NOUNS = frozenset({"plan", "intention", "intent", "decision", "proposal", "bid"})


def subject_of(verb: Token) -> Token | None:
    """The subject of a verb, through xcomp/conj chains ("began withdrawing", "seized X and killed Y")."""
    current = verb
    for _ in range(8):
        for child in current.children:
            if child.dep_ in SUBJECTS:
                return child
        obj = _acting_object(current)
        if obj is not None:
            return obj  # "forcing troops to withdraw", "filmed the army retaking X": the object acts
        if current.dep_ == "acl" and current.head.lemma_.lower() in _INTENT_NOUNS:
            noun = current.head  # "France has no plans to withdraw": who has the plan
            current = noun.head if noun.dep_ in ("dobj", "attr") and noun.head != noun else noun
            continue
        if current.dep_ == "relcl" or current.dep_ == "acl" and current.head.pos_ in ("NOUN", "PROPN"):
            return current.head  # "the troops that withdrew", "the coalition operating from X"
        if (
            current.dep_ in ("xcomp", "conj", "advcl", "acl", "pcomp", "pobj", "prep", "acomp")
            and current.head != current
        ):
            current = current.head
            continue
        return None
    return None


def _acting_object(verb: Token) -> Token | None:
    """The head's object, where it does the verb's act: "forcing troops to withdraw" (xcomp); "filmed the
    army retaking X", a participle right after the object. After a comma ("left Niger on Thursday,
    completing ...") a participle says what the subject did."""
    if verb.dep_ != "xcomp" and (verb.dep_ != "advcl" or verb.tag_ != "VBG"):
        return None
    obj = next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)
    if obj is None or verb.dep_ == "advcl" and obj.right_edge.i + 1 != verb.i:
        return None
    return obj


def noun_phrase(
    token: Token, *, drop: frozenset[str] = frozenset({"relcl", "acl", "appos", "punct"})
) -> Span:
    """The phrase a noun heads, without relative clauses or appositions (they say things about it)."""
    left, right = token.i, token.i
    for child in token.children:
        if child.dep_ in drop or child.dep_ in ("cc", "conj", "prep") and child.i > token.i:
            continue
        sub = list(child.subtree)
        left, right = min(left, sub[0].i), max(right, sub[-1].i)
    span = token.doc[left : right + 1]
    while len(span) > 1 and span[-1].is_punct:
        span = span[:-1]
    while len(span) > 1 and span[0].is_punct:
        span = span[1:]
    return span


def joined_by_hyphen(token: Token) -> bool:
    """ "Liberian" of "Liberian-flagged", "Moscow" of "Moscow-backed": a word a hyphen joins to the next."""
    return token.i + 2 < len(token.doc) and token.nbor(1).text == "-" and not token.whitespace_
