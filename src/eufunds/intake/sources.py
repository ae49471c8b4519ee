"""A release as received — bytes, what they are, where from — and the text read from it.

``read_release`` is the one door every format comes through: it sniffs the
media type from the bytes (``eufunds.intake.sniff``), hands them to the reader
for that format, and returns a ``SourceFile``: the original bytes with their
media type, size, SHA-256, origin (path or URL) and fetch time, beside the
text the extractor will read and, for a PDF, the offset where each page
starts. Text is normalised once here (``\\n`` line ends, no BOM, no control
characters, ligatures written out, letters composed) to exactly
what the seed reader will decode from the saved ``.txt``, so every offset the
extractor gives is an offset into the text the archive keeps.

Inputs over ``MAX_RELEASE_BYTES`` are refused before they are read. Memory is
bounded by that cap times a small factor per format (an HTML tree, a DOCX's
XML) and by ``office.MAX_UNPACKED`` for ZIP-based formats.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import IntakeError
from ..text import clean_release_text, decode_release
from . import sniff
from .fetch import FetchedPage, FetchLimits, fetch_url

__all__ = [
    "MAX_RELEASE_BYTES",
    "SourceFile",
    "read_release",
    "read_release_bytes",
    "read_release_url",
]

MAX_RELEASE_BYTES = 20 * 1024 * 1024

_EXTENSIONS = {
    sniff.TEXT: ".txt",
    sniff.HTML: ".html",
    sniff.PDF: ".pdf",
    sniff.DOCX: ".docx",
    sniff.ODT: ".odt",
}


@dataclass
class SourceFile:
    """A release as received and the text read from it."""

    data: bytes
    media_type: str
    origin: str
    name: str
    text: str
    page_starts: list[int] = field(default_factory=list)
    fetched_at: dt.datetime | None = None
    final_url: str | None = None
    charset: str | None = None
    ocr_pages: int = 0

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def text_bytes(self) -> bytes:
        """The text as saved beside the seed (UTF-8); the seed reader decodes it back to ``text``."""
        return self.text.encode("utf-8")

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text_bytes).hexdigest()

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self.media_type]

    def page_of(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset``; None for formats without pages."""
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)


def _plain_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return decode_release(data)


def read_release_bytes(
    data: bytes,
    *,
    origin: str,
    name: str,
    fetched_at: dt.datetime | None = None,
    final_url: str | None = None,
    http_charset: str | None = None,
    ocr: bool = False,
) -> SourceFile:
    """Read release bytes of any supported format; ``IntakeError`` says why not."""
    if len(data) > MAX_RELEASE_BYTES:
        raise IntakeError(f"{len(data)} bytes; releases over {MAX_RELEASE_BYTES} bytes are not read")
    media_type = sniff.sniff_media_type(data)
    page_starts: list[int] = []
    ocr_pages = 0
    charset = None
    if media_type == sniff.TEXT:
        text = _plain_text(data)
    elif media_type == sniff.HTML:
        from .html import declared_charset, decode_html, html_main_text

        charset = http_charset or declared_charset(data)
        text = html_main_text(decode_html(data, http_charset))
    elif media_type == sniff.PDF:
        from .pdf import pdf_text

        result = pdf_text(data, ocr=ocr)
        text, page_starts, ocr_pages = result.text, result.page_starts, result.ocr_pages
    elif media_type == sniff.DOCX:
        from .office import docx_text

        text = docx_text(data)
    else:
        from .office import odt_text

        text = odt_text(data)
    if page_starts:
        # Cleaning changes lengths, so the pages' starts move: each page is
        # cleaned on its own (they are joined by a blank line, which nothing
        # changes) and the starts counted again.
        bounds = [0, *page_starts, len(text)]
        pieces = [clean_release_text(text[start:end]) for start, end in itertools.pairwise(bounds)]
        cleaned = "".join(pieces)
        # (The first piece is what stands before the first page: nothing, as a rule.)
        page_starts = list(itertools.accumulate(len(piece) for piece in pieces[:-1]))
    else:
        cleaned = clean_release_text(text)
    if not cleaned.strip():
        raise IntakeError("no text found in it")
    return SourceFile(
        data=data, media_type=media_type, origin=origin, name=name, text=cleaned,
        page_starts=page_starts, fetched_at=fetched_at, final_url=final_url, charset=charset,
        ocr_pages=ocr_pages,
    )  # fmt: skip


def read_release(path: Path, *, ocr: bool = False) -> SourceFile:
    """Read a release file; too large, unreadable or unrecognised files raise ``IntakeError``."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            # A FIFO or a device (/dev/zero) would block or never end.
            raise IntakeError("not a regular file")
        size = status.st_size
        if size > MAX_RELEASE_BYTES:
            raise IntakeError(f"{size} bytes; releases over {MAX_RELEASE_BYTES} bytes are not read")
        with path.open("rb") as handle:
            data = handle.read(MAX_RELEASE_BYTES + 1)  # bounded even if the file grows meanwhile
        if len(data) > MAX_RELEASE_BYTES:
            raise IntakeError(f"grew past {MAX_RELEASE_BYTES} bytes while being read; not read")
    except OSError as exc:
        raise IntakeError(f"cannot read: {exc.strerror or exc}") from None
    return read_release_bytes(data, origin=str(path), name=path.name, ocr=ocr)


def _name_from_url(page: FetchedPage) -> str:
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(page.final_url)
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in last)[:80].strip(".-")
    return stem or parts.hostname or "page"


def read_release_url(url: str, *, limits: FetchLimits | None = None, ocr: bool = False) -> SourceFile:
    """Fetch a release over http(s) and read it (the fetch is ``fetch.fetch_url``)."""
    page = fetch_url(url, limits)
    return read_release_bytes(
        page.data, origin=url, name=_name_from_url(page), fetched_at=page.fetched_at,
        final_url=page.final_url, http_charset=page.charset, ocr=ocr,
    )  # fmt: skip
