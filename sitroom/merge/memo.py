"""The merge memo: what merging learns about reports, kept so that it is not worked out again.

`MergeMemo` holds each report's features (documents, methods, words) and each pair's conflict and link,
by the identity of the report objects. It is passed explicitly: a merge makes one for its own pass unless
given one, and a store's merger keeps one across the store's writes, trimmed after each and emptied past
its limits. Functions that take `memo=None` work everything out without keeping it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sitroom.records import Event


class MergeMemo:
    """What merging learns about reports, by the identity of the report objects: each report's
    documents, methods and words, each pair's conflict and, where they link, its link. Reports are
    immutable and the memo keeps every report it has an entry for alive, so no id() is reused while it
    lasts: an entry is right for as long as it exists. A store keeps one across its writes: it hands out
    the same decoded object for a report until the report's record changes, so the pairs a write merges
    again (a busy story grows in every write) are not compared again. After each write it keeps only
    the reports that write merged (the stories it touched), and past its limits it is emptied, so memory
    stays flat."""

    def __init__(self, reports: int = 2048, pairs: int = 50_000, reads: MergeMemo | None = None) -> None:
        self._limits = (reports, pairs)
        self.reads = reads  # a memo whose features this one reads, without keeping its reports alive
        self.passes = 0  # the passes (store writes) using the memo now; see `ReportMerger.session`
        self.clear()

    def clear(self) -> None:
        self._merged: set[int] = set()
        self._reports: dict[int, Event] = {}
        self.features: dict[tuple[str, int], frozenset[str]] = {}
        self.pairs: dict[tuple[str, int, int], Any] = {}  # ("link" or "conflict", a, b) -> what was found

    def key(self, report: Event) -> int:
        found = id(report)
        if found not in self._reports:
            self._reports[found] = report
        return found

    def feature(self, what: str, report: Event, compute: Callable[[], frozenset[str]]) -> frozenset[str]:
        """A report's feature `what`: found before, here or in `reads` (a memo keeps alive every report
        it has an entry for, so an id found in either is this report's), or else computed and kept."""
        found = self.features.get((what, id(report)))
        if found is None and self.reads is not None:
            found = self.reads.features.get((what, id(report)))
        if found is None:
            found = self.features[(what, self.key(report))] = compute()
        return found

    def pair(
        self,
        what: str,
        a: Event,
        b: Event,
        compute: Callable[[], Any],
        keep: Callable[[Any], bool] = lambda found: True,
    ) -> Any:
        """What `what` found for the pair (a, b) before, or else what `compute` finds, kept if `keep`
        says so."""
        found = self.pairs.get((what, id(a), id(b)), _UNKNOWN)
        if found is _UNKNOWN:
            found = compute()
            if keep(found):
                self.remember(what, a, b, found)
        return found

    def recall(self, what: str, a: Event, b: Event) -> Any:
        """What `what` found for the pair (a, b) before, or None."""
        return self.pairs.get((what, id(a), id(b)))

    def remember(self, what: str, a: Event, b: Event, found: Any) -> None:
        self.pairs[(what, self.key(a), self.key(b))] = found

    def merging(self, reports: Iterable[Event]) -> None:
        self._merged.update(id(report) for report in reports)

    def trim(self) -> None:
        """Keep the entries of the reports merged since the last trim, if any were, within the limits."""
        kept = self._merged
        if kept:
            self._reports = {key: r for key, r in self._reports.items() if key in kept}
            self.features = {key: f for key, f in self.features.items() if key[1] in kept}
            self.pairs = {key: p for key, p in self.pairs.items() if key[1] in kept and key[2] in kept}
            self._merged = set()
        reports, pairs = self._limits
        if len(self._reports) > reports or len(self.pairs) > pairs:
            self.clear()


_UNKNOWN = object()
