"""What the store keeps in memory between writes: decoded records, and the blocks one write reads."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import TypeVar

from sitroom.records import Event
from sitroom.store.rows import event_from_record

# Decoded reports kept for the next re-merge (about six megabytes): a write's stories and the block
# members their cards leave. A feed needs about a thousand; a corpus whose every write merges every story
# again (the bench's texts, each told nine times) needs all its reports, and at 1,024 its writes took a
# third longer, which two workers' client could not spare.
DECODED_REPORTS = 2048
# Merged events kept as written, for the next write that replaces them (it reads their situation pairs).
DECODED_EVENTS = 256
# Merged events a server's readers keep decoded between requests (a few kilobytes each): decoding every
# event is most of what a listing of all of them (changes, timelines) costs, and few change per write.
DECODED_FOR_READERS = 20_000
# Situation versions and changes a process keeps decoded (about two kilobytes each): a large situation's
# entries and a season's changes.
DECODED_TEXTS = 20_000

_T = TypeVar("_T")


class Blocks:
    """The members of the blocks one write has read, by key. Most keys a write asks for (the cells around
    a site, the months around a date) have no members, and a report sits in a dozen blocks: so only keys
    with members take a set, and each report id is held once, however many blocks name it."""

    def __init__(self) -> None:
        self.read: set[str] = set()
        self._members: dict[str, set[str]] = {}
        self._ids: dict[str, str] = {}

    def add(self, keys: Sequence[str], rows: Iterable[tuple[str, str]]) -> None:
        """Keep the (key, report id) rows read for `keys`."""
        self.read.update(keys)
        for key, id_ in rows:
            self._members.setdefault(key, set()).add(self._ids.setdefault(id_, id_))

    def members(self, key: str) -> AbstractSet[str]:
        return self._members.get(key, _NO_MEMBERS)


_NO_MEMBERS: frozenset[str] = frozenset()


class DecodedRecords:
    """The reports decoded or written lately, by id, each with a digest of the record text it came from:
    every write re-merges reports that earlier writes decoded or wrote. A changed record is decoded again.
    A digest, not the text, is kept: the text would take half as much memory again as the report."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._found: OrderedDict[str, tuple[bytes, Event]] = OrderedDict()

    def get(self, id_: str, record: str) -> Event:
        digest = _digest(record)
        cached = self._found.get(id_)
        if cached is not None and cached[0] == digest:
            self._found.move_to_end(id_)
            return cached[1]
        event = event_from_record(record)
        self._keep(id_, digest, event)
        return event

    def put(self, id_: str, record: str, event: Event) -> None:
        self._keep(id_, _digest(record), event)

    def _keep(self, id_: str, digest: bytes, event: Event) -> None:
        self._found[id_] = (digest, event)
        self._found.move_to_end(id_)
        if len(self._found) > self._size:
            self._found.popitem(last=False)


def _digest(record: str) -> bytes:
    return hashlib.blake2b(record.encode(), digest_size=16).digest()


class SharedDecodedRecords(DecodedRecords):
    """`DecodedRecords` that several threads use: a server's readers share one."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self._lock = threading.Lock()

    def get(self, id_: str, record: str) -> Event:
        with self._lock:
            return super().get(id_, record)

    def put(self, id_: str, record: str, event: Event) -> None:
        with self._lock:
            super().put(id_, record, event)


class DecodedTexts:
    """Records decoded from stored text, by a digest of the text, shared by a process's threads. The text
    is the whole input, so an entry never goes stale: a large answer read again after a write (thousands
    of situation versions or changes, a few of them new) decodes only the new ones."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._found: OrderedDict[bytes, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, decode: Callable[[str], _T]) -> _T:
        digest = _digest(text)
        with self._lock:
            found = self._found.get(digest)
            if found is not None:
                self._found.move_to_end(digest)
                return found  # type: ignore[return-value]
        decoded = decode(text)
        with self._lock:
            self._found[digest] = decoded
            if len(self._found) > self._size:
                self._found.popitem(last=False)
        return decoded
