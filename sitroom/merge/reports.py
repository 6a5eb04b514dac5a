"""Merge the reports of one real-world event across documents.

Each document's account of an event is a *report* (an `Event` from one document). Forty outlets covering
one attack give forty reports and one event. Merging is a pure function of the set of reports and the
reviewers' decisions, so the order in which documents arrive never changes the result:

1. Blocking (`blocking`): a report has keys (type, place, time bucket); only reports sharing a key are
   compared.
2. Linking (`linking`, `cards`): a pair of reports links when nothing tells them apart (type, actors,
   places, dates, method) and enough agrees; the reasons are kept so every merge can be explained.
3. Clustering (here): links are taken strongest first (ties by ids) and join two clusters only when no
   pair across them conflicts. Reviewers' merges join first; their splits forbid a pair (`reviews`).
4. Combining (`combining`): a cluster becomes one event carrying all its sources, its status history and
   its reports.

This module holds the clustering and the entry points: `merge_reports`, and `ReportMerger`, the merge
stage as a store uses it, which keeps a memo (`memo`) across a store's writes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sitroom.codec import collector_paused
from sitroom.merge.blocking import blocking_keys, partner_keys
from sitroom.merge.cards import LinkCard, card_conflict, card_text, read_card
from sitroom.merge.clusters import Clusters
from sitroom.merge.combining import combine_cluster
from sitroom.merge.linking import Link, conflict, link
from sitroom.merge.memo import MergeMemo
from sitroom.merge.reviews import apply_reviews, review_constraints
from sitroom.records import Event, Review


def merge_reports(
    reports: Sequence[Event], reviews: Sequence[Review] = (), memo: MergeMemo | None = None
) -> list[Event]:
    """The events that a set of reports describe, each with its sources; the same for any order.
    `memo`: what earlier merges learnt about these report objects (a store's), used and added to; by
    default a memo for this call only."""
    memo = memo if memo is not None else MergeMemo()
    # The cyclic collector's full passes over every live record cost a third of the time at 100k reports
    # (bench-merge); merging makes no reference cycles.
    with collector_paused():
        memo.merging(reports)
        return _merge(reports, reviews, memo)


def _merge(reports: Sequence[Event], reviews: Sequence[Review], memo: MergeMemo) -> list[Event]:
    by_id = {r.id: r for r in sorted(reports, key=lambda r: r.id)}
    clusters = Clusters(by_id)
    joined, forbidden = review_constraints(reviews, by_id)
    for a, b in sorted(joined):
        clusters.union(a, b)
    links: dict[tuple[str, str], Link] = {}
    for a, b in _candidate_pairs(by_id.values()):
        found = link(by_id[a], by_id[b], memo) if (a, b) not in forbidden else None
        if found is not None:
            links[(a, b)] = found
    for (a, b), _ in sorted(links.items(), key=lambda item: (-item[1].score, item[0])):
        ra, rb = clusters.find(a), clusters.find(b)
        if ra != rb and _joinable(clusters.members[ra], clusters.members[rb], by_id, forbidden, memo):
            clusters.union(a, b)
    clustered = ([by_id[i] for i in members] for members in clusters.members.values())
    events = [combine_cluster(cluster, links, memo) for cluster in clustered]
    return sorted(apply_reviews(events, reviews), key=lambda e: e.id)


def _candidate_pairs(reports: Iterable[Event]) -> set[tuple[str, str]]:
    blocks: dict[str, list[str]] = {}
    for report in reports:
        for key in blocking_keys(report):
            blocks.setdefault(key, []).append(report.id)
    pairs = set()
    for key, ids in blocks.items():
        if key.startswith("v"):
            continue  # fine members pair only with the coarse reports of their area
        partners = ids if not key.startswith("^") else blocks.get("v" + key[1:], [])
        for i, a in enumerate(ids):
            for b in partners[i + 1 :] if partners is ids else partners:
                if a != b:
                    pairs.add((a, b) if a < b else (b, a))
    return pairs


def _joinable(
    left: list[str],
    right: list[str],
    by_id: dict[str, Event],
    forbidden: set[tuple[str, str]],
    memo: MergeMemo,
) -> bool:
    """Single links join clusters only when no pair across them conflicts (no chaining across events)."""
    for a in left:
        for b in right:
            pair = (a, b) if a < b else (b, a)
            if pair in forbidden or _conflict(by_id[a], by_id[b], memo):
                return False
    return True


def _conflict(a: Event, b: Event, memo: MergeMemo) -> str | None:
    return memo.pair("conflict", a, b, lambda: conflict(a, b, memo))


@dataclass(frozen=True)
class ReportMerger:
    """What the store needs from this stage: blocking keys and the merge itself. Like the store that
    holds it, a merger is used by one thread at a time."""

    memo: MergeMemo = field(default_factory=MergeMemo, compare=False, repr=False)

    def keys(self, report: Event) -> tuple[str, ...]:
        return blocking_keys(report)

    def partner_keys(self, key: str) -> tuple[str, ...]:
        return partner_keys(key)

    def card(self, report: Event) -> str | None:
        return card_text(report)

    def may_link(self, pairs: Sequence[tuple[str | None, str | None]]) -> list[bool]:
        """For pairs of stored cards, False where the cards alone rule a link out; a missing card or one
        that cannot be read rules nothing out. Each distinct card is read once."""
        cards: dict[str | None, LinkCard | None] = {}
        found = []
        for text_a, text_b in pairs:
            for text in (text_a, text_b):
                if text not in cards:
                    cards[text] = read_card(text)
            a, b = cards[text_a], cards[text_b]
            found.append(a is None or b is None or card_conflict(a, b) is None)
        return found

    def linked(self, pairs: Sequence[tuple[Event, Event]]) -> list[bool]:
        """For each pair, whether merging may join the two (clusters grow along links only). Each pair
        is read in the order merging reads it, by report id, so that a session's memo serves both."""
        ordered = [(a, b) if a.id < b.id else (b, a) for a, b in pairs]
        session = self._session_memo()
        # The store decodes a block's reports a chunk at a time, so that a write's memory does not grow
        # with its blocks: their features are kept for this call only, and the session keeps the links.
        # The features of reports that the session holds already are read from it.
        call = MergeMemo(reads=session)
        found = [_known_link(session, a, b) or link(a, b, call) for a, b in ordered]
        if session is not None:
            for (a, b), one in zip(ordered, found, strict=True):
                if one is not None:
                    session.remember("link", a, b, one)
        return [one is not None for one in found]

    def merge(self, reports: Sequence[Event], reviews: Sequence[Review] = ()) -> list[Event]:
        return merge_reports(reports, reviews, self._session_memo())

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """A pass of linking and merging (one store write) that uses this merger's memo, kept from one
        pass to the next: a link found once is not looked for again while both reports stay the same
        objects. Outside a session, each call works with a memo of its own."""
        self.memo.passes += 1
        try:
            yield
        finally:
            self.memo.passes -= 1
            self.memo.trim()

    def _session_memo(self) -> MergeMemo | None:
        return self.memo if self.memo.passes else None


def _known_link(session: MergeMemo | None, a: Event, b: Event) -> Link | None:
    return session.recall("link", a, b) if session is not None else None


@dataclass(frozen=True)
class KeepReports:
    """No cross-report merging: each report is an event as it stands (for looking at raw extraction)."""

    def keys(self, report: Event) -> tuple[str, ...]:
        return ()

    def partner_keys(self, key: str) -> tuple[str, ...]:
        return (key,)

    def card(self, report: Event) -> str | None:
        return None

    def may_link(self, pairs: Sequence[tuple[str | None, str | None]]) -> list[bool]:
        return [False] * len(pairs)

    def linked(self, pairs: Sequence[tuple[Event, Event]]) -> list[bool]:
        return [False] * len(pairs)

    def merge(self, reports: Sequence[Event], reviews: Sequence[Review] = ()) -> list[Event]:
        return sorted(reports, key=lambda r: r.id)

    def session(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()
