"""Records to JSON-ready dicts and back, one codec for the store, the API and the exports."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import types
import typing
from collections.abc import Iterator
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from sitroom import records

T = TypeVar("T")


def to_dict(value: Any) -> Any:
    """A record (or a tuple or list of them) as plain JSON types: dates as ISO strings, enums as values."""
    names = _field_names(type(value))
    if names is not None:
        return {name: to_dict(getattr(value, name)) for name in names}
    if isinstance(value, (tuple, list)):
        return [to_dict(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A record type's field names (None for anything else), looked up once per type."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a pass that builds many records and makes no reference
    cycles: otherwise the allocations trigger collections that scan every live object, at random points."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a record of type `cls` from what `to_dict` made."""
    return _decoder(cls)(data)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(records), vars(records))


Decoder = typing.Callable[[Any], Any]


@functools.cache
def _decoder(tp: Any) -> Decoder:
    """A function that decodes JSON data into `tp`, built once per type: reading the type hints for every
    value made decoding the store's main cost."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _decoder(next(a for a in typing.get_args(tp) if a is not type(None)))
        return lambda data: None if data is None else inner(data)
    if origin is tuple:
        item = _decoder(typing.get_args(tp)[0])
        return lambda data: None if data is None else tuple(item(v) for v in data)
    if dataclasses.is_dataclass(tp):
        return _record_decoder(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return lambda data: None if data is None else tp(data)
    if tp is date:
        return lambda data: None if data is None else date.fromisoformat(data)
    if tp is float:
        return lambda data: float(data) if isinstance(data, int) else data
    return _same


def _same(data: Any) -> Any:
    return data


def _record_decoder(cls: type) -> Decoder:
    field_decoders: dict[str, Decoder] = {}

    def decode(data: Any) -> Any:
        if data is None:
            return None
        if not field_decoders:  # built on first use: a record type may contain itself
            hints = _hints(cls)
            field_decoders.update((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls))
        return cls(**{k: field_decoders[k](v) for k, v in data.items() if k in field_decoders})

    return decode
