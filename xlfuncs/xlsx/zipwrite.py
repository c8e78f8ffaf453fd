"""A minimal .xlsx (zip) writer that can reuse members compressed once.

A batch writes one workbook per council in which most parts (styles, charts, the data sheets)
are identical: compressing them once and copying the compressed bytes makes each workbook
cost little more than its changed sheets. Plain deflate, no zip64 (packages stay far below
4 GB).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

_DOS_TIME = 0  # 00:00:00
_DOS_DATE = (2026 - 1980) << 9 | 1 << 5 | 1  # 2026-01-01: fixed, so identical inputs give identical files


@dataclass(frozen=True)
class Member:
    name: str
    crc: int
    size: int
    compressed: bytes


def compress(name: str, data: bytes, level: int = 6) -> Member:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    body = packer.compress(data) + packer.flush()
    return Member(name, zlib.crc32(data) & 0xFFFFFFFF, len(data), body)


def write_zip(handle: BinaryIO, members: Iterable[Member]) -> None:
    central = []
    offset = 0
    count = 0
    for member in members:
        name = member.name.encode("utf-8")
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0x0800, 8, _DOS_TIME, _DOS_DATE,
            member.crc, len(member.compressed), member.size, len(name), 0,
        )
        handle.write(header)
        handle.write(name)
        handle.write(member.compressed)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x0800, 8, _DOS_TIME, _DOS_DATE,
                member.crc, len(member.compressed), member.size, len(name), 0, 0, 0, 0, 0o644 << 16, offset,
            )
            + name
        )
        offset += len(header) + len(name) + len(member.compressed)
        count += 1
    start = offset
    size = 0
    for entry in central:
        handle.write(entry)
        size += len(entry)
    handle.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, start, 0))
