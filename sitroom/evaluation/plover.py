"""PLOVER gold standard records (PLOVER 0.5b1): event type and actor spans on single news sentences.

Each sentence is one document (dateline 2000-01-01, the records' placeholder date). PLOVER categories are
mapped onto sitroom's event types by `PLOVER_TO_SITROOM`; sitroom codes only force-related events, so most
categories map to nothing. A row's predicted type is that of its first asserted event whose type is a
mapped one.

The two schemes cut violence differently. PLOVER (its codebook: FIGHT is "use conventional military
force"; the development records' own `mode` fields code FIGHT as firearms, heavy-weapons or assassinate
and ASSAULT as beat, torture, primitive or suicide-attack) splits it by means: FIGHT is any use of
conventional military force (an army's shelling or air strike as much as a clash), ASSAULT violence that
needs no military organisation. sitroom (like ACLED) splits it by shape: `fight` is a clash between two
armed sides, `assault` a one-sided attack by any means. So a sitroom `fight` is always PLOVER FIGHT, and a
sitroom `assault` is PLOVER ASSAULT or FIGHT depending on the weapon. `ACCEPTED` says which sitroom types
agree with each gold category: FIGHT accepts `fight` and `assault`, ASSAULT accepts only `assault`. Mapping
FIGHT onto `fight` alone scored every shelling and air strike that PLOVER calls FIGHT as a miss.

Only what sitroom asserts is a prediction: an event it marks denied ("denied attacking") or expected or
planned ("will withdraw", "plans to deploy") says the event did not (yet) happen, which is what PLOVER's
THREATEN, REJECT or DEMAND rows say too; counting such events as predictions of ASSAULT or RETREAT would
punish sitroom for reading the modality right.

Reported: accuracy on rows whose gold type is mapped; precision, recall and F1 per mapped category (named
by its sitroom counterpart: assault, fight, withdraw, deploy; a prediction counts for the gold category
when `ACCEPTED` allows it, else for the category of its own type) and their macro average (a category
with neither gold rows nor predictions in a split has no F1 and is left out of the average); `violent.*`:
PLOVER ASSAULT or FIGHT against sitroom assault or fight, the distinction both schemes share; the
false-positive rate on unmapped rows (a row counts when sitroom asserted any event of a type that PLOVER
would code in a mapped category, or a control event); actor span match: the share of gold source
(target) actorText strings that appear, case-insensitively and either way round, in the mention of some
extracted agent (target) - over all rows, and over rows whose gold type is mapped.
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
from sitroom.records import Certainty, Event, EventType, Role, Status

FOLDER = "plover-gsr"
TITLE = "PLOVER gold standard records 0.5b1 (single sentences)"
DATA_FILE = "plover_gsr.jsonl"
DATELINE = date(2000, 1, 1)

# PLOVER 0.5b1 category -> sitroom event type (None: sitroom does not code it).
PLOVER_TO_SITROOM: dict[str, EventType | None] = {
    "ASSAULT": EventType.ASSAULT,  # unconventional violence: bombings, abductions, beatings, killings
    "FIGHT": EventType.FIGHT,  # conventional military force: clashes, and shelling or air strikes (ACCEPTED)
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
# sitroom types that agree with a gold category (see the module docstring): an army's shelling is PLOVER
# FIGHT and a sitroom assault, so FIGHT accepts both; ASSAULT (no military means) is never a clash. Fairer
# than FIGHT -> fight alone, which scored every shelling and air strike PLOVER codes FIGHT as a miss.
ACCEPTED: dict[EventType, frozenset[EventType]] = {
    EventType.ASSAULT: frozenset({EventType.ASSAULT}),
    EventType.FIGHT: frozenset({EventType.FIGHT, EventType.ASSAULT}),
    EventType.WITHDRAW: frozenset({EventType.WITHDRAW}),
    EventType.DEPLOY: frozenset({EventType.DEPLOY}),
}
VIOLENT = frozenset({EventType.ASSAULT, EventType.FIGHT})
# sitroom types whose presence on an unmapped row is a false positive.
FALSE_POSITIVE_TYPES = frozenset({*MAPPED_TYPES, EventType.CONTROL})
# What sitroom says did not happen, or has not happened yet: not a prediction that it happened. Fairer: a
# denied attack or a planned withdrawal read right was counted as a false ASSAULT or RETREAT.
NOT_ASSERTED_STATUS = frozenset({Status.EXPECTED, Status.PLANNED})
NOT_ASSERTED_CERTAINTY = frozenset({Certainty.DENIED, Certainty.EXPECTED})


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


def asserted(event: Event) -> bool:
    """Whether sitroom says the event happened (or is happening): not denied, expected or planned."""
    return event.status not in NOT_ASSERTED_STATUS and event.certainty not in NOT_ASSERTED_CERTAINTY


def predicted_type(events: list[Event]) -> EventType | None:
    return next((e.type for e in events if e.type in MAPPED_TYPES and asserted(e)), None)


def credited(predicted: EventType | None, gold: EventType | None) -> EventType | None:
    """The category a prediction counts for: the gold one when `ACCEPTED` allows it, else its own."""
    if predicted is not None and gold is not None and predicted in ACCEPTED[gold]:
        return gold
    return predicted


@dataclass
class PloverTally:
    """Running scores of one split."""

    accuracy: Ratio = field(default_factory=Ratio)
    false_positive: Ratio = field(default_factory=Ratio)
    confusion: dict[EventType, list[int]] = field(
        default_factory=lambda: {t: [0, 0, 0] for t in MAPPED_TYPES}
    )  # tp, fp, fn
    violent: list[int] = field(default_factory=lambda: [0, 0, 0])  # ASSAULT or FIGHT: tp, fp, fn
    spans: dict[str, Ratio] = field(default_factory=dict)
    unknown_types: int = 0

    def add(self, sentence: GoldSentence, events: list[Event]) -> None:
        gold = sentence.gold
        predicted = credited(predicted_type(events), gold)
        if sentence.plover_type not in PLOVER_TO_SITROOM:
            self.unknown_types += 1
        if gold is None:
            self.false_positive.add(any(e.type in FALSE_POSITIVE_TYPES and asserted(e) for e in events))
        else:
            self.accuracy.add(predicted == gold)
        for kind, counts in self.confusion.items():
            counts[0] += predicted == kind and gold == kind
            counts[1] += predicted == kind and gold != kind
            counts[2] += gold == kind and predicted != kind
        violent_gold, violent_predicted = gold in VIOLENT, predicted in VIOLENT
        self.violent[0] += violent_predicted and violent_gold
        self.violent[1] += violent_predicted and not violent_gold
        self.violent[2] += violent_gold and not violent_predicted
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
        for kind, counts in self.confusion.items():
            found.update(_prf(kind.value, *counts))
            f1 = found[f"{kind.value}.f1"].value
            if f1 is not None:
                f1s.append(f1)
        found["type.macro_f1"] = Metric(sum(f1s) / len(f1s) if f1s else None, len(f1s))
        found.update(_prf("violent", *self.violent))
        return found


def _prf(name: str, tp: int, fp: int, fn: int) -> dict[str, Metric]:
    return {
        f"{name}.precision": Metric(share(tp, tp + fp), tp + fp),
        f"{name}.recall": Metric(share(tp, tp + fn), tp + fn),
        f"{name}.f1": Metric(share(2 * tp, 2 * tp + fp + fn), tp + fp + fn),
    }


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
