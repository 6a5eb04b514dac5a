"""Numbers of troops, vehicles, attacks and casualties, read from the parse."""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Span, Token

from sitroom.extract.parse import children, conjuncts
from sitroom.lexicon import Lexicon
from sitroom.records import Quantity

_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
_COLLECTIVE = frozenset({"dozens", "hundreds", "thousands", "scores", "dozen"})


def number_of(noun: Token, lex: Lexicon) -> tuple[int, int | None, bool, Token] | None:
    """(low, high, approximate, number token) for a counted noun ("roughly 1,000 troops", "a soldier")."""
    for child in noun.children:
        if child.dep_ in ("nummod", "det", "quantmod", "amod") and _value(child, lex) is not None:
            low, high = _value(child, lex)
            if child.dep_ == "det" and noun.tag_ in ("NNS", "NNPS"):
                continue
            return low, (high if high != low else None), _approximate(child, lex) or high != low, child
    collective = _collective_head(noun)
    if collective is not None:
        low, high = _value(collective, lex)
        return low, high, True, collective
    return None


def _value(token: Token, lex: Lexicon) -> tuple[int, int] | None:
    if _day_of_month(token):
        return None  # "the Sept 14 attack", "on 14 September": a date, not a count
    text = token.lower_
    if _DIGITS.match(text):
        number = int(text.replace(",", ""))
        return (number, number) if number <= _LARGEST_COUNT else None
    return lex.numbers.get(text)


# No report counts a billion troops or dead: a longer number is an id, a year run-on or noise.
_LARGEST_COUNT = 1_000_000_000
_MONTHS = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec january february march april may june july august"
    " september october november december".split()
)


def _day_of_month(token: Token) -> bool:
    doc = token.doc
    before = doc[token.i - 1].lower_.rstrip(".") if token.i > 0 else ""
    after = doc[token.i + 1].lower_.rstrip(".") if token.i + 1 < len(doc) else ""
    return token.like_num and (before in _MONTHS or after in _MONTHS)


def _approximate(number: Token, lex: Lexicon) -> bool:
    words = {c.lower_ for c in number.children} | {number.nbor(-1).lower_ if number.i > 0 else ""}
    phrase = number.doc[max(number.i - 2, 0) : number.i].text.lower()
    return bool(words & set(lex.approximate)) or any(phrase.endswith(a) for a in lex.approximate)


def _collective_head(noun: Token) -> Token | None:
    """ "dozens of trucks": the collective word is the head, the counted noun its "of" object."""
    prep = noun.head
    if noun.dep_ == "pobj" and prep.lower_ == "of" and prep.head.lower_ in _COLLECTIVE:
        return prep.head
    return None


def quantities_in(tokens: list[Token], lex: Lexicon) -> list[Quantity]:
    found = []
    for token in tokens:
        kind = lex.quantity_kinds.get(token.lemma_.lower())
        if kind is None or token.ent_type_ == "GPE":
            continue
        counted = number_of(token, lex)
        if counted is None:
            continue
        low, high, approx, num = counted
        text = token.doc[min(num.i, token.i) : max(num.i, token.i) + 1].text
        found.append(Quantity(kind=kind, value=low, high=high, approximate=approx, text=text))
    return found


def fatalities_in(sent: Span, lex: Lexicon) -> list[Quantity]:
    """Deaths in a sentence, one Quantity per victim group, with its category (civilian, military, ...)."""
    found: list[Quantity] = []
    speakers: dict[int, int] = {}  # the speech verb above a death verb -> its account number
    for token in sent:
        lemma = token.lemma_.lower()
        if lemma in lex.fatality["death_verbs"] and token.pos_ == "VERB":
            victims = list(children(token, "dobj", "nsubjpass"))
            if lemma in ("die", "perish"):
                victims = list(children(token, "nsubj"))
            account = speakers.setdefault(_speech_above(token, lex), len(speakers))
            found += [replace(q, account=account) for q in _victim_counts(victims, "fatalities", lex)]
        elif lemma in lex.fatality["death_nouns"] and token.pos_ == "NOUN":
            found += _victim_counts(
                [o for p in children(token, "prep") if p.lower_ == "of" for o in children(p, "pobj")],
                "fatalities",
                lex,
            )
            found += _toll(token, lex)
        elif lemma in lex.fatality["injury_verbs"] and token.pos_ == "VERB":
            victims = list(children(token, "dobj", "nsubjpass"))
            victims += [c for c in children(token, "nsubj") if c.pos_ == "NUM"]  # "... and eight wounded"
            found += _victim_counts(victims, "injured", lex)
    tolls = [q for q in found if q.kind == "fatalities" and _is_toll(q, sent)]
    # "the toll rose to five after three wounded died": the toll is the total, the rest explains it.
    return _dedupe(tolls + [q for q in found if q.kind != "fatalities"] if tolls else found)


def _speech_above(verb: Token, lex: Lexicon) -> int:
    """The token index of the nearest verb of saying above `verb` (-1: none): figures under two different
    speech verbs are two speakers' accounts."""
    for ancestor in verb.ancestors:
        if ancestor.lemma_.lower() in lex.speech_verbs:
            return ancestor.i
    return -1


def _is_toll(quantity: Quantity, sent: Span) -> bool:
    return any(t.lemma_.lower() == "toll" for t in sent) and quantity.text.isalnum()


def _victim_counts(victims: list[Token], kind: str, lex: Lexicon) -> list[Quantity]:
    found = []
    for victim in [v for head in victims for v in [head, *conjuncts(head)]]:
        if victim.dep_ == "pobj" and victim.head.lower_ in ("including", "among"):
            continue  # a subset of a toll already counted
        counted = _bare_number(victim, lex) or number_of(victim, lex)
        if counted is None:
            continue
        low, high, approx, num = counted
        category = lex.victim_category.get(victim.lemma_.lower(), "unknown")
        text = victim.doc[min(num.i, victim.i) : max(num.i, victim.i) + 1].text
        found.append(
            Quantity(kind=kind, value=low, high=high, category=category, approximate=approx, text=text)
        )
    return found


def _bare_number(token: Token, lex: Lexicon) -> tuple[int, int | None, bool, Token] | None:
    """ "14 were injured": the number stands for the people."""
    if token.pos_ != "NUM" or _value(token, lex) is None:
        return None
    low, high = _value(token, lex)
    return low, (high if high != low else None), _approximate(token, lex), token


def _toll(noun: Token, lex: Lexicon) -> list[Quantity]:
    """ "the death toll rose to 14", "at least 9 dead"."""
    if noun.lemma_.lower() == "dead":
        counted = number_of(noun, lex)
        if counted is not None:
            low, high, approx, num = counted
            return [Quantity("fatalities", low, high, "unknown", approx, noun.doc[num.i : noun.i + 1].text)]
    if noun.lemma_.lower() != "toll":
        return []
    for tok in noun.head.subtree:
        if tok.like_num and _value(tok, lex) is not None and tok.i > noun.i:
            low, high = _value(tok, lex)
            return [Quantity("fatalities", low, None, "unknown", _approximate(tok, lex), tok.text)]
    return []


def _dedupe(found: list[Quantity]) -> list[Quantity]:
    return list(dict.fromkeys(found))
