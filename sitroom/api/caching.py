"""Answers that cost nothing while the store is unchanged: ETags, 304s and a small cache of answers.

Every read of the API is a function of the store's contents, the request's path and query, and (for
defaults such as "as of today") the day. The store counts its write transactions (`Store.write_count`),
so that count, the day, the path and the query name an answer: its ETag. A client that sends it back
in `If-None-Match` gets 304 with no body; any client asking again before the next write gets the kept
bytes. When several ask the same new question at once, one computes it and the others wait for it.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sitroom.errors import StoreError

# Answers kept per server process, and their bytes: a page's polls and an analyst's few filters.
MAX_ANSWERS = 512
MAX_BYTES = 64_000_000
# A larger answer (a big export) is computed each time. The situation and a season's changes of 100,000
# reports are 5 MB each, and a page polls them.
MAX_ANSWER_BYTES = 16_000_000
_CACHED_METHODS = ("GET", "HEAD")
_PERSONAL = (b"authorization", b"cookie")


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Answers:
    """Kept answers by ETag, least recently used first out. Safe to share between event loops."""

    def __init__(self, max_answers: int = MAX_ANSWERS, max_bytes: int = MAX_BYTES) -> None:
        self._kept: OrderedDict[str, _Answer] = OrderedDict()
        self._bytes = 0
        self._max_answers = max_answers
        self._max_bytes = max_bytes
        self._lock = threading.Lock()

    def get(self, etag: str) -> _Answer | None:
        with self._lock:
            found = self._kept.get(etag)
            if found is not None:
                self._kept.move_to_end(etag)
            return found

    def put(self, etag: str, answer: _Answer) -> None:
        with self._lock:
            if etag in self._kept:
                return
            self._kept[etag] = answer
            self._bytes += len(answer.body)
            while len(self._kept) > self._max_answers or self._bytes > self._max_bytes:
                _, dropped = self._kept.popitem(last=False)
                self._bytes -= len(dropped.body)


class CachedReads:
    """ASGI middleware over the JSON API's reads (paths under `prefix`)."""

    def __init__(self, app: ASGIApp, prefix: str = "/api/") -> None:
        self.app = app
        self.prefix = prefix
        self.answers = Answers()
        # The answers being computed, each with the loop computing it: only a task of that loop can wait
        # for it (a server has one loop per process; a test's clients may each run their own).
        self._computing: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Event]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        writes = await self._write_count(scope)
        if writes is None:  # the store does not answer: the route will say so
            await self.app(scope, receive, send)
            return
        etag = etag_for(writes, scope)
        if _matches(scope, etag):
            await _send_not_modified(send, etag)
            return
        answer = await self._answer(etag, scope, receive)
        if answer is None:  # another request computed it but could not keep it: computed here alone
            await self.app(scope, receive, _with_etag(send, etag))
            return
        await _send_answer(send, answer, etag, scope["method"] == "HEAD")

    def _cacheable(self, scope: Scope) -> bool:
        """A read of the API that anyone may make: an answer that depends on who asks (a token's owner)
        is neither kept nor tagged."""
        return (
            scope["type"] == "http"
            and scope["method"] in _CACHED_METHODS
            and scope["path"].startswith(self.prefix)
            and not any(name in _PERSONAL for name, _ in scope.get("headers", []))
        )

    async def _write_count(self, scope: Scope) -> int | None:
        readers = scope["app"].state.readers

        def count() -> int:
            with readers.reading() as store:
                return store.write_count()

        try:
            return await run_in_threadpool(count)
        except StoreError:
            return None

    async def _answer(self, etag: str, scope: Scope, receive: Receive) -> _Answer | None:
        """The kept answer, computing it (once, however many ask at the same time) when missing."""
        kept = self.answers.get(etag)
        if kept is not None:
            return kept
        computing = self._computing.get(etag)
        if computing is None:
            return await self._compute(etag, scope, receive)
        loop, done = computing
        if loop is not asyncio.get_running_loop():
            return None  # computed in another event loop, which this one cannot wait on
        await done.wait()
        return self.answers.get(etag)  # None: the one who computed it could not keep it

    async def _compute(self, etag: str, scope: Scope, receive: Receive) -> _Answer | None:
        done = asyncio.Event()
        self._computing[etag] = (asyncio.get_running_loop(), done)
        try:
            answer = await _collect(self.app, {**scope, "method": "GET"}, receive)
        finally:
            del self._computing[etag]
            done.set()
        if answer.status == 200 and len(answer.body) <= MAX_ANSWER_BYTES:
            self.answers.put(etag, answer)
        return answer


def etag_for(writes: int, scope: Scope) -> str:
    """The ETag of an answer: the store's write count, the day, the path and the query."""
    key = "\n".join(
        (str(writes), date.today().isoformat(), scope["path"], scope.get("query_string", b"").decode())
    )
    return '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'


def _matches(scope: Scope, etag: str) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"if-none-match":
            given = {tag.strip().removeprefix("W/") for tag in value.decode("latin-1").split(",")}
            return etag in given or "*" in given
    return False


async def _collect(app: ASGIApp, scope: Scope, receive: Receive) -> _Answer:
    """Run the app and keep its whole response."""
    started: dict = {}
    parts: list[bytes] = []

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    await app(scope, receive, keep)
    return _Answer(started["status"], list(started.get("headers", [])), b"".join(parts))


def _validators(etag: str) -> list[tuple[bytes, bytes]]:
    # no-cache: a browser may keep the answer but asks each time whether it still holds (a 304).
    return [(b"etag", etag.encode()), (b"cache-control", b"no-cache")]


async def _send_answer(send: Send, answer: _Answer, etag: str, head_only: bool) -> None:
    headers = [h for h in answer.headers if h[0].lower() not in (b"etag", b"cache-control")]
    if answer.status == 200:
        headers += _validators(etag)
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head_only else answer.body})


async def _send_not_modified(send: Send, etag: str) -> None:
    await send({"type": "http.response.start", "status": 304, "headers": _validators(etag)})
    await send({"type": "http.response.body", "body": b""})


def _with_etag(send: Send, etag: str) -> Send:
    async def send_with_etag(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 200:
            message = {**message, "headers": [*message.get("headers", []), *_validators(etag)]}
        await send(message)

    return send_with_etag
