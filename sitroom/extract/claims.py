"""Claims about an event that sources may dispute: how long it will take, whether it is permanent.

A claim often names its event only by a noun ("the withdrawal", "the process", "the move"); it then
belongs to the latest event of a type that takes time (a withdrawal or a deployment).
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from sitroom.extract.lexicon import Lexicon
from sitroom.extract.sources import Attribution
from sitroom.records import Certainty, Claim, EventCandidate, EventType, Evidence, Mark, Source, SourceKind

_DURATION_VERBS = frozenset({"take", "last", "require", "need"})
_ANAPHORS = frozenset(
    {
        "process",
        "move",
        "operation",
        "withdrawal",
        "pullout",
        "drawdown",
        "deployment",
        "redeployment",
        "departure",
        "it",
        "transition",
        "mission",
    }
)
_LASTING_TYPES = (EventType.WITHDRAW, EventType.DEPLOY)


def claims_in(
    sent: Span,
    lex: Lexicon,
    candidates: list[EventCandidate],
    attributions: list[Attribution],
    outlet: Source | None,
) -> list[EventCandidate]:
    for verb in sent:
        if verb.lemma_.lower() in _DURATION_VERBS and verb.pos_ == "VERB":
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
    permanence = _permanence(sent)
    if permanence is not None:
        candidates = _attach(
            candidates,
            permanence,
            "permanence",
            "temporary or permanent: uncertain",
            sent[permanence.i - sent.start : permanence.i - sent.start + 1],
            sent,
            lex,
            attributions,
            outlet,
            certainty=Certainty.UNCERTAIN,
        )
    return candidates


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


def _permanence(sent: Span) -> Token | None:
    """ "it remains uncertain whether the move is temporary or permanent"."""
    words = [t.lower_ for t in sent]
    if "temporary" in words and "permanent" in words:
        return next(t for t in sent if t.lower_ == "temporary")
    return None


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
) -> list[EventCandidate]:
    index = _target(candidates, anchor, sent)
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
            sent.text,
            (Mark(value_span.start_char, value_span.end_char, "claim"),),
        ),
    )
    updated = list(candidates)
    updated[index] = replace(candidates[index], claims=candidates[index].claims + (claim,))
    return updated


def _target(candidates: list[EventCandidate], anchor: Token, sent: Span) -> int | None:
    """The event a claim is about: a trigger that is its subject, else the latest lasting event."""
    subject = next((c for c in anchor.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and anchor.head is not anchor:
        subject = next((c for c in anchor.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    for i in range(len(candidates) - 1, -1, -1):
        cand = candidates[i]
        if subject is not None and cand.trigger.start == subject.idx:
            return i
    if subject is not None and subject.lemma_.lower() not in _ANAPHORS:
        return None
    for i in range(len(candidates) - 1, -1, -1):
        if candidates[i].type in _LASTING_TYPES:
            return i
    return None


def _speaker(anchor: Token, attributions: list[Attribution], outlet: Source | None, document: str) -> Source:
    governing = set(anchor.ancestors)
    for attribution in attributions:
        if attribution.speech in governing or attribution.sentence_wide:
            return attribution.source
    return outlet or Source(name=document or "the report", kind=SourceKind.OUTLET)
