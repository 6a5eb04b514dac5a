"""A tiny raster PMTiles (v3) file written by hand, for testing a user's own basemap: every tile of zooms
0..`max_zoom` is one solid-colour PNG (one directory entry with a run length covering them all)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

_NONE, _PNG = 1, 2  # PMTiles compression "none", tile type "png"


def solid_png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size  # filter byte "none", then the pixels
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def write_pmtiles(path: Path, tile: bytes, max_zoom: int = 3) -> Path:
    tiles = sum(4**z for z in range(max_zoom + 1))  # tile ids 0..tiles-1 are zooms 0..max_zoom
    # One entry: tile id 0, run length `tiles`, the tile's length, offset 0 (written as offset + 1).
    directory = _varint(1) + _varint(0) + _varint(tiles) + _varint(len(tile)) + _varint(1)
    metadata = b"{}"
    root_at = 127
    meta_at = root_at + len(directory)
    data_at = meta_at + len(metadata)
    header = b"PMTiles" + struct.pack(
        "<BQQQQQQQQQQQBBBBBBiiiiBii",
        3,
        root_at,
        len(directory),
        meta_at,
        len(metadata),
        data_at,
        0,  # no leaf directories
        data_at,
        len(tile),
        tiles,
        1,
        1,  # addressed tiles, tile entries, tile contents
        1,
        _NONE,
        _NONE,
        _PNG,
        0,
        max_zoom,  # clustered, compressions, type, zooms
        -1800000000,
        -850000000,
        1800000000,
        850000000,  # bounds, degrees * 1e7
        0,
        0,
        0,  # centre zoom, lon, lat
    )
    assert len(header) == 127
    path.write_bytes(header + directory + metadata + tile)
    return path
