"""An EntityRuler that runs token patterns differing only in their leading words as one pattern.

spaCy's Matcher tries every token pattern at every token. The actor data yields over a hundred patterns
of a few shapes, "<demonym> (<modifier>)* <force noun>", one per demonym and role: tried one by one,
they cost more than sitroom's other rulers and extraction's largest stages. Grouped by everything after
their leading words, they become a handful of patterns whose leading tokens take any of the group's
words. The words a match found pick the patterns it belongs to, and a match that no pattern's words
spell is dropped, so the matches, and the entities set from them, are those of the patterns one by one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc, Token

_WORD_ATTRS = ("LOWER", "ORTH")


class GroupedEntityRuler(EntityRuler):
    """`entity_ruler` with grouped token patterns; see the module docstring."""

    def __init__(self, nlp: Language, name: str = "entity_ruler", **config: object) -> None:
        super().__init__(nlp, name, **config)  # type: ignore[arg-type]
        self._clear_groups()

    def clear(self) -> None:
        super().clear()
        self._clear_groups()

    def _clear_groups(self) -> None:
        # Per group (by the hash of its key): the attributes its leading words are read by, and for
        # each run of leading words, the match keys of the patterns that start with them.
        self._groups: dict[int, tuple[tuple[str, ...], dict[tuple[str, ...], set[int]]]] = {}
        self._group_tails: dict[str, list[dict]] = {}
        self._grouped: Matcher | None = None  # built on first use from the groups

    def add_patterns(self, patterns: Sequence[dict]) -> None:  # type: ignore[override]
        plain = []
        for entry in patterns:
            lead = _leading_words(entry["pattern"])
            if 0 < lead < len(entry["pattern"]):
                self._add_grouped(entry, lead)
            else:
                plain.append(entry)
        if plain:
            super().add_patterns(plain)

    def _add_grouped(self, entry: dict, lead: int) -> None:
        tokens = entry["pattern"]
        label = entry["label"]
        if "id" in entry:
            label = self._create_label(label, entry["id"])
            self._ent_ids[self.matcher._normalize_key(label)] = (entry["label"], entry["id"])
        match_key = self.nlp.vocab.strings.add(label)
        self.token_patterns[label].append(tokens)  # listed by `patterns`, as a plain ruler lists them
        attrs = tuple(next(iter(token)) for token in tokens[:lead])
        words = tuple(token[attr] for token, attr in zip(tokens[:lead], attrs, strict=True))
        group_key = json.dumps([attrs, tokens[lead:]], sort_keys=True)
        self._group_tails[group_key] = tokens[lead:]
        group_hash = self.nlp.vocab.strings.add(group_key)
        self._groups.setdefault(group_hash, (attrs, {}))[1].setdefault(words, set()).add(match_key)
        self._grouped = None

    def _grouped_matcher(self) -> Matcher:
        """One pattern per group. Groups whose leading words are read alike share their leading tokens'
        word sets, so that the Matcher, which tests a set once per token and set, tests each once."""
        lead_words: dict[tuple[str, ...], list[set[str]]] = {}
        for attrs, keys_by_words in self._groups.values():
            sets = lead_words.setdefault(attrs, [set() for _ in attrs])
            for words in keys_by_words:
                for position, word in enumerate(words):
                    sets[position].add(word)
        matcher = Matcher(self.nlp.vocab)
        for group_key, tail in self._group_tails.items():
            attrs, _ = self._groups[self.nlp.vocab.strings[group_key]]
            sets = lead_words[attrs]
            lead = [{attr: {"IN": sorted(words)}} for attr, words in zip(attrs, sets, strict=True)]
            matcher.add(group_key, [lead + tail])
        return matcher

    def match(self, doc: Doc) -> list[tuple[int, int, int]]:
        if self._grouped is None:
            self._grouped = self._grouped_matcher()
        matches = set(super().match(doc)) if len(self.matcher) or len(self.phrase_matcher) else set()
        for group_hash, start, end in self._grouped(doc):
            attrs, keys_by_words = self._groups[group_hash]
            words = tuple(_word(doc[start + i], attr) for i, attr in enumerate(attrs))
            matches.update((key, start, end) for key in keys_by_words.get(words, ()))
        return sorted(matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)


def _leading_words(pattern: str | list[dict]) -> int:
    """How many tokens a token pattern begins with that match one fixed word each."""
    if isinstance(pattern, str):
        return 0
    count = 0
    for token in pattern:
        (attr, value), *more = token.items()
        if more or attr not in _WORD_ATTRS or not isinstance(value, str):
            break
        count += 1
    return count


def _word(token: Token, attr: str) -> str:
    return token.lower_ if attr == "LOWER" else token.orth_


@Language.factory(
    "sitroom_grouped_entity_ruler",
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
    default_config={"phrase_matcher_attr": None, "overwrite_ents": False},
)
def make_grouped_entity_ruler(
    nlp: Language, name: str, phrase_matcher_attr: str | None, overwrite_ents: bool
) -> GroupedEntityRuler:
    config = {"phrase_matcher_attr": phrase_matcher_attr, "overwrite_ents": overwrite_ents}
    return GroupedEntityRuler(nlp, name, **config)
