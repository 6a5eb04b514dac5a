"""Arguments of a trigger from the dependency parse: who acted, on whom, and where."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Span, Token

from sitroom.extract.parse import (
    PLACE_LABELS,
    antecedent,
    children,
    conjuncts,
    entity_of,
    joined_by_hyphen,
    noun_phrase,
    prep_objects,
    span_mention,
    subject_of,
)
from sitroom.extract.triggers import (
    COUNTRY_ANAPHOR,
    FLAG_PLACE_PREPOSITIONS,
    Trigger,
    adjacent_place,
    doer_of_nominal,
    given_by_noun,
    handover_objects,
    headline_span,
    held_by_modifier,
    is_country_anaphor,
    is_force_token,
    is_place_token,
    is_unlabelled_name_after_place_preposition,
    occurrence_head,
    place_subjects,
    site_owners,
    town_of_named_facility,
    witnessing_place,
)
from sitroom.lexicon import Lexicon
from sitroom.records import ActorMention, EventType, PlaceCue, Role

# The feature hint of a place cue that is the pronoun "it": a town or a site named before.
PRONOUN = "pronoun"
# The feature hint of where a leaving force is based ("troops stationed in X will leave <country>"): it
# refines the place left, where it lies inside it, and is never the place on its own.
STATIONED = "stationed"

# Prepositions that introduce where an event of each type happened.
PLACE_PREPS = {
    EventType.WITHDRAW: ("from", "out"),
    EventType.DEPLOY: ("to", "into", "in", "at", "toward", "towards", "near", "across"),
    EventType.PRESENCE: ("in", "at", "from", "near", "across", "inside"),
    EventType.ASSAULT: (
        "in",
        "on",
        "at",
        "near",
        "outside",
        "around",
        "against",
        "across",
        "inside",
        "into",
        "off",
    ),
    EventType.FIGHT: ("in", "at", "near", "outside", "around", "for", "across", "inside", "on", "off"),
    EventType.CONTROL: ("of", "in", "at", "over", "near", "around"),
    EventType.STATEMENT: (),
}
# Passive subjects: for these types the passive subject is the force itself ("troops were deployed").
AGENTIVE_PASSIVE = frozenset({EventType.WITHDRAW, EventType.DEPLOY, EventType.PRESENCE})


def find_actors(trigger: Trigger, lex: Lexicon) -> list[ActorMention]:
    if trigger.kind == "expel":
        return _expel_actors(trigger.token, lex)
    if trigger.kind == "located":
        return _actor_mentions(trigger.token, Role.AGENT, lex)  # the force is the phrase itself
    if trigger.kind == "flag":
        return _flag_owners(trigger.token, lex)
    if trigger.kind == "posted":  # "the French base in X": its owner
        return [ActorMention(span_mention(owner), Role.AGENT) for owner in site_owners(trigger.token)]
    if trigger.kind == "held" and held_by_modifier(trigger.token):
        return _actor_mentions(trigger.token.nbor(-2), Role.AGENT, lex)
    if trigger.kind == "held":
        return _holders(trigger.token, lex)
    if trigger.nominal:
        return _nominal_actors(trigger, lex)
    verb = trigger.token
    found: list[ActorMention] = []
    subject = subject_of(verb)
    if subject is not None and _names_the_attack(subject, trigger, lex):
        # "a drone strike by X hit the depot": the strike is the event; X, its doer, is the actor
        found += _nominal_actors(Trigger(subject, trigger.type, nominal=True), lex)
    elif subject is not None and _can_act(subject, lex) and subject not in place_subjects(verb, lex):
        # "12 died": the dead are its targets
        passive = _passive_subject_of(verb, subject) or trigger.kind == "toll"
        role = Role.AGENT if not passive or trigger.type in AGENTIVE_PASSIVE else Role.TARGET
        if _gives_up_control(trigger, lex):
            role = Role.PREVIOUS  # "X handed the base over to Y": X is the old holder
        found += _actor_mentions(_speaker_for_pronoun(subject, lex), role, lex)
    if _gives_up_control(trigger, lex):
        found += [m for _, obj in prep_objects(verb, "to") for m in _actor_mentions(obj, Role.AGENT, lex)]
    for _, obj in prep_objects(verb, "by"):
        if obj.head.dep_ == "agent" or _participle_by_actor(verb, obj, lex):
            found += _actor_mentions(obj, Role.AGENT, lex)  # a passive's "by X", not "by the end of April"
    victims = subject is not None and subject.dep_ == "nsubjpass" or any(children(verb, "dobj"))
    victims = victims or trigger.kind == "toll"
    if trigger.type in (EventType.ASSAULT, EventType.FIGHT) and victims:
        # "12 were killed, including 5 members of the army": the parse may hang the list off the verb
        found += [
            m for _, obj in prep_objects(verb, *_INCLUDING) for m in _actor_mentions(obj, Role.TARGET, lex)
        ]
    for obj in children(verb, "dobj"):
        role = Role.TARGET if trigger.type in (EventType.ASSAULT, EventType.FIGHT) else Role.AGENT
        if trigger.type in (EventType.ASSAULT, EventType.FIGHT) or _is_own_force(obj, lex):
            found += _actor_mentions(obj, role, lex)
    for prep, obj in prep_objects(verb, "against", "with", "alongside"):
        if is_force_token(obj, lex) and obj.lower_ not in lex.word_set("vehicle_nouns"):
            role = Role.TARGET if prep == "against" or trigger.type == EventType.FIGHT else Role.PARTNER
            found += _actor_mentions(obj, role, lex)
    found += _previous_holders(verb, lex)
    return _dedupe(found)


def _participle_by_actor(verb: Token, obj: Token, lex: Lexicon) -> bool:
    """ "areas targeted by the regime forces", "shelling by the army": the parse may label a participle's
    "by" an ordinary preposition; it is the doer when it names one who can act."""
    if verb.tag_ not in ("VBN", "VBG") or is_place_token(obj, lex):
        return False
    return _can_be_actor(obj, Role.AGENT, lex)


def _names_the_attack(subject: Token, trigger: Trigger, lex: Lexicon) -> bool:
    """The subject of an attack verb is an attack noun ("the strike hit", "shelling killed")."""
    return trigger.type in (EventType.ASSAULT, EventType.FIGHT) and lex.noun_types.get(
        subject.lemma_.lower()
    ) in (EventType.ASSAULT, EventType.FIGHT)


def _flag_owners(verb: Token, lex: Lexicon) -> list[ActorMention]:
    """Whose flag it is: "a Russian flag", "the RSF's flag", else who raised it."""
    found = []
    for flag in children(verb, "dobj", "nsubjpass"):
        for child in flag.children:
            if child.dep_ in ("amod", "compound", "poss") and child.ent_type_ in ("NORP", "ORG", "GPE"):
                found.append(ActorMention(span_mention(_name_span(child)), Role.AGENT))
    subject = subject_of(verb)
    if not found and subject is not None and subject.dep_ == "nsubj" and is_force_token(subject, lex):
        found += _actor_mentions(_speaker_for_pronoun(subject, lex), Role.AGENT, lex)
    return _dedupe(found)


def _holders(control: Token, lex: Lexicon) -> list[ActorMention]:
    """Who holds a place "under X's control", "under the control of X", "under Ukrainian control"."""
    found = []
    for child in control.children:
        if child.dep_ in ("poss", "amod", "compound") and (child.ent_type_ or child.pos_ == "PROPN"):
            found.append(ActorMention(span_mention(_name_span(child)), Role.AGENT))
        elif child.dep_ == "poss" and is_force_token(child, lex):
            found.append(ActorMention(span_mention(noun_phrase(child)), Role.AGENT))  # "the army's control"
        elif child.dep_ in ("amod", "compound") and (
            is_force_token(child, lex) or child.lemma_ in _OWNER_NOUNS
        ):
            found.append(
                ActorMention(span_mention(child), Role.AGENT)
            )  # "under rebel control", "army control"
    for _, obj in prep_objects(control, "of", "by"):
        found += _actor_mentions(obj, Role.AGENT, lex)
    return _dedupe(found)


def earlier_places(trigger: Trigger, lex: Lexicon) -> list[PlaceCue]:
    """ "the second base the force hands back after X", "the third town to fall to the rebels after X and
    Y": the same move made at X (and Y) before. The trigger describes a noun counted by an ordinal."""
    token = trigger.token
    if trigger.nominal or token.dep_ not in ("relcl", "acl") or not _counted(token.head):
        return []
    cues = []
    for _, obj in prep_objects(token, "after"):
        for place in [obj, *conjuncts(obj)]:
            cue = place_cue(place, "after", lex, named=True)
            if cue is not None:
                cues.append(cue)
    return cues


def _counted(noun: Token) -> bool:
    return any(c.ent_type_ == "ORDINAL" or c.lower_ in ("latest", "last") for c in children(noun, "amod"))


def _passive_subject_of(verb: Token, subject: Token) -> bool:
    """ "the town was shelled and captured": a passive subject of the verb or of the verbs it is joined to;
    not of a verb governing it ("the rebels are poised to capture X": they capture)."""
    if subject.dep_ != "nsubjpass":
        return False
    current = verb
    while current.dep_ == "conj" and current.head != current and current != subject.head:
        current = current.head
    return current == subject.head


def _held_places(control: Token) -> list[tuple[str, Token]]:
    """The place that is under control: the subject of the verb "under" hangs from ("X remains under
    ..."), or the noun it describes ("the bases, now under ...")."""
    above = control.head.head  # control <- under <- verb or noun
    if above.pos_ in ("VERB", "AUX", "ADJ"):
        subject = subject_of(above)
        if subject is not None and subject.tag_ == "WDT" and above.dep_ == "relcl":
            subject = above.head  # "the town of X, which is under Y's control": the town
        return [("dobj", subject)] if subject is not None else []
    return [("dobj", above)] if above.pos_ in ("NOUN", "PROPN") else []


def receivers(trigger: Trigger, lex: Lexicon) -> list[ActorMention]:
    """Who a handover gives the place to: the "to" object of the verb or noun, or of what it gives
    ("handed the base to X", "the handover of the base to X"). Places are not receivers ("to Germany")."""
    token = trigger.token
    holders = [token, *handover_objects(token, lex)] if not trigger.nominal else [token]
    if trigger.particle is not None:
        holders.append(trigger.particle)  # "handed back to X": the parse may hang "to X" off "back"
    if trigger.nominal:
        holders += [o for _, o in prep_objects(token, "of")]
    found = []
    for holder in holders:
        for _, obj in prep_objects(holder, "to"):
            if _can_receive(obj, lex):
                found += _actor_mentions(obj, Role.AGENT, lex)
    return _dedupe(found)


def _can_receive(token: Token, lex: Lexicon) -> bool:
    """An army, an authority or a state receives a place; a town or a base does not."""
    if token.ent_type_ == "GPE":
        return True  # "handed the base to Senegal": the state
    return not is_place_token(token, lex) and token.pos_ in ("NOUN", "PROPN")


def _expel_actors(verb: Token, lex: Lexicon) -> list[ActorMention]:
    """ "X expelled Y from Z": X takes control (agent), Y held the place before (previous)."""
    found: list[ActorMention] = []
    subject = subject_of(verb)
    passive = subject is not None and subject.dep_ == "nsubjpass"
    if subject is not None and not passive:
        found += _actor_mentions(_speaker_for_pronoun(subject, lex), Role.AGENT, lex)
    for _, obj in prep_objects(verb, "by"):
        if obj.head.dep_ == "agent":
            found += _actor_mentions(obj, Role.AGENT, lex)
    expelled = [subject] if passive else list(children(verb, "dobj"))
    for obj in expelled:
        found += _actor_mentions(obj, Role.PREVIOUS, lex)
    return _dedupe(found)


def _gives_up_control(trigger: Trigger, lex: Lexicon) -> bool:
    if trigger.type != EventType.CONTROL or trigger.nominal:
        return False
    lemma = trigger.token.lemma_.lower()
    phrase = f"{lemma} {trigger.particle.lower_}" if trigger.particle is not None else lemma
    return phrase in lex.losing_verbs or lemma in lex.losing_verbs


def _speaker_for_pronoun(subject: Token, lex: Lexicon) -> Token:
    """ "X said its forces had captured Y" / "X said they had attacked Y" / "the army chief said he was
    withdrawing troops": X names the actor."""
    pronoun = subject.pos_ == "PRON" and subject.lower_ in ("they", "it", "we", "he", "she")
    if not pronoun and not any(
        c.dep_ == "poss" and c.lower_ in ("its", "their", "our", "his", "her") for c in subject.children
    ):
        return subject
    # "X said its forces took Y, reports Z": the speaker just before the pronoun, whatever the parse hangs
    # the clause from (here the trailing outlet's "reports")
    before = [
        v
        for v in subject.sent
        if v.i < subject.i and v.lemma_ in lex.word_set("reporting_verbs") and v.pos_ == "VERB"
    ]
    for verb in reversed(before):
        speaker = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), None)
        if speaker is not None and speaker.pos_ != "PRON":
            return speaker
    for verb in subject.ancestors:
        if verb.lemma_ in lex.word_set("reporting_verbs"):
            speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if speaker is not None and speaker.pos_ != "PRON":
                return speaker
        if verb.lemma_ in _SPEECH_NOUNS:  # "Kyiv's announcement of its troops withdrawing"
            speaker = next((c for c in verb.children if c.dep_ == "poss"), None)
            if speaker is not None and speaker.pos_ != "PRON":
                return speaker
    return subject


_SPEECH_NOUNS = frozenset({"announcement", "statement", "declaration", "claim", "decision", "order"})


def _can_act(subject: Token, lex: Lexicon) -> bool:
    """A country can act ("the United States is withdrawing"); a town or a base cannot."""
    if subject.ent_type_ == "GPE" and subject.dep_ != "nsubjpass":
        return True
    return not is_place_token(subject, lex)


def _nominal_actors(trigger: Trigger, lex: Lexicon) -> list[ActorMention]:
    noun = trigger.token
    found: list[ActorMention] = []
    for child in children(noun, "poss", "compound", "amod", "nmod"):
        if is_force_token(child, lex) and not is_place_token(child, lex):
            found += _actor_mentions(child, Role.AGENT, lex)
    head = occurrence_head(noun, lex)  # "clashes continue between X and Y"
    sides = list(prep_objects(head, "between")) if head is not None else []
    # "clashes in the countryside of X between the factions and the regime forces": the parse may hang the
    # sides on the place
    sides += [
        side for _, place in prep_objects(noun, "in", "at", "near") for side in prep_objects(place, "between")
    ]
    for prep, obj in [*prep_objects(noun, "of", "by", "against", "between"), *sides]:
        if prep == "against":
            found += _actor_mentions(obj, Role.TARGET, lex)
        elif not is_place_token(obj, lex):
            found += _actor_mentions(obj, Role.AGENT, lex)
    for _, obj in prep_objects(noun, "among", "in"):
        if obj.lemma_.lower() in ("rank", "ranks") or _is_own_force(obj, lex) and obj.head.lower_ == "among":
            found += _actor_mentions(obj, Role.TARGET, lex)  # "casualties in the ranks of the army"
    for part in children(noun, "acl"):  # "shelling carried out by the regime forces"
        if part.lemma_.lower() in lex.word_set("event_light_verbs"):
            found += [m for _, obj in prep_objects(part, "by") for m in _actor_mentions(obj, Role.AGENT, lex)]
    doer = doer_of_nominal(noun, lex)
    if doer is not None:
        found += _actor_mentions(_speaker_for_pronoun(doer, lex), Role.AGENT, lex)
    claimant = _claimant(noun)
    if claimant is not None:
        found += _actor_mentions(claimant, Role.CLAIMANT, lex)
        found += _actor_mentions(claimant, Role.AGENT, lex)
    return _dedupe(found)


def _claimant(noun: Token) -> Token | None:
    """The subject of "claimed responsibility for <noun>"."""
    for anc in noun.ancestors:
        if anc.lemma_ == "claim":
            return subject_of(anc)
    return None


def _previous_holders(verb: Token, lex: Lexicon) -> list[ActorMention]:
    """ "areas previously held by X": the agent of a "held" or "controlled" participle is the old holder."""
    found: list[ActorMention] = []
    for token in verb.subtree:
        if token.dep_ == "acl" and token.lemma_ in ("hold", "control", "occupy"):
            for _, obj in prep_objects(token, "by"):
                found += _actor_mentions(obj, Role.PREVIOUS, lex)
        if held_by_modifier(token) and token.head.head in (verb, *verb.children) and _takes(verb, lex):
            found += _actor_mentions(token.nbor(-2), Role.PREVIOUS, lex)  # "retook the RSF-held town"
    if _takes(verb, lex) or any(c.lemma_ == "control" for c in children(verb, "dobj")):
        for _, obj in prep_objects(verb, "from"):  # "took control of the palace from the RSF"
            if not is_place_token(obj, lex) and _can_be_actor(obj, Role.PREVIOUS, lex):
                found += _actor_mentions(obj, Role.PREVIOUS, lex)
    return found


def _takes(verb: Token, lex: Lexicon) -> bool:
    return lex.verb_types.get(verb.lemma_.lower()) == EventType.CONTROL


def _is_own_force(obj: Token, lex: Lexicon) -> bool:
    """ "withdrew its troops": an object that is a force noun belongs to the agent, and may name it."""
    return obj.lower_ in lex.word_set("force_nouns") and obj.lower_ not in lex.word_set("vehicle_nouns")


# Prepositions that list some of a phrase's members: "12 people, including 5 soldiers".
_INCLUDING = ("including", "among")


def _included(token: Token) -> list[Token]:
    """Members a phrase lists after "including" ("12 people, including 5 soldiers and 2 children")."""
    return [obj for _, obj in prep_objects(token, *_INCLUDING)]


def _actor_mentions(token: Token, role: Role, lex: Lexicon) -> list[ActorMention]:
    found = []
    for tok in [token, *conjuncts(token), *_included(token)]:
        tok = _member_noun(tok, lex)
        if tok.pos_ == "ADJ" and tok.ent_type_ == "NORP":
            if joined_by_hyphen(tok):
                continue  # "a Liberian-flagged ship", "an Iranian-made drone": a flag or a maker, not a doer
            found.append(ActorMention(span_mention(tok), role))  # "Israeli" in "an Israeli drone strike"
            continue
        if tok.lower_ in lex.word_set("vehicle_nouns"):
            owner = _owner_modifier(tok, lex)  # "an RSF attack drone struck": the drone's owner acts
            if owner is not None:
                found.append(ActorMention(span_mention(_name_span(owner)), role))
            elif tok.lower_ in _WARPLANES and role == Role.AGENT:
                # "warplanes struck X": a state's air force, which the document names or whose country it is
                found.append(ActorMention(span_mention(tok), role))
            continue
        if tok.pos_ not in ("NOUN", "PROPN"):
            continue
        if tok.lemma_.lower() in ("dozen", "hundred", "thousand", "score") and tok.lower_.endswith("s"):
            continue
        if any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in tok.children) or _none_of(tok):
            continue  # "no group claimed responsibility", "not a single soldier remained": nobody did
        if not _can_be_actor(tok, role, lex):
            # "a Russian guided bomb", "an army drone strike": the weapon's owner, where a word names one
            owner = _owner_modifier(tok, lex)
            if owner is not None:
                found.append(ActorMention(span_mention(owner), role))
            continue  # "the decision", "a car bomb", "the rest", "two witnesses" (a source), "two years"
        phrase = noun_phrase(tok)
        ent = entity_of(tok)
        if (
            ent is not None
            and ent.label_ in ("ORG", "NORP")
            and (ent.start < phrase.start or ent.end > phrase.end)
        ):
            # a name the parse splits ("The March 23 Movement" read as "Movement"): the whole name
            phrase = tok.doc[min(ent.start, phrase.start) : max(ent.end, phrase.end)]
        if phrase.text.strip():
            found.append(ActorMention(span_mention(phrase), role))
    return found


def _none_of(token: Token) -> bool:
    """ "not a single soldier": a count of none."""
    det = next((c for c in token.children if c.dep_ in ("det", "amod") and c.lower_ in ("a", "single")), None)
    return det is not None and any(t.lower_ == "not" for t in token.doc[max(det.i - 2, 0) : det.i])


def _can_be_actor(token: Token, role: Role, lex: Lexicon) -> bool:
    """A named group, state or person, a force, or people or a body that can act; a vessel only as what
    an attack strikes. A source of the report ("witnesses", "a security source") is not an actor."""
    if token.ent_type_ in ("ORG", "NORP", "PERSON", "GPE") or token.ent_id_:
        return True
    if token.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"):
        return False
    lemma, lower = token.lemma_.lower(), token.lower_
    if lemma in lex.word_set("vessel_nouns") or lower in lex.word_set("vessel_nouns"):
        return role == Role.TARGET
    if (
        is_force_token(token, lex)
        or lemma in lex.word_set("actor_nouns")
        or lower in lex.word_set("actor_nouns")
    ):
        return True
    if lemma in lex.victim_category:
        return True
    return token.pos_ == "PROPN" and token.is_title  # a name the model did not label


def _owner_modifier(token: Token, lex: Lexicon) -> Token | None:
    """A modifier before a noun that names who it belongs to: a force noun or a named group or nation."""
    for mod in token.subtree:
        if mod.i >= token.i:
            break
        if mod.dep_ not in ("compound", "amod", "poss", "nmod") or mod.ent_type_ in (
            "DATE",
            "TIME",
            "CARDINAL",
        ):
            continue
        if joined_by_hyphen(mod):
            continue  # "a Liberian-flagged ship": its flag, not its owner
        if mod.ent_type_ in ("ORG", "NORP", "GPE") or mod.ent_id_ or is_force_token(mod, lex):
            return mod
        if mod.lemma_.lower() in _OWNER_NOUNS:
            return mod  # "regime warplanes", "government helicopters"
    for _, obj in prep_objects(token, "of"):  # "the warplanes of the Syrian regime"
        if obj.ent_type_ in ("ORG", "NORP", "GPE") or obj.ent_id_ or obj.lemma_.lower() in _OWNER_NOUNS:
            return obj
    return None


# Aircraft only states fly: with no owner named they stand for the document's state forces.
_WARPLANES = frozenset({"warplanes", "warplane", "jets", "helicopters", "helicopter"})
# Heads of a state's own name for itself that own its weapons: "regime warplanes", "government jets".
_OWNER_NOUNS = frozenset({"regime", "government", "junta", "army", "military", "coalition"})


def _member_noun(token: Token, lex: Lexicon) -> Token:
    """ "a contingent of Guatemalan soldiers": the soldiers say who, the contingent only how many;
    "fighters of the March 23 Movement": the group they belong to says who."""
    if token.lemma_.lower() in lex.word_set("collective_nouns"):
        for _, obj in prep_objects(token, "of"):
            return obj
    if is_force_token(token, lex) and not token.ent_type_:
        for _, obj in prep_objects(token, "of"):
            if obj.ent_type_ in ("ORG", "NORP") or obj.ent_id_:
                return obj
    return token


def _dedupe(found: list[ActorMention]) -> list[ActorMention]:
    seen: dict[tuple[int, int, Role], ActorMention] = {}
    for item in found:
        seen.setdefault((item.mention.start, item.mention.end, item.role), item)
    return list(seen.values())


def find_places(trigger: Trigger, lex: Lexicon) -> list[PlaceCue]:
    token = trigger.token
    containers = _verb_containers(token, lex)
    if trigger.kind == "posted":  # the site itself, at its town
        cue = place_cue(token, "at", lex, containers)
        return [cue] if cue is not None else []
    if trigger.kind == "located":
        objects = list(prep_objects(token, "in", "at", "near", "inside", "around"))
    elif trigger.kind == "held":
        objects = [("dobj", token.head)] if held_by_modifier(token) else _held_places(token)
    if trigger.kind in ("located", "held"):
        return [
            cue
            for prep, obj in objects
            for cue in _listed_places(obj, lex) or [place_cue(obj, prep, lex, containers, named=True)]
            if cue is not None
        ]
    if trigger.kind == "flag":
        return [
            cue
            for prep, obj in prep_objects(token, *FLAG_PLACE_PREPOSITIONS)
            if (cue := place_cue(obj, prep, lex, containers))
        ]
    if trigger.kind in ("handover", "expel"):
        objects = _handover_places(trigger, lex) if trigger.kind == "handover" else _expel_places(token)
        cues = [cue for prep, obj in objects if (cue := place_cue(obj, prep, lex, containers)) is not None]
        return cues or _places_in_phrase(trigger, lex, containers)
    preps = PLACE_PREPS[trigger.type]
    cues: list[PlaceCue] = []
    objects = [(p, o) for p, o in prep_objects(token, *preps)]
    # "clashes continue in X", "shelling killed two in X", "shelling left two dead in X": the verb that
    # says the event happened says where (the parse may read a subject "shelling" as a gerund)
    head = occurrence_head(token, lex) if trigger.nominal or token.tag_ == "VBG" else None
    if head is not None:
        objects += list(prep_objects(head, *preps))
        objects += [po for c in children(head, "dobj", "oprd", "acomp") for po in prep_objects(c, *preps)]
        containers = containers or _verb_containers(head, lex)
    witness = witnessing_place(token, lex) if trigger.nominal else None
    if witness is not None:  # "Harasta witnessed heavy shelling": a place, whatever the model labelled it
        cue = place_cue(witness, "in", lex, containers, named=True)
        cues += [cue] if cue is not None else []
    nearby = adjacent_place(token, lex) if trigger.nominal and not objects and witness is None else None
    if nearby is not None:  # "... and clashes in the desert of Homs", parsed as if X had the clashes
        objects.append(nearby)
    headline = headline_span(token, lex) if trigger.nominal and not objects else None
    if headline is not None:
        cues += _headline_places(headline, lex, containers)
    if trigger.type in (EventType.CONTROL, EventType.WITHDRAW, EventType.ASSAULT) and not trigger.nominal:
        # "the base in X, which was handed over to Y": the base
        objects += [("dobj", antecedent(o)) for o in children(token, "dobj", "nsubjpass")]
        objects += [("dobj", o) for o in place_subjects(token, lex)]  # "Kidal fell to the rebels"
        objects += [("dobj", c) for o in children(token, "dobj") for c in conjuncts(o)]
    if trigger.type in (EventType.CONTROL, EventType.WITHDRAW) and not trigger.nominal:
        # "had captured it", "left it on Monday": the town or site named before
        cues += [
            PlaceCue(span_mention(o), feature_hint=PRONOUN, anaphoric=True)
            for o in children(token, "dobj")
            if o.lower_ == "it"
        ]
    if trigger.type == EventType.ASSAULT and token.lemma_.lower() in lex.word_set("place_attack_verbs"):
        # "warplanes bombed Qardaha", "shells fell on Dael": what is shelled or bombed is a place, whatever
        # the model labelled the name (a person, an organisation); the gazetteer decides
        named = [o for p, o in objects if p in ("dobj", "on") and _attacked_name(o)]
        cues += [PlaceCue(span_mention(_name_span(o))) for o in named]
        objects = [(p, o) for p, o in objects if o not in named]
    if trigger.type == EventType.CONTROL and not trigger.nominal:
        for ctl in children(token, "dobj"):
            if ctl.lemma_.lower() in lex.handover_objects:  # "took control of X" (not "took the villages of")
                objects += list(prep_objects(ctl, "of", "over"))
    if not trigger.nominal:
        objects += [
            ("of", o)
            for out in children(token, "prt", "advmod", "prep")
            if out.lower_ == "out"
            for _, o in prep_objects(out, "of")
        ]  # "pulled X out of Y"
    cues += _offset_places(token, lex) + (_offset_places(head, lex) if head is not None else [])
    if trigger.type == EventType.WITHDRAW:
        # "the withdrawal of 60 troops from X": the parse may hang "from X" on the force
        objects += [
            ("from", o)
            for _, force in list(objects)
            if is_force_token(force, lex)
            for _, o in prep_objects(force, "from")
        ]
    for prep, obj in objects:
        listed = _listed_places(obj, lex, containers)
        if listed:
            cues += listed
            continue
        cue = place_cue(obj, prep, lex, containers)
        if cue is not None:
            cues += [cue, *_other_facilities(obj, cue, lex, containers), *_conjoined_places(obj, cue, lex)]
    found = _facility_first(cues) or _places_in_phrase(trigger, lex, containers)
    if not found and trigger.type in (EventType.ASSAULT, EventType.FIGHT):
        found = _only_place_of_sentence(trigger, lex, containers)
    if trigger.type == EventType.WITHDRAW and not trigger.nominal:
        found += _where_the_leavers_are(token, lex)
    return found


def _where_the_leavers_are(verb: Token, lex: Lexicon) -> list[PlaceCue]:
    """ "300 Italian soldiers based in Niamey will leave Niger": where the leaving force is based, kept as a
    cue that refines the place left where it lies inside it (see STATIONED)."""
    subject = subject_of(verb)
    if subject is None:
        return []
    based = [c for c in children(subject, "acl") if c.lemma_.lower() in lex.word_set("stationing_verbs")]
    return [
        replace(cue, feature_hint=STATIONED)
        for acl in based
        for prep, obj in prep_objects(acl, "in", "at")
        if (cue := place_cue(obj, prep, lex)) is not None and not cue.anaphoric
    ]


def _only_place_of_sentence(trigger: Trigger, lex: Lexicon, containers: Sequence[Span]) -> list[PlaceCue]:
    """An attack or a clash whose own words name no place, in a sentence that names one place only and
    no other attack or clash: a headline's "Renewed shelling by the army leaves dozens of casualties in
    besieged Idlib" happened there. Not where the sentence names two places, or where a speaker spoke."""
    sent = trigger.token.sent
    places = [e for e in sent.ents if e.label_ in PLACE_LABELS and not _names_speech_place(e, lex)]
    # another attack or clash that names its own place elsewhere in the sentence: the place may be its
    others = [t for t in sent if t != trigger.token and _is_violent_word(t, lex) and _names_place(t, lex)]
    if len(places) != 1 or others:
        return []
    cue = place_cue(places[0].root, "in", lex, containers)
    return [cue] if cue is not None and not cue.anaphoric else []


def _names_place(token: Token, lex: Lexicon) -> bool:
    """Whether a word has a place phrase of its own ("clashes in X", "shelled X")."""
    return any(
        is_place_token(o, lex) or any(t.ent_type_ in PLACE_LABELS for t in o.subtree)
        for c in token.children
        if c.dep_ in ("prep", "dobj")
        for o in ([c] if c.dep_ == "dobj" else children(c, "pobj"))
    )


def _names_speech_place(ent: Span, lex: Lexicon) -> bool:
    """ "..., the ministry said in Damascus": the place of a verb of saying."""
    return any(a.lemma_.lower() in lex.word_set("reporting_verbs") for a in ent.root.ancestors)


def _is_violent_word(token: Token, lex: Lexicon) -> bool:
    lemma = token.lemma_.lower()
    kinds = (lex.noun_types.get(lemma), lex.verb_types.get(lemma))
    return any(k in (EventType.ASSAULT, EventType.FIGHT) for k in kinds)


def _headline_places(span: Span, lex: Lexicon, containers: Sequence[Span]) -> list[PlaceCue]:
    """The places a headline names after its event noun (`headline_span`), each phrase once."""
    cues: list[PlaceCue] = []
    for token in span:
        taken = any(c.mention.start <= token.idx < c.mention.end for c in cues)
        if token.dep_ not in _HEADLINE_DEPS or taken:
            continue
        cue = place_cue(token, "in", lex, containers)
        if cue is not None and cue.mention.end > span.start_char and not cue.anaphoric:
            cues.append(cue)
    return cues


_HEADLINE_DEPS = frozenset({"pobj", "dobj", "appos", "conj", "ROOT", "nsubj", "npadvmod", "attr", "compound"})


def _attacked_name(token: Token) -> bool:
    """A proper name that sitroom's actor data does not know, and that the model did not call a place."""
    return (
        token.pos_ == "PROPN"
        and not token.ent_id_
        and token.ent_type_ in ("", "PERSON", "ORG")
        and not any(c.dep_ == "poss" for c in token.children)
    )


def _conjoined_places(obj: Token, cue: PlaceCue, lex: Lexicon) -> list[PlaceCue]:
    """ "the countryside of Idlib, Aleppo and Hama", "in Hama and Aleppo countrysides": each name joined
    to the first is a place of its own, read with the same head noun. (Names that are themselves the
    object, "in Idlib and Hama", come as objects of their own.)"""
    name = _name_token(obj, lex)
    if name is None or name is obj or cue.facility is not None:
        return []
    joined = [c for c in conjuncts(name) if c.ent_type_ in PLACE_LABELS or c.pos_ == "PROPN"]
    return [replace(cue, mention=span_mention(_name_span(c)), alternate=None) for c in joined]


def _other_facilities(obj: Token, cue: PlaceCue, lex: Lexicon, containers: Sequence[Span]) -> list[PlaceCue]:
    """ "left the Kidal and Tessalit sites", "left bases in the towns of Kidal and Tessalit": a plural
    facility named at several places is one facility at each."""
    if cue.facility is None or obj.tag_ not in ("NNS", "NNPS"):
        return []
    name = _name_token(obj, lex)
    others = [_name_span(c) for c in conjuncts(name) if c.pos_ == "PROPN"] if name is not None else []
    if name is None and len(containers) > 1:
        others = list(containers[1:])
    return [replace(cue, mention=span_mention(span), container=None) for span in others]


_DISTANCE_UNITS = frozenset(
    {"km", "kilometre", "kilometer", "kilometres", "kilometers", "mile", "miles", "nm"}
)


def _offset_places(verb: Token, lex: Lexicon) -> list[PlaceCue]:
    """ "(attacked ...) 51 nautical miles southwest of Hodeidah", "30 km north of X": the whole phrase,
    which the resolver reads as the named place moved by that much."""
    found = []
    for word in _own_phrase(verb):
        if word.lemma_.lower() not in lex.word_set("compass") or word.dep_ not in (
            "advmod",
            "npadvmod",
            "prep",
        ):
            continue
        units = [
            c for c in word.children if c.lemma_.lower() in _DISTANCE_UNITS or c.lower_ in _DISTANCE_UNITS
        ]
        places = [o for _, o in prep_objects(word, "of") if o.ent_type_ in PLACE_LABELS or o.pos_ == "PROPN"]
        if units and places:
            start = min(t.i for t in units[0].subtree)
            end = _name_span(places[0]).end
            found.append(PlaceCue(span_mention(verb.doc[start:end]), feature_hint="near"))
    return found


def _own_phrase(verb: Token) -> list[Token]:
    """The words of a verb's clause, less those of clauses within it: the parse may hang "40 nautical
    miles west of X" on the verb's object ("struck by missiles 40 nautical miles west of X")."""
    found, stack = [], list(verb.children)
    while stack:
        token = stack.pop()
        found.append(token)
        if token.pos_ not in ("VERB", "AUX"):
            stack.extend(token.children)
    return sorted(found, key=lambda t: t.i)


_LISTING = ("including", "like", "such", "notably", "among")


def _listed_places(obj: Token, lex: Lexicon, containers: Sequence[Span] = ()) -> list[PlaceCue]:
    """ "several villages including A and B", "the towns of A, B and C": one place for each name listed."""
    if obj.lemma_.lower() not in lex.word_set("area_nouns") or obj.tag_ not in ("NNS", "NNPS"):
        return []
    names = [o for p, o in prep_objects(obj, "of", *_LISTING) if p != "of" or o.pos_ == "PROPN"]
    names += [c for c in obj.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
    for marker in (c for c in obj.children if c.lower_ in _LISTING and c.dep_ in ("prep", "acl", "amod")):
        names += [o for o in marker.children if o.dep_ in ("pobj", "dobj") and o not in names]
    hint = obj.lemma_.lower()
    listed = dict.fromkeys(
        name for head in names for name in [head, *conjuncts(head)] if name.pos_ == "PROPN"
    )
    # "the villages of A, B and C in the X region": all in X, wherever the parse hangs "in the X region"
    area = next((a for name in [None, *listed] if (a := _inner_container(obj, name, lex)) is not None), None)
    container = area.text if area is not None else next((c.text for c in containers), None)
    return [
        PlaceCue(span_mention(_name_span(name)), container=container, feature_hint=hint) for name in listed
    ]


def _facility_first(cues: list[PlaceCue]) -> list[PlaceCue]:
    """ "took the palace in X": one place, the facility in X, not also X itself."""
    at_facility = {c.mention.start for c in cues if c.facility is not None}
    return [c for c in cues if c.facility is not None or c.mention.start not in at_facility]


def _handover_places(trigger: Trigger, lex: Lexicon) -> list[tuple[str, Token]]:
    """What a handover gives: the verb's object (or "control of X"), the noun's "of" phrase."""
    token = trigger.token
    if not trigger.nominal:
        given = handover_objects(token, lex)
    else:
        given = []
        for obj in given_by_noun(token):
            if obj.lemma_.lower() in lex.handover_objects:
                given += [o for _, o in prep_objects(obj, "of", "over")]
            else:
                given.append(obj)
    return [("dobj", obj) for obj in given for obj in [obj, *conjuncts(obj)]]


def _expel_places(verb: Token) -> list[tuple[str, Token]]:
    places = [("from", o) for _, o in prep_objects(verb, "from")]
    for out in (c for c in verb.children if c.dep_ in ("prt", "advmod", "prep") and c.lower_ == "out"):
        places += [("from", o) for _, o in prep_objects(out, "of", "from")]
    places += [("from", o) for p, o in prep_objects(verb, "of") if verb.lemma_ in ("drive", "push")]
    return places


def _places_in_phrase(trigger: Trigger, lex: Lexicon, containers: Sequence[Span]) -> list[PlaceCue]:
    """No place argument: the first place named inside the trigger's own phrase ("hit an army base in the
    town of X", "withdrew from a position overlooking the village of X"), leaving out its subject and
    wider units (a province is where a town lies, not where it happened)."""
    subject = {t.i for c in trigger.token.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
    if trigger.kind == "handover":  # "handed the facilities to Senegal": the receiver is not the place
        spans = [(a.mention.start, a.mention.end) for a in receivers(trigger, lex)]
        subject |= {t.i for t in trigger.token.subtree if any(a <= t.idx < b for a, b in spans)}
    for token in trigger.token.subtree:
        if token.i == trigger.token.i or token.i in subject or token.dep_ not in ("pobj", "dobj"):
            continue
        cue = place_cue(token, token.head.lower_, lex, containers)
        if cue is not None and cue.feature_hint not in ("province", "governorate", "region", "state"):
            return [cue]
    return []


def _verb_containers(verb: Token, lex: Lexicon) -> list[Span]:
    """Areas named with "in" on the verb itself ("left the X base in Y province" puts the base in Y)."""
    names = []
    for _, obj in prep_objects(verb, "in", "inside"):
        token = _named_settlement(obj, lex) or _place_child(obj)
        if token is not None and (obj.lemma_.lower() in lex.word_set("area_nouns") or token is obj):
            names += [_name_span(t) for t in [token, *conjuncts(token)] if t.pos_ == "PROPN"] or [
                _name_span(token)
            ]
    return names


def place_cue(
    obj: Token, prep: str, lex: Lexicon, containers: Sequence[Span] = (), named: bool = False
) -> PlaceCue | None:
    """A place cue from the object of a preposition or verb: name, head noun, enclosing area, other name.
    `named`: the phrase stands where only a place can ("X remains under Y's control"), so a proper name
    is one whatever the model labelled it."""
    if named and obj.pos_ == "PROPN" and obj.ent_type_ not in PLACE_LABELS:
        return PlaceCue(span_mention(_name_span(obj)))
    if _names_a_vessel_or_force(obj, lex):
        return None  # "The Eternity C, a Liberia-flagged vessel, was attacked": a ship, not a place
    if is_country_anaphor(obj):
        return _anaphor(obj, obj.lemma_.lower(), lex)
    if is_force_token(obj, lex) and obj.ent_type_ not in PLACE_LABELS and obj.pos_ == "NOUN":
        return None  # "the withdrawal of 60 US troops": a force, whatever place its modifiers name
    if not is_place_token(obj, lex) and not any(t.ent_type_ in PLACE_LABELS for t in obj.subtree):
        return None
    town = town_of_named_facility(obj)
    if town is not None:  # "the Desert Platform of X": found under its own name, else at X
        name = obj.doc[_name_span(obj).start : obj.i + 1]
        return PlaceCue(
            span_mention(_name_span(town)), feature_hint="near", alternate=name.text, facility=obj.lower_
        )
    head_noun = obj.lemma_.lower()
    described = None
    name_token = _name_token(obj, lex)
    inner_container = _inner_container(obj, name_token, lex)
    facility = _facility(obj, name_token, lex)
    indefinite = any(c.lower_ in ("a", "an") for c in children(obj, "det")) and is_place_token(obj, lex)
    if name_token is None:
        if inner_container is None and facility is not None and containers:
            # "recaptured the palace in X": the verb's "in X" is where the facility is
            return PlaceCue(
                span_mention(containers[0]),
                feature_hint=head_noun,
                facility=facility,
                described=head_noun if indefinite else None,
            )
        if inner_container is None and indefinite and containers:  # "seized a town in northern X"
            return PlaceCue(span_mention(containers[0]), described=head_noun)
        if inner_container is None:
            return _anaphor(obj, head_noun, lex, facility)
        name_span, feature = inner_container, None
        inner_container = None
        if indefinite:
            described = head_noun  # "a city in eastern X", "a military base in northern Y"
    else:
        name_span = _part_of_place(name_token, lex) or _name_span(name_token)
        feature = _feature_hint(head_noun, prep, lex)
        where = name_token.dep_ == "pobj" and name_token.head.lower_ in ("in", "inside") and name_token != obj
        if where and indefinite:
            described = head_noun  # "a military base in northeastern X": which one, the report says later
    container = (
        inner_container.text if inner_container is not None else next((c.text for c in containers), None)
    )
    container = container or _nationality_of_the_place(obj, name_token)
    if container and container == name_span.text:
        container = None
    return PlaceCue(
        span_mention(name_span),
        container=container,
        feature_hint=feature,
        alternate=_alternate_name(obj),
        facility=facility,
        described=described,
    )


def _part_of_place(token: Token, lex: Lexicon) -> Span | None:
    """ "the north of Hama", "the east of Daraa": a part of a named place, in the words that say which (the
    resolver places it in that part), not the compass word alone (a part of the document's country)."""
    if token.lemma_.lower() not in lex.word_set("compass"):
        return None
    for _, pobj in prep_objects(token, "of"):
        if pobj.ent_type_ in PLACE_LABELS or pobj.pos_ == "PROPN":
            before = token.doc[token.i - 1] if token.i > 0 else None
            start = before.i if before is not None and before.lower_ == "the" else token.i
            return token.doc[start : _name_span(pobj).end]
    return None


def _names_a_vessel_or_force(token: Token, lex: Lexicon) -> bool:
    """A name that an apposition or a "named" phrase says is a ship or a unit ("the X, a bulk carrier")."""
    described = [c for c in token.children if c.dep_ in ("appos", "attr")]
    if token.dep_ in ("appos", "oprd") or token.head.lemma_ == "name":
        described.append(token.head)
    kinds = lex.word_set("vessel_nouns") | lex.word_set("force_nouns")
    return any(d.lemma_.lower() in kinds or d.lower_ in kinds for d in described)


def _facility(obj: Token, name_token: Token | None, lex: Lexicon) -> str | None:
    """The facility a place phrase names beside a town ("X's airport", "a military base in X", "the X
    base"), in its own words without the name: None when the phrase is the place itself or a proper
    name of its own ("the Republican Palace")."""
    if obj.lemma_.lower() not in lex.word_set("site_nouns") or name_token is obj:
        return None
    if obj.is_title and obj.i != obj.sent.start and name_token is not None and name_token.head == obj:
        return None  # "Camp X", "the Y Palace": a named facility
    words = [
        c
        for c in obj.children
        if c.dep_ in ("amod", "compound") and c.i < obj.i and c != name_token and c.is_lower and c.is_alpha
    ]
    words = [w for w in words if w.lower_ not in _NOT_KIND]
    return " ".join([*(t.lower_ for t in sorted(words, key=lambda t: t.i)), obj.lemma_.lower()])


# Modifiers of a facility noun that say which one, not what kind ("its last base", "the former camp").
_NOT_KIND = frozenset(
    {
        "last",
        "former",
        "main",
        "largest",
        "only",
        "sole",
        "first",
        "second",
        "third",
        "key",
        "strategic",
        "remaining",
        "other",
        "new",
        "old",
        "major",
        "final",
        "biggest",
        "nearby",
    }
)


_SETTLEMENT_NOUNS = frozenset({"town", "city", "village"})


def _anaphor(obj: Token, head_noun: str, lex: Lexicon, facility: str | None = None) -> PlaceCue | None:
    """ "the town", "the base": a definite place word with no name points back at one named before. An
    indefinite facility ("two military facilities") names none; it is kept, with its kind, for the
    resolver to place by what the document says of it (its dateline)."""
    definite = any(
        c.dep_ == "det"
        and c.lower_ == "the"
        or c.dep_ == "poss"
        and c.lower_ in ("its", "their", "his", "her")
        for c in obj.children
    )
    if not definite and facility is not None:
        nearby = _place_beside(obj, lex)
        if nearby is not None:  # "a hilltop position overlooking the village of X": the facility near X
            return PlaceCue(span_mention(_name_span(nearby)), feature_hint="near", facility=facility)
        return PlaceCue(span_mention(obj), feature_hint=head_noun, facility=facility)
    if definite and head_noun == "capital":
        return PlaceCue(span_mention(obj), feature_hint="capital")  # the document's country's capital
    if is_country_anaphor(obj):
        return PlaceCue(span_mention(obj), feature_hint=COUNTRY_ANAPHOR, anaphoric=True)  # "left the country"
    if not definite or head_noun not in _SETTLEMENT_NOUNS | lex.word_set("site_nouns"):
        return None
    return PlaceCue(span_mention(obj), feature_hint=head_noun, anaphoric=True, facility=facility)


def _place_beside(obj: Token, lex: Lexicon) -> Token | None:
    """A named place in a facility's own phrase ("overlooking the village of X", "near X")."""
    for token in obj.subtree:
        if token is obj or token.dep_ not in ("pobj", "dobj", "appos"):
            continue
        named = _named_settlement(token, lex)
        if named is not None and (
            named.ent_type_ in PLACE_LABELS or is_unlabelled_name_after_place_preposition(named)
        ):
            return named
        if named is not None and named is not token:
            return named  # "the village of X"
    return None


def _feature_hint(head_noun: str, prep: str, lex: Lexicon) -> str | None:
    if prep in ("near", "outside", "around", "off"):
        return "near"  # "off Hodeidah", "off the coast of X": at sea, near the town
    if head_noun in lex.word_set("site_nouns") or head_noun in lex.word_set("area_nouns"):
        return head_noun
    return None


# Parts of a town that stand for the town when the text names it as their owner ("X's main square").
_PARTS_OF_A_TOWN = frozenset(
    {"square", "outskirts", "outskirt", "centre", "center", "street", "district", "quarter"}
)


def _name_token(obj: Token, lex: Lexicon) -> Token | None:
    """The token carrying the proper name: the object itself, a compound, or "the city of X"."""
    if obj.ent_type_ in PLACE_LABELS or obj.lemma_.lower() in lex.word_set("compass"):
        return obj
    if is_unlabelled_name_after_place_preposition(obj):
        return obj
    for child in children(obj, "compound", "amod", "nmod"):
        if child.ent_type_ in PLACE_LABELS or child.pos_ == "PROPN" or _capitalised_name(child):
            return child  # "the Gossi base", "the Tiyas airbase"
    placed = any(is_place_token(o, lex) for _, o in prep_objects(obj, "in", "at"))
    if obj.lemma_.lower() in lex.word_set("site_nouns") and not placed:  # "Turkey's base in X": at X
        for child in children(obj, "poss"):
            if child.ent_type_ in PLACE_LABELS or child.pos_ == "PROPN" or child.lemma_.lower() == "capital":
                return (
                    child  # "Goma's airport", "the capital's airport" (not "Afghanistan's Paktika province")
                )
    if obj.lemma_.lower() in _PARTS_OF_A_TOWN:
        for child in children(obj, "poss"):
            if child.ent_type_ in PLACE_LABELS:
                return child  # "Sudzha's central square", "the town's outskirts" named
    for prep, pobj in prep_objects(obj, "of", "in", "at", "near"):
        if prep == "of" and (
            pobj.ent_type_ in PLACE_LABELS
            or pobj.pos_ == "PROPN"
            and obj.lemma_.lower() in lex.word_set("area_nouns")
        ):
            return pobj  # "the town of X"
        if prep == "in" and pobj.lemma_.lower() in lex.word_set("compass"):
            return pobj  # "areas in the northeast"
        if prep in ("in", "at", "near") and obj.lemma_.lower() in lex.word_set("site_nouns"):
            named = _named_settlement(pobj, lex)
            if named is not None:
                return named  # "the base at X", "a camp in the northern town of X"
    return None


def _named_settlement(token: Token, lex: Lexicon) -> Token | None:
    """X in "X" or in "the (port) city of X", "the town of X"."""
    if token.ent_type_ in PLACE_LABELS or token.pos_ == "PROPN":
        return token
    if token.lemma_.lower() in lex.word_set("area_nouns"):
        named = [o for _, o in prep_objects(token, "of")] + list(children(token, "appos"))
        for pobj in named:  # "the town of X", "the capital, X"
            if pobj.ent_type_ in PLACE_LABELS or pobj.pos_ == "PROPN":
                return pobj
    return None


def _capitalised_name(token: Token) -> bool:
    """A capitalised word inside a sentence that is not a nationality or a force sitroom knows ("the Gossi
    base", not "the French base"); the gazetteer decides later whether it names a place."""
    first = token.i == token.sent.start
    actor = token.ent_type_ == "NORP" or bool(token.ent_id_)  # "the French military base": its owner
    return token.is_title and not first and not actor and token.pos_ in ("ADJ", "NOUN", "PROPN")


def _nationality_of_the_place(obj: Token, name_token: Token | None) -> str | None:
    """ "the Sudanese city of X": the country the text says the place is in, by its demonym (asked of the
    head noun, or of the name hanging from its "of")."""
    if name_token is None:
        return None
    if name_token == obj and obj.dep_ == "pobj" and obj.head.lower_ == "of":
        obj = obj.head.head
    elif name_token == obj:
        return None
    return next((c.text for c in obj.children if c.dep_ == "amod" and c.ent_type_ == "NORP"), None)


def _inner_container(obj: Token, name_token: Token | None, lex: Lexicon | None = None) -> Span | None:
    """An area named with "in" after the name or its head noun ("a base in X in Y province" -> Y), or
    after a noun set beside the name ("X, a desert town in Y" -> Y)."""
    heads = [name_token, obj] if name_token is not None and name_token != obj else [obj]
    heads += [c for h in list(heads) for c in h.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    for head in heads:
        for _, pobj in prep_objects(head, "in", "inside"):
            if name_token is not None and pobj == name_token:
                continue
            named = pobj.ent_type_ in PLACE_LABELS or is_unlabelled_name_after_place_preposition(pobj)
            target = pobj if named else _place_child(pobj) or (_of_place(pobj, lex) if lex else None)
            if target is not None and target.i < pobj.i and pobj.lemma_.lower() in _UNIT_NOUNS:
                return pobj.doc[_name_span(target).start : pobj.i + 1]  # "Idlib province": says it is one
            if target is not None:
                return _name_span(target)
    return None


# Head nouns by which a text says a name is an administrative unit ("in Idlib province").
_UNIT_NOUNS = frozenset({"province", "governorate", "region", "district", "state", "oblast", "county"})


def _of_place(token: Token, lex: Lexicon) -> Token | None:
    """X of "the countryside of X", "the outskirts of X": the named place an area word is part of."""
    if token.lemma_.lower() not in lex.word_set("area_nouns"):
        return None
    return next((o for _, o in prep_objects(token, "of") if o.ent_type_ in PLACE_LABELS), None)


def _place_child(token: Token) -> Token | None:
    for child in token.children:
        if child.ent_type_ in PLACE_LABELS and child.dep_ in ("compound", "amod", "poss", "nmod"):
            return child
    return None


def _name_span(token: Token) -> Span:
    ent = entity_of(token)
    if ent is not None and not any(t.dep_ in ("cc", "conj") or t.text == "," for t in ent):
        head = ent.root.head
        if _COMPASS_NAME.fullmatch(ent.text) and ent.root.dep_ == "compound" and head.i == ent.end:
            return token.doc[ent.start : head.i + 1]  # "Eastern" of "Eastern Ghouta": part of the name
        return _without_possessive(ent)  # the model may call a place a person; the words are still the name
    start = token.i
    while start > 0 and token.doc[start - 1].pos_ == "PROPN" and token.doc[start - 1].dep_ == "compound":
        start -= 1  # "Kfar Kila": a name the model did not label, in several words
    while (
        start > 0
        and not token.doc[start - 1].whitespace_
        and token.doc[start - 1].is_alpha | (token.doc[start - 1].text == "-")
    ):
        start -= 1  # "al-Mayadin" is tokenised "al", "-", "Mayadin"
    return token.doc[start : token.i + 1]


# A compass word that an entity ruler may tag on its own (a province elsewhere is called "Eastern").
_COMPASS_NAME = re.compile(r"(?:north|south)?-?(?:east|west)?(?:ern)?|north(?:ern)?|south(?:ern)?", re.I)


def _without_possessive(span: Span) -> Span:
    while len(span) > 1 and (span[-1].lower_ in ("'s", "’s", "’", "'") or span[-1].is_punct):
        span = span[:-1]
    return span


def _alternate_name(obj: Token) -> str | None:
    """ "X, also known as Y": Y is another name of the same place."""
    for tok in obj.subtree:
        if tok.lemma_ == "know" and any(c.lower_ == "also" for c in tok.children):
            for _, pobj in prep_objects(tok, "as"):
                return _name_span(pobj).text
    for tok in obj.head.subtree if obj.head != obj else ():
        if (
            tok.lemma_ == "know"
            and tok.head in (obj, obj.head)
            and any(c.lower_ == "also" for c in tok.children)
        ):
            for _, pobj in prep_objects(tok, "as"):
                return _name_span(pobj).text
    return None
