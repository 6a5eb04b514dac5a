"""The whole flow for one document or a stream of them: nlp -> extract -> resolve -> merge.

`Pipeline` holds the loaded parts (spaCy model, gazetteer, actor data), built once and reused. It never
touches the store: `sitroom.jobs` moves its output there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from sitroom.extract.events import extract_events, time_spans
from sitroom.extract.lexicon import Lexicon, load_lexicon
from sitroom.extract.parse import PLACE_LABELS, span_mention
from sitroom.extract.sources import attributions_in
from sitroom.merge import merge_document_events
from sitroom.nlp import build_nlp
from sitroom.records import (
    Annotation,
    DateMention,
    Document,
    Event,
    Mention,
    PlaceMention,
    SourceMention,
)
from sitroom.resolve.actors import ActorResolver
from sitroom.resolve.events import (
    Resolvers,
    document_context,
    is_background,
    resolve_candidates,
    with_report_date,
)
from sitroom.resolve.gazetteer import Gazetteer
from sitroom.resolve.geo import GeoContext, GeoResolver
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
        candidates = extract_events(doc, document, self.lexicon, self.is_armed_group)
        ctx = document_context(document, candidates, _place_mentions(doc), self.resolvers)
        events = resolve_candidates(candidates, ctx, self.resolvers)
        kept = [(e, not c.nominal) for e, c in zip(events, candidates, strict=True) if not is_background(e)]
        merged = merge_document_events([e for e, _ in kept], [verbal for _, verbal in kept])
        return [with_report_date(e) for e in merged]

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
            places=tuple(self._place_mentions(doc)),
            dates=tuple(self._date_mentions(doc, document)),
            sources=tuple(self._source_mentions(doc)),
            events=tuple(events),
        )

    def _place_mentions(self, doc: Doc) -> list[PlaceMention]:
        ents = [e for e in doc.ents if e.label_ in PLACE_LABELS]
        texts = tuple(e.text for e in ents)
        resolved = self.resolvers.geo.resolve_document(
            [(e.text, GeoContext(document_places=texts)) for e in ents]
        )
        return [
            PlaceMention(e.start_char, e.end_char, e.text, p) for e, p in zip(ents, resolved, strict=True)
        ]

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


def _place_mentions(doc: Doc) -> list[Mention]:
    return [span_mention(e) for e in doc.ents if e.label_ in PLACE_LABELS]
