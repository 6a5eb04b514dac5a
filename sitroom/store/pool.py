"""A few read-only stores shared by a server's request threads, on either backend.

A request borrows a store for as long as it reads and gives it back; at most `size` are open at once
(PostgreSQL counts its connections), and a request that finds them all lent waits up to `wait_s` before
it is told to try again (`StoreBusy`). A store whose read failed is closed rather than lent again: its
connection may be the reason. The stores share one cache of decoded events (`SqlStore.keep_decoded`).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sitroom.errors import StoreBusy, StoreError
from sitroom.store import Store, open_reader
from sitroom.store.caches import DECODED_FOR_READERS, SharedDecodedRecords

_RECHECK_S = 0.1


class ReaderPool:
    def __init__(
        self, url: str, size: int = 8, wait_s: float = 10.0, opener: Callable[[str], Store] = open_reader
    ) -> None:
        if size < 1:
            raise ValueError(f"a reader pool needs at least one store, not {size}")
        self.url = url
        self.size = size
        self.wait_s = wait_s
        self._open = opener
        self._idle: queue.LifoQueue[Store] = queue.LifoQueue()  # the warmest store first
        self._opened = 0
        self._lock = threading.Lock()
        self.decoded = SharedDecodedRecords(DECODED_FOR_READERS)

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """A store to read from, given back when the block ends."""
        store = self._borrow()
        try:
            yield store
        except StoreError:
            self._discard(store)
            raise
        except BaseException:
            self._idle.put(store)
            raise
        else:
            self._idle.put(store)

    def close(self) -> None:
        """Close the idle stores (those still lent are closed by `_discard` or left to the process)."""
        while True:
            try:
                store = self._idle.get_nowait()
            except queue.Empty:
                return
            self._discard(store)

    def _borrow(self) -> Store:
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            if self._reserve():
                try:
                    store = self._open(self.url)
                except BaseException:
                    self._release()
                    raise
                store.keep_decoded(self.decoded)
                return store
            left = deadline - time.monotonic()
            if left <= 0:
                raise StoreBusy(f"all {self.size} database readers stayed busy for {self.wait_s:g} s")
            # Wake now and then: a discarded store frees a place without passing through the queue.
            try:
                return self._idle.get(timeout=min(left, _RECHECK_S))
            except queue.Empty:
                continue

    def _reserve(self) -> bool:
        with self._lock:
            if self._opened >= self.size:
                return False
            self._opened += 1
            return True

    def _release(self) -> None:
        with self._lock:
            self._opened -= 1

    def _discard(self, store: Store) -> None:
        self._release()
        try:
            store.close()
        except StoreError:
            pass  # a broken connection may refuse to close; it is dropped either way
