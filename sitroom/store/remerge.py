"""The incremental re-merge: a write merges again only the reports its own ones may link to.

`Remerging` is the part of `SqlStore` that finds those reports (by shared blocking keys, merged events
and reviews), merges them and replaces the events they made, in the write's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from sitroom.records import Event, Review
from sitroom.situation import pair_keys
from sitroom.store.caches import Blocks, DecodedRecords
from sitroom.store.db import Db, chunks, in_list, utc_now


class Merger(Protocol):
    """The merge stage as the store uses it: blocking keys per report, and reports -> events."""

    def keys(self, report: Event) -> tuple[str, ...]: ...

    def partner_keys(self, key: str) -> tuple[str, ...]: ...

    def card(self, report: Event) -> str | None:
        """A short text, stored with the report, from which `may_link` can rule pairs out unread."""
        ...

    def may_link(self, pairs: Sequence[tuple[str | None, str | None]]) -> list[bool]:
        """For pairs of stored cards (None where a report has none), whether `linked` could say yes."""
        ...

    def linked(self, pairs: Sequence[tuple[Event, Event]]) -> list[bool]: ...

    def merge(self, reports: Sequence[Event], reviews: Sequence[Review] = ()) -> list[Event]: ...

    def session(self) -> AbstractContextManager[None]:
        """A pass of `linked` and `merge` calls in which no report id changes its record: they may share
        work across calls."""
        ...


class Remerging:
    """Re-merging for a store with a connection, a merger, decoded reports, reviews, and the methods
    that store merged events and refresh the situation table (`SqlStore`)."""

    _db: Db
    merger: Merger
    _decoded_reports: DecodedRecords

    def _remerge(self, seeds: Sequence[str]) -> None:
        """Merge again every report connected to `seeds` (by a shared block, a merged event or a review)
        and replace the events they made; the result is what merging all reports would give."""
        if not seeds:
            return
        reviews = self.reviews()
        with self.merger.session():
            component = self._component(seeds, reviews)
            reports = self._reports_by_id(component)
            merged = self.merger.merge(reports, reviews)
        old = self._event_ids_of(component)
        stale = self._situation_pairs(old)
        counted = self._counted_keys(old)
        for chunk in chunks(sorted(old)):
            self._delete_events(chunk)
        now = utc_now()
        self._store_events(merged, now)
        self._refresh_situation(stale | {key for event in merged for key in pair_keys(event)})
        self._refresh_counts(counted, merged)

    def _component(self, seeds: Sequence[str], reviews: Sequence[Review]) -> list[str]:
        """The reports whose events merging `seeds` may change: those linked to them, transitively (a
        cluster never reaches past the reports its members link to), with the events they are in now and
        the reports a reviewer merged with them."""
        found, frontier = set(seeds), set(seeds)
        reviewed = [(set(r.reports) | set(r.other_reports)) for r in reviews if r.other_reports]
        blocks = Blocks()  # members by block key, read once: the keys do not change here
        while frontier:
            grown: set[str] = set()
            for chunk in chunks(sorted(frontier)):
                grown |= self._linked_to(chunk, found, blocks)
                marks, params = in_list(chunk)
                grown |= self._ids(
                    "SELECT r2.id FROM reports r1 JOIN reports r2 ON r1.event_id = r2.event_id"
                    f" WHERE r1.id IN ({marks})",
                    params,
                )
            for group in reviewed:
                if group & (found | grown):
                    grown |= group
            frontier = grown - found
            found |= grown
        return sorted(found)

    def _linked_to(self, report_ids: Sequence[str], known: set[str], blocks: Blocks) -> set[str]:
        """The reports outside `known` that share a block with one of `report_ids` and link to it.
        Only links join reports into one event, so blocks alone would chain a busy place's whole
        history into every write. `blocks`: the members of the blocks read so far, added to."""
        partners = self._block_partners(report_ids, blocks)
        candidates = sorted({p for found in partners.values() for p in found} - known)
        own = {r.id: r for r in self._reports_by_id(report_ids)}
        own_cards = {id_: self.merger.card(report) for id_, report in own.items()}
        found: set[str] = set()
        # A country's block holds hundreds of reports a month, most of which a card rules out (another
        # actor, place or month): the cards are read a chunk at a time, and only the reports they leave
        # are decoded, so a write's memory and time do not grow with the blocks.
        for chunk in chunks(candidates):
            marks, params = in_list(chunk)
            cards = dict(self._db.all(f"SELECT id, card FROM reports WHERE id IN ({marks})", params))
            pairs = [(id_, other) for id_, others in partners.items() for other in others if other in cards]
            possible = self.merger.may_link([(own_cards[a], cards[b]) for a, b in pairs])
            pairs = [pair for pair, maybe in zip(pairs, possible, strict=True) if maybe]
            decoded = {r.id: r for r in self._reports_by_id(sorted({b for _, b in pairs}))}
            linked = self.merger.linked([(own[a], decoded[b]) for a, b in pairs])
            found |= {other for (_, other), yes in zip(pairs, linked, strict=True) if yes}
        return found

    def _block_partners(self, report_ids: Sequence[str], blocks: Blocks) -> dict[str, set[str]]:
        """For each report, the reports in the blocks it is compared with; `blocks` holds the members of
        blocks already read, and gets those of the blocks read here."""
        marks, params = in_list(report_ids)
        rows = self._db.all(f"SELECT report_id, key FROM report_keys WHERE report_id IN ({marks})", params)
        partner_keys = {key: self.merger.partner_keys(key) for key in {key for _, key in rows}}
        wanted = sorted({p for keys in partner_keys.values() for p in keys} - blocks.read)
        for chunk in chunks(wanted):
            marks, params = in_list(chunk)
            sql = f"SELECT key, report_id FROM report_keys WHERE key IN ({marks})"
            blocks.add(chunk, self._db.all(sql, params))
        partners: dict[str, set[str]] = {}
        for id_, key in rows:
            found = partners.setdefault(id_, set())
            for partner_key in partner_keys[key]:
                found |= blocks.members(partner_key)
            found.discard(id_)
        return partners

    def _ids(self, sql: str, params: Sequence[object]) -> set[str]:
        return {row[0] for row in self._db.all(sql, params)}

    def _event_ids_of(self, report_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(report_ids):
            marks, params = in_list(chunk)
            sql = f"SELECT DISTINCT event_id FROM reports WHERE event_id IS NOT NULL AND id IN ({marks})"
            found |= self._ids(sql, params)
        return found

    def _reports_by_id(self, ids: Sequence[str]) -> list[Event]:
        found = []
        for chunk in chunks(ids):
            marks, params = in_list(chunk)
            rows = self._db.all(f"SELECT id, record FROM reports WHERE id IN ({marks})", params)
            found += [self._decoded_reports.get(id_, record) for id_, record in rows]
        return found

    def _delete_events(self, ids: Sequence[str]) -> None:
        marks, params = in_list(ids)
        for table, column in (
            ("event_actors", "event_id"),
            ("event_documents", "event_id"),
            ("events", "id"),
        ):
            self._db.run(f"DELETE FROM {table} WHERE {column} IN ({marks})", params)
