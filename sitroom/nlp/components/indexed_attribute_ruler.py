"""An AttributeRuler that finds its matches through an index of its patterns' words and tags.

spaCy's Matcher tries every pattern at every token. The English model's attribute ruler holds about 180
one- and two-token patterns ("TAG" is "DT" and "LOWER" is "this"), so it costs a tenth of the whole
model's time. Here each pattern is filed under the values its first token must have, on one attribute
("LOWER", then "TAG", ...), and a token tries only the patterns filed under its own values, plus the few
that pin down no value. The matches are the Matcher's, deduplicated and sorted as the stock component
sorts them, and the stock component applies them. A pattern this index cannot read (operators,
morphology, other attributes) sends the whole ruler back to the stock Matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

# Token attributes the index can read from Doc.to_array, in the order a pattern is filed under one:
# the first that the pattern's first token pins to one value or a set of values.
_INDEXED_ATTRS = ("LOWER", "ORTH", "NORM", "TAG", "DEP", "IS_SPACE", "IS_PUNCT", "IS_DIGIT", "IS_ALPHA")
_FLAGS = frozenset({"IS_SPACE", "IS_PUNCT", "IS_DIGIT", "IS_ALPHA"})
_EQUAL, _IN, _NOT_IN, _SEARCH = "==", "in", "not in", "search"
_FILED = (_EQUAL, _IN)

# A token test: (column in the attribute array, comparison, a value or a set of values).
Test = tuple[int, str, Any]
# One pattern: its ruler entry's number, its match key, and each token's tests.
Compiled = tuple[int, int, tuple[tuple[Test, ...], ...]]


class UnsupportedPattern(ValueError):
    """A pattern feature the index does not read; the stock Matcher handles it."""


class IndexedAttributeRuler(AttributeRuler):
    """`attribute_ruler` with indexed matching; see the module docstring."""

    def __init__(self, vocab: Any, name: str = "attribute_ruler", **config: Any) -> None:
        super().__init__(vocab, name, **config)
        self._clear_index()

    def clear(self) -> None:
        super().clear()
        self._clear_index()

    def _clear_index(self) -> None:
        self._by_value: dict[int, dict[int, list[Compiled]]] = {}  # column -> value -> patterns
        self._unfiled: list[Compiled] = []  # patterns whose first token pins no value
        self._stock_only = False

    def add(self, patterns: Iterable[list[dict]], attrs: dict, index: int = 0) -> None:
        patterns = list(patterns)
        super().add(patterns, attrs, index)
        entry = len(self.attrs) - 1
        key = self.vocab.strings[str(entry)]
        for pattern in patterns:
            try:
                self._file(entry, key, pattern)
            except UnsupportedPattern:
                self._stock_only = True

    def _file(self, entry: int, key: int, pattern: list[dict]) -> None:
        if not pattern:
            raise UnsupportedPattern("empty pattern")
        tokens = tuple(self._tests(spec) for spec in pattern)
        compiled = (entry, key, tokens)
        filed_under = next((t for t in tokens[0] if t[1] in _FILED), None)
        if filed_under is None:
            self._unfiled.append(compiled)
            return
        column, comparison, value = filed_under
        table = self._by_value.setdefault(column, {})
        for one in (value,) if comparison == _EQUAL else value:
            table.setdefault(one, []).append(compiled)

    def _tests(self, spec: dict) -> tuple[Test, ...]:
        """A token spec's tests, the one to file the pattern under first."""
        tests = []
        for attr, wanted in spec.items():
            if attr not in _INDEXED_ATTRS:
                raise UnsupportedPattern(attr)
            tests.append((_INDEXED_ATTRS.index(attr), *self._comparison(attr, wanted)))
        return tuple(sorted(tests, key=lambda t: (t[1] not in _FILED, t[0])))

    def _comparison(self, attr: str, wanted: Any) -> tuple[str, Any]:
        if isinstance(wanted, (str, bool)):
            return _EQUAL, self._value(wanted)
        if isinstance(wanted, dict) and len(wanted) == 1:
            ((op, values),) = wanted.items()
            if op in ("IN", "NOT_IN") and all(isinstance(v, (str, bool)) for v in values):
                return (_IN if op == "IN" else _NOT_IN), frozenset(self._value(v) for v in values)
            if op == "REGEX" and isinstance(values, str) and attr not in _FLAGS:
                return _SEARCH, _Search(values, self.vocab.strings)
        raise UnsupportedPattern(repr(wanted))

    def _value(self, wanted: str | bool) -> int:
        """As Doc.to_array gives it: a flag as 0 or 1, a string as its hash (the Matcher adds it too)."""
        return int(wanted) if isinstance(wanted, bool) else self.vocab.strings.add(wanted)

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        if self._stock_only:
            return super().match(doc)
        rows = doc.to_array(list(_INDEXED_ATTRS)).tolist() if len(doc) else []
        found = set()
        tables = list(self._by_value.items())
        for start, row in enumerate(rows):
            for column, table in tables:
                for compiled in table.get(row[column], ()):
                    _match_at(rows, start, compiled, found)
            for compiled in self._unfiled:
                _match_at(rows, start, compiled, found)
        return sorted(found)


def _match_at(rows: list[list[int]], start: int, compiled: Compiled, found: set) -> None:
    entry, key, tokens = compiled
    end = start + len(tokens)
    if end > len(rows):
        return
    for row, tests in zip(rows[start:end], tokens, strict=True):
        if not _passes(row, tests):
            return
    found.add((entry, key, start, end))


def _passes(row: list[int], tests: tuple[Test, ...]) -> bool:
    for column, comparison, wanted in tests:
        value = row[column]
        if comparison == _EQUAL:
            if value != wanted:
                return False
        elif comparison == _SEARCH:
            if not wanted(value):
                return False
        elif (value in wanted) != (comparison == _IN):
            return False
    return True


class _Search:
    """A REGEX test as the Matcher makes it (re.search on the attribute's string), remembered by value:
    a text holds few distinct words, and a corpus repeats them."""

    _REMEMBERED = 65536  # values; forgotten all at once past this, so memory stays flat

    def __init__(self, regex: str, strings: Any) -> None:
        self._regex = re.compile(regex)
        self._strings = strings
        self._found: dict[int, bool] = {}

    def __call__(self, value: int) -> bool:
        found = self._found.get(value)
        if found is None:
            if len(self._found) >= self._REMEMBERED:
                self._found.clear()
            found = self._found[value] = bool(self._regex.search(self._strings[value]))
        return found


@Language.factory(
    "sitroom_indexed_attribute_ruler",
    default_config={"validate": False, "scorer": {"@scorers": "spacy.attribute_ruler_scorer.v1"}},
)
def make_indexed_attribute_ruler(
    nlp: Language, name: str, validate: bool, scorer: Any
) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab, name, validate=validate, scorer=scorer)


def index_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> None:
    """Swap the pipeline's stock attribute ruler for the indexed one, with the same patterns."""
    if name not in nlp.pipe_names or type(nlp.get_pipe(name)) is not AttributeRuler:
        return
    patterns = nlp.get_pipe(name).patterns
    indexed = nlp.replace_pipe(name, "sitroom_indexed_attribute_ruler")
    indexed.add_patterns(patterns)
