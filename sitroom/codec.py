"""Records to JSON-ready dicts and back, one codec for the store, the API and the exports."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from sitroom import records

T = TypeVar("T")


def to_dict(value: Any) -> Any:
    """A record (or a tuple or list of them) as plain JSON types: dates as ISO strings, enums as values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_dict(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a record of type `cls` from what `to_dict` made."""
    return _decode(cls, data)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(records), vars(records))


def _decode(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner[0], data)
    if origin is tuple:
        item = typing.get_args(tp)[0]
        return tuple(_decode(item, v) for v in data)
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: _decode(hints[k], v) for k, v in data.items() if k in names})
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if tp is date:
        return date.fromisoformat(data)
    if tp is float and isinstance(data, int):
        return float(data)
    return data
