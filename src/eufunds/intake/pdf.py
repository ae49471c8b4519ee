"""A PDF release to text, page by page, with where each page starts.

pypdfium2 (PDFium's bindings, Apache-2.0/BSD-3) reads the text layer; it was
the faster and the more faithful of the two readers compared in
docs/intake.md (pypdf the other). PDFium gives the text as it is laid out:
every printed line ends in CRLF, and a word the layout hyphenated ends the line
with U+FFFE (or U+0002). The reader puts the release back into paragraphs as
the plain-text releases have them: a line that runs to the right margin and is
followed closely by the next goes on with it; a hyphenated word is rejoined.

Pages are joined by a blank line, and ``page_starts`` gives the offset of each
page's first character, so a span in the text names its page. A PDF with no
text layer (a scan) is refused with a message, unless OCR is asked for and
Tesseract with Romanian data is installed (``eufunds.intake.ocr``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..errors import IntakeError

__all__ = ["MAX_PAGES", "PdfText", "pdf_text"]

# A release is a page or two; a thousand pages is another kind of document.
MAX_PAGES = 200

_SOFT_HYPHENS = ("\ufffe", "\x02", "\u00ad")
_SENTENCE_END = (".", ":", ";", "!", "?")
_BULLET = re.compile(r"^\s*(?:[•▪●◦‣⁃∙·\-–—*]|\d{1,2}[.)]|[a-z][.)])\s")


@dataclass
class PdfText:
    text: str
    page_starts: list[int]
    ocr_pages: int = 0


def _page_lines(textpage: object, count: int) -> list[tuple[str, float, float, float]]:
    """(line text, left, right, baseline) for each printed line of a page."""
    raw: str = textpage.get_text_range(0, count)  # type: ignore[attr-defined]
    lines: list[tuple[str, float, float, float]] = []
    index = 0
    # PDFium's text maps one character to one char index, CR LF included.
    for piece in raw.split("\r\n"):
        start, end = index, index + len(piece)
        index = end + 2
        stripped = piece.strip()
        if not stripped:
            lines.append(("", 0.0, 0.0, 0.0))
            continue
        first = start + (len(piece) - len(piece.lstrip()))
        last = end - 1 - (len(piece) - len(piece.rstrip()))
        try:
            left, _b, _r, _t = textpage.get_charbox(min(first, count - 1))  # type: ignore[attr-defined]
            _l, bottom, right, _top = textpage.get_charbox(min(last, count - 1))  # type: ignore[attr-defined]
        except Exception:
            left = right = bottom = 0.0
        lines.append((piece.rstrip(), float(left), float(right), float(bottom)))
    return lines


def _reflow(lines: list[tuple[str, float, float, float]]) -> str:
    """Printed lines back into paragraphs, one per line, blank lines between."""
    filled = [line for line in lines if line[0].strip()]
    if not filled:
        return ""
    right_margin = max(line[2] for line in filled)
    left_margin = min(line[1] for line in filled)
    width = max(right_margin - left_margin, 1.0)
    pitches = sorted(a[3] - b[3] for a, b in itertools.pairwise(filled) if 0 < a[3] - b[3] < width / 4)
    pitch = pitches[len(pitches) // 4] if pitches else 0.0
    paragraphs: list[str] = []
    current = ""
    previous: tuple[str, float, float, float] | None = None
    for line in lines:
        text = line[0]
        if not text.strip():
            if current:
                paragraphs.append(current)
                current = ""
            previous = None
            continue
        if previous is not None and current:
            gap = previous[3] - line[3]
            near_margin = previous[2] >= right_margin - 0.12 * width
            close = pitch == 0.0 or 0 < gap <= pitch * 1.3
            if near_margin and close and not _BULLET.match(text):
                if current.endswith(_SOFT_HYPHENS):
                    current = current[:-1] + text.lstrip()
                elif current.endswith("-") and text.lstrip()[:1].islower():
                    current = current + text.lstrip()
                else:
                    current = current.rstrip() + " " + text.lstrip()
                previous = line
                continue
            paragraphs.append(current)
        elif current:
            paragraphs.append(current)
        current = text.strip()
        previous = line
    if current:
        paragraphs.append(current)
    cleaned = [p.replace("\ufffe", "").replace("\x02", "").replace("\u00ad", "") for p in paragraphs]
    return "\n\n".join(cleaned)


def pdf_text(data: bytes, *, ocr: bool = False, password: str | None = None) -> PdfText:
    """The text of a PDF, pages joined by blank lines, and each page's start offset."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise IntakeError("the PDF is encrypted (it needs a password)") from None
        raise IntakeError(f"not a readable PDF ({reason.rstrip('.')})") from None
    try:
        pages = len(document)
        if pages == 0:
            raise IntakeError("the PDF has no pages")
        if pages > MAX_PAGES:
            raise IntakeError(f"the PDF has {pages} pages; a release has at most {MAX_PAGES}")
        texts: list[str] = []
        empty: list[int] = []
        for number in range(pages):
            try:
                page = document[number]
                textpage = page.get_textpage()
                count = textpage.count_chars()
                text = _reflow(_page_lines(textpage, count)) if count > 0 else ""
                textpage.close()
                page.close()
            except pdfium.PdfiumError as exc:
                raise IntakeError(f"page {number + 1} cannot be read ({exc})") from None
            if not text.strip():
                empty.append(number)
            texts.append(text)
        ocr_pages = 0
        if len(empty) == pages:
            if not ocr:
                raise IntakeError(
                    "the PDF has no text layer (a scan?); --ocr reads it with Tesseract "
                    "(Debian: tesseract-ocr tesseract-ocr-ron)"
                )
            from .ocr import ocr_page

            for number in empty:
                texts[number] = ocr_page(document, number)
                ocr_pages += 1
    finally:
        document.close()
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for text in texts:
        starts.append(offset)
        body = text.strip("\n") + "\n"
        parts.append(body)
        offset += len(body) + 1  # the blank line between pages
    return PdfText("\n".join(parts), starts, ocr_pages)
