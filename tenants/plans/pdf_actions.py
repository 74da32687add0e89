"""Active content in a PDF: JavaScript (`/JS`, `/JavaScript`, often run by `/OpenAction`),
launch actions (`/Launch`) and embedded files. A council resolution needs none of them, so a
PDF carrying any is refused rather than archived and later handed out by a signed link.

Names are read as PDF writes them, `#xx` escapes decoded (`/J#53` is `/JS`), in the file's bytes
and inside its compressed streams (object streams hide dictionaries there), inflating at most
`MAX_INFLATED` bytes in all."""

from __future__ import annotations

import re
import zlib
from typing import IO

ACTIVE_NAMES = {b"JS": "JavaScript", b"JavaScript": "JavaScript", b"Launch": "a launch action",
                b"EmbeddedFile": "an embedded file", b"RichMedia": "rich media"}  # fmt: skip
MAX_INFLATED = 64 * 1024 * 1024
CHUNK = 1024 * 1024
_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)")
_STREAM = re.compile(rb"stream\r?\n")


def _names(data: bytes) -> set[bytes]:
    return {re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), n) for n in _NAME.findall(data)}


def _active_in(data: bytes) -> str | None:
    found = _names(data) & ACTIVE_NAMES.keys()
    return ACTIVE_NAMES[min(found)] if found else None


def _inflated(source: IO[bytes], offset: int, budget: int) -> bytes:
    """A Flate stream starting at `offset`, inflated up to `budget` bytes (b"" if it is none)."""
    inflater = zlib.decompressobj()
    source.seek(offset)
    out = bytearray()
    try:
        while len(out) < budget and not inflater.eof and (chunk := source.read(CHUNK)):
            out += inflater.decompress(chunk, budget - len(out))
    except zlib.error:
        return bytes(out)
    return bytes(out)


def pdf_active_content(source: IO[bytes]) -> str | None:
    """What active content the PDF in `source` carries, or None. Read in chunks (a file of tens
    of megabytes is never held whole); `source` is left at its start."""
    budget, offset, tail = MAX_INFLATED, 0, b""
    try:
        while True:
            source.seek(offset)
            chunk = source.read(CHUNK)
            if not chunk:
                return None
            window = tail + chunk  # names split by a chunk boundary are whole in the window
            if found := _active_in(window):
                return found
            starts = [offset - len(tail) + m.end() for m in _STREAM.finditer(window)]
            for start in starts:
                if start < offset:
                    continue  # seen in the previous window
                inflated = _inflated(source, start, budget)
                budget -= len(inflated)
                if found := _active_in(inflated):
                    return found
                if budget <= 0:
                    return "compressed content beyond what is inspected (over 64 MB inflated)"
            offset += len(chunk)
            tail = chunk[-256:]
    finally:
        source.seek(0)
