"""Status (from tense and aspect) and certainty (from hedges, claims, denials, modals) of a trigger."""

from __future__ import annotations

from spacy.tokens import Span, Token

from sitroom.extract.parse import children, doc_text, span_text
from sitroom.extract.triggers import Trigger
from sitroom.lexicon import Lexicon
from sitroom.records import Certainty, EventType, Mark, Status


def governing_verbs(token: Token, limit: int = 6) -> list[Token]:
    """The verbs above a trigger, nearest first ("reported" for "reported that X is withdrawing")."""
    chain = []
    current = token
    for _ in range(limit * 3):
        if current.head == current or len(chain) >= limit:
            break
        current = current.head
        if current.pos_ in ("VERB", "AUX"):
            chain.append(current)
    return chain


def aspect_head(token: Token) -> Token | None:
    """The verb that can give a trigger its stage: "began" in "began withdrawing" or "began the pullout"."""
    if token.dep_ in ("xcomp", "dobj", "nsubj", "nsubjpass") and token.head.pos_ in ("VERB", "AUX"):
        return token.head
    return None


def status_of(trigger: Trigger, sent: Span, lex: Lexicon) -> tuple[Status, bool]:
    """The stage of the event and whether it lies in the future."""
    token = trigger.token
    if trigger.kind in ("located", "held", "posted"):
        return Status.ONGOING, False  # a force at a place, a place under someone's control: a state
    head = aspect_head(token)
    for verb in [head] if head is not None else []:
        lemma = verb.lemma_.lower()
        if lemma in lex.word_set("began_verbs") | lex.word_set("completed_verbs"):
            if _is_future(verb, lex):
                return Status.EXPECTED, True  # "will begin withdrawing", "will complete the pullout": to come
            began = lemma in lex.word_set("began_verbs")
            return (Status.BEGAN if began else Status.COMPLETED), False
        if lemma in lex.word_set("ongoing_verbs"):
            return Status.ONGOING, False
    if _demanded(token, lex):
        return Status.EXPECTED, True
    if _under(token, lex, "planned_verbs") or _planned_by_noun(token, lex):
        return Status.PLANNED, True
    if _is_future(token, lex) or _under(token, lex, "expected_verbs") or on_the_verge(token):
        return Status.EXPECTED, True
    if _in_ongoing_phrase(token, sent, lex) or _said_to_go_on(token, lex):
        return Status.ONGOING, False
    if trigger.type == EventType.PRESENCE:
        return Status.ONGOING, False
    if trigger.nominal and awaited(token):
        return Status.EXPECTED, True
    if trigger.nominal:
        governing = next(iter(governing_verbs(token)), None)
        if governing is not None and governing.tag_ in ("VBD", "VBN"):
            return Status.COMPLETED, False
        if governing is not None and _is_future(governing, lex):
            return Status.EXPECTED, True  # "will leave with the transfer of the base": still to come
        return Status.ONGOING, False
    if trigger.kind == "handover" and _past_progressive(token):
        return Status.COMPLETED, False  # "were on Monday handing back the base": a handover is done in a day
    return _status_from_tense(token, lex), False


def _past_progressive(verb: Token) -> bool:
    """ "were handing back", "was handing over" (also when the parse hangs the participle off "were")."""
    if verb.tag_ != "VBG":
        return False
    auxes = {a.lower_ for a in children(verb, "aux")}
    return bool(auxes & {"was", "were"}) or verb.dep_ == "advcl" and verb.head.lower_ in ("was", "were")


# Words that put what they govern just ahead: "close to taking", "about to seize", "poised to", "on the
# verge of retaking".
_VERGE = frozenset(
    {"close", "about", "ready", "poised", "near", "set", "due", "likely", "verge", "brink", "cusp"}
)


def on_the_verge(token: Token) -> bool:
    """ "the army is close to taking control of X", "forces are about to seize Y": not done yet."""
    current = token
    for _ in range(3):
        if current.dep_ not in ("xcomp", "pcomp", "prep") or current.head == current:
            return False
        current = current.head
        if current.pos_ == "ADJ" or current.lower_ in _VERGE:
            return current.lower_ in _VERGE  # the word as written: "poised", not the verb "poise"
    return False


def _demanded(token: Token, lex: Lexicon) -> bool:
    """ "demanded that France withdraw", "urged the troops to leave", "demanding the departure of",
    "called for the withdrawal of": a move someone asks for."""
    head = token.head
    if token.dep_ == "pobj" and head.lower_ == "for":
        head = head.head
    elif token.dep_ not in ("ccomp", "xcomp", "dobj"):
        return False
    return head.pos_ == "VERB" and head.lemma_.lower() in lex.word_set("demand_verbs")


def awaited(noun: Token) -> bool:
    """ "ahead of a final withdrawal", "pending the withdrawal": an event still to come."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep":
        return False
    return prep.lower_ == "pending" or (prep.lower_ == "of" and prep.head.lower_ == "ahead")


_BE_FORMS = frozenset({"is", "are", "was", "were", "be", "been", "'s", "'re", "am"})


def _status_from_tense(verb: Token, lex: Lexicon) -> Status:
    auxes = {a.lower_ for a in children(verb, "aux", "auxpass")}
    if verb.tag_ == "VBG" and auxes & _BE_FORMS:
        return Status.ONGOING
    if verb.tag_ == "VBG" and verb.dep_ == "advcl" and verb.head.lower_ in _BE_FORMS:
        return Status.ONGOING  # "troops were on Monday handing back the base": the parse hangs it off "were"
    if verb.tag_ in ("VBZ", "VBP") and not auxes:
        return Status.ONGOING
    if verb.tag_ == "VBG" and not auxes and _seen(verb, lex):
        return Status.ONGOING  # "footage showed troops withdrawing": caught in the act
    return Status.COMPLETED


def _seen(verb: Token, lex: Lexicon) -> bool:
    if verb.dep_ not in ("ccomp", "xcomp", "acl", "oprd"):
        return False
    seer = verb.head if verb.dep_ != "acl" else verb.head.head
    return seer.lemma_.lower() in lex.word_set("perception_verbs")


def _is_future(token: Token, lex: Lexicon) -> bool:
    modals = lex.word_set("modal_future") - {"to"}
    head = aspect_head(token)
    for verb in [token, head] if head is not None else [token]:
        if any(a.lower_ in modals for a in children(verb, "aux")):
            return True
    return False


def _under(token: Token, lex: Lexicon, verbs: str) -> bool:
    """ "expected to withdraw", "plans to deploy": an infinitive under a verb of a word list."""
    if token.dep_ != "xcomp":
        return False
    head = aspect_head(token)
    return head is not None and head.lemma_.lower() in lex.word_set(verbs)


def _planned_by_noun(token: Token, lex: Lexicon) -> bool:
    """ "plans to withdraw", "the decision to pull out": an infinitive describing a noun of intent."""
    return token.dep_ == "acl" and token.head.lemma_.lower() in lex.word_set("planned_nouns")


def _no_plan(token: Token, lex: Lexicon) -> Token | None:
    """The "no" of "has no plans to withdraw", "there is no intention to leave"."""
    if not _planned_by_noun(token, lex):
        return None
    return next((c for c in children(token.head, "det") if c.lower_ == "no"), None)


def _said_to_go_on(token: Token, lex: Lexicon) -> bool:
    """ "fighting was ongoing in X", "the withdrawal is underway": the event is the subject of a predicate
    that says it goes on."""
    if token.dep_ != "nsubj":
        return False
    return any(c.lower_ in lex.word_set("ongoing_predicates") for c in children(token.head, "acomp"))


def _in_ongoing_phrase(token: Token, sent: Span, lex: Lexicon) -> bool:
    before = doc_text(token.doc)[sent.start_char : token.idx].lower()
    return any(before.rstrip().endswith(p) for p in lex.word_set("ongoing_phrases"))


def certainty_of(trigger: Trigger, sent: Span, status: Status, lex: Lexicon) -> tuple[Certainty, list[Mark]]:
    token = trigger.token
    head = aspect_head(token)
    scope = [token, *governing_verbs(token)]
    for tok in [token, head] if head is not None else [token]:
        negation = next((c for c in children(tok, "neg") if c.lower_ in lex.word_set("negations")), None)
        if negation is not None:
            return Certainty.DENIED, [_mark(negation, "hedge")]
    no_plan = _no_plan(token, lex)
    if no_plan is not None:
        return Certainty.DENIED, [_mark(no_plan, "hedge")]
    for tok in _up_to_speech(scope[1:], lex):
        if tok.lemma_.lower() in lex.word_set("denial_verbs"):
            return Certainty.DENIED, [_mark(tok, "hedge")]
    for tok in scope:
        if tok.lemma_.lower() in lex.word_set("claim_verbs"):
            return Certainty.CLAIMED, [_mark(tok, "hedge")]
    hedge = _hedge(scope, lex)
    if hedge is not None:
        return Certainty.UNCERTAIN, [_mark(hedge, "hedge")]
    if status in (Status.EXPECTED, Status.PLANNED):
        return Certainty.EXPECTED, []
    return Certainty.REPORTED, []


def _up_to_speech(verbs: list[Token], lex: Lexicon) -> list[Token]:
    """The governing verbs up to the first verb of saying: in "denied the claim, saying the army remained
    in control", the army's control is what the speaker asserts, not what it denies."""
    found = []
    for verb in verbs:
        if verb.lemma_.lower() in lex.word_set("reporting_verbs") and verb.dep_ == "advcl":
            break
        found.append(verb)
    return found


def _hedge(scope: list[Token], lex: Lexicon) -> Token | None:
    hedges = lex.word_set("hedge_words")
    for tok in scope[1:]:
        if _states_doubt(tok):
            return tok
    for tok in scope:
        if tok != scope[0] and tok.lemma_.lower() in hedges:
            return tok
        for child in children(tok, "advmod"):
            if child.lower_ in hedges:
                return child
    return None


def _states_doubt(verb: Token) -> bool:
    """ "it was not clear whether ...", "it remains uncertain whether ..." govern what they doubt."""
    for comp in children(verb, "acomp"):
        if comp.lemma_.lower() in ("unclear", "uncertain", "unknown"):
            return True
        if comp.lemma_.lower() == "clear" and any(True for _ in children(verb, "neg")):
            return True
    return False


def sentence_hedge(sent: Span, lex: Lexicon) -> bool:
    """A sentence that casts doubt on what came before ("The claim could not be independently verified")."""
    text = span_text(sent).lower()
    return any(p in text for p in lex.word_set("verification_hedges"))


def _mark(token: Token, label: str) -> Mark:
    return Mark(token.idx, token.idx + len(token), label)
