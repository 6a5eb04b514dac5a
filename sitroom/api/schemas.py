"""What the API reads and writes, as JSON Schema for the OpenAPI document.

Responses are `sitroom.codec.to_dict` of the records in `sitroom.records`, the same JSON the store and
the exports use; their schemas are derived here from the dataclasses, so the document cannot drift from
the records. Request bodies are pydantic models, validated by FastAPI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import sys
import types
import typing
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, HttpUrl

from sitroom.records import Document, Event, Review, ReviewAction, SituationEntry
from sitroom.situation import StateChange

MAX_PAGE = 500  # the most events (or documents) one page may hold
DEFAULT_PAGE = 100
MAX_URLS = 20
# Characters in one ingested document: even written as \u escapes (6 bytes each), a document within
# this limit fits the default body limit, so a body the schema allows is never refused as too large.
MAX_TEXT = 200_000

REF = "#/components/schemas/"


def _hints(cls: type) -> dict[str, Any]:
    # Resolved in the module's namespace: a field named `date` would shadow the type in the class's.
    module = vars(sys.modules[cls.__module__])
    return typing.get_type_hints(cls, module, module)


_SCALARS = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
}


def _type_schema(tp: Any, found: dict[str, dict]) -> dict:
    """JSON Schema of a value of type `tp` as `codec.to_dict` writes it; records go into `found`."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [_type_schema(a, found) for a in typing.get_args(tp) if a is not type(None)]
        nullable = type(None) in typing.get_args(tp)
        return {"anyOf": options + ([{"type": "null"}] if nullable else [])}
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _type_schema(args[0], found)}
        items = [_type_schema(a, found) for a in args]
        return {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}
    if dataclasses.is_dataclass(tp):
        _record_schema(tp, found)
        return {"$ref": REF + tp.__name__}
    if isinstance(tp, type) and issubclass(tp, Enum):
        values = [m.value for m in tp]
        return {"type": "integer" if isinstance(values[0], int) else "string", "enum": values}
    if tp is date:
        return {"type": "string", "format": "date"}
    return _SCALARS[tp]


def _record_schema(cls: type, found: dict[str, dict]) -> None:
    if cls.__name__ in found:
        return
    found[cls.__name__] = {}  # placeholder: records may refer to themselves
    hints = _hints(cls)
    fields = dataclasses.fields(cls)
    found[cls.__name__] = {
        "type": "object",
        "title": cls.__name__,
        "description": (cls.__doc__ or "").strip().split("\n")[0] or cls.__name__,
        "properties": {f.name: _type_schema(hints[f.name], found) for f in fields},
        "required": [f.name for f in fields],
    }


def _page(item: str, description: str) -> dict:
    return {
        "type": "object",
        "description": description,
        "properties": {
            "total": {"type": "integer", "minimum": 0, "description": "matches before paging"},
            "limit": {"type": "integer", "minimum": 0},
            "offset": {"type": "integer", "minimum": 0},
            "items": {"type": "array", "items": {"$ref": REF + item}},
        },
        "required": ["total", "limit", "offset", "items"],
    }


def _counted(properties: dict[str, dict], description: str) -> dict:
    return {
        "type": "array",
        "description": description,
        "items": {"type": "object", "properties": properties, "required": list(properties)},
    }


_NULLABLE_TEXT = {"anyOf": [{"type": "string"}, {"type": "null"}]}
_NULLABLE_NUMBER = {"anyOf": [{"type": "number"}, {"type": "null"}]}
_NULLABLE_DATE = {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}


@functools.cache
def component_schemas() -> dict[str, dict]:
    """Every schema the routes refer to by name."""
    found: dict[str, dict] = {}
    for cls in (Document, Event, Review, SituationEntry, StateChange):
        _record_schema(cls, found)
    summary = {k: v for k, v in found["Document"]["properties"].items() if k != "text"}
    found["DocumentSummary"] = {
        "type": "object",
        "description": "A document without its text.",
        "properties": summary,
        "required": list(summary),
    }
    found["DocumentPage"] = _page("DocumentSummary", "A page of documents, oldest dateline first.")
    found["EventPage"] = _page("Event", "A page of events, by start date (undated last), then id.")
    found["Situation"] = {
        "type": "object",
        "properties": {
            "as_of": {"type": "string", "format": "date"},
            "known_at": _NULLABLE_DATE,
            "entries": {"type": "array", "items": {"$ref": REF + "SituationEntry"}},
        },
        "required": ["as_of", "known_at", "entries"],
    }
    found["Changes"] = {
        "type": "object",
        "properties": {
            "since": {"type": "string", "format": "date"},
            "until": _NULLABLE_DATE,
            "known_at": _NULLABLE_DATE,
            "total": {"type": "integer", "minimum": 0, "description": "changes in the window, all pages"},
            "changes": {"type": "array", "items": {"$ref": REF + "StateChange"}},
        },
        "required": ["since", "until", "known_at", "changes"],
    }
    found["Timeline"] = {
        "type": "object",
        "properties": {
            "place": {"type": "string"},
            "events": {"type": "array", "items": {"$ref": REF + "Event"}},
            "changes": {"type": "array", "items": {"$ref": REF + "StateChange"}},
        },
        "required": ["place", "events", "changes"],
    }
    found["PlaceCounts"] = _counted(
        {
            "name": {"type": "string"},
            "gazetteer_id": _NULLABLE_TEXT,
            "country": _NULLABLE_TEXT,
            "admin1": _NULLABLE_TEXT,
            "lat": _NULLABLE_NUMBER,
            "lon": _NULLABLE_NUMBER,
            "precision": {"type": "integer", "minimum": 1, "maximum": 7},
            "events": {"type": "integer", "minimum": 1},
        },
        "Places events happened at, with how many events each, most first.",
    )
    found["ActorCounts"] = _counted(
        {"name": {"type": "string"}, "id": _NULLABLE_TEXT, "events": {"type": "integer", "minimum": 1}},
        "Actors named in events, with how many events each, most first.",
    )
    found["IngestResult"] = {
        "type": "object",
        "properties": {
            "added": {"type": "integer", "minimum": 0},
            "unchanged": {"type": "integer", "minimum": 0},
            "documents": {"type": "array", "items": {"type": "string"}},
            "events": {"type": "array", "items": {"type": "string"}, "description": "merged event ids"},
            "skipped": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"origin": {"type": "string"}, "reason": {"type": "string"}},
                    "required": ["origin", "reason"],
                },
            },
            "conflicts": {
                "type": "array",
                "description": "documents whose id named a different text: kept under another id",
                "items": {
                    "type": "object",
                    "properties": {
                        "origin": {"type": "string"},
                        "id": {"type": "string"},
                        "stored_as": {"type": "string"},
                    },
                    "required": ["origin", "id", "stored_as"],
                },
            },
        },
        "required": ["added", "unchanged", "documents", "events", "skipped", "conflicts"],
    }
    found["ReviewResult"] = {
        "type": "object",
        "properties": {
            "review": {"$ref": REF + "Review"},
            "event": {"anyOf": [{"$ref": REF + "Event"}, {"type": "null"}]},
        },
        "required": ["review", "event"],
    }
    found["Writer"] = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "required": ["name"],
    }
    found["ErrorEnvelope"] = {
        "type": "object",
        "description": "Every error: its HTTP status, a message for people, and details where known.",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                    "details": {"type": "array", "items": {}},
                },
                "required": ["status", "message", "details"],
            }
        },
        "required": ["error"],
    }
    return found


def json_response(name: str, description: str = "OK") -> dict:
    """An OpenAPI response entry whose JSON body is the named component."""
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF + name}}}}


def json_list(name: str, description: str = "OK") -> dict:
    """An OpenAPI response entry whose JSON body is a list of the named component."""
    schema = {"type": "array", "items": {"$ref": REF + name}}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return json_response("ErrorEnvelope", description)


# Every route can answer these; write routes add WRITE_ERRORS.
ERRORS: dict[int | str, dict] = {
    404: _error("No such item or path"),
    422: _error("Invalid parameters or body"),
    500: _error("Internal error"),
}
WRITE_ERRORS: dict[int | str, dict] = {
    400: _error("The body is not valid JSON"),
    401: _error("No token, or an unknown or revoked one"),
    413: _error("Request body too large"),
}


# ---------------------------------------------------------------- request bodies


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_text(value: object) -> object:
    # Lax parsing would read a number ("0", 0) as a Unix time, 1970-01-01: a day must be written out.
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DAY.match(value)):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


Day = Annotated[dt.date, BeforeValidator(_iso_text)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class IngestDocument(_Body):
    """One document to ingest: its text and dateline, and what is known of where it came from."""

    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT, description="the report's text")]
    date: Annotated[Day, Field(description="the dateline: what relative dates are resolved against")]
    title: Annotated[str | None, Field(max_length=1000)] = None
    url: HttpUrl | None = None
    outlet: Annotated[str | None, Field(max_length=200)] = None
    id: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=200,
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
            description="a document id of your own (default: derived from the title and text)",
        ),
    ] = None


class IngestUrls(_Body):
    """Pages to fetch and ingest."""

    urls: Annotated[list[HttpUrl], Field(min_length=1, max_length=MAX_URLS)]
    date: Annotated[Day | None, Field(description="dateline for pages that give no date")] = None


class ReviewRequest(_Body):
    """A reviewer's decision on an event."""

    action: ReviewAction
    other: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=200,
            description="merge: the other event's id; split: the id of the report to take out",
        ),
    ] = None
    changes: Annotated[
        dict[Literal["type", "status", "certainty", "fatalities", "date_start", "date_end"], str] | None,
        Field(description="correct: field -> value"),
    ] = None
    note: Annotated[str, Field(max_length=2000)] = ""
