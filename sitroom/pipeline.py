"""The whole flow for one document or a stream of them: nlp -> extract -> resolve -> merge.

`Pipeline` holds the loaded parts (spaCy model, gazetteer, actor data), built once and reused. It never
touches the store: `sitroom.jobs` moves its output there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from sitroom.extract.events import extract_events, time_spans
from sitroom.extract.parse import PLACE_LABELS, forget_ents, joined_by_hyphen, span_mention
from sitroom.extract.sources import attributions_in
from sitroom.lexicon import Lexicon, load_lexicon
from sitroom.merge import merge_document_events
from sitroom.nlp import build_nlp
from sitroom.nlp.components.wire_dateline import CITY_KEY
from sitroom.records import (
    Annotation,
    DateMention,
    Document,
    Event,
    EventCandidate,
    Mention,
    PlaceMention,
    SourceMention,
)
from sitroom.resolve.actors import ActorResolver
from sitroom.resolve.events import (
    Resolvers,
    at_the_forces_sites,
    document_context,
    is_background,
    points_back_at_nothing,
    read_place_cues,
    resolve_candidates,
    with_document_actors,
    with_receiver,
    with_report_date,
)
from sitroom.resolve.gazetteer import Gazetteer
from sitroom.resolve.geo import DEMONYM, GeoResolver, document_contexts
from sitroom.resolve.time import resolve_time
from sitroom.settings import Settings

_ARMED_KINDS = frozenset({"armed_group", "militia", "pmc"})


@dataclass
class Pipeline:
    settings: Settings

    @functools.cached_property
    def gazetteer(self) -> Gazetteer:
        return Gazetteer.open(self.settings.gazetteer_path)

    @functools.cached_property
    def actors(self) -> ActorResolver:
        return ActorResolver.load()

    @functools.cached_property
    def resolvers(self) -> Resolvers:
        return Resolvers(geo=GeoResolver(self.gazetteer), actors=self.actors)

    @functools.cached_property
    def lexicon(self) -> Lexicon:
        return load_lexicon()

    @functools.cached_property
    def nlp(self) -> Language:
        return build_nlp(self.settings.model, self.ruler_patterns())

    def ruler_patterns(self) -> list[dict]:
        places = [_place_pattern("FAC", name) for name, _ in self.gazetteer.site_names()]
        places += [_place_pattern("GPE", name) for name, _ in self.gazetteer.admin1_names()]
        return places + self.actors.ruler_patterns()

    def is_armed_group(self, text: str) -> bool:
        entity = self.actors.resolve(text)
        return entity is not None and entity.kind in _ARMED_KINDS

    def events(self, document: Document) -> list[Event]:
        return self.events_from_doc(self.nlp(document.text), document)

    def events_from_doc(self, doc: Doc, document: Document) -> list[Event]:
        _relabel_known_places(doc, self.resolvers.geo)
        candidates = extract_events(doc, document, self.lexicon, self.is_armed_group)
        candidates = read_place_cues(candidates, self.resolvers)
        dateline_city = doc.user_data.get(CITY_KEY)
        mentions = _place_mentions(doc)
        headline = self._headline_places(document, candidates, mentions)
        references = frozenset(e.start_char for e in doc.ents if _reference_point(e))
        ctx = document_context(
            document, candidates, mentions, self.resolvers, dateline_city, headline, references
        )
        events = resolve_candidates(candidates, ctx, self.resolvers)
        events = with_document_actors(events, self.resolvers, ctx.country_code)
        events = [with_receiver(e, c, self.resolvers) for e, c in zip(events, candidates, strict=True)]
        events = at_the_forces_sites(events, ctx)
        kept = [
            (e, not c.nominal)
            for e, c in zip(events, candidates, strict=True)
            if e is not None and not is_background(e) and not points_back_at_nothing(e, c)
        ]
        merged = merge_document_events([e for e, _ in kept], [verbal for _, verbal in kept])
        return [with_report_date(e) for e in merged]

    def _headline_places(
        self, document: Document, candidates: list[EventCandidate], mentions: list[Mention]
    ) -> list[str]:
        """The places of the headline, read only where the text says "the town" before it names any
        place: the headline is then what it points back at."""
        first_named = min((m.start for m in mentions), default=len(document.text))
        early = any(c.anaphoric and c.mention.start < first_named for cand in candidates for c in cand.places)
        if not document.title or not early:
            return []
        title = self.nlp(document.title)
        _relabel_known_places(title, self.resolvers.geo)
        return [e.text for e in title.ents if e.label_ in PLACE_LABELS]

    def process(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        """Events of each document, parsing in batches (spaCy's nlp.pipe) for speed."""
        pairs = ((d.text, d) for d in documents)
        for doc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.settings.batch_size):
            yield document, self.events_from_doc(doc, document)

    def annotate(self, document: Document) -> Annotation:
        """Everything the pipeline sees in one document, without storing it."""
        doc = self.nlp(document.text)
        events = self.events_from_doc(doc, document)
        return Annotation(
            document=document,
            places=tuple(self.place_mentions(doc)),
            dates=tuple(self._date_mentions(doc, document)),
            sources=tuple(self._source_mentions(doc)),
            events=tuple(events),
        )

    def place_mentions(self, doc: Doc) -> list[PlaceMention]:
        """Every place mention of a parsed text, each resolved in the document's context, or None where
        the resolver abstains: GPE, LOC and FAC entities (sitroom's rulers included), nationality words
        ("Syrian", "Russians") resolved to their country with the feature "demonym", and places that NER
        labelled otherwise or missed ("Anderson County" in "Anderson County Sheriff's Office", "Tunisia"
        tagged ORG), small towns too where the words around read as a place ("the Concord Police", "a
        Greer man", "TORRINGTON — "). Only this list reads them so; events keep their own place logic."""
        geo = self.resolvers.geo
        found = {e.start: (e, _nationality(e, geo)) for e in doc.ents if e.label_ in PLACE_LABELS}
        for span in _unlabelled_places(doc, geo):
            found.setdefault(span.start, (span, geo.is_demonym(span.text)))
        spans = [found[start] for start in sorted(found)]
        contexts = document_contexts(doc.text, [(s.start_char, s.end_char, s.text) for s, _ in spans])
        pairs = [
            (s.text, replace(c, feature_hint=DEMONYM) if demonym else c)
            for (s, demonym), c in zip(spans, contexts, strict=True)
        ]
        resolved = geo.resolve_document(pairs)
        places = zip(spans, resolved, strict=True)
        return [PlaceMention(s.start_char, s.end_char, s.text, p) for (s, _), p in places]

    def _date_mentions(self, doc: Doc, document: Document) -> list[DateMention]:
        spans = [s for sent in doc.sents for s in time_spans(sent)]
        return [
            DateMention(s.start_char, s.end_char, s.text, resolve_time(s.text, document.date)) for s in spans
        ]

    def _source_mentions(self, doc: Doc) -> list[SourceMention]:
        found = []
        for sent in doc.sents:
            for a in attributions_in(sent, self.lexicon, self.is_armed_group):
                found.append(SourceMention(a.span.start_char, a.span.end_char, a.span.text, a.source))
        return found


@functools.cache
def _tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


def _place_pattern(label: str, name: str) -> dict:
    """One word matches with its case ("Central" the province, not "central"); several words in any case
    ("Ain al-Asad air base" for "Ain al-Asad Air Base")."""
    words = [t.text for t in _tokenizer()(name)]
    if len(words) == 1:
        return {"label": label, "pattern": name}
    return {"label": label, "pattern": [{"LOWER": w.lower()} for w in words]}


# Entity labels whose words may contain a place name ("Richmond Police Department", "US forces", "706
# Orange County residents" tagged a percentage).
_HOST_LABELS = frozenset(
    "ORG NORP PERSON EVENT WORK_OF_ART PRODUCT LAW DATE TIME PERCENT MONEY QUANTITY ORDINAL CARDINAL".split()
)
_NAME_JOINERS = frozenset({"of", "and", "the", "-", "de"})
_LONGEST_NAME = 4  # tokens
# Words after a name that make it a town's: its public services ("the Concord Police", "Greer
# firefighters", "the Torrington City Council") and its people ("a Greer man"). The first few are strong
# enough to read an English word as the town ("Hurricane police").
_SERVICE_FOLLOWERS = frozenset({"police", "sheriff", "fire", "firefighters"})
_TOWN_FOLLOWERS = _SERVICE_FOLLOWERS | frozenset(
    "city town township village council mayor man woman men women boy girl teen resident residents "
    "native".split()
)
# Words before a name that read it as a place ("in Greer", "from Marston", "Daniel Ray, 29, of Roswell").
_LOCATIVES = frozenset({"in", "at", "near", "outside", "from", "to", "of"})
# The last word of an organisation named after its town ("Norfolk High School", "the Crestwood Board of
# Education", "Huntsville Memorial Hospital").
_INSTITUTIONS = frozenset(
    "school schools hospital court board education university college center centre council department "
    "museum library chamber commerce church academy district authority commission".split()
)
_DATELINE_MARKS = frozenset({"—", "–", "-", "--", "(", ","})
_DIVISIONS = frozenset({"county", "parish", "township"})
_WEAK, _STRONG = 1, 2  # how firmly the words around a name read it as a place


@dataclass(frozen=True)
class _Around:
    """What a document says around its phrases: the entity over each token, the person names, and the
    texts it labels places."""

    host: dict[int, Span]
    persons: list[str]
    places: frozenset[str]


def _unlabelled_places(doc: Doc, geo: GeoResolver) -> list[Span]:
    """Capitalised phrases outside place entities that name a place or a nationality (`_names_place`): the
    longest match first, within one entity or outside all. A person's name is a place only when it is the
    whole entity and the text never names a person with more words ("Jackson" after "Michael Jackson"),
    or when a county or a town's service is named ("Anderson County Sheriff Greg Taylor")."""
    around = _Around(
        host={t.i: e for e in doc.ents for t in e},
        persons=[e.text for e in doc.ents if e.label_ == "PERSON"],
        places=frozenset(_name_key(e.text) for e in doc.ents if e.label_ in PLACE_LABELS),
    )
    found: list[Span] = []
    i = 0
    while i < len(doc):
        span = _place_at(doc, i, around, geo)
        found += [span] if span is not None else []
        i = span.end if span is not None else i + 1
    return found


def _place_at(doc: Doc, i: int, around: _Around, geo: GeoResolver) -> Span | None:
    ent = around.host.get(i)
    if not _capitalised(doc[i]) or (ent is not None and ent.label_ not in _HOST_LABELS):
        return None
    for end in range(min(len(doc), i + _LONGEST_NAME), i, -1):
        span = doc[i:end]
        if not _capitalised(doc[end - 1]) or any(
            around.host.get(t.i) is not ent or not (_capitalised(t) or t.lower_ in _NAME_JOINERS)
            for t in span
        ):
            continue
        if ent is not None and ent.label_ == "PERSON" and not _place_not_person(span, ent, around.persons):
            continue
        if _names_place(span, around, geo):
            return span
    return None


def _names_place(span: Span, around: _Around, geo: GeoResolver) -> bool:
    """A nationality, a place sitroom would list, a country (English word or not: "Malta", "US"), a known
    place that NER tagged alone as another kind of name (a person "Joliet"), a town of any size before its
    province ("Belgrade, Minn.") or one the words around read as a place (`_place_cue`)."""
    text = span.text
    if geo.is_demonym(text) or geo.names_known_place(text) or geo.names_country(text):
        return True
    ent = around.host.get(span.start)
    alone = ent is not None and _name_key(ent.text) == _name_key(text)
    if alone and geo.names_known_place(text, english=True):
        return True
    if any(geo.names_place_within(text, unit) for unit in _containers_after(span)):
        return True
    cue = _place_cue(span, around)
    if not cue or _in_longer_name(text, around.persons):
        return False
    if cue == _STRONG and _starts_name(span):
        return geo.names_known_place(text, english=True, any_size=True)
    return geo.names_known_place(text, english=True) or geo.names_known_place(text, any_size=True)


def _place_cue(span: Span, around: _Around) -> int:
    """_STRONG: a town's services follow ("Hurricane police") or the name opens a dateline ("TORRINGTON —
    A fire ..."); _WEAK: its people follow ("a Greer man", "Northbrook-based"), a locative word comes before
    ("in Greer"), it opens the name of an organisation of the town ("Norfolk High School") or the
    document labels the same name a place elsewhere ("Springfield" before "the Springfield City
    Council"); else 0."""
    doc = span.doc
    after = [t.lower_ for t in doc[span.end : span.end + 2]]
    if after[:1] and after[0] in _SERVICE_FOLLOWERS or _opens_dateline(span):
        return _STRONG
    town = after[:1] and after[0] in _TOWN_FOLLOWERS or after == ["-", "based"]
    locative = span.start > 0 and doc[span.start - 1].lower_ in _LOCATIVES
    if town or locative or _opens_institution(span, around.host.get(span.start)):
        return _WEAK
    return _WEAK if _name_key(span.text) in around.places else 0


def _opens_institution(span: Span, ent: Span | None) -> bool:
    """The span opens an organisation entity that ends in an institution word ("Norfolk High School")."""
    if ent is None or ent.label_ != "ORG" or ent[-1].lower_ not in _INSTITUTIONS:
        return False
    first = ent.start + (ent[0].lower_ == "the")
    return span.start == first and span.end < ent.end


def _starts_name(span: Span) -> bool:
    """Not a stop word, and no capitalised word before it ("Hurricane police", not "Kentucky State
    Police" nor "No firefighters")."""
    before = span.doc[span.start - 1] if span.start > 0 else None
    alone = before is None or not _capitalised(before) or before.is_sent_end
    return alone and not (len(span) == 1 and span[0].is_stop)


def _opens_dateline(span: Span) -> bool:
    """A name in capitals that opens a sentence or line and a dash, bracket or comma follows."""
    doc = span.doc
    first = doc[span.start]
    opens = first.is_sent_start or span.start == 0 or "\n" in doc[span.start - 1].text_with_ws
    mark = doc[span.end].text if span.end < len(doc) else ""
    return (
        span.text.isupper()
        and opens
        and mark in _DATELINE_MARKS
        and bool(doc[span.end - 1].whitespace_ or mark == ",")
    )


def _containers_after(span: Span) -> list[str]:
    """The capitalised words after a comma that follows the span, longest first ("South Carolina", "South"
    in "Greer, South Carolina")."""
    doc, end = span.doc, span.end
    if end + 1 >= len(doc) or doc[end].text != ",":
        return []
    words = []
    for token in doc[end + 1 : end + 4]:
        if not _capitalised(token):
            break
        words.append(token.text)
    return [" ".join(words[:n]) for n in range(len(words), 0, -1)]


def _name_key(text: str) -> str:
    """A name as the document's entities are compared: no leading "the", case and spacing folded."""
    return " ".join(text.removeprefix("the ").removeprefix("The ").casefold().split())


def _place_not_person(span: Span, ent: Span, persons: list[str]) -> bool:
    """The whole person entity, a name never part of a longer person's name; or a county or a town's
    service inside one ("Anderson County Sheriff Greg Taylor", "Litchfield Fire Chief Jim Koser")."""
    after = span.doc[span.end].lower_ if span.end < len(span.doc) else ""
    if span[-1].lower_ in _DIVISIONS or after in _SERVICE_FOLLOWERS:
        return True
    whole = (span.start, span.end) == (ent.start, ent.end)
    return whole and not _in_longer_name(span.text, persons)


def _in_longer_name(text: str, persons: list[str]) -> bool:
    return any(text in p and text != p for p in persons)


def _capitalised(token: Token) -> bool:
    """Title case, all capitals or a capitalised abbreviation ("Syria", "BOSTON", "U.S.", "Ga.")."""
    return token.text[:1].isupper() and any(ch.isalpha() for ch in token.text)


def _nationality(ent: Span, geo: GeoResolver) -> bool:
    """A NORP (or place-labelled) entity that is a country's demonym."""
    return ent.label_ in ("NORP", *PLACE_LABELS) and geo.is_demonym(ent.text)


def _relabel_known_places(doc: Doc, geo: GeoResolver) -> None:
    """A person or organisation entity that is the whole name of a place sitroom would list (a country,
    even one whose name is also a word, like "Chad"; a province, a town of 100,000 or more, or any town
    where the text puts it after "in", "from" or "the town of") becomes a place, and so does every other
    mention of that name in the document: the model tags "Bukavu" and "Mali" persons. Not when the text
    names a person with more words around it ("Jackson" after "Michael Jackson"), nor sitroom's own
    actors."""
    persons = [e.text for e in doc.ents if e.label_ == "PERSON"]
    named = [e for e in doc.ents if e.label_ in ("PERSON", "ORG") and not e.ent_id_]
    named = [e for e in named if not any(e.text in p and e.text != p for p in persons)]
    # one sense per document: a name read as a place once ("withdrew from X") is a place wherever it stands
    places = {
        e.text
        for e in named
        if geo.names_known_place(e.text, any_size=_after_locative(e)) or geo.names_country(e.text)
    }
    changed = False
    ents = []
    for ent in doc.ents:
        if ent.text in places and ent in named:
            ent = Span(doc, ent.start, ent.end, label="GPE")
            changed = True
        ents.append(ent)
    if changed:
        doc.ents = ents
        forget_ents(doc)


def _after_locative(ent: Span) -> bool:
    """ "the base in Tessalit", "troops withdrew from Gossi": the object of a preposition of place is a
    town of any size when the gazetteer knows one by that name."""
    root, prep = ent.root, ent.root.head
    if root.dep_ != "pobj" or ent.end - ent.start > 2:
        return False
    if prep.lower_ == "of" and prep.head.lemma_.lower() in ("town", "city", "village"):
        return True  # "the town of X"
    # "withdrew from Gossi", not "a statement from Smith"
    return prep.lower_ in _PLACE_PREPOSITIONS or prep.lower_ == "from" and prep.head.pos_ == "VERB"


# Prepositions whose object is a place, never a person ("in", not "from" or "of").
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "into", "around"})


def _place_mentions(doc: Doc) -> list[Mention]:
    """The document's place entities, less those that speak ("Kyiv declared ...", "Moscow said ..."):
    a capital or a country as the subject of saying stands for its government, and is no place a later
    "the city" could point back at."""
    return [
        span_mention(e)
        for e in doc.ents
        if e.label_ in PLACE_LABELS
        and not _speaks(e)
        and not _first_name(e)
        and not _reference_point(e)
        and not joined_by_hyphen(e[-1])  # "Moscow-backed": who backs, not where
    ]


_SAYING = frozenset(
    {"say", "declare", "announce", "claim", "state", "deny", "confirm", "tell", "report", "warn"}
)


def _first_name(ent: Span) -> bool:
    """ "Vladimir" of "Vladimir Putin" when the model splits the name: a one-word place right before
    another proper name that is no place."""
    if len(ent) != 1 or ent.end >= len(ent.doc):
        return False
    after = ent.doc[ent.end]
    return after.pos_ == "PROPN" and after.is_title and after.ent_type_ not in PLACE_LABELS


def _speaks(ent: Span) -> bool:
    """ "Kyiv said", "Kyiv's announcement": a place that speaks, or whose word is told, stands for its
    government."""
    head = ent.root.head.lemma_.lower()
    return (ent.root.dep_ == "nsubj" and head in _SAYING) or (ent.root.dep_ == "poss" and head in _SAYINGS)


_SAYINGS = frozenset(
    {"announcement", "statement", "claim", "decision", "order", "declaration", "denial", "confirmation"}
)


def _reference_point(ent: Span) -> bool:
    """ "15 km north of Donetsk": a place named only to say where another lies is not what "the town"
    later points back at."""
    prep = ent.root.head
    if ent.root.dep_ != "pobj" or prep.lower_ != "of":
        return False
    direction = prep.head
    if direction.lower_ == "city" and direction.dep_ == "pobj":  # "... north of the city of Kursk"
        direction = direction.head.head
    return direction.lemma_.lower() in load_lexicon().word_set("compass") and any(
        c.like_num or c.ent_type_ == "QUANTITY" for c in direction.subtree
    )
