"""Reading with a size cap: an oversized input is refused from its size, never read whole into memory."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import BinaryIO

from sitroom.records import Skipped

CHUNK = 1 << 16


def too_big(origin: str, size: int | None, max_bytes: int) -> Skipped:
    shown = f"{size:,} bytes, " if size is not None else ""
    return Skipped(origin, f"too big: {shown}over the {max_bytes:,}-byte limit (ingest.max_bytes)")


def read_file_capped(path: Path, max_bytes: int) -> bytes | Skipped:
    """The file's bytes; a Skipped when it is over `max_bytes` or cannot be read."""
    origin = str(path)
    try:
        info = path.stat()
        if stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode):
            return Skipped(origin, "not a file but a pipe or socket: give it on stdin as - instead")
        size = info.st_size
        if size > max_bytes:
            return too_big(origin, size, max_bytes)
        with path.open("rb") as stream:
            return read_stream_capped(stream, origin, max_bytes)
    except OSError as exc:
        return Skipped(origin, f"cannot read: {exc.strerror or exc}")


def read_stream_capped(stream: BinaryIO, origin: str, max_bytes: int) -> bytes | Skipped:
    """At most `max_bytes` from a stream (stdin, a device, a file that grew); past that, a Skipped."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(CHUNK, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            return too_big(origin, None, max_bytes)
