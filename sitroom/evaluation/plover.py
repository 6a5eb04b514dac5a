"""PLOVER gold standard records (PLOVER 0.5b1): event type and actor spans on single news sentences.

Each sentence is one document (dateline 2000-01-01, the records' placeholder date). PLOVER categories are
mapped onto sitroom's event types by `PLOVER_TO_SITROOM`; sitroom codes only force-related events, so most
categories map to nothing. A row's predicted type is that of its first event whose type is a mapped one.

Reported: accuracy on rows whose gold type is mapped; precision, recall and F1 per mapped type and their
macro average (a type with neither gold rows nor predictions in a split has no F1 and is left out of the
average); the false-positive rate on unmapped rows (a row counts when sitroom extracted any event of a
type that PLOVER would code in a mapped category, or a control event); actor span match: the share of
gold source (target) actorText strings that appear, case-insensitively and either way round, in the
mention of some extracted agent (target) - over all rows, and over rows whose gold type is mapped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sitroom.errors import EvalError
from sitroom.evaluation.metrics import (
    SPLITS,
    Metric,
    Ratio,
    first_per_split,
    metrics_dict,
    overlaps_either_way,
    read_split,
    share,
)
from sitroom.evaluation.runner import run_documents
from sitroom.ingest import make_document
from sitroom.records import Event, EventType, Role

FOLDER = "plover-gsr"
TITLE = "PLOVER gold standard records 0.5b1 (single sentences)"
DATA_FILE = "plover_gsr.jsonl"
DATELINE = date(2000, 1, 1)

# PLOVER 0.5b1 category -> sitroom event type (None: sitroom does not code it).
PLOVER_TO_SITROOM: dict[str, EventType | None] = {
    "ASSAULT": EventType.ASSAULT,  # unilateral violence: attacks, bombings, killings
    "FIGHT": EventType.FIGHT,  # armed clashes between organised forces
    "RETREAT": EventType.WITHDRAW,  # in 0.5b1 RETREAT also covers yielding in general ("received observers")
    "MOBILIZE": EventType.DEPLOY,  # forces readied or moved
    "COERCE": None,  # arrests, seizures, curfews: repression, not a force movement or clash
    "AGREE": None,
    "CONCEDE": None,
    "CONSULT": None,
    "COOPERATE": None,
    "AID": None,
    "SUPPORT": None,
    "INVESTIGATE": None,
    "DEMAND": None,  # renamed REQUEST in later PLOVER versions
    "DISAPPROVE": None,
    "REJECT": None,
    "THREATEN": None,
    "PROTEST": None,
    "SANCTION": None,
}
MAPPED_TYPES = tuple(t for t in PLOVER_TO_SITROOM.values() if t is not None)
# sitroom types whose presence on an unmapped row is a false positive.
FALSE_POSITIVE_TYPES = frozenset({*MAPPED_TYPES, EventType.CONTROL})


@dataclass(frozen=True, slots=True)
class GoldSentence:
    line: int
    split: str
    text: str
    plover_type: str
    sources: tuple[str, ...]  # actorText of the gold source actors
    targets: tuple[str, ...]

    @property
    def gold(self) -> EventType | None:
        return PLOVER_TO_SITROOM.get(self.plover_type)


def read_sentences(folder: Path, limit: int | None) -> list[GoldSentence]:
    """Event records in file order (the DOCUMENT record skipped), at most `limit` per split."""
    splits = read_split(folder / "split.csv", "line")
    path = folder / DATA_FILE
    if not path.is_file():
        raise EvalError(f"{path}: PLOVER file missing")
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise EvalError(f"{path}:{number}: not JSON ({error.msg})") from error
        if record.get("event") != "DOCUMENT" and record.get("text") and str(number) in splits:
            found.append((splits[str(number)], _sentence(number, splits[str(number)], record)))
    return [sentence for _, sentence in first_per_split(found, limit)]


def _sentence(number: int, split: str, record: dict[str, Any]) -> GoldSentence:
    return GoldSentence(
        line=number,
        split=split,
        text=record["text"],
        plover_type=str(record.get("event")),
        sources=actor_texts(record.get("source")),
        targets=actor_texts(record.get("target")),
    )


def actor_texts(field_value: Any) -> tuple[str, ...]:
    """actorText strings of a source/target field, which is a list of actor objects, one object or ""."""
    items = field_value if isinstance(field_value, list) else [field_value]
    texts = (i.get("actorText", "") for i in items if isinstance(i, dict))
    return tuple(t.strip() for t in texts if isinstance(t, str) and t.strip())


def predicted_type(events: list[Event]) -> EventType | None:
    return next((e.type for e in events if e.type in MAPPED_TYPES), None)


@dataclass
class PloverTally:
    """Running scores of one split."""

    accuracy: Ratio = field(default_factory=Ratio)
    false_positive: Ratio = field(default_factory=Ratio)
    confusion: dict[EventType, list[int]] = field(
        default_factory=lambda: {t: [0, 0, 0] for t in MAPPED_TYPES}
    )  # tp, fp, fn
    spans: dict[str, Ratio] = field(default_factory=dict)
    unknown_types: int = 0

    def add(self, sentence: GoldSentence, events: list[Event]) -> None:
        gold, predicted = sentence.gold, predicted_type(events)
        if sentence.plover_type not in PLOVER_TO_SITROOM:
            self.unknown_types += 1
        if gold is None:
            self.false_positive.add(any(e.type in FALSE_POSITIVE_TYPES for e in events))
        else:
            self.accuracy.add(predicted == gold)
        for kind, counts in self.confusion.items():
            counts[0] += predicted == kind and gold == kind
            counts[1] += predicted == kind and gold != kind
            counts[2] += gold == kind and predicted != kind
        self._add_spans(sentence, events, mapped=gold is not None)

    def _add_spans(self, sentence: GoldSentence, events: list[Event], mapped: bool) -> None:
        for role, golds in ((Role.AGENT, sentence.sources), (Role.TARGET, sentence.targets)):
            mentions = [a.mention for e in events for a in e.actors if a.role == role]
            name = "source" if role == Role.AGENT else "target"
            for text in golds:
                hit = any(overlaps_either_way(text, m) for m in mentions)
                self.spans.setdefault(f"actor.{name}_span", Ratio()).add(hit)
                if mapped:
                    self.spans.setdefault(f"actor.{name}_span_mapped_rows", Ratio()).add(hit)

    def metrics(self) -> dict[str, Metric]:
        found = {"type.accuracy_mapped": self.accuracy.metric()}
        found.update(self._per_type())
        found["type.false_positive_rate_unmapped"] = self.false_positive.metric()
        for name in ("source_span", "source_span_mapped_rows", "target_span", "target_span_mapped_rows"):
            found[f"actor.{name}"] = self.spans.get(f"actor.{name}", Ratio()).metric()
        return found

    def _per_type(self) -> dict[str, Metric]:
        found, f1s = {}, []
        for kind, (tp, fp, fn) in self.confusion.items():
            f1 = share(2 * tp, 2 * tp + fp + fn)
            found[f"{kind.value}.precision"] = Metric(share(tp, tp + fp), tp + fp)
            found[f"{kind.value}.recall"] = Metric(share(tp, tp + fn), tp + fn)
            found[f"{kind.value}.f1"] = Metric(f1, tp + fp + fn)
            if f1 is not None:
                f1s.append(f1)
        found["type.macro_f1"] = Metric(sum(f1s) / len(f1s) if f1s else None, len(f1s))
        return found


def evaluate_plover(pipeline: Any, folder: Path, limit: int | None = None) -> dict[str, Any]:
    """The PLOVER section of `run_all`'s result."""
    sentences = read_sentences(folder, limit)
    documents = [make_document(s.text, DATELINE, doc_id=f"plover-{s.line}") for s in sentences]
    report = run_documents(pipeline, documents, label="plover")
    tallies = {split: PloverTally() for split in SPLITS}
    for sentence, document in zip(sentences, documents, strict=True):
        tallies[sentence.split].add(sentence, report.events.get(document.id, []))
    return {
        "title": TITLE,
        "metrics": {split: metrics_dict(tallies[split].metrics()) for split in SPLITS},
        "counts": {split: _counts(sentences, split, tallies[split]) for split in SPLITS},
        "info": report.info(),
    }


def _counts(sentences: list[GoldSentence], split: str, tally: PloverTally) -> dict[str, int]:
    mine = [s for s in sentences if s.split == split]
    return {
        "sentences": len(mine),
        "mapped_gold": sum(s.gold is not None for s in mine),
        "unknown_plover_type": tally.unknown_types,
    }
