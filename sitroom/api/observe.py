"""What an operator sees of a server: one access line per request, every failure with its traceback, and
the request id that ties them together (the client's `X-Request-ID`, or one made here, sent back in the
response's `X-Request-ID`). Logs are plain text lines or, for log shippers, one JSON object per line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sitroom.api.errors import error_response

access_log = logging.getLogger("sitroom.access")
error_log = logging.getLogger("sitroom.api")

REQUEST_ID_HEADER = "x-request-id"
# A client's id is kept when it is short and plain (it goes into logs); otherwise one is made.
_USABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
LOG_FORMATS = ("text", "json")
# The fields an access line carries beyond its message, kept by name in JSON logs.
_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "client")


class RequestLog:
    """ASGI middleware: request id, access line, and a logged 500 for any exception that escapes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id  # `request.state.request_id` in the app
        started = time.perf_counter()
        sent: dict[str, Any] = {"status": None}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                message = {**message, "headers": [*headers, (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            _log_failure(scope, request_id, exc)
            if sent["status"] is not None:
                raise  # the response has begun: nothing better can be sent
            sent["status"] = 500
            message = "internal error: the server could not answer this request"
            await error_response(500, message)(scope, receive, send_with_id)
        finally:
            _log_access(scope, request_id, sent["status"] or 500, started)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            given = value.decode("latin-1")
            if _USABLE_ID.match(given):
                return given
    return uuid.uuid4().hex


def _target(scope: Scope) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    return scope.get("path", "") + (f"?{query}" if query else "")


def _log_failure(scope: Scope, request_id: str, exc: BaseException) -> None:
    error_log.error(
        "request %s %s failed (request id %s)",
        scope.get("method"),
        _target(scope),
        request_id,
        exc_info=exc,
        extra={"request_id": request_id, "method": scope.get("method"), "path": _target(scope)},
    )


def _log_access(scope: Scope, request_id: str, status: int, started: float) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    method, target = scope.get("method"), _target(scope)
    client = scope.get("client")
    fields = {
        "request_id": request_id,
        "method": method,
        "path": target,
        "status": status,
        "duration_ms": duration_ms,
        "client": client[0] if client else None,
    }
    access_log.info("%s %s %s %.1fms id=%s", method, target, status, duration_ms, request_id, extra=fields)


class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the access fields, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({name: getattr(record, name) for name in _FIELDS if hasattr(record, name)})
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """Send sitroom's server logs to stderr, as text lines or JSON lines."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {LOG_FORMATS}, not {log_format!r}")
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("sitroom")
    logger.handlers = [handler]
    logger.setLevel(level)
    logger.propagate = False
