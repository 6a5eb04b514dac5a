"""Claims about an event that sources may dispute: how long it will take, whether it is permanent.

A claim often names its event only by a noun ("the withdrawal", "the process", "the move"); it then
belongs to the latest event of a type that takes time (a withdrawal or a deployment).
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Span, Token

from sitroom.extract.dates import find_time_expressions
from sitroom.extract.modality import sentence_hedge
from sitroom.extract.parse import span_text
from sitroom.extract.sources import Attribution
from sitroom.lexicon import Lexicon
from sitroom.records import Certainty, Claim, EventCandidate, EventType, Evidence, Mark, Source, SourceKind

_DEADLINE = re.compile(r"(?:within|by)\b", re.IGNORECASE)
_LASTING_TYPES = (EventType.WITHDRAW, EventType.DEPLOY)


def claims_in(
    sent: Span,
    lex: Lexicon,
    candidates: list[EventCandidate],
    attributions: list[Attribution],
    outlet: Source | None,
) -> list[EventCandidate]:
    for verb in sent:
        if verb.lemma_.lower() in lex.word_set("duration_verbs") and verb.pos_ == "VERB":
            duration = _duration_object(verb)
            if duration is not None:
                candidates = _attach(
                    candidates,
                    verb,
                    "expected_duration",
                    duration.text,
                    duration,
                    sent,
                    lex,
                    attributions,
                    outlet,
                )
    for verb in sent:
        figure = _put_at(verb, lex)
        if figure is not None:
            field, value = figure
            candidates = _attach(
                candidates,
                verb,
                field,
                value.text,
                value,
                sent,
                lex,
                attributions,
                outlet,
                certainty=Certainty.REPORTED,
                types=_FIGURE_TYPES[field],
            )
    for deadline in _deadlines(sent):
        candidates = _attach(
            candidates,
            deadline.root.head,
            "expected_duration",
            deadline.text,
            deadline,
            sent,
            lex,
            attributions,
            outlet,
        )
    permanence = _permanence(sent, lex)
    if permanence is not None:
        word, value, certainty = permanence
        candidates = _attach(
            candidates,
            word,
            "permanence",
            value,
            sent[word.i - sent.start : word.i - sent.start + 1],
            sent,
            lex,
            attributions,
            outlet,
            certainty=certainty,
        )
    return candidates


_FIGURE_TYPES = {
    "troops": (EventType.DEPLOY, EventType.WITHDRAW, EventType.PRESENCE),
    "fatalities": (EventType.ASSAULT, EventType.FIGHT),
}


def _put_at(verb: Token, lex: Lexicon) -> tuple[str, Span] | None:
    """ "the ministry put the contingent at 230 troops", "put the death toll at 23": (field, the figure)."""
    if verb.lemma_.lower() != "put":
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    at = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "at"), None)
    figure = next((c for c in at.children if c.dep_ == "pobj"), None) if at is not None else None
    if obj is None or figure is None or not any(t.like_num for t in figure.subtree):
        return None
    counted = [obj.lemma_.lower()] + [t.lemma_.lower() for t in obj.subtree] + [figure.lemma_.lower()]
    if any(w in lex.fatality["death_nouns"] for w in counted):
        field = "fatalities"
    elif any(
        lex.quantity_kinds.get(w) == "troops" or w in ("contingent", "force", "strength") for w in counted
    ):
        field = "troops"
    else:
        return None
    return field, verb.doc[figure.left_edge.i : figure.right_edge.i + 1]


def _deadlines(sent: Span) -> list[Span]:
    """ "within weeks", "by the end of March": when something under way is expected to be over."""
    found = []
    text = span_text(sent)
    for start, end in find_time_expressions(text):
        if _DEADLINE.match(text[start:end]):
            span = sent.doc.char_span(sent.start_char + start, sent.start_char + end, alignment_mode="expand")
            if span is not None:
                found.append(span)
    return found


def _figure(span: Span, lex: Lexicon) -> float | None:
    """The number in a figure ("closer to 8,000", "230 troops"), if it has one."""
    for token in span:
        if token.like_num:
            text = token.lower_.replace(",", "")
            if text.isdecimal():
                return float(text)
            if token.lower_ in lex.numbers:
                return float(lex.numbers[token.lower_][0])
    return None


def _duration_object(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ in ("npadvmod", "dobj", "advmod", "obj") and child.lemma_ in (
            "day",
            "week",
            "month",
            "year",
            "hour",
        ):
            return child.doc[child.left_edge.i : child.i + 1]
    return None


def _permanence(sent: Span, lex: Lexicon) -> tuple[Token, str, Certainty] | None:
    """Whether a move is for a time only or for good, as the sentence says: "temporarily reposition",
    "a permanent withdrawal"; both words ("unclear whether it is temporary or permanent") put it in doubt.
    Returns the first such word, the value ("temporary", "permanent", "temporary or permanent: uncertain")
    and how certain the sentence is of it."""
    text = f" {span_text(sent).lower()} "
    temporary = _first_word(sent, text, lex.word_set("temporary_words"))
    permanent = _first_word(sent, text, lex.word_set("permanent_words"))
    if temporary is not None and permanent is not None:
        return (
            min(temporary, permanent, key=lambda t: t.i),
            "temporary or permanent: uncertain",
            Certainty.UNCERTAIN,
        )
    if temporary is None and permanent is None:
        return None
    word = temporary or permanent
    certainty = Certainty.UNCERTAIN if sentence_hedge(sent, lex) else Certainty.REPORTED
    return word, "temporary" if temporary is not None else "permanent", certainty


def _first_word(sent: Span, text: str, phrases: frozenset[str]) -> Token | None:
    """The first token of the first of `phrases` found in the sentence (whole words), if any."""
    starts = [text.find(f" {p} ") for p in phrases]
    found = [pos for pos in starts if pos >= 0]
    if not found:
        return None
    span = sent.doc.char_span(
        sent.start_char + min(found), sent.start_char + min(found) + 1, alignment_mode="expand"
    )
    return span[0] if span is not None else None


def _attach(
    candidates: list[EventCandidate],
    anchor: Token,
    field: str,
    value: str,
    value_span: Span,
    sent: Span,
    lex: Lexicon,
    attributions: list[Attribution],
    outlet: Source | None,
    certainty: Certainty | None = None,
    types: tuple[EventType, ...] = _LASTING_TYPES,
) -> list[EventCandidate]:
    index = _target(candidates, anchor, types, lex)
    if index is None:
        return candidates
    source = _speaker(anchor, attributions, outlet, candidates[index].document)
    hedged = any(t.lemma_.lower() in lex.word_set("hedge_words") for t in sent)
    claim = Claim(
        field=field,
        value=value,
        source=source,
        certainty=certainty or (Certainty.UNCERTAIN if hedged else Certainty.EXPECTED),
        evidence=Evidence(
            candidates[index].document,
            sent.start_char,
            sent.end_char,
            span_text(sent),
            (Mark(value_span.start_char, value_span.end_char, "claim"),),
        ),
        low=_figure(value_span, lex),
        high=_figure(value_span, lex),
    )
    updated = list(candidates)
    updated[index] = replace(candidates[index], claims=candidates[index].claims + (claim,))
    return updated


def _target(
    candidates: list[EventCandidate], anchor: Token, types: tuple[EventType, ...], lex: Lexicon
) -> int | None:
    """The event a claim is about: a trigger that is its subject, else the latest event of the types
    the claim can be about (a duration: a withdrawal or deployment; a toll: an attack)."""
    if anchor.lemma_.lower() == "put":
        return _latest(candidates, types)  # its subject is the speaker, not the event
    subject = next((c for c in anchor.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and anchor.head != anchor:
        subject = next((c for c in anchor.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    for i in range(len(candidates) - 1, -1, -1):
        cand = candidates[i]
        if subject is not None and cand.trigger.start == subject.idx:
            return i
    if subject is not None and subject.lemma_.lower() not in lex.word_set("event_anaphors"):
        return None
    return _latest(candidates, types)


def _latest(candidates: list[EventCandidate], types: tuple[EventType, ...]) -> int | None:
    for i in range(len(candidates) - 1, -1, -1):
        if candidates[i].type in types:
            return i
    return None


def _speaker(anchor: Token, attributions: list[Attribution], outlet: Source | None, document: str) -> Source:
    governing = {anchor, *anchor.ancestors}
    for attribution in attributions:
        if attribution.speech in governing or attribution.sentence_wide:
            return attribution.source
    return outlet or Source(name=document or "the report", kind=SourceKind.OUTLET)
