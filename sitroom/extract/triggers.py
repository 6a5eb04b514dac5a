"""Find event triggers in a sentence: verbs and nouns of the lexicon, filtered by their arguments."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.symbols import AUX, NOUN, PROPN, VERB
from spacy.tokens import Span, Token

from sitroom.extract.parse import ACTOR_LABELS, PLACE_LABELS, antecedent, children, prep_objects, subject_of
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
    # "weapon": a weapon falls or is dropped somewhere; "toll": the subject counts the dead ("136 died");
    # "flag": a flag raised over a place, the sign of its capture by the flag's owner.
    kind: str = ""


def find_triggers(sent: Span, lex: Lexicon) -> list[Trigger]:
    found: list[Trigger] = []
    for token in sent:
        trigger = _match(token, lex)
        if trigger and _passes_filters(trigger, lex):
            found.append(trigger)
    return found


def _match(token: Token, lex: Lexicon) -> Trigger | None:
    weapon = _weapon_falls(token, lex) or _exchange_of_fire(token) or _human_losses(token)
    weapon = weapon or _counted_deaths(token, lex)
    if weapon is not None:
        return weapon
    if held_by_modifier(token):
        # "Russian-held parts of the town" holds a part, not the town: only a place itself is held
        held = is_place_token(token.head, lex) and not _changes_hands(token.head, lex)
        return Trigger(token, EventType.CONTROL, nominal=True, kind="held") if held else None
    if token.pos == NOUN and _owned_base(token, lex):
        return Trigger(token, EventType.PRESENCE, nominal=True, kind="posted")
    if token.pos in (VERB, AUX) or token.tag_.startswith("VB") or _noun_as_verb(token):
        return _match_verb(token, lex)
    if token.pos == NOUN and _located_force(token, lex):
        return Trigger(token, EventType.PRESENCE, nominal=True, kind="located")
    if token.pos == NOUN and _under_control(token):
        return Trigger(token, EventType.CONTROL, nominal=True, kind="held")
    if token.pos in (NOUN, PROPN) and not token.ent_type:
        return _match_noun(token, lex) or _headline_verb(token, lex)
    return None


def _headline_verb(token: Token, lex: Lexicon) -> Trigger | None:
    """ "Regime helicopters bombard areas in X", "the front targets positions in Y": in a headline the parser
    read as one noun phrase (its root a noun), an attack verb after the words that do it, tagged a noun,
    is still the attack; it is read as an event noun, placed by the headline's place names."""
    etype = lex.verb_types.get(token.lemma_.lower()) or lex.verb_types.get(token.lower_)
    if etype not in (EventType.ASSAULT, EventType.FIGHT) or token.sent.root.pos not in (NOUN, PROPN):
        return None
    if token.i == token.sent.start or token.dep_ not in ("compound", "amod", "nmod"):
        return None
    return Trigger(token, etype, nominal=True)


def _noun_as_verb(token: Token) -> bool:
    """ "The regime forces target areas": a headline's verb that the tagger read as a noun, known by the
    subject the parser gave it (a noun takes no subject of its own)."""
    subject = any(c.dep_ == "nsubj" for c in token.children)
    return token.pos in (NOUN, PROPN) and not token.ent_type and subject


def is_weapon(token: Token, lex: Lexicon) -> bool:
    """ "shells", "barrel bombs", "a rocket": what an attack is made with."""
    weapons = lex.word_set("weapon_nouns")
    return token.lemma_.lower() in weapons or token.lower_ in weapons


def _weapon_falls(token: Token, lex: Lexicon) -> Trigger | None:
    """ "Shells fell on X", "rockets landed in Y", "the fall of shells on Z", "helicopters dropped barrel
    bombs on W": a weapon that falls, lands or is dropped somewhere is an attack there, whatever the verb
    means elsewhere ("the town fell")."""
    if token.lemma_.lower() not in lex.word_set("weapon_verbs"):
        return None
    if token.pos in (VERB, AUX) or token.tag_.startswith("VB"):
        doers = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
        doers += [o for d in doers if d.lemma_.lower() in _COUNT_NOUNS for _, o in prep_objects(d, "of")]
        nominal = False
    elif token.pos == NOUN:
        doers, nominal = [o for _, o in prep_objects(token, "of")], True
    else:
        return None
    if not any(is_weapon(d, lex) for d in doers):
        return None
    return Trigger(token, EventType.ASSAULT, nominal=nominal, kind="weapon")


# Heads that count what their "of" phrase names: "tens of shells", "dozens of rockets".
_COUNT_NOUNS = frozenset(
    {"ten", "tens", "dozen", "dozens", "hundred", "hundreds", "scores", "number", "barrage"}
)


_FIRE_WORDS = frozenset({"fire", "gunfire", "shelling", "shell", "shells", "rocket", "rockets", "blows"})


def _exchange_of_fire(token: Token) -> Trigger | None:
    """ "exchanged fire", "an exchange of shelling", "fire exchange": two sides firing at each other is a
    clash, whatever else "exchange" means."""
    if token.lemma_.lower() != "exchange":
        return None
    verbal = token.pos in (VERB, AUX) or token.tag_.startswith("VB")
    what = [c for c in token.children if c.dep_ in ("dobj", "compound")]
    what += [o for _, o in prep_objects(token, "of")]
    if not any(w.lower_ in _FIRE_WORDS or w.lemma_.lower() in _FIRE_WORDS for w in what):
        return None
    return Trigger(token, EventType.FIGHT, nominal=not verbal)


def _counted_deaths(token: Token, lex: Lexicon) -> Trigger | None:
    """ "136 died yesterday", "12 people died in the shelling": a count of the dead is the toll of the
    violence the report is about; one death ("a man died of a heart attack") is no such count."""
    if token.lemma_.lower() not in lex.word_set("toll_verbs") or not token.tag_.startswith("VB"):
        return None
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return None
    numbers = [t for t in (subject, *subject.children) if t.like_num and t.dep_ in ("nsubj", "nummod")]
    counted = [t for t in numbers if not t.text.isdigit() or int(t.text) > 1]
    return Trigger(token, EventType.ASSAULT, nominal=False, kind="toll") if counted else None


def _human_losses(token: Token) -> Trigger | None:
    """ "human losses in X": the dead and wounded of an attack or a clash (not "economic losses")."""
    if token.lemma_.lower() != "loss" or token.pos != NOUN:
        return None
    if not any(c.dep_ == "amod" and c.lower_ == "human" for c in token.children):
        return None
    return Trigger(token, EventType.ASSAULT, nominal=True)


def occurrence_head(noun: Token, lex: Lexicon) -> Token | None:
    """The verb that says an event noun happened: "clashes continue in X", "shelling leaves two dead",
    "the attack, taking place 50 km west of X". Its place and its "between" phrase are the event's."""
    clauses = [c for c in noun.children if c.dep_ in ("acl", "relcl")]  # "the attack, which took place ..."
    for verb in [noun.head] if noun.dep_ in ("nsubj", "nsubjpass") else []:
        if verb is not noun and (
            verb.pos_ in ("VERB", "AUX") or verb.tag_.startswith("VB") or _noun_as_verb(verb)
        ):
            clauses.append(verb)
    return next((verb for verb in clauses if _says_it_happened(verb, lex)), None)


def _says_it_happened(verb: Token, lex: Lexicon) -> bool:
    verbs = lex.word_set("occurrence_verbs")
    particles = [c.lower_ for c in verb.children if c.dep_ in ("prt", "prep", "dobj", "acomp")]
    return any(
        lemma in verbs or any(f"{lemma} {p}" in verbs for p in particles) for lemma in _verb_forms(verb)
    )


def _verb_forms(verb: Token) -> list[str]:
    """The lemma, and the bases a regular inflection would have: the lemmatizer reads "raged" as "rag"."""
    word = verb.lower_
    forms = [verb.lemma_.lower()]
    for suffix in ("d", "ed", "s", "es"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.append(word[: -len(suffix)])
    return forms


# Prepositions that, right after an event noun, say where it happened ("clashes in X").
_NEXT_PLACE_PREPS = frozenset({"in", "at", "near", "inside", "around", "on", "outside"})


def adjacent_place(noun: Token, lex: Lexicon) -> tuple[str, Token] | None:
    """ "... and clashes in the desert of Homs": the place phrase right after an event noun, which the
    parse may hang elsewhere (a headline's list of events is often parsed as one noun phrase). Only a
    phrase the parse did not give another event noun or verb of its own."""
    doc = noun.doc
    if noun.i + 1 >= len(doc):
        return None
    prep = doc[noun.i + 1]
    if prep.lower_ not in _NEXT_PLACE_PREPS or prep.dep_ != "prep" or prep.head == noun:
        return None
    if prep.head.pos_ in ("VERB", "AUX") or lex.noun_types.get(prep.head.lemma_.lower()) is not None:
        return None
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None or not any(is_place_token(t, lex) for t in obj.subtree):
        return None
    return prep.lower_, obj


def headline_span(noun: Token, lex: Lexicon) -> Span | None:
    """In a sentence whose root is a noun (a headline the parser read as one noun phrase: "Bombardment
    targets Aleppo, Daraa and Idlib", "Shells target areas in the center of Homs city"), the words after
    an event noun up to the next one, when they name a place: where it happened."""
    sent = noun.sent
    if noun.pos != NOUN or sent.root.pos not in (NOUN, PROPN):
        return None
    end = next((t.i for t in sent if t.i > noun.i and _is_event_noun(t, lex)), sent.end)
    span = noun.doc[noun.i + 1 : end]
    return span if any(t.ent_type_ in PLACE_LABELS for t in span) else None


def _is_event_noun(token: Token, lex: Lexicon) -> bool:
    lemma = token.lemma_.lower()
    return token.pos == NOUN and (lex.noun_types.get(lemma) or lex.noun_types.get(token.lower_)) is not None


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


def _owned_base(noun: Token, lex: Lexicon) -> bool:
    """ "the French base in Gao", "Russia's air base at X": a nation's or force's military site, placed,
    says that force is there, unless the sentence moves the site ("handed over the French base in X")."""
    if noun.lemma_.lower() not in lex.word_set("posture_sites"):
        return False
    if any(c.lower_ in lex.word_set("past_site_words") for c in noun.children):
        return False
    if not site_owners(noun) or not any(
        is_place_token(o, lex) for _, o in prep_objects(noun, "in", "at", "near")
    ):
        return False
    verb = noun.head.head if noun.dep_ == "pobj" else noun.head
    lemma = verb.lemma_.lower()
    moved = (
        lex.verb_types.get(lemma) in (EventType.WITHDRAW, EventType.CONTROL) or lemma in lex.handover_verbs
    )
    return not moved


def site_owners(noun: Token) -> list[Token]:
    """The nation or force a site belongs to: "French", "Russia's", "the coalition's"."""
    return [
        c
        for c in noun.children
        if c.i < noun.i
        and (
            c.dep_ in ("amod", "poss", "compound")
            and c.ent_type_ in ("NORP", "GPE", "ORG")
            or c.dep_ == "amod"
            and c.pos_ == "ADJ"
            and c.is_title  # "the French base", labelled a facility
        )
    ]


def _force_at_place(verb: Token, lex: Lexicon) -> bool:
    """ "Kyiv's units have held positions in the village since Monday": a named force is at a place."""
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


# Participles that, joined by a hyphen to a holder, say who holds what they describe.
HELD_PARTICIPLES = frozenset({"held", "controlled", "occupied", "run"})


def holder_in_passing(etype: EventType, trigger: str) -> bool:
    """An event of a place marked with its holder ("struck the Houthi-held port"): the holder is named in
    passing, and the event is no antecedent for what the next sentences tell."""
    return etype == EventType.CONTROL and trigger.casefold() in HELD_PARTICIPLES


def held_by_modifier(token: Token) -> bool:
    """ "the Houthi-held port of Hodeidah", "RSF-controlled Bara": a place marked with its holder."""
    return (
        token.lower_ in HELD_PARTICIPLES
        and token.dep_ == "amod"
        and token.i >= 2
        and token.nbor(-1).text == "-"
        and token.head.pos in (NOUN, PROPN)
    )


def _changes_hands(place: Token, lex: Lexicon) -> bool:
    """ "the army retook the RSF-held town": the holder named is the one who lost it, told by the verb."""
    verb = place.head
    if place.dep_ == "pobj":
        verb = verb.head
    etype = lex.verb_types.get(verb.lemma_.lower())
    return (
        etype in (EventType.CONTROL, EventType.WITHDRAW)
        or _handover_or_expel(verb, verb.lemma_.lower(), lex) is not None
    )


# Raising a flag over a place is the sign armies give of having taken it.
_FLAG_VERBS = frozenset({"raise", "hoist", "unfurl", "plant"})
FLAG_PLACE_PREPOSITIONS = ("over", "in", "at", "on", "above", "atop")


def _flag_raised(token: Token, lemma: str, lex: Lexicon) -> Trigger | None:
    """ "Russian soldiers raised their flag over the town hall", "a Russian flag was unfurled in the
    square of X": control of the place, by the flag's owner (a nation or a group) or the force that
    raised it; not protesters raising a flag."""
    if lemma not in _FLAG_VERBS:
        return None
    flags = [c for c in children(token, "dobj", "nsubjpass") if c.lemma_.lower() == "flag"]
    if not flags or not list(prep_objects(token, *FLAG_PLACE_PREPOSITIONS)):
        return None
    owned = any(
        c.dep_ in ("amod", "compound", "poss") and c.ent_type_ in _OWNER_LABELS
        for f in flags
        for c in f.children
    )
    subject = subject_of(token)
    armed = subject is not None and subject.dep_ == "nsubj" and is_force_token(subject, lex)
    return Trigger(token, EventType.CONTROL, nominal=False, kind="flag") if owned or armed else None


_OWNER_LABELS = frozenset({"NORP", "ORG", "GPE"})


def _match_verb(token: Token, lex: Lexicon) -> Trigger | None:
    lemma = token.lemma_.lower()
    special = _handover_or_expel(token, lemma, lex) or _flag_raised(token, lemma, lex)
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
    for obj in map(antecedent, children(verb, "dobj", "nsubjpass")):
        if obj.lemma_.lower() in lex.handover_objects:
            held = [o for _, o in prep_objects(obj, "of", "over", "for", "to")]
            # "handed over the keys to a military base in X": the parse may hang "to" off the verb
            held = held or [
                o for _, o in prep_objects(verb, "to") if o.lemma_.lower() in lex.word_set("site_nouns")
            ]
            given += held
        else:
            given.append(obj)
    if not given and verb.dep_ == "relcl" and not any(children(verb, "dobj", "nsubjpass")):
        given.append(verb.head)  # "the second base the force hands back": the base
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


def given_by_noun(noun: Token) -> list[Token]:
    """The "of" phrases of a handover noun: "the handover of the base to X", and "the transfer to X of the
    base", where the parse hangs "of the base" on the receiver."""
    given = [o for _, o in prep_objects(noun, "of")]
    return given + [o for _, to in prep_objects(noun, "to") for _, o in prep_objects(to, "of")]


def _hands_over_a_place(noun: Token, lex: Lexicon) -> bool:
    """ "the handover of the base (to X)", "the transfer of control of X to Y"."""
    for obj in given_by_noun(noun):
        if obj.lemma_.lower() in lex.handover_objects:
            if any(_place_phrase(o, lex) for _, o in prep_objects(obj, "of", "over")):
                return True
        elif _place_phrase(obj, lex):
            return True
    return False


def _passes_filters(trigger: Trigger, lex: Lexicon) -> bool:
    token = trigger.token
    if trigger.kind in ("weapon", "toll"):
        return True
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
    presence = trigger.type == EventType.PRESENCE  # "established control over X" is a capture
    if presence and phrase in lex.word_set("facility_object_verbs") and not _sets_up_a_facility(token, lex):
        return False
    return True


def _sets_up_a_facility(verb: Token, lex: Lexicon) -> bool:
    """ "set up a command office in X", "established a base": a facility as the object."""
    facilities = lex.word_set("site_nouns") | lex.word_set("command_nouns")
    return any(obj.lemma_.lower() in facilities for obj in children(verb, "dobj"))


def _object_is_place(verb: Token, lex: Lexicon) -> bool:
    """ "left the base" yes, "left them operating" no; with no object at all ("withdrew from X") yes."""
    objects = list(children(verb, "dobj", "nsubjpass"))
    return not objects or any(
        is_place_token(obj, lex) or _place_pronoun(obj) or is_country_anaphor(obj) for obj in objects
    )


# The hint of a place cue that is "the country": the country of the place named last before it.
COUNTRY_ANAPHOR = "country"


def is_country_anaphor(token: Token) -> bool:
    """ "left the country", "troops in the country": a country named before, not an actor ("the country
    said" is its government; as a subject it stays one)."""
    if token.lemma_.lower() != "country" or token.dep_ not in ("dobj", "pobj"):
        return False
    modifiers = [c for c in token.children if c.dep_ in ("det", "amod", "compound", "poss")]
    return [c.lower_ for c in modifiers] == ["the"]


def _place_pronoun(obj: Token) -> bool:
    """ "captured it", "left it": "it" as the object of a verb that takes a place stands for the town or
    site named before (resolution drops the event when none was)."""
    return obj.lower_ == "it" and obj.dep_ == "dobj"


def _names_a_place(verb: Token, lex: Lexicon) -> bool:
    """A place word (a named place, "the town", "the base") as what is held or taken: the object, a
    passive subject, or "control of X"."""
    if _place_subject(verb, lex) is not None:
        return True
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass") and any(is_place_token(t, lex) for t in child.subtree):
            return True
        if _place_pronoun(child):
            return True
        if (
            child.dep_ == "prep"
            and child.lower_ in ("of", "over")
            and any(is_place_token(t, lex) for t in child.subtree)
        ):
            return True
    return False


def _place_subject(verb: Token, lex: Lexicon) -> Token | None:
    """The place of "X fell to the rebels": the subject of a verb whose subject is what changes hands."""
    if verb.lemma_.lower() not in lex.word_set("place_subject_verbs"):
        return None
    subject = subject_of(verb)
    subject = antecedent(subject) if subject is not None else None  # "the third town that has fallen"
    if subject is not None and subject.dep_ == "attr":  # "X is the third town to fall to them": X
        subject = next(children(subject.head, "nsubj"), subject)
    return subject if subject is not None and is_place_token(subject, lex) else None


def place_subjects(verb: Token, lex: Lexicon) -> list[Token]:
    subject = _place_subject(verb, lex)
    return [subject] if subject is not None else []


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
    if town_of_named_facility(token) is not None:
        return True
    return any(c.ent_type_ in PLACE_LABELS for c in children(token, "compound", "amod"))


def town_of_named_facility(obj: Token) -> Token | None:
    """X of "the <Name> Platform of X", "the <Name> Hospital of X": a facility's own name that ends with the
    town it stands in (a model's facility or organisation name, not a place name like "Republic of X")."""
    if obj.pos_ != "PROPN" or obj.ent_type_ not in ("FAC", "ORG", "") or not any(children(obj, "compound")):
        return None
    return next((o for _, o in prep_objects(obj, "of") if o.ent_type_ == "GPE"), None)


_PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "near", "from", "into", "outside", "around", "towards", "toward"}
)


def is_unlabelled_name_after_place_preposition(token: Token) -> bool:
    """ "in Tasil", "near Lubero", "control of Avdiivka": a proper name the model did not label, or took
    for a person or a nationality ("in Rastan"), where only a place can stand. The gazetteer decides
    later; an unknown name is dropped there."""
    if token.pos_ != "PROPN" or token.ent_type_ not in ("", "PERSON", "ORG", "NORP") or token.ent_id_:
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
    candidates += [o for _, o in prep_objects(verb, "by")]  # "areas targeted by the regime forces"
    if _place_subject(verb, lex) is not None:
        candidates += [o for _, o in prep_objects(verb, "to")]  # "Kidal fell to the rebels"
    for tok in candidates:
        if tok is None:
            continue
        if is_force_token(tok, lex) or any(is_force_token(c, lex) for c in tok.subtree):
            return True
    return _attack_as_subject(verb, lex)


def _attack_as_subject(verb: Token, lex: Lexicon) -> bool:
    """ "Airstrikes target the town", "shells hit the market": an attack or a weapon as the subject of an
    attack verb says force was used, with no force named."""
    if lex.verb_types.get(verb.lemma_.lower()) not in (EventType.ASSAULT, EventType.FIGHT):
        return False
    # the parse may make a headline's subject a compound or an auxiliary of its verb ("bombardment targets
    # Homs", "shelling hit the town")
    before = (c for c in verb.children if c.dep_ in ("compound", "aux") and c.i < verb.i)
    subjects = [subject_of(verb), *before]
    for subject in (s for s in subjects if s is not None):
        # the noun or a compound before it ("an assassination attempt targeted ...")
        for word in (subject, *(c for c in subject.children if c.dep_ == "compound")):
            kind = lex.noun_types.get(word.lemma_.lower()) or lex.noun_types.get(word.lower_)
            if kind in (EventType.ASSAULT, EventType.FIGHT) or is_weapon(word, lex):
                return True
    return False


def witnessing_place(noun: Token, lex: Lexicon) -> Token | None:
    """ "Harasta witnessed heavy shelling", "the town saw fierce clashes": the subject, where it happened."""
    if noun.dep_ != "dobj" or noun.head.lemma_.lower() not in lex.word_set("place_witness_verbs"):
        return None
    subject = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ not in ("PROPN", "NOUN") or is_force_token(subject, lex):
        return None
    return subject if subject.pos_ == "PROPN" or is_place_token(subject, lex) else None


def doer_of_nominal(noun: Token, lex: Lexicon) -> Token | None:
    """ "U.S. forces completed their withdrawal", "the army carried out an airstrike": the subject of the
    verb that takes the event noun as its object does the event."""
    verb = noun.head
    if noun.dep_ != "dobj" or verb.lemma_.lower() not in lex.word_set("event_light_verbs"):
        return None
    return subject_of(verb)


def _done_by_a_force(noun: Token, lex: Lexicon) -> bool:
    """ "the regime forces carry out an attack on X": an event noun a force's verb takes as its object."""
    doer = doer_of_nominal(noun, lex)
    return doer is not None and is_force_token(doer, lex)


def _stage_of_the_event_told(noun: Token, lex: Lexicon) -> bool:
    """ "The withdrawal was completed on Tuesday", "the pullout began on Monday": a stage of the event the
    report told before, which the document's merging joins to it."""
    head = noun.head
    if noun.dep_ not in ("nsubj", "nsubjpass") or head is noun or head.pos_ not in ("VERB", "AUX"):
        return False
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in noun.children):
        return False
    stages = lex.word_set("began_verbs") | lex.word_set("completed_verbs")
    return head.lemma_.lower() in stages


def _nominal_has_arguments(noun: Token, lex: Lexicon) -> bool:
    """A trigger noun is an event only with something that anchors it: a place, an actor, or a claim; or
    a verb that says it happened ("clashes continue", "shelling left two dead")."""
    if occurrence_head(noun, lex) is not None or adjacent_place(noun, lex) is not None:
        return True
    if _stage_of_the_event_told(noun, lex) or _done_by_a_force(noun, lex):
        return True
    if witnessing_place(noun, lex) is not None:
        return True
    if headline_span(noun, lex) is not None:
        return True
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
            "between",
            "inside",
            "around",
            "outside",
        ):
            if any(is_place_token(t, lex) or is_force_token(t, lex) for t in child.subtree if t != child):
                return True
    head = noun.head
    return head.lemma_.lower() == "responsibility" or (
        noun.dep_ == "pobj" and head.head.lemma_.lower() == "responsibility"
    )
