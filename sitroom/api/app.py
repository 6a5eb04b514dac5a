"""The FastAPI application: the JSON API under /api, the page at /, the files it loads from npm packages
under /vendor/, the interactive API docs at /docs."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from sitroom.api import docs, exports, feed, health, overview, read, write
from sitroom.api.caching import CachedReads
from sitroom.api.errors import install_error_handlers
from sitroom.api.observe import RequestLog
from sitroom.api.schemas import component_schemas
from sitroom.api.security import BodyLimit, SecurityHeaders
from sitroom.api.state import ApiConfig, Pipelines
from sitroom.store import open_store
from sitroom.store.pool import ReaderPool

log = logging.getLogger(__name__)

_DESCRIPTION = """News reports about armed conflict and force posture, as sourced, mapped, time-resolved
events and the situation they add up to. Reads are open; writes need a bearer token from
`sitroom token create NAME`. Every error has the shape {"error": {"status", "message", "details"}}."""


def create_app(config: ApiConfig) -> FastAPI:
    """The application over the store at `config.settings.db` (opened once here, to fail early)."""
    open_store(config.settings.db).close()
    app = FastAPI(
        title="sitroom",
        version=_version(),
        description=_DESCRIPTION,
        docs_url=None,  # FastAPI's docs page loads scripts from a CDN; sitroom.api.docs serves one offline
        redoc_url=None,
    )
    app.state.config = config
    app.state.pipelines = Pipelines(config.settings)
    app.state.readers = ReaderPool(config.settings.db, config.readers, config.reader_wait_s)
    app.router.on_shutdown.append(app.state.readers.close)
    install_error_handlers(app)
    for router in (health.router, read.router, overview.router, feed.router, exports.router, write.router):
        app.include_router(router)
    _serve_page(app, config)
    app.include_router(docs.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    # Added innermost first: the body limit, the kept answers of reads (inside CORS, whose headers depend
    # on the asker), CORS (only when configured), the request log (it sees every response and any
    # exception that escapes, and answers that with a 500), the headers on all.
    app.add_middleware(BodyLimit, max_bytes=config.max_body_bytes)
    app.add_middleware(CachedReads)
    if config.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match", "X-Request-ID"],
            expose_headers=["ETag", "X-Request-ID", "X-Total-Count"],  # for the page's script to read
        )
    app.add_middleware(RequestLog)
    app.add_middleware(SecurityHeaders)
    return app


def _serve_page(app: FastAPI, config: ApiConfig) -> None:
    index = config.web_dir / "index.html"

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(index, media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=config.web_dir), name="static")
    if config.basemap:

        @app.get("/basemap.pmtiles", include_in_schema=False)
        def basemap() -> FileResponse:
            return FileResponse(config.basemap, media_type="application/octet-stream")  # with Range

    # Only the files scripts/vendor_web.py copied (sitroom/web/vendor.json names them) are there: nothing
    # else of node_modules is reachable. Without them the page still loads, with no map.
    if config.vendor_dir.is_dir():
        app.mount("/vendor", StaticFiles(directory=config.vendor_dir), name="vendor")
    else:
        log.warning("no %s: the page will have no map (run scripts/setup.sh)", config.vendor_dir)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schema.setdefault("components", {}).setdefault("schemas", {}).update(component_schemas())
        app.openapi_schema = schema
    return app.openapi_schema


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sitroom")
    except PackageNotFoundError:
        return "0"
