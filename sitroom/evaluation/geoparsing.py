"""Geoparsing on news: toponym detection and resolution against GeoWebNews, LGL and TR-News.

The corpora (`geoparsing/` in the peer data, see its PROVENANCE.md) mark every toponym of an article by
character offsets with its coordinates. Scored per corpus and pooled, dev and held-out articles apart:

- detection, end to end from the raw text: precision, recall and F1 of sitroom's place mentions
  (`Pipeline.place_mentions`), under two span rules: *exact* (same start and end) and *overlap* (the
  spans share a character; each gold span pairs with at most one prediction).
- resolution, end to end: over the gold toponyms that were detected (overlap rule) and resolved, the
  share within 161 km of the gold point (accuracy@161km) and the median error; and the share of all gold
  toponyms with coordinates that were detected and resolved within 161 km (`e2e.gold_within_161km`).
- resolution with gold spans given: each gold span's text resolved in its document's context (the
  other gold spans stand for the document's places), the same measures.
- baseline: the most populous gazetteer entry with the same name or demonym (no context), on the same spans.

GeoWebNews types every annotated phrase. As in the corpus paper, the scored toponyms are the literal ones
(Literal, Mixed, Coercion, Embedded_Literal, Literal_Modifier) and the associative ones (Metonymic,
Non_Literal_Modifier, Embedded_Non_Lit). Demonyms, language names, homonyms and Non_Toponym phrases are
not scored: a prediction overlapping one counts neither as a hit nor as a false alarm. The
`*_Expression` phrases are common nouns, not toponyms; a prediction there is a false alarm.

Demonyms: sitroom lists nationality words ("Russian", "Syrians") as place mentions resolved to their
country, flagged with the feature "demonym", and they count like any other mention in all three corpora.
This is fair to GeoWebNews: it annotates nationality words and scores the adjectival ones as the
toponym types they are ("Russian" in "Russian officials" is a Non_Literal_Modifier with Russia's point),
so a demonym mention there is a hit, as it would be for any geoparser that found the phrase; only the
Demonym type (the people, "Mexicans") is unscored, and a mention on one is left out by the rule above.
LGL and TR-News mark adjectival place names as toponyms with their country's point. With gold spans
given, a span spelled like a demonym is resolved as one.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitroom.errors import EvalError
from sitroom.evaluation.baseline import most_populous
from sitroom.evaluation.metrics import SPLITS, Distances, Metric, Ratio, haversine_km, share
from sitroom.resolve.geo import DEMONYM, document_contexts

FOLDER = "geoparsing"
TITLE = "Geoparsing news: GeoWebNews, LGL, TR-News (toponym detection and resolution)"
CORPORA = {"GWN": "GWN.xml", "LGL": "LGL.xml", "TR-News": "TR-News.xml"}
POOLED = "pooled"
ACCURATE_KM = 161.0  # 100 miles, the usual geoparsing tolerance
SCORED_GWN_TYPES = frozenset(
    "Literal Mixed Coercion Embedded_Literal Literal_Modifier Metonymic Non_Literal_Modifier "
    "Embedded_Non_Lit".split()
)
IGNORED_GWN_TYPES = frozenset({"Demonym", "Language", "Homonym", "Non_Toponym"})
REFERENCES = {
    "reference_mordecai3_end_to_end": "58.6% exact (Mordecai3, Halterman 2023)",
    "reference_mordecai3_gold_spans": "92.6% exact / 96.6% within 161 km (Mordecai3, Halterman 2023)",
}


@dataclass(frozen=True, slots=True)
class Toponym:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    scored: bool = True  # False: an unscored GWN phrase (demonym, language, ...)


@dataclass(frozen=True, slots=True)
class Article:
    corpus: str
    key: str
    split: str
    text: str
    toponyms: tuple[Toponym, ...]

    @property
    def gold(self) -> tuple[Toponym, ...]:
        return tuple(t for t in self.toponyms if t.scored)


Span = tuple[int, int, Any]  # start, end, resolved place (or None)


@dataclass
class Tally:
    """Counts for one corpus and split."""

    exact: list[int] = field(default_factory=lambda: [0, 0, 0])  # true pos, predicted, gold
    overlap: list[int] = field(default_factory=lambda: [0, 0, 0])
    e2e: Distances = field(default_factory=Distances)
    e2e_within: Ratio = field(default_factory=Ratio)  # over every gold toponym with a point
    gold: Distances = field(default_factory=Distances)
    gold_within: Ratio = field(default_factory=Ratio)
    gold_resolved: Ratio = field(default_factory=Ratio)
    base_e2e: Distances = field(default_factory=Distances)
    base_e2e_within: Ratio = field(default_factory=Ratio)
    base_gold: Distances = field(default_factory=Distances)
    base_gold_within: Ratio = field(default_factory=Ratio)
    articles: int = 0

    def merge(self, other: Tally) -> None:
        for name in ("exact", "overlap"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for i in range(3):
                mine[i] += theirs[i]
        for name in ("e2e", "gold", "base_e2e", "base_gold"):
            getattr(self, name).values.extend(getattr(other, name).values)
        for name in ("e2e_within", "gold_within", "gold_resolved", "base_e2e_within", "base_gold_within"):
            mine, theirs = getattr(self, name), getattr(other, name)
            mine.hits, mine.n = mine.hits + theirs.hits, mine.n + theirs.n
        self.articles += other.articles

    def metrics(self, corpus: str) -> dict[str, Metric]:
        found: dict[str, Metric] = {}
        for rule in ("exact", "overlap"):
            tp, predicted, gold = getattr(self, rule)
            p, r = share(tp, predicted), share(tp, gold)
            f1 = None if not p or not r else 2 * p * r / (p + r)
            found[f"detect.{rule}.precision"] = Metric(p, predicted)
            found[f"detect.{rule}.recall"] = Metric(r, gold)
            found[f"detect.{rule}.f1"] = Metric(f1, tp)
        for label, distances, within in (
            ("e2e", self.e2e, self.e2e_within),
            ("gold_spans", self.gold, self.gold_within),
            ("baseline.e2e", self.base_e2e, self.base_e2e_within),
            ("baseline.gold_spans", self.base_gold, self.base_gold_within),
        ):
            found[f"{label}.acc161"] = distances.within(ACCURATE_KM)
            found[f"{label}.median_km"] = distances.median()
            found[f"{label}.gold_within_161km"] = within.metric()
        found["gold_spans.resolved"] = self.gold_resolved.metric()
        return {f"{corpus}.{name}": metric for name, metric in found.items()}


def evaluate_geoparsing(pipeline: Any, folder: Path, limit: int | None = None) -> dict[str, Any]:
    articles = read_articles(folder, limit)
    tallies = {(c, s): Tally() for c in [*CORPORA, POOLED] for s in SPLITS}
    texts = [a.text for a in articles]
    docs = pipeline.nlp.pipe(texts, batch_size=8)
    for article, doc in zip(articles, docs, strict=True):
        tally = tallies[(article.corpus, article.split)]
        score_article(pipeline, article, pipeline.place_mentions(doc), tally)
    for split in SPLITS:
        for corpus in CORPORA:
            tallies[(POOLED, split)].merge(tallies[(corpus, split)])
    metrics = {s: {} for s in SPLITS}
    for (corpus, split), tally in tallies.items():
        metrics[split].update(tally.metrics(corpus))
    return {
        "title": TITLE,
        "metrics": {s: {k: m.to_dict() for k, m in metrics[s].items()} for s in SPLITS},
        "counts": {
            s: {f"{c}.articles": tallies[(c, s)].articles for c in [*CORPORA, POOLED]} for s in SPLITS
        },
        "info": {
            "span_rules": "exact = same start and end; overlap = spans share a character (one-to-one)",
            "scored_gwn_types": "literal + associative (demonym, language, homonym, non-toponym unscored)",
            **REFERENCES,
        },
    }


def score_article(pipeline: Any, article: Article, predicted: Sequence[Any], tally: Tally) -> None:
    """Add one article's detection and resolution outcomes to `tally`."""
    gold = article.gold
    ignored = [t for t in article.toponyms if not t.scored]
    preds = [(m.start, m.end, m.place) for m in predicted if not _inside_any(m.start, m.end, ignored, gold)]
    tally.articles += 1
    for rule, counts in (("exact", tally.exact), ("overlap", tally.overlap)):
        counts[0] += len(_pairs(gold, preds, rule))
        counts[1] += len(preds)
        counts[2] += len(gold)
    located = [t for t in gold if t.lat is not None]
    paired = dict(_pairs(located, preds, "overlap"))
    _score_points(located, [paired.get(i) for i in range(len(located))], tally.e2e, tally.e2e_within)
    baseline = [_baseline(pipeline, article.text, p) for p in (paired.get(i) for i in range(len(located)))]
    _score_points(located, baseline, tally.base_e2e, tally.base_e2e_within)
    given = resolve_gold_spans(pipeline, article.text, located)
    tally.gold_resolved.n += len(located)
    tally.gold_resolved.hits += sum(p is not None for p in given)
    _score_points(located, given, tally.gold, tally.gold_within)
    base_given = [most_populous(pipeline.gazetteer, t.text) for t in located]
    _score_points(located, base_given, tally.base_gold, tally.base_gold_within)


def resolve_gold_spans(pipeline: Any, text: str, toponyms: Sequence[Toponym]) -> list[Any]:
    """Each gold span resolved in its document's context, as the pipeline resolves its own mentions
    (a span that is a demonym, "Russian", read as its country, as `place_mentions` reads one)."""
    geo = pipeline.resolvers.geo
    spans = [(t.start, t.end, t.text) for t in toponyms]
    contexts = document_contexts(text, spans)
    pairs = [
        (t.text, replace(c, feature_hint=DEMONYM) if geo.is_demonym(t.text) else c)
        for t, c in zip(toponyms, contexts, strict=True)
    ]
    return geo.resolve_document(pairs)


def _baseline(pipeline: Any, text: str, pred: Span | None) -> Any:
    if pred is None:
        return None
    return most_populous(pipeline.gazetteer, text[pred[0] : pred[1]])


def _score_points(
    gold: Sequence[Toponym], places: Sequence[Any], distances: Distances, within: Ratio
) -> None:
    for toponym, place in zip(gold, places, strict=True):
        place = place[2] if isinstance(place, tuple) else place
        km = _error_km(toponym, place)
        if km is not None:
            distances.add(km)
        within.add(km is not None and km <= ACCURATE_KM)


def _error_km(toponym: Toponym, place: Any) -> float | None:
    lat, lon = getattr(place, "lat", None), getattr(place, "lon", None)
    if lat is None or lon is None or toponym.lat is None or toponym.lon is None:
        return None
    return haversine_km(lat, lon, toponym.lat, toponym.lon)


def _pairs(gold: Sequence[Toponym], preds: Sequence[Span], rule: str) -> list[tuple[int, Span]]:
    """(gold index, prediction) pairs under a span rule, each prediction used once, in text order."""
    used: set[int] = set()
    found = []
    for i, g in enumerate(gold):
        for j, p in enumerate(preds):
            if j in used:
                continue
            hit = (p[0], p[1]) == (g.start, g.end) if rule == "exact" else p[0] < g.end and g.start < p[1]
            if hit:
                used.add(j)
                found.append((i, p))
                break
    return found


def _inside_any(start: int, end: int, ignored: Sequence[Toponym], gold: Sequence[Toponym]) -> bool:
    """A prediction on an unscored phrase (and on no scored one) is left out of the counts."""
    overlaps = lambda spans: any(start < t.end and t.start < end for t in spans)  # noqa: E731
    return overlaps(ignored) and not overlaps(gold)


def read_articles(folder: Path, limit: int | None = None) -> list[Article]:
    """Every article of the three corpora with its split; `limit` caps the articles per corpus and split."""
    splits = _read_splits(folder / "split.csv")
    articles: list[Article] = []
    for corpus, name in CORPORA.items():
        path = folder / name
        if not path.is_file():
            raise EvalError(f"geoparsing corpus {path} is missing")
        taken = dict.fromkeys(SPLITS, 0)
        for index, (key, text, toponyms) in enumerate(_parse_corpus(path, corpus), start=1):
            split = splits.get((name, str(index), key))
            if split is None:
                raise EvalError(f"{name} article {index} ({key}) has no row in split.csv")
            if limit is not None and taken[split] >= limit:
                continue
            taken[split] += 1
            articles.append(Article(corpus, key, split, text, tuple(toponyms)))
    return articles


def _read_splits(path: Path) -> dict[tuple[str, str, str], str]:
    if not path.is_file():
        raise EvalError(f"{path} is missing")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and set(rows[0]) != {"file", "article_index", "article_key", "split"}:
        raise EvalError(f"{path.name}: expected columns file, article_index, article_key, split")
    return {(r["file"], r["article_index"], r["article_key"]): r["split"] for r in rows}


def _parse_corpus(path: Path, corpus: str) -> Iterator[tuple[str, str, list[Toponym]]]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise EvalError(f"{path.name}: not readable XML ({error})") from error
    for article in root.iter("article"):
        key = article.get("file") if corpus == "GWN" else article.get("docid")
        text = article.findtext("text") or ""
        toponyms = [_toponym(t, text, corpus) for t in article.iter("toponym")]
        yield str(key), text, [t for t in toponyms if t is not None]


def _toponym(node: ET.Element, text: str, corpus: str) -> Toponym | None:
    start, end = int(node.findtext("start") or 0), int(node.findtext("end") or 0)
    if corpus == "GWN":
        kind = node.findtext("type") or ""
        if kind not in SCORED_GWN_TYPES and kind not in IGNORED_GWN_TYPES:
            return None  # expressions: common nouns, not toponyms
        lat, lon = _number(node.findtext("latitude")), _number(node.findtext("longitude"))
        return Toponym(start, end, text[start:end], lat, lon, scored=kind in SCORED_GWN_TYPES)
    tag = node.find("gaztag")
    lat = _number(tag.findtext("lat")) if tag is not None else None
    lon = _number(tag.findtext("lon")) if tag is not None else None
    return Toponym(start, end, text[start:end], lat, lon)


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value and value.strip() else None
    except ValueError:
        return None
