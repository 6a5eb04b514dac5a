"""Records to JSON-ready dicts and back, one codec for the store, the API and the exports."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import json
import math
import types
import typing
from collections.abc import Iterator
from datetime import date
from enum import Enum
from typing import Any, TypeVar

import orjson

from sitroom import records

T = TypeVar("T")


def to_dict(value: Any) -> Any:
    """A record (or a tuple or list of them) as plain JSON types: dates as ISO strings, enums as values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record_encoder(type(value))(value)
    if isinstance(value, (tuple, list)):
        return [to_dict(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


Encoder = typing.Callable[[Any], Any]
_PLAIN = (str, int, float, bool)


@functools.cache
def _record_encoder(cls: type) -> Encoder:
    """`to_dict` for one record type, its fields' encoders chosen once from their type hints: the generic
    walk asked every value what it is."""
    field_encoders: list[tuple[str, Encoder]] = []

    def encode(value: Any) -> dict[str, Any]:
        if not field_encoders:  # built on first use: a record type may contain itself
            hints = _hints(cls)
            field_encoders.extend((f.name, _encoder(hints[f.name])) for f in dataclasses.fields(cls))
        return {name: field(getattr(value, name)) for name, field in field_encoders}

    return encode


@functools.cache
def _encoder(tp: Any) -> Encoder:
    """An encoder for values of type `tp`: `to_dict` itself where the type says too little."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            return to_dict
        inner = _encoder(args[0])
        return inner if inner in (_plain, to_dict) else lambda value: None if value is None else inner(value)
    if origin is tuple and typing.get_args(tp)[1:] == (Ellipsis,):
        item = _encoder(typing.get_args(tp)[0])
        return lambda value: [item(v) for v in value] if isinstance(value, tuple | list) else to_dict(value)
    if tp in _PLAIN:
        return _plain
    if dataclasses.is_dataclass(tp):
        record = _record_encoder(tp)
        return lambda value: record(value) if type(value) is tp else to_dict(value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return lambda value: value.value if isinstance(value, Enum) else to_dict(value)
    return to_dict


def _plain(value: Any) -> Any:
    return value if value is None or type(value) in _PLAIN else to_dict(value)


def to_json(record: Any) -> str:
    """`json.dumps(to_dict(record))` without the ASCII escapes, in one pass in C: the store encodes every
    report and event it writes, and this was a sixth of a write. A NaN or infinite float raises
    ValueError, as JSON has no such number (orjson alone would write null)."""
    _refuse_non_finite(record)
    try:
        return orjson.dumps(record).decode()
    except orjson.JSONEncodeError:  # an integer past 64 bits, which JSON holds; or a value it cannot
        return json.dumps(to_dict(record), ensure_ascii=False, allow_nan=False)


def _refuse_non_finite(value: Any) -> None:
    if type(value) is float:
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a number JSON can hold")
    elif isinstance(value, tuple | list):
        for item in value:
            _refuse_non_finite(item)
    elif dataclasses.is_dataclass(value):
        for name in _fields_with_floats(type(value)):
            _refuse_non_finite(getattr(value, name))


@functools.cache
def _fields_with_floats(cls: type) -> tuple[str, ...]:
    """The fields of record type `cls` that may hold a float, themselves or inside a record or tuple."""
    hints = _hints(cls)
    return tuple(f.name for f in dataclasses.fields(cls) if _may_hold_float(hints[f.name], {cls}))


def _may_hold_float(tp: Any, outer: set[type]) -> bool:
    if tp is float:
        return True
    if dataclasses.is_dataclass(tp):
        # A record inside itself is looked into: what it holds is still being worked out.
        return tp in outer or any(_may_hold_float(h, outer | {tp}) for h in _hints(tp).values())
    args = [a for a in typing.get_args(tp) if a is not Ellipsis and a is not type(None)]
    if args:
        return any(_may_hold_float(a, outer) for a in args)
    return tp is Any or tp is object


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
