"""The interactive API docs at /docs: Swagger UI from the npm package swagger-ui-dist, served from the
Python package itself (sitroom/web/vendor/), so the page loads nothing from outside the machine."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse

from sitroom.api.state import config

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def docs(request: Request) -> FileResponse:
    return FileResponse(config(request).web_dir / "docs.html", media_type="text/html; charset=utf-8")


@router.get("/redoc")
def redoc() -> RedirectResponse:
    """One docs page: the address FastAPI apps often use for the other leads there."""
    return RedirectResponse("/docs")
