"""Find event triggers in a sentence: verbs and nouns of the lexicon, filtered by their arguments."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.symbols import AUX, NOUN, PROPN, VERB
from spacy.tokens import Span, Token

from sitroom.extract.parse import ACTOR_LABELS, PLACE_LABELS, children, prep_objects, subject_of
from sitroom.lexicon import Lexicon
from sitroom.records import EventType

# Verbs that the lexicon lists but that only count when a particle is present (handled as phrasal entries).
_NOMINAL_ONLY_WITH_LIGHT_VERB = frozenset({"control"})


@dataclass(frozen=True)
class Trigger:
    token: Token
    type: EventType
    nominal: bool
    particle: Token | None = None  # "out" of "pull out"
    # "handover": the subject gives the place to the "to" object (its withdrawal; the receiver's control);
    # "expel": the subject drives the object out of the place (its control; the object's withdrawal).
    kind: str = ""


def find_triggers(sent: Span, lex: Lexicon) -> list[Trigger]:
    found: list[Trigger] = []
    for token in sent:
        trigger = _match(token, lex)
        if trigger and _passes_filters(trigger, lex):
            found.append(trigger)
    return found


def _match(token: Token, lex: Lexicon) -> Trigger | None:
    if token.pos in (VERB, AUX) or token.tag_.startswith("VB"):
        return _match_verb(token, lex)
    if token.pos == NOUN and _located_force(token, lex):
        return Trigger(token, EventType.PRESENCE, nominal=True, kind="located")
    if token.pos == NOUN and _under_control(token):
        return Trigger(token, EventType.CONTROL, nominal=True, kind="held")
    if token.pos in (NOUN, PROPN) and not token.ent_type:
        return _match_noun(token, lex)
    return None


_LOCATIVE = ("in", "at", "near", "inside", "around")


def _located_force(noun: Token, lex: Lexicon) -> bool:
    """ "the 350 French troops in Senegal", "Kyiv's forces in the town": a force said to be at a place,
    whose nationality, owner or number the phrase gives (a bare "troops in war zones" is no fact)."""
    if (
        noun.lower_ in lex.word_set("vehicle_nouns")
        or not is_force_token(noun, lex)
        or noun.ent_type_ == "GPE"
    ):
        return False
    if noun.dep_ == "pobj" and noun.head.lower_ in _LOCATIVE:
        return False  # "fighting in the troops' area": the force is itself a place here
    owned = any(
        c.dep_ in ("poss", "nummod") or c.ent_type_ in ("NORP", "ORG", "GPE") or c.ent_id_
        for c in noun.children
        if c.i < noun.i
    )
    return owned and any(is_place_token(o, lex) for _, o in prep_objects(noun, *_LOCATIVE))


def _force_at_place(verb: Token, lex: Lexicon) -> bool:
    """ "Kyiv's forces have been in the town since Wednesday": a named force is at a place."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or not is_force_token(subject, lex) or subject.lower_ in lex.word_set("vehicle_nouns"):
        return False
    named = subject.ent_type_ in ("ORG", "NORP") or any(
        c.dep_ in ("poss", "amod", "compound", "nummod") and (c.ent_type_ or c.pos_ == "PROPN" or c.like_num)
        for c in subject.children
    )
    return named and any(is_place_token(o, lex) for _, o in prep_objects(verb, *_LOCATIVE))


def _under_control(noun: Token) -> bool:
    """ "Sudzha remains under Ukrainian control", "the bases now fully under Senegalese control"."""
    return noun.lemma_.lower() == "control" and noun.dep_ == "pobj" and noun.head.lower_ == "under"


def _match_verb(token: Token, lex: Lexicon) -> Trigger | None:
    lemma = token.lemma_.lower()
    special = _handover_or_expel(token, lemma, lex)
    if special is not None:
        return special
    if lemma == "be":
        located = _force_at_place(token, lex)
        return Trigger(token, EventType.PRESENCE, nominal=False) if located else None
    if lemma in lex.control_light_verbs and any(c.lemma_ == "control" for c in children(token, "dobj")):
        return Trigger(token, EventType.CONTROL, nominal=False)
    phrasal = _phrasal(token, lemma, lex)
    if phrasal is not None:
        return Trigger(token, phrasal[0], nominal=False, particle=phrasal[1])
    etype = lex.verb_types.get(lemma)
    return Trigger(token, etype, nominal=False) if etype is not None else None


def _phrasal(token: Token, lemma: str, lex: Lexicon) -> tuple[EventType, Token] | None:
    """A phrasal trigger's type and particle ("pull out"): the first type in the lexicon's order that
    lists the verb with one of its particles, and the first such particle."""
    if lemma not in lex.phrasal_lemmas:
        return None
    found: tuple[EventType, Token] | None = None
    for child in token.children:
        if child.dep_ in ("prt", "prep", "advmod"):
            etype = lex.phrasal_types.get((lemma, child.lower_))
            if etype is not None and (found is None or lex.trigger_rank[etype] < lex.trigger_rank[found[0]]):
                found = (etype, child)
    return found


def _handover_or_expel(token: Token, lemma: str, lex: Lexicon) -> Trigger | None:
    """ "handed (over) the base to X", "returned its base to X", "transferred control of X to Y": a
    handover; "expelled the militia from X", "drove the rebels out of X": an expulsion."""
    particle = next(
        (c for c in token.children if c.dep_ in ("prt", "advmod") and c.lower_ in _PARTICLES), None
    )
    phrase = f"{lemma} {particle.lower_}" if particle is not None else lemma
    if (phrase in lex.handover_verbs or lemma in lex.handover_verbs) and _gives_a_place(token, lex):
        return Trigger(token, EventType.WITHDRAW, nominal=False, particle=particle, kind="handover")
    if (phrase in lex.expel_verbs or lemma in lex.expel_verbs and particle is None) and _drives_out(
        token, lex
    ):
        return Trigger(token, EventType.CONTROL, nominal=False, particle=particle, kind="expel")
    return None


_PARTICLES = frozenset({"over", "back", "out", "up", "off"})


def handover_objects(verb: Token, lex: Lexicon) -> list[Token]:
    """What a handover verb gives: its object or passive subject, or the place of "control of X"."""
    given = []
    for obj in children(verb, "dobj", "nsubjpass"):
        if obj.lemma_.lower() in lex.handover_objects:
            held = [o for _, o in prep_objects(obj, "of", "over", "for", "to")]
            # "handed over the keys to a military base in X": the parse may hang "to" off the verb
            held = held or [
                o for _, o in prep_objects(verb, "to") if o.lemma_.lower() in lex.word_set("site_nouns")
            ]
            given += held
        else:
            given.append(obj)
    return given


def _gives_a_place(verb: Token, lex: Lexicon) -> bool:
    return any(_place_phrase(obj, lex) for obj in handover_objects(verb, lex))


def _place_phrase(token: Token, lex: Lexicon) -> bool:
    """A place word heads the phrase or names it ("the base", "two facilities", "the X camp")."""
    return is_place_token(token, lex) or any(
        c.ent_type_ in PLACE_LABELS for c in token.children if c.dep_ in ("compound", "amod", "nmod", "poss")
    )


def _drives_out(verb: Token, lex: Lexicon) -> bool:
    """An armed object driven from a place: "expelled the rebels from X", "pushed the army out of X"."""
    froms = [
        o for p, o in prep_objects(verb, "from", "of") if p == "from" or verb.lemma_ in ("drive", "push")
    ]
    for out in _out_words(verb):
        froms += [o for _, o in prep_objects(out, "of", "from")]
    movers = list(children(verb, "dobj", "nsubjpass"))
    return any(_place_phrase(o, lex) for o in froms) and any(
        is_force_token(m, lex) or m.ent_type_ in ACTOR_LABELS for m in movers
    )


def _out_words(verb: Token) -> list[Token]:
    """The "out" of "driven out of X", a particle or a preposition as the parse has it."""
    return [c for c in verb.children if c.dep_ in ("prt", "advmod", "prep") and c.lower_ == "out"]


def _match_noun(token: Token, lex: Lexicon) -> Trigger | None:
    lemma = token.lemma_.lower()
    if lemma in lex.handover_nouns and _hands_over_a_place(token, lex):
        return Trigger(token, EventType.WITHDRAW, nominal=True, kind="handover")
    if lemma in _NOMINAL_ONLY_WITH_LIGHT_VERB:
        return None
    listed = [e for e in (lex.noun_types.get(lemma), lex.noun_types.get(token.lower_)) if e is not None]
    if not listed:
        return None
    return Trigger(token, min(listed, key=lex.trigger_rank.__getitem__), nominal=True)


def _hands_over_a_place(noun: Token, lex: Lexicon) -> bool:
    """ "the handover of the base (to X)", "the transfer of control of X to Y"."""
    for _, obj in prep_objects(noun, "of"):
        if obj.lemma_.lower() in lex.handover_objects:
            if any(_place_phrase(o, lex) for _, o in prep_objects(obj, "of", "over")):
                return True
        elif _place_phrase(obj, lex):
            return True
    return False


def _passes_filters(trigger: Trigger, lex: Lexicon) -> bool:
    token = trigger.token
    if trigger.kind:
        return not any(c.lower_ in lex.word_set("background_adverbs") for c in children(token, "advmod"))
    if any(c.lower_ in lex.word_set("background_adverbs") for c in children(token, "advmod")):
        return False
    if token.dep_ == "relcl" and token.tag_ in ("VBZ", "VBP"):
        return False  # "a militia that fights alongside the army": what a group does, not an event
    if trigger.nominal:
        return _nominal_has_arguments(token, lex)
    if trigger.type == EventType.CONTROL and not _names_a_place(token, lex):
        return False  # "seized power": control of something that is not a place
    lemma = token.lemma_.lower()
    phrase = f"{lemma} {trigger.particle.lower_}" if trigger.particle is not None else lemma
    light = any(c.lemma_ == "control" for c in children(token, "dobj"))  # "took control of X"
    if phrase in lex.word_set("place_object_verbs") and not light and not _object_is_place(token, lex):
        return False
    if phrase in lex.word_set("force_only_verbs") and not _involves_force(token, lex):
        return False
    return True


def _object_is_place(verb: Token, lex: Lexicon) -> bool:
    """ "left the base" yes, "left them operating" no; with no object at all ("withdrew from X") yes."""
    objects = list(children(verb, "dobj", "nsubjpass"))
    return not objects or any(is_place_token(obj, lex) for obj in objects)


def _names_a_place(verb: Token, lex: Lexicon) -> bool:
    """A place word (a named place, "the town", "the base") as what is held or taken: the object, a
    passive subject, or "control of X"."""
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass") and any(is_place_token(t, lex) for t in child.subtree):
            return True
        if (
            child.dep_ == "prep"
            and child.lower_ in ("of", "over")
            and any(is_place_token(t, lex) for t in child.subtree)
        ):
            return True
    return False


def is_place_token(token: Token, lex: Lexicon) -> bool:
    if token.lower_ in lex.word_set("force_nouns") and token.ent_type_ not in PLACE_LABELS:
        return False
    if token.ent_type_ in PLACE_LABELS:
        return True
    if token.lemma_.lower() in lex.word_set("site_nouns") | lex.word_set("area_nouns"):
        return True
    if token.lemma_.lower() in lex.word_set("compass") and token.dep_ == "pobj":
        return True  # "in the northeast" of the document's country
    if is_unlabelled_name_after_place_preposition(token):
        return True
    return any(c.ent_type_ in PLACE_LABELS for c in children(token, "compound", "amod"))


_PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "near", "from", "into", "outside", "around", "towards", "toward"}
)


def is_unlabelled_name_after_place_preposition(token: Token) -> bool:
    """ "in Tasil", "near Lubero", "control of Avdiivka": a proper name the model did not label, or took
    for a person, where only a place can stand. The gazetteer decides later; an unknown name is dropped
    there."""
    if token.pos_ != "PROPN" or token.ent_type_ not in ("", "PERSON", "ORG") or token.ent_id_:
        return False  # an entity sitroom's own actor data named is an actor, not a place
    head = token.head
    if token.dep_ == "compound":
        head, token = head.head, head
    if token.dep_ != "pobj":
        return False
    if head.lower_ in _PLACE_PREPOSITIONS:
        return True
    return head.lower_ in ("of", "over") and head.head.lemma_.lower() in _HELD_NOUNS


# Nouns whose "of"/"over" phrase names a place: what is held, taken or lost, and parts of a place.
_HELD_NOUNS = frozenset(
    {
        "control",
        "capture",
        "recapture",
        "seizure",
        "fall",
        "liberation",
        "outskirts",
        "centre",
        "center",
        "suburbs",
        "edge",
        "part",
        "parts",
        "city",
        "town",
        "village",
        "region",
        "province",
        "district",
        "area",
    }
)


def is_force_token(token: Token, lex: Lexicon) -> bool:
    """A token naming an armed actor: a force noun, or an organisation/nationality entity."""
    if token.lower_ in lex.word_set("force_nouns") or token.lemma_.lower() in lex.word_set("force_nouns"):
        return True
    return token.ent_type_ in ACTOR_LABELS and token.ent_type_ != "PERSON"


def _involves_force(verb: Token, lex: Lexicon) -> bool:
    candidates = [subject_of(verb)] + list(children(verb, "dobj", "nsubjpass"))
    for tok in candidates:
        if tok is None:
            continue
        if is_force_token(tok, lex) or any(is_force_token(c, lex) for c in tok.subtree):
            return True
    return False


def _nominal_has_arguments(noun: Token, lex: Lexicon) -> bool:
    """A trigger noun is an event only with something that anchors it: a place, an actor, or a claim."""
    for child in noun.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod") and (
            is_force_token(child, lex) or child.ent_type_ in ACTOR_LABELS | PLACE_LABELS
        ):
            return True
        if child.dep_ == "prep" and child.lower_ in (
            "from",
            "of",
            "in",
            "at",
            "on",
            "near",
            "by",
            "to",
            "into",
            "against",
        ):
            if any(is_place_token(t, lex) or is_force_token(t, lex) for t in child.subtree if t != child):
                return True
    head = noun.head
    return head.lemma_.lower() == "responsibility" or (
        noun.dep_ == "pobj" and head.head.lemma_.lower() == "responsibility"
    )
