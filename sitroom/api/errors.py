"""One JSON error shape for every failure: {"error": {"status", "message", "details"}}.

FastAPI's own validation errors and Starlette's 404/405 go through the same handlers, so a client reads
every error the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from sitroom.errors import InputError, SitroomError, StoreBusy

log = logging.getLogger(__name__)
# Seconds a client is asked to wait after a 503: a write's lock is held for well under that.
RETRY_AFTER_S = 1


class ApiError(Exception):
    """A request the API refuses, with the status and message the client sees."""

    def __init__(
        self,
        status: int,
        message: str,
        details: Sequence[Any] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = list(details)
        self.headers = dict(headers or {})


def error_response(
    status: int, message: str, details: Sequence[Any] = (), headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"status": status, "message": message, "details": list(details)}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status, exc.message, exc.details, exc.headers)


def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    message = exc.detail if isinstance(exc.detail, str) else "request refused"
    headers = dict(exc.headers or {})
    if exc.status_code == 404 and exc.detail == "Not Found":
        message = f"nothing at {request.url.path}"
    if exc.status_code == 405:
        # Starlette names only the first route's methods; a path may have a GET and a POST route.
        headers["Allow"] = _allowed_methods(request)
        message = f"{request.method} is not allowed here; use {headers['Allow']}"
    return error_response(exc.status_code, message, headers=headers)


def _allowed_methods(request: Request) -> str:
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def _where(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    details = [{"location": _where(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors()]
    summary = "; ".join(f"{d['location']}: {d['message']}" for d in details[:3])
    return error_response(422, f"invalid request: {summary}", details)


def _sitroom_error(request: Request, exc: SitroomError) -> JSONResponse:
    if isinstance(exc, InputError):
        return error_response(422, str(exc))
    where = (request.method, request.url.path, _request_id(request))
    if isinstance(exc, StoreBusy):
        log.warning("request %s %s (request id %s): store busy, answered 503: %s", *where, exc)
        message = "the database is busy; try again in a moment"
        return error_response(503, message, headers={"Retry-After": str(RETRY_AFTER_S)})
    log.error("request %s %s failed (request id %s)", *where, exc_info=exc, extra={"request_id": where[2]})
    return error_response(500, str(exc))


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    where = (request.method, request.url.path, _request_id(request))
    log.error("request %s %s failed (request id %s)", *where, exc_info=exc, extra={"request_id": where[2]})
    return error_response(500, "internal error: the server could not answer this request")


def _request_id(request: Request) -> str:
    """The id the request log gave this request ("-" in an app without it)."""
    return getattr(request.state, "request_id", "-")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(SitroomError, _sitroom_error)
    app.add_exception_handler(Exception, _unexpected)
