"""What the routes share: the API's configuration, the stores, the writer's name, the pipeline.

Reads borrow a read-only store from the app's pool (`store_for`): its connection outlives the request,
and no read waits for a write. A write opens a store of its own inside the route's thread (SQLite
connections stay in the thread that made them) and closes it when the request ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sitroom.api.auth import token_owner
from sitroom.api.errors import ApiError
from sitroom.settings import Settings
from sitroom.store import Store, open_store

WEB = Path(__file__).resolve().parent.parent / "web"


@dataclass(frozen=True)
class ApiConfig:
    settings: Settings
    cors_origins: tuple[str, ...] = ()  # none: no cross-origin reads (no Access-Control-* headers)
    max_body_bytes: int = 2_000_000
    web_dir: Path = WEB
    vendor_dir: Path = WEB / "vendor"  # scripts/vendor_web.py copies the npm files the page loads here
    # Fetching URLs on a client's behalf: loopback and private addresses are refused unless this is set.
    allow_private_urls: bool = False
    fetch_timeout_s: float = 10.0
    readers: int = 8  # read-only stores per server process
    basemap: str | None = None  # a local PMTiles file of raster tiles, served at /basemap.pmtiles
    reader_wait_s: float = 10.0  # how long a read waits for one before it is answered 503


@dataclass
class Pipelines:
    """The NLP pipeline, loaded on the first ingest request (a few seconds) and shared after that.

    spaCy's pipeline is not meant for concurrent use: ingests take turns.
    """

    settings: Settings
    lock: threading.Lock = field(default_factory=threading.Lock)
    _pipeline: object | None = None

    @contextmanager
    def using(self) -> Iterator[object]:
        with self.lock:
            if self._pipeline is None:
                from sitroom.pipeline import Pipeline

                self._pipeline = Pipeline(self.settings)
            yield self._pipeline


def config(request: Request) -> ApiConfig:
    return request.app.state.config


@contextmanager
def store_for(request: Request) -> Iterator[Store]:
    """A read-only store from the app's pool, for one request's reads."""
    with request.app.state.readers.reading() as store:
        yield store


@contextmanager
def writable_store_for(request: Request) -> Iterator[Store]:
    """The store, open for one request's writes; call it inside the route (same thread)."""
    store = open_store(config(request).settings.db)
    try:
        yield store
    finally:
        store.close()


_bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="opaque",
    description="A write token from `sitroom token create NAME`; reads need none.",
)


def writer(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> str:
    """The name of the token's owner; 401 without a known token."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        message = "this needs a write token: send 'Authorization: Bearer <token>'"
        raise ApiError(401, message, headers=challenge)
    with store_for(request) as store:
        name = token_owner(store, credentials.credentials)
    if name is None:
        raise ApiError(401, "unknown or revoked token", headers=challenge)
    return name


Writer = Annotated[str, Depends(writer)]
