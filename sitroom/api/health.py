"""Probes for deployment: /healthz (the process answers) and /readyz (the store answers, its schema is
this sitroom's). Neither is cached nor part of the API document."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sitroom.api.errors import RETRY_AFTER_S
from sitroom.errors import StoreError
from sitroom.store.migrations import latest_version

router = APIRouter(include_in_schema=False)
_NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers=_NO_STORE)


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    wanted = latest_version()
    try:
        with request.app.state.readers.reading() as store:
            found = store.schema_version()
    except StoreError as exc:
        return _not_ready(f"the store does not answer: {exc}")
    if found != wanted:
        return _not_ready(f"the store's schema is version {found}; this sitroom needs {wanted}")
    return JSONResponse({"status": "ready", "schema_version": found}, headers=_NO_STORE)


def _not_ready(reason: str) -> JSONResponse:
    headers = _NO_STORE | {"Retry-After": str(RETRY_AFTER_S)}
    return JSONResponse({"status": "not ready", "reason": reason}, status_code=503, headers=headers)
