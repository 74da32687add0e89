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
# A stream body starts after `stream` and an end of line (and ends at `endstream`).
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")


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


def _kept(buffer_at: int, buffer: bytes, size: int) -> tuple[int, bytes]:
    """The last `size` bytes of `buffer` and their offset in the file."""
    keep = min(len(buffer), size)
    return buffer_at + len(buffer) - keep, buffer[len(buffer) - keep :]


def pdf_active_content(source: IO[bytes]) -> str | None:
    """What active content the PDF in `source` carries, or None. Read in chunks (a file of tens
    of megabytes is never held whole); `source` is left at its start.

    Only the file's own syntax is read: stream bodies (images, fonts, page content) are skipped,
    since any bytes may appear in a scanned page, except object streams (`/ObjStm`), which hold
    dictionaries and are inflated and read too."""
    budget = MAX_INFLATED
    buffer, buffer_at, inside = b"", 0, False  # unread bytes, their offset in the file, in a stream body?
    try:
        source.seek(0)
        while chunk := source.read(CHUNK):
            buffer += chunk
            while True:
                if inside:
                    end = buffer.find(b"endstream")
                    if end < 0:  # the body goes on: keep what could be the start of "endstream"
                        buffer_at, buffer = _kept(buffer_at, buffer, 16)
                        break
                    buffer_at, buffer, inside = buffer_at + end + 9, buffer[end + 9 :], False
                    continue
                start = _STREAM_START.search(buffer)
                if found := _active_in(buffer if start is None else buffer[: start.start()]):
                    return found
                if start is None:  # keep enough to read a name or "stream" split by the chunk's end
                    buffer_at, buffer = _kept(buffer_at, buffer, 1024)
                    break
                if b"/ObjStm" in buffer[max(0, start.start() - 1024) : start.start()]:
                    inflated = _inflated(source, buffer_at + start.end(), budget)
                    budget -= len(inflated)
                    if found := _active_in(inflated):
                        return found
                    if budget <= 0:
                        return "compressed content beyond what is inspected (over 64 MB inflated)"
                    source.seek(buffer_at + len(buffer))  # where the chunked reading stood
                buffer_at, buffer, inside = buffer_at + start.end(), buffer[start.end() :], True
        return None
    finally:
        source.seek(0)
