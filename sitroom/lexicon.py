"""The extraction lexicon (sitroom/data/lexicon.toml) as one typed, immutable object."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sitroom import data
from sitroom.errors import DataError
from sitroom.records import EventType

_K = TypeVar("_K")
LEXICON_PATH = data.path("lexicon.toml")


@dataclass(frozen=True)
class TriggerWords:
    verbs: frozenset[str]  # single-word lemmas
    phrasal: frozenset[tuple[str, str]]  # (lemma, particle)
    nouns: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    triggers: dict[EventType, TriggerWords]
    control_light_verbs: frozenset[str]
    losing_verbs: frozenset[str]
    handover_verbs: frozenset[str]  # "lemma" or "lemma particle"
    handover_nouns: frozenset[str]
    handover_objects: frozenset[str]
    expel_verbs: frozenset[str]  # "lemma" or "lemma particle"
    words: dict[str, frozenset[str]]
    quantity_kinds: dict[str, str]  # noun lemma -> quantity kind
    fatality: dict[str, frozenset[str]]
    victim_category: dict[str, str]  # noun lemma -> civilian | military | militant
    numbers: dict[str, tuple[int, int]]
    approximate: tuple[str, ...]
    source_kinds: tuple[tuple[str, tuple[str, ...]], ...]  # ordered (kind, cue words)
    speech_verbs: frozenset[str]
    declined: tuple[str, ...]
    group_claim_phrases: tuple[str, ...]
    attack_methods: dict[str, tuple[str, ...]]  # method -> regular expressions (merge: telling attacks apart)

    def word_set(self, name: str) -> frozenset[str]:
        return self.words[name]

    # Trigger words indexed by word: each gives the first event type, in the lexicon's order, that lists
    # it, which is the type a scan of the types in order would find.

    @functools.cached_property
    def trigger_rank(self) -> dict[EventType, int]:
        return {etype: rank for rank, etype in enumerate(self.triggers)}

    @functools.cached_property
    def verb_types(self) -> dict[str, EventType]:
        return _first_type({etype: words.verbs for etype, words in self.triggers.items()})

    @functools.cached_property
    def phrasal_types(self) -> dict[tuple[str, str], EventType]:
        return _first_type({etype: words.phrasal for etype, words in self.triggers.items()})

    @functools.cached_property
    def phrasal_lemmas(self) -> frozenset[str]:
        return frozenset(lemma for lemma, _ in self.phrasal_types)

    @functools.cached_property
    def noun_types(self) -> dict[str, EventType]:
        return _first_type({etype: words.nouns for etype, words in self.triggers.items()})


def _first_type(listed: dict[EventType, frozenset[_K]]) -> dict[_K, EventType]:
    found: dict[_K, EventType] = {}
    for etype, keys in listed.items():
        for key in keys:
            found.setdefault(key, etype)
    return found


@functools.cache
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise DataError(f"cannot read lexicon {path}: {err}") from err
    return _build(raw)


def _build(raw: dict) -> Lexicon:
    triggers = {EventType(name): _trigger_words(entry) for name, entry in raw["triggers"].items()}
    control = raw["triggers"]["control"]
    numbers = {k: (int(v[0]), int(v[1])) for k, v in raw["numbers"].items() if k != "approximate"}
    return Lexicon(
        triggers=triggers,
        control_light_verbs=frozenset(control["control_light_verbs"]),
        losing_verbs=frozenset(control["losing_verbs"]),
        handover_verbs=frozenset(control["handover_verbs"]),
        handover_nouns=frozenset(control["handover_nouns"]),
        handover_objects=frozenset(control["handover_objects"]),
        expel_verbs=frozenset(control["expel_verbs"]),
        words={k: frozenset(v) for section in _WORD_SECTIONS for k, v in raw[section].items()}
        | {k: frozenset(raw["triggers"]["statement"][k]) for k in ("agreement_verbs", "agreement_objects")},
        quantity_kinds={lemma: kind for kind, lemmas in raw["quantities"].items() for lemma in lemmas},
        fatality={
            k: frozenset(raw["fatalities"][k])
            for k in ("death_verbs", "death_nouns", "injury_verbs", "injury_nouns")
        },
        victim_category={
            lemma: cat for cat in ("militant", "military", "civilian") for lemma in raw["fatalities"][cat]
        },
        numbers=numbers,
        approximate=tuple(raw["numbers"]["approximate"]),
        source_kinds=tuple(
            (k, tuple(v))
            for k, v in raw["sources"].items()
            if k not in ("speech_verbs", "declined", "group_claim_phrases")
        ),
        speech_verbs=frozenset(raw["sources"]["speech_verbs"]),
        declined=tuple(raw["sources"]["declined"]),
        group_claim_phrases=tuple(raw["sources"]["group_claim_phrases"]),
        attack_methods={method: tuple(patterns) for method, patterns in raw["methods"].items()},
    )


# Sections of plain word lists, read by name with `Lexicon.word_set` (each list is in one section only).
_WORD_SECTIONS = ("words", "claims", "speakers", "resolve")


def _trigger_words(entry: dict) -> TriggerWords:
    verbs = [v for v in entry.get("verbs", []) if " " not in v]
    phrasal = [tuple(v.split(" ", 1)) for v in entry.get("verbs", []) if " " in v]
    return TriggerWords(frozenset(verbs), frozenset(phrasal), frozenset(entry.get("nouns", [])))
