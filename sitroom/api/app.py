"""The FastAPI application: the JSON API under /api, the page at /, its packages under /vendor/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from sitroom.api import exports, health, read, write
from sitroom.api.caching import CachedReads
from sitroom.api.errors import install_error_handlers
from sitroom.api.observe import RequestLog
from sitroom.api.schemas import component_schemas
from sitroom.api.security import BodyLimit, SecurityHeaders
from sitroom.api.state import ApiConfig, Pipelines
from sitroom.store import open_store
from sitroom.store.pool import ReaderPool

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
        docs_url=None,  # the interactive docs load scripts from a CDN; /openapi.json is the document
        redoc_url=None,
    )
    app.state.config = config
    app.state.pipelines = Pipelines(config.settings)
    app.state.readers = ReaderPool(config.settings.db, config.readers, config.reader_wait_s)
    app.router.on_shutdown.append(app.state.readers.close)
    install_error_handlers(app)
    for router in (health.router, read.router, exports.router, write.router):
        app.include_router(router)
    _serve_page(app, config)
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


def vendor_packages(root: Path) -> list[str]:
    """The page's npm packages: the dependencies named in the repository's package.json."""
    manifest = root.parent / "package.json"
    if not manifest.is_file():
        return []
    return sorted(json.loads(manifest.read_text(encoding="utf-8")).get("dependencies", {}))


def _serve_page(app: FastAPI, config: ApiConfig) -> None:
    index = config.web_dir / "index.html"

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(index, media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=config.web_dir), name="static")
    # Only the packages package.json names are served, each from its own folder: nothing else in
    # node_modules is reachable.
    for package in vendor_packages(config.vendor_dir):
        folder = config.vendor_dir / package
        if folder.is_dir():
            app.mount(f"/vendor/{package}", StaticFiles(directory=folder), name=f"vendor-{package}")


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
