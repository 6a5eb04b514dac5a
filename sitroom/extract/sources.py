"""Attribution: who says what. Speakers of a sentence, their kind and count, and the outlet they spoke to."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.symbols import AUX, VERB
from spacy.tokens import Span, Token

from sitroom.extract.parse import (
    children,
    conjuncts,
    entity_of,
    ents_in,
    noun_phrase,
    prep_objects,
    span_text,
    subject_of,
)
from sitroom.lexicon import Lexicon
from sitroom.records import Mark, Source, SourceKind, Stance


@dataclass(frozen=True)
class Attribution:
    source: Source
    speech: Token | None  # the verb of saying; events under it carry this source
    span: Span  # the words naming the speaker
    sentence_wide: bool  # "according to X" or a sentence-final "X said" covers the whole sentence


def attributions_in(sent: Span, lex: Lexicon, is_armed_group=lambda text: False) -> list[Attribution]:
    found = _according_to(sent, lex, is_armed_group)
    found += _declined(sent, lex, is_armed_group)
    declined_subjects = {a.span.start for a in found}
    for token in sent:
        if token.pos in (VERB, AUX) and token.lemma_.lower() in lex.speech_verbs:
            speaker = subject_of(token) if token.dep_ != "acl" else None
            if token.dep_ == "acl" and token.lemma_ == "cite":
                continue
            if (
                speaker is None
                or speaker.pos_ == "PRON"
                and speaker.lower_ not in lex.word_set("speaker_pronouns")
            ):
                continue
            if speaker.i in declined_subjects or _is_trigger_like_subject(speaker, lex):
                continue
            found += [
                _attribution(s, token, lex, is_armed_group, Stance.ASSERTS)
                for s in [speaker, *conjuncts(speaker)]
            ]
    return list({a.span.start: a for a in reversed(found)}.values())[::-1]


def _is_trigger_like_subject(token: Token, lex: Lexicon) -> bool:
    return token.lower_ in lex.word_set("force_nouns") and token.lower_ not in ("military", "army")


def _according_to(sent: Span, lex: Lexicon, is_armed_group) -> list[Attribution]:
    found = []
    for token in sent:
        if token.lower_ == "according":
            for _, obj in prep_objects(token, "to"):
                found.append(_attribution(obj, None, lex, is_armed_group, Stance.ASSERTS, sentence_wide=True))
    return found


def _declined(sent: Span, lex: Lexicon, is_armed_group) -> list[Attribution]:
    text = span_text(sent).lower()
    if not any(p in text for p in lex.declined):
        return []
    root = sent.root
    subject = subject_of(root)
    if subject is None:
        return []
    return [
        _attribution(s, None, lex, is_armed_group, Stance.DECLINED) for s in [subject, *conjuncts(subject)]
    ]


def _attribution(
    speaker: Token,
    speech: Token | None,
    lex: Lexicon,
    is_armed_group,
    stance: Stance,
    sentence_wide: bool = False,
) -> Attribution:
    phrase = noun_phrase(speaker, drop=frozenset({"relcl", "acl", "punct", "cc", "conj"}))
    name = entity_of(speaker)
    if name is not None and name.end > phrase.end:  # "The Syrian Observatory for Human Rights"
        phrase = speaker.doc[phrase.start : name.end]
    via = _outlet_spoken_to(speaker, speech)
    kind = classify_source(phrase, lex, is_armed_group)
    if speech is not None and speech.lemma_ == "deny":
        stance = Stance.DENIES
    source = Source(name=_clean(phrase.text), kind=kind, count=_count(phrase, lex), stance=stance, via=via)
    wide = sentence_wide or (
        speech is not None
        and speech.dep_ == "ROOT"
        and speech.i > speaker.i
        and speech.i > _first_clause_end(speech)
    )
    return Attribution(source, speech, phrase, wide)


def _first_clause_end(speech: Token) -> int:
    """Index before which a sentence-final "..., X said." speech verb sits behind its reported clause."""
    ccomps = [c for c in speech.children if c.dep_ == "ccomp" and c.i < speech.i]
    return ccomps[0].i if ccomps else speech.i


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,.;:")


def _outlet_spoken_to(speaker: Token, speech: Token | None) -> str | None:
    """ "told Reuters", "cited by Reuters", "said in an interview with the BBC"."""
    for acl in children(speaker, "acl"):
        if acl.lemma_ == "cite":
            for _, obj in prep_objects(acl, "by"):
                return noun_phrase(obj).text
    if speech is not None and speech.lemma_ == "tell":
        for obj in children(speech, "dobj", "dative"):
            if obj.ent_type_ == "ORG":
                return noun_phrase(obj).text
    return None


def classify_source(phrase: Span, lex: Lexicon, is_armed_group) -> SourceKind:
    text = f" {phrase.text.lower()} "
    if any(t.ent_type_ == "PERSON" for t in phrase) and "source" not in text:
        return SourceKind.NAMED_OFFICIAL
    if (
        is_armed_group(phrase.text)
        or phrase.root.lower_ in lex.word_set("group_self_nouns")
        or any(is_armed_group(e.text) for e in ents_in(phrase) if e.start <= phrase.root.i < e.end)
    ):
        return SourceKind.GROUP_CLAIM
    military = any(f" {w} " in text for w in ("military", "security", "army", "defence", "defense"))
    anonymous = any(f" {w}" in text for w in ("source", "official"))
    for kind, cues in lex.source_kinds:
        if kind == "military_source" and military and anonymous and "source" in text:
            return SourceKind.MILITARY_SOURCE
        if kind != "military_source" and _any_word(cues).search(text):
            return SourceKind(kind if kind != "anonymous_official" else "anonymous_official")
    if any(t.ent_type_ == "ORG" for t in phrase):
        return SourceKind.GOVERNMENT
    return SourceKind.OTHER


@functools.cache
def _any_word(cues: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the cues as a whole word (or words): one pattern per cue list, compiled once."""
    return re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, cues)) + r")(?![a-z])")


def _count(phrase: Span, lex: Lexicon) -> int | None:
    for token in phrase:
        if token.dep_ in ("nummod", "det", "amod") and token.head == phrase.root:
            value = lex.numbers.get(token.lower_)
            if token.like_num and token.text.isdecimal():  # "³" is a digit but not a number
                return int(token.text)
            if value is not None and value[0] == value[1]:
                return value[0]
    return None if phrase.root.tag_ in ("NNS", "NNPS") else (1 if phrase.root.pos_ == "NOUN" else None)


def source_mark(attribution: Attribution) -> Mark:
    return Mark(attribution.span.start_char, attribution.span.end_char, "source")
