"""Doc -> EventCandidates: triggers with their arguments, time, status, certainty, numbers and sources.

Sentence by sentence; then two document-level passes that wire copy needs: speakers who declined to
comment attach to the lead event, and a sentence that casts doubt ("could not be verified") hedges the
events of the sentence before it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from spacy.symbols import DATE, TIME
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from sitroom.extract.arguments import STATIONED, earlier_places, find_actors, find_places, receivers
from sitroom.extract.claims import claims_in
from sitroom.extract.dates import find_tie, find_time_expressions
from sitroom.extract.modality import (
    aspect_head,
    awaited,
    certainty_of,
    governing_verbs,
    on_the_verge,
    sentence_hedge,
    status_of,
)
from sitroom.extract.parse import ents_in, mention, span_mention, span_text
from sitroom.extract.quantities import fatalities_in, quantities_in
from sitroom.extract.sources import Attribution, attributions_in, source_mark
from sitroom.extract.triggers import Trigger, find_triggers, holder_in_passing
from sitroom.lexicon import Lexicon, load_lexicon
from sitroom.records import (
    Certainty,
    Claim,
    Document,
    EventCandidate,
    EventType,
    Evidence,
    Mark,
    Mention,
    Quantity,
    Role,
    Source,
    SourceKind,
    Stance,
    Status,
)

IsArmedGroup = Callable[[str], bool]
_NEEDS_PLACE = frozenset({EventType.PRESENCE})
_QUANTITY_TYPES = {
    EventType.WITHDRAW: {"troops", "vehicles", "aircraft"},
    EventType.DEPLOY: {"troops", "vehicles", "aircraft"},
    EventType.PRESENCE: {"troops", "vehicles", "aircraft"},
    EventType.ASSAULT: {"attacks", "aircraft"},
    EventType.FIGHT: {"troops"},
    EventType.CONTROL: {"troops"},
    EventType.STATEMENT: set(),
}


def extract_events(
    doc: Doc,
    document: Document,
    lex: Lexicon | None = None,
    is_armed_group: IsArmedGroup = lambda text: False,
) -> list[EventCandidate]:
    lex = lex or load_lexicon()
    doc.user_data["doc_id"] = document.id
    by_sentence = _resolve_speaker_pronouns(
        [(sent, attributions_in(sent, lex, is_armed_group)) for sent in doc.sents], lex
    )
    outlet = _outlet(document, [a for _, found in by_sentence for a in found])
    candidates: list[EventCandidate] = []
    declined: list[Source] = []
    for sent, attributions in by_sentence:
        declined += [a.source for a in attributions if a.source.stance == Stance.DECLINED]
        found = _sentence_events(sent, lex, attributions, outlet)
        if not found and candidates and sentence_hedge(sent, lex):
            candidates = _hedge_last_sentence(candidates)
        denials = [a.source for a in attributions if _denies_what_came_before(a)]
        if denials and candidates:
            candidates = _add_to_last_sentence(candidates, denials)
        candidates += found
        candidates = claims_in(sent, lex, candidates, attributions, outlet)
    if declined and candidates:
        candidates[0] = replace(candidates[0], sources=candidates[0].sources + tuple(declined))
    return _tolls_of_the_attack_before(candidates, lex)


def _tolls_of_the_attack_before(candidates: list[EventCandidate], lex: Lexicon) -> list[EventCandidate]:
    """ "Warplanes struck the port on Thursday. The ministry said three workers were killed": a sentence
    that only counts the dead, with no place or time of its own, gives the toll of the attack told just
    before it, not a second attack."""
    kept: list[EventCandidate] = []
    for cand in candidates:
        # a holder named in passing ("struck the Houthi-held port") tells no event of its own
        at = next(
            (
                i
                for i in range(len(kept) - 1, -1, -1)
                if not holder_in_passing(kept[i].type, kept[i].trigger.text)
            ),
            None,
        )
        before = kept[at] if at is not None else None
        if (
            before is not None
            and before.type in (EventType.ASSAULT, EventType.FIGHT)
            and cand.type == EventType.ASSAULT
            and before.sentence.start < cand.sentence.start
            and _only_counts_the_dead(cand, lex)
        ):
            # another sentence's count is another account: the lowest account stands, and each account
            # is a claim of its own speaker, with its own sentence as evidence
            account = 1 + max((q.account for q in before.quantities), default=-1)
            added = tuple(replace(q, account=account + q.account) for q in cand.quantities)
            told = any(c.field == "fatalities" for c in before.claims)
            own = before.claims if told else before.claims + toll_claims(before)
            kept[at] = replace(
                before,
                quantities=tuple(dict.fromkeys(before.quantities + added)),
                sources=tuple(dict.fromkeys(before.sources + cand.sources)),
                claims=own + toll_claims(cand),
            )
            continue
        kept.append(cand)
    return kept


def toll_claims(cand: EventCandidate) -> tuple[Claim, ...]:
    """The candidate's tolls as its speaker gives them: one claim per account, its figures added up."""
    return tuple(
        figure_claim("fatalities", str(n), n, None, cand) for n in fatality_accounts(cand.quantities)
    )


def fatality_accounts(quantities: Sequence[Quantity]) -> list[int]:
    """The toll each account gives: the figures of one account add up ("3 soldiers and 2 civilians")."""
    totals: dict[int, int] = {}
    for q in quantities:
        if q.kind == "fatalities":
            totals[q.account] = totals.get(q.account, 0) + q.value
    return list(totals.values())


def figure_claim(field: str, value: str, low: int, high: int | None, cand: EventCandidate) -> Claim:
    """A number as the candidate's speaker gives it (a toll, a troop count): sources that differ stay side
    by side, each with its own sentence as evidence."""
    speaker = next((s for s in cand.sources if s.kind != SourceKind.OUTLET), None) or next(
        iter(cand.sources), None
    )
    speaker = speaker or Source(cand.document or "the report", SourceKind.OUTLET)
    evidence = Evidence(cand.document, cand.sentence.start, cand.sentence.end, cand.sentence.text, cand.marks)
    return Claim(field, value, speaker, cand.certainty, evidence, low=float(low), high=float(high or low))


def _only_counts_the_dead(cand: EventCandidate, lex: Lexicon) -> bool:
    death_verbs = lex.fatality["death_verbs"] | lex.fatality["injury_verbs"]
    words = cand.trigger.text.lower().split()
    return (
        bool(words)
        and any(words[0].startswith(v[:4]) for v in death_verbs)
        and not cand.places
        and not cand.times
        and any(q.kind in ("fatalities", "injured") for q in cand.quantities)
    )


def _resolve_speaker_pronouns(by_sentence: list[tuple[Span, list[Attribution]]], lex: Lexicon) -> list:
    """ "He said ...": the last person named as a speaker before; dropped when there is none."""
    last_person: Source | None = None
    resolved = []
    for sent, attributions in by_sentence:
        kept = []
        for a in attributions:
            if a.source.name.lower() in lex.word_set("person_pronouns"):
                if last_person is not None:
                    kept.append(replace(a, source=replace(last_person, stance=a.source.stance)))
                continue
            if a.source.kind in (
                SourceKind.NAMED_OFFICIAL,
                SourceKind.ANONYMOUS_OFFICIAL,
                SourceKind.MILITARY_SOURCE,
                SourceKind.LOCAL_OFFICIAL,
            ):
                last_person = a.source
            kept.append(a)
        resolved.append((sent, kept))
    return resolved


def _outlet(document: Document, attributions: list[Attribution]) -> Source | None:
    """The publishing outlet: the metadata, else the one its sources spoke to ("told Reuters")."""
    if document.outlet:
        return Source(document.outlet, SourceKind.OUTLET)
    spoken_to = {a.source.via for a in attributions if a.source.via}
    return Source(spoken_to.pop(), SourceKind.OUTLET) if len(spoken_to) == 1 else None


def _sentence_events(
    sent: Span, lex: Lexicon, attributions: list[Attribution], outlet: Source | None
) -> list[EventCandidate]:
    triggers = find_triggers(sent, lex)
    times = time_spans(sent)
    deaths = fatalities_in(sent, lex)
    made = [
        (t, _candidate(t, sent, lex, times, triggers, attributions, outlet, deaths))
        for t in triggers
        if t.type != EventType.STATEMENT or _statement_has_speaker(t) and _says_something(t, lex)
    ]
    found = []
    for trigger, candidate in made:
        if not candidate.places:
            candidate = replace(candidate, places=_places_of_main_event(trigger, made))
        earlier = _made_earlier(trigger, candidate, lex)
        found += earlier
        if (candidate.type in _NEEDS_PLACE or trigger.kind == "flag") and not candidate.places:
            continue  # a force at or a flag over a place; without the place ("seized power") it is not one
        for one in [candidate, *_second_fact(trigger, candidate, lex)]:
            found += _one_per_place(one)
    return _keep_first_for_deaths(found)


def _made_earlier(trigger: Trigger, candidate: EventCandidate, lex: Lexicon) -> list[EventCandidate]:
    """ "the second base the force hands back after X": the same move (and its second fact) made at X
    before, done by the time of the report, whatever stage the move told of has reached."""
    cues = earlier_places(trigger, lex)
    if not cues:
        return []
    done = dict(times=(), linked_times=(), tie=None, status=Status.COMPLETED, future=False)
    if candidate.certainty == Certainty.EXPECTED:
        done["certainty"] = Certainty.REPORTED
    at_first = replace(candidate, places=(cues[0],), **done)
    return [
        replace(one, places=(cue,))
        for cue in cues
        for one in [at_first, *_second_fact(trigger, at_first, lex)]
    ]


def _second_fact(trigger: Trigger, candidate: EventCandidate, lex: Lexicon) -> list[EventCandidate]:
    """A handover is also the receiver's control of the place; an expulsion is also the expelled force's
    withdrawal from it. Where the text names no receiver ("France handed back the camp"), the control is
    coded without one, and resolve gives it to the host state when the giver is a foreign force."""
    if not candidate.places:
        return []
    if trigger.kind == "handover":
        taking = receivers(trigger, lex)
        giving = [replace(a, role=Role.PREVIOUS) for a in candidate.actors if a.role == Role.AGENT]
        if not taking and not giving:
            return []
        actors = tuple(taking + giving)
        return [replace(candidate, type=EventType.CONTROL, actors=actors, facet=EventType.CONTROL.value)]
    if _on_the_verge_of_taking(trigger, candidate):
        return _contest_on_the_verge(candidate)
    if trigger.kind == "expel":
        leaving = [replace(a, role=Role.AGENT) for a in candidate.actors if a.role == Role.PREVIOUS]
        if not leaving:
            return []
        return [
            replace(candidate, type=EventType.WITHDRAW, actors=tuple(leaving), facet=EventType.WITHDRAW.value)
        ]
    return []


def _on_the_verge_of_taking(trigger: Trigger, candidate: EventCandidate) -> bool:
    return (
        candidate.type == EventType.CONTROL
        and candidate.status == Status.EXPECTED
        and on_the_verge(trigger.token)
    )


def _contest_on_the_verge(candidate: EventCandidate) -> list[EventCandidate]:
    """ "the army is close to taking X from the RSF": the fight for X goes on now, and the RSF still
    holds X. Both are the report's present; the capture itself stays expected."""
    takers = [a for a in candidate.actors if a.role == Role.AGENT]
    holders = [a for a in candidate.actors if a.role == Role.PREVIOUS]
    certainty = Certainty.REPORTED if candidate.certainty == Certainty.EXPECTED else candidate.certainty
    now = dict(status=Status.ONGOING, future=False, certainty=certainty)
    fight = replace(
        candidate,
        type=EventType.FIGHT,
        actors=(*takers, *(replace(a, role=Role.TARGET) for a in holders)),
        facet=EventType.FIGHT.value,
        **now,
    )
    if not holders:
        return [fight]
    held = replace(candidate, actors=tuple(replace(a, role=Role.AGENT) for a in holders), facet="held", **now)
    return [fight, held]


def _places_of_main_event(trigger: Trigger, made: list[tuple[Trigger, EventCandidate]]) -> tuple:
    """ "took the town of X after troops withdrew": a clause hanging from another event's verb happened
    where that event did."""
    above = {t.i for t in trigger.token.ancestors}
    for other, candidate in made:
        if other.token.i in above and candidate.places and trigger.token.dep_ in ("advcl", "conj", "xcomp"):
            return candidate.places
    return ()


def _one_per_place(candidate: EventCandidate) -> list[EventCandidate]:
    """ "departed from X and from Y" is two departures: events are coded one place each, as ACLED does."""
    based = tuple(c for c in candidate.places if c.feature_hint == STATIONED)  # refine each place left
    places = [c for c in candidate.places if c.feature_hint != STATIONED]
    if len(places) <= 1:
        return [candidate]
    return [replace(candidate, places=(cue, *based)) for cue in places]


def _says_something(trigger: Trigger, lex: Lexicon) -> bool:
    """ "announced a ceasefire" is an act; "announced that troops had left" is the source of a claim."""
    token = trigger.token
    if token.lemma_.lower() not in lex.word_set("agreement_verbs"):
        return True
    wanted = lex.word_set("agreement_objects")
    return any(
        t.lemma_.lower() in wanted for c in token.children if c.dep_ in ("dobj", "ccomp") for t in c.subtree
    )


def _statement_has_speaker(trigger: Trigger) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in trigger.token.children)


def _candidate(
    trigger: Trigger,
    sent: Span,
    lex: Lexicon,
    times: list[Span],
    triggers: list[Trigger],
    attributions: list[Attribution],
    outlet: Source | None,
    deaths,
) -> EventCandidate:
    status, future = status_of(trigger, sent, lex)
    certainty, hedge_marks = certainty_of(trigger, sent, status, lex)
    own_times, anchor_times, linked_times = _times_for(trigger, _times_of(times, status), triggers, lex)
    sources = _sources_for(trigger, attributions, outlet)
    if certainty == Certainty.REPORTED and any(s.kind == SourceKind.GROUP_CLAIM for s in sources):
        certainty = Certainty.CLAIMED
    quantities = [
        q
        for q in quantities_in(list(trigger.token.subtree) + _subject_tokens(trigger), lex)
        if q.kind in _QUANTITY_TYPES[trigger.type]
    ]
    if trigger.type in (EventType.ASSAULT, EventType.FIGHT):
        quantities += deaths
    marks = [Mark(trigger.token.idx, trigger.token.idx + len(trigger.token), "trigger"), *hedge_marks]
    marks += [source_mark(a) for a in attributions]
    places = find_places(trigger, lex)
    actors = find_actors(trigger, lex)
    marks += [Mark(p.mention.start, p.mention.end, "place") for p in places]
    marks += [Mark(a.mention.start, a.mention.end, "actor") for a in actors]
    marks += [Mark(t.start_char, t.end_char, "date") for t in own_times]
    return EventCandidate(
        document=sent.doc.user_data.get("doc_id", ""),
        type=trigger.type,
        trigger=span_mention(trigger.token),
        sentence=span_mention(sent),
        status=status,
        certainty=certainty,
        actors=tuple(actors),
        places=tuple(places),
        times=tuple(span_mention(t) for t in own_times),
        anchor_times=tuple(span_mention(t) for t in anchor_times),
        linked_times=tuple(span_mention(t) for t in linked_times),
        tie=_tie(sent),
        future=future,
        quantities=tuple(dict.fromkeys(quantities)),
        sources=tuple(sources),
        marks=tuple(dict.fromkeys(marks)),
        nominal=trigger.nominal,
    )


def _subject_tokens(trigger: Trigger) -> list[Token]:
    verbs = [trigger.token, *governing_verbs(trigger.token)[:1]]
    return [t for v in verbs for c in v.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree]


def _keep_first_for_deaths(found: list[EventCandidate]) -> list[EventCandidate]:
    """A toll belongs to one event of a sentence: the first violent one (later ones are its parts)."""
    seen_toll = False
    kept = []
    for cand in found:
        has_toll = any(q.kind in ("fatalities", "injured") for q in cand.quantities)
        if has_toll and seen_toll and cand.type in (EventType.ASSAULT, EventType.FIGHT):
            cand = replace(
                cand, quantities=tuple(q for q in cand.quantities if q.kind not in ("fatalities", "injured"))
            )
            if cand.trigger.text.lower().startswith(("kill", "die")):
                continue  # "an attack that killed two": the killing == the attack's toll, not a second event
        seen_toll = seen_toll or has_toll
        kept.append(cand)
    return kept


_TIME_LABELS = (DATE, TIME)


def time_spans(sent: Span) -> list[Span]:
    """Temporal expressions of a sentence: sitroom's finder plus the model's DATE entities."""
    doc = sent.doc
    spans = []
    for start, end in find_time_expressions(span_text(sent)):
        span = doc.char_span(sent.start_char + start, sent.start_char + end, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    taken = {i for span in spans for i in range(span.start, span.end)}
    # the model's DATE entities only where sitroom's finder saw nothing: the resolver reads the finder's
    ents = ents_in(sent)
    spans += [e for e in ents if e.label in _TIME_LABELS and taken.isdisjoint(range(e.start, e.end))]
    # a date inside a name is no date: "the March 23 Movement" (sitroom's actor data names it)
    names = {
        i for e in ents if e.label_ in ("ORG", "PERSON", "FAC") and e.ent_id_ for i in range(e.start, e.end)
    }
    spans = [s for s in spans if names.isdisjoint(range(s.start, s.end))]
    return sorted(filter_spans(spans), key=lambda s: s.start)


def _times_of(times: list[Span], status: Status) -> list[Span]:
    """The time expressions that may date an event of this status.

    "since X" starts a span of time: the start of a state that goes on ("has held the town since
    2014"), never the moment a change was completed ("took the town it had besieged since 2014"). A time
    inside a since-phrase ("since the start of the offensive a week ago") dates the thing the span
    starts from, never the event."""
    kept = []
    for span in times:
        if _inside_since_phrase(span):
            continue
        if span[0].lower_ == "since" and status == Status.COMPLETED:
            continue
        kept.append(span)
    return kept


def _inside_since_phrase(span: Span) -> bool:
    for anc in span.root.ancestors:
        if anc.pos_ in ("VERB", "AUX"):
            return False
        if anc.lower_ == "since" and anc.dep_ == "prep":
            return True
    return False


def _times_for(
    trigger: Trigger, times: list[Span], triggers: list[Trigger], lex: Lexicon
) -> tuple[list[Span], list[Span], list[Span]]:
    """Time expressions of the trigger's own clause, those of the speech verb above it, and those of a
    clause joined to its own.

    "said on Monday that its units had deployed": Monday is when it was said, not when they deployed.
    A time expression hanging from no verb at all may be the event's when nothing else is. "left the
    base on Monday and handed it to the army": Monday is the handover's too, when it has no time of its own.
    """
    own, anchors, loose, linked = [], [], [], []
    governing = governing_verbs(trigger.token)
    head = aspect_head(trigger.token)
    trigger_tokens = {t.token.i for t in triggers}
    joined = _joined_clauses(trigger.token) | _when_of(trigger.token, trigger_tokens)
    for span in times:
        attached = _attachment(span.root, trigger_tokens)
        if (
            attached is not None
            and attached in governing
            and attached.lemma_.lower() in lex.word_set("reporting_verbs")
        ) or _when_the_source_appeared(attached):
            anchors.append(span)
        elif attached is not None and (
            attached == trigger.token
            or attached == head
            or attached.head == trigger.token
            and attached.dep_ in ("nsubj", "nsubjpass")
        ):
            own.append(span)  # also "an army drone strike on Saturday hit ...": the subject's time
        elif attached is None or attached in governing and not awaited(trigger.token):
            loose.append(span)  # not "left on Monday ahead of the withdrawal": Monday is the leaving's
        elif attached in joined or _describes_participant(attached, trigger.token):
            linked.append(span)
    # own first; then a time that hangs from no verb, or from a verb above (not a verb of saying)
    return _with_ranges(own) + [s for s in _with_ranges(loose) if s not in own], anchors, linked


def _when_of(verb: Token, trigger_tokens: set[int]) -> set[Token]:
    """ "Sunday's attack on a ship, when the X was hit by missiles": a "when" clause happened at the time
    of the event it hangs from (the nearest event word above it)."""
    if not any(c.lower_ == "when" and c.dep_ == "advmod" for c in verb.children):
        return set()
    return next(({a} for a in verb.ancestors if a.i in trigger_tokens), set())


def _when_the_source_appeared(attached: Token | None) -> bool:
    """ "..., according to a map published on Saturday": when the source came out, which the event
    preceded; said of the source, not of the event."""
    if attached is None or attached.dep_ != "acl" or attached.tag_ != "VBN":
        return False
    return any(a.lower_ == "according" for a in attached.ancestors)


def _joined_clauses(verb: Token) -> set[Token]:
    """Verbs coordinated with this one, or in a clause hanging from it or it from them; not a clause
    that orders another event before or after it ("expelled after the war began in April 2023")."""
    joined = {c for c in verb.children if c.dep_ == "conj" or c.dep_ == "advcl" and not _orders_events(c)}
    if verb.dep_ in ("conj", "xcomp") or verb.dep_ == "advcl" and not _orders_events(verb):
        joined.add(verb.head)
        joined |= {c for c in verb.head.children if c.dep_ == "conj" and c != verb}
    return joined


_ORDERING_MARKS = frozenset({"after", "before", "since", "until", "till", "once"})


def _orders_events(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in _ORDERING_MARKS for c in clause.children)


def _describes_participant(verb: Token, trigger: Token) -> bool:
    """ "shot dead a man who crossed the line on Sunday": a clause on the trigger's object or subject
    tells when it met the event, when the event has no time of its own."""
    return verb.dep_ in ("relcl", "acl") and verb.head.head == trigger and verb.head.dep_ in ("dobj", "nsubj")


def _tie(sent: Span) -> Mention | None:
    found = find_tie(span_text(sent))
    if found is None:
        return None
    tie = mention(sent.doc, sent.start_char + found[0], sent.start_char + found[1])
    last = sent.doc.char_span(tie.start, tie.end, alignment_mode="expand")
    if last is not None and last[-1].dep_ == "mark":
        return None  # "a month after the junta ended the deal": tied to the clause it opens
    return tie


def _with_ranges(spans: list[Span]) -> list[Span]:
    """ "from late on Saturday until the early hours of Sunday": the whole range first, then its parts."""
    ranges = []
    for span in spans:
        doc = span.doc
        if span[0].lower_ in ("from", "between") and span.end < len(doc):
            joiner = doc[span.end]
            if joiner.lower_ in ("until", "to", "till", "through", "and"):
                last = max(t.i for t in joiner.subtree)
                ends = [s.end for s in spans if joiner.i < s.start <= last]
                if ends:
                    ranges.append(doc[span.start : max(ends)])
    return ranges + spans


def _attachment(token: Token, trigger_tokens: set[int]) -> Token | None:
    """The nearest verb or trigger above a time expression; not a participle that only says where a place
    lies ("have been in the town, located 10 km from X, since Wednesday": the time is the main verb's)."""
    for anc in token.ancestors:
        if (
            anc.lemma_.lower() in _PLACE_DESCRIBING
            and anc.dep_ in ("advcl", "acl")
            and anc.i not in trigger_tokens
        ):
            continue
        if anc.i in trigger_tokens or anc.pos_ in ("VERB", "AUX"):
            return anc
    return None


_PLACE_DESCRIBING = frozenset({"locate", "situate", "lie", "sit"})


def _sources_for(trigger: Trigger, attributions: list[Attribution], outlet: Source | None) -> list[Source]:
    governing = set(governing_verbs(trigger.token, limit=6))
    speaking = [a for a in attributions if a.source.stance != Stance.DECLINED]
    sources = [a.source for a in speaking if a.sentence_wide or a.speech in governing or a.speech is None]
    if not sources:
        # "X arrived on Saturday, the ministry said, as ...": a speaker the parse left beside the clause
        inside = {t.i for t in trigger.token.subtree}
        sources = [a.source for a in speaking if a.speech is not None and a.speech.i not in inside]
    sources = list(dict.fromkeys(sources))
    if outlet is not None:
        sources.insert(0, outlet)
    return sources


_REPORT_NOUNS = frozenset(
    {"claim", "claims", "report", "reports", "allegation", "allegations", "account", "it"}
)


def _denies_what_came_before(attribution: Attribution) -> bool:
    """ "Ukraine's General Staff denied the claim": a denial of the sentence before, kept as its source."""
    speech = attribution.speech
    if speech is None or attribution.source.stance != Stance.DENIES:
        return False
    return any(c.dep_ == "dobj" and c.lower_ in _REPORT_NOUNS for c in speech.children)


def _add_to_last_sentence(candidates: list[EventCandidate], sources: list[Source]) -> list[EventCandidate]:
    last = candidates[-1].sentence.start
    return [
        replace(c, sources=c.sources + tuple(s for s in sources if s not in c.sources))
        if c.sentence.start == last
        else c
        for c in candidates
    ]


def _hedge_last_sentence(candidates: list[EventCandidate]) -> list[EventCandidate]:
    last = candidates[-1].sentence.start
    return [
        replace(c, certainty=Certainty.UNCERTAIN)
        if c.sentence.start == last and c.certainty == Certainty.REPORTED
        else c
        for c in candidates
    ]
