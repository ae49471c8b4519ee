"""A PDF release to text, page by page, with where each page starts.

pypdfium2 (PDFium's bindings, Apache-2.0/BSD-3) reads the text layer; it was
the faster and the more faithful of the two readers compared in
docs/intake.md (pypdf the other). PDFium gives the text as it is laid out:
every printed line ends in CRLF, and a word the layout hyphenated ends the line
with U+FFFE (or U+0002). The reader puts the release back into paragraphs as
the plain-text releases have them: a line that runs to the right margin and is
followed closely by the next goes on with it; a hyphenated word is rejoined
(PDFium's own guess at which hyphens cut a word is checked against the layout).

Pages are joined by a blank line, and ``page_starts`` gives the offset of each
page's first character, so a span in the text names its page. A PDF with no
text layer (a scan) is refused with a message, unless OCR is asked for and
Tesseract with Romanian data is installed (``eufunds.intake.ocr``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

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


@dataclass
class _Line:
    text: str
    left: float
    right: float
    baseline: float
    page: int


def _page_lines(textpage: object, count: int, page: int) -> list[_Line]:
    """The printed lines of a page with their left and right edges and baseline."""
    raw: str = textpage.get_text_range(0, count)  # type: ignore[attr-defined]
    lines: list[_Line] = []
    index = 0
    # PDFium's text maps one character to one char index, CR LF included.
    pieces: list[tuple[str, int]] = []
    for piece in raw.split("\r\n"):
        pieces.extend(_printed_lines(textpage, piece, index))
        index += len(piece) + 2
    for piece, start in pieces:
        end = start + len(piece)
        if not piece.strip():
            lines.append(_Line("", 0.0, 0.0, 0.0, page))
            continue
        first = start + (len(piece) - len(piece.lstrip()))
        last = end - 1 - (len(piece) - len(piece.rstrip()))
        try:
            left, _b, _r, _t = textpage.get_charbox(min(first, count - 1), loose=True)  # type: ignore[attr-defined]
            _l, bottom, right, _top = textpage.get_charbox(min(last, count - 1), loose=True)  # type: ignore[attr-defined]
        except Exception:
            left = right = bottom = 0.0
        text = piece.strip()
        # Only a line's last character may be a hyphen mark that joins it to the next.
        inner = text[:-1]
        for mark in _SOFT_HYPHENS:
            inner = inner.replace(mark, "")
        lines.append(_Line(inner + text[-1], float(left), float(right), float(bottom), page))
    return lines


_MARKS = re.compile("[\ufffe\x02\u00ad](?=\\S)")


def _printed_lines(textpage: object, piece: str, start: int) -> list[tuple[str, int]]:
    """``piece`` (at char index ``start``) cut into the lines it was printed on.

    Where PDFium takes a line's last hyphen for a hyphenated word, it gives
    no line break after its mark and runs the next line on. A mark followed
    by a character printed lower down is such a line's end: the layout, not
    PDFium's guess, then tells whether the next line goes on with the word
    (a paragraph may end in a hyphen: "-anunț finalizare proiect-")."""
    out: list[tuple[str, int]] = []
    cut = 0
    for mark in _MARKS.finditer(piece):
        at = start + mark.start()
        try:
            _l, mark_bottom, _r, mark_top = textpage.get_charbox(at, loose=True)  # type: ignore[attr-defined]
            next_top = textpage.get_charbox(at + 1, loose=True)[3]  # type: ignore[attr-defined]
        except Exception:
            continue
        # Lower by half a line at least: loose boxes of lines set tight overlap.
        if next_top <= mark_top - (mark_top - mark_bottom) / 2:
            out.append((piece[cut : mark.end()], start + cut))
            cut = mark.end()
    out.append((piece[cut:], start + cut))
    return out


_FEW_LINES = 4


class _Layout:
    """The text block's margins and line pitch on each page, to tell wraps from breaks."""

    def __init__(self, lines: list[_Line]):
        filled = [line for line in lines if line.text]
        self.right = {}
        self.pitch = {}
        gaps_of: dict[int, list[float]] = {}
        for page in {line.page for line in filled}:
            on_page = [line for line in filled if line.page == page]
            self.right[page] = max(line.right for line in on_page)
            gaps_of[page] = sorted(
                a.baseline - b.baseline
                for a, b in itertools.pairwise(on_page)
                if 0 < a.baseline - b.baseline < 200
            )
        # A page of a few lines (a release's last) shows neither its margin nor
        # its line pitch: it is printed as the pages before it.
        every_gap = sorted(gap for gaps in gaps_of.values() for gap in gaps)
        # The margin most full pages show (a landscape page's is no other page's).
        full = sorted(self.right[page] for page, gaps in gaps_of.items() if len(gaps) >= _FEW_LINES)
        margin = full[(len(full) - 1) // 2] if full else max(self.right.values(), default=0.0)
        for page, gaps in gaps_of.items():
            if len(gaps) < _FEW_LINES:
                gaps = every_gap
                self.right[page] = max(margin, self.right[page])
            self.pitch[page] = gaps[len(gaps) // 4] if gaps else 0.0

    def wrapped(self, line: _Line, following: _Line) -> bool:
        """Whether ``line`` ended only because ``following``'s first word did not fit."""
        if _BULLET.match(following.text):
            return False
        hyphen_mark = line.text.endswith(_SOFT_HYPHENS)
        width = line.right - line.left
        if width <= 0 or len(line.text) < 2:
            return hyphen_mark
        char_width = width / len(line.text)
        word = following.text.split(" ", 1)[0]
        room = self.right[line.page] - line.right
        if hyphen_mark:
            # A word is cut only where its rest does not fit; a line stopping
            # with room for twice the next word ends its paragraph in a hyphen.
            return (len(word) + 1) * char_width * 2 > room
        return (len(word) + 1) * char_width > room

    def continues(self, line: _Line, following: _Line) -> bool:
        """Whether ``following`` goes on with the paragraph ``line`` is in."""
        if not self.wrapped(line, following):
            return False
        if following.page != line.page:
            # Across a page break no spacing tells; an unfinished sentence does.
            return not line.text.endswith(_SENTENCE_END)
        pitch = self.pitch[line.page]
        gap = line.baseline - following.baseline
        return pitch == 0.0 or 0 < gap <= pitch * 1.3

    def separate(self, line: _Line, following: _Line) -> str:
        """The break between two paragraphs: a blank line where the print left space."""
        if following.page != line.page:
            return "\n\n"
        pitch = self.pitch[line.page]
        gap = line.baseline - following.baseline
        return "\n" if pitch and 0 < gap <= pitch * 1.3 else "\n\n"


def _join(current: str, text: str) -> str:
    if current.endswith(_SOFT_HYPHENS):
        # No word goes on after a cut with a capital: a name's own hyphen
        # (Cluj-Napoca, Bistrița-Năsăud) fell at the line's end. In capitals
        # ("MODERNI-" / "ZAREA") a cut word is the likelier.
        name = text[:1].isupper() and not (current[-2:-1].isupper() and text[1:2].isupper())
        return current[:-1] + ("-" if name else "") + text
    if current.endswith("-") and not current.endswith(" -") and text[:1].islower():
        return current + text  # a compound's hyphen ("social-economic"); a lone dash is spaced
    return current + " " + text


# A number standing alone (not a part of "624.995,52" or "2014-2020").
_NUMBER = re.compile(r"(?<![\d.,-])\d+(?![\d-]|[.,]\d)")
# "Pagina 1 din 2", "Comunicat de presă, pag. 1": a page number's line is short.
_PAGE_NUMBER_WORDS = 5
# Where the same line stands on two pages, in points (PDFium's boxes vary a little).
_SAME_HEIGHT = 3.0


def _running_key(line: _Line, pages: int) -> str:
    """The line's text, with its page's number and the page count written as #
    in a line of a few words: "Pagina 1 din 2" and "Pagina 2 din 2" are one
    running line; two body lines whose numbers differ are not."""
    if line.text.count(" ") >= _PAGE_NUMBER_WORDS:
        return line.text  # (the body's lines: no need to fold them)
    text = " ".join(line.text.split()).casefold()
    numbers = {str(line.page + 1), str(pages)}
    return _NUMBER.sub(lambda m: "#" if m.group() in numbers else m.group(), text)


def _running_lines_placed(lines: list[_Line], middles: list[float]) -> list[_Line]:
    """``lines`` with the running headers and footers of a PDF of several pages
    said once, at the top and at the foot.

    A release printed from a word processor repeats its header and footer
    (the programme's banner, "Pagina 1 din 2") on every page, and PDFium puts
    them among the body's lines, before, after or between them: a sentence
    that goes on over a page break is cut by them, and its value lost. A line
    whose text, page numbers aside, stands at the same height on more than
    half of the pages (two at least) is such a line. Each is taken out of the
    body; a header's first occurrence goes to the top and a footer's last to
    the foot, since the banner may be the only place naming the programme. A
    page number says nothing of the release, and goes.
    """
    pages = {line.page for line in lines if line.text}
    if len(pages) < 2:
        return lines
    count = len(middles)
    by_text: dict[str, list[_Line]] = {}
    for line in lines:
        if line.text:
            by_text.setdefault(_running_key(line, count), []).append(line)
    running: set[int] = set()
    headers: list[_Line] = []
    footers: list[_Line] = []
    for key, same_text in by_text.items():
        if len(same_text) < 2:
            continue
        # The same words may also stand in the body: each height is a line of its own.
        heights: list[list[_Line]] = []
        for line in same_text:
            for cluster in heights:
                if abs(cluster[0].baseline - line.baseline) <= _SAME_HEIGHT:
                    cluster.append(line)
                    break
            else:
                heights.append([line])
        for cluster in heights:
            on_pages = {line.page for line in cluster}
            if len(on_pages) < 2 or 2 * len(on_pages) <= len(pages):
                continue
            running.update(id(line) for line in cluster)
            if "#" in key and "#" not in cluster[0].text:
                continue  # a page number
            if cluster[0].baseline > middles[cluster[0].page]:
                headers.append(cluster[0])
            else:
                footers.append(cluster[-1])
    if not running:
        return lines
    body = [line for line in lines if id(line) not in running]
    # Said on the first and the last page, so that pages still start in order.
    top = [replace(line, page=min(pages)) for line in sorted(headers, key=_reading_order)]
    foot = [replace(line, page=max(pages)) for line in sorted(footers, key=_reading_order)]
    return [*top, *body, *foot]


def _reading_order(line: _Line) -> tuple[float, float]:
    return -line.baseline, line.left


def _reflow(lines: list[_Line], pages: int) -> tuple[str, list[int]]:
    """Printed lines back into paragraphs (one a line), and where each page starts."""
    layout = _Layout(lines)
    out: list[str] = []
    length = 0
    starts: list[int | None] = [None] * pages
    previous: _Line | None = None
    blank = False
    for line in lines:
        if not line.text:
            blank = previous is not None
            continue
        if previous is None:
            piece = line.text
        elif not blank and layout.continues(previous, line):
            joined = _join(out[-1], line.text)
            length += len(joined) - len(out[-1])
            if starts[line.page] is None:
                starts[line.page] = length - len(line.text)
            out[-1] = joined
            previous, blank = line, False
            continue
        else:
            separator = "\n\n" if blank else layout.separate(previous, line)
            if out[-1].endswith(_SOFT_HYPHENS):
                # A hyphen mark with no word after it: the hyphen printed there.
                out[-1] = out[-1][:-1] + "-"
            out[-1] += separator
            length += len(separator)
            piece = line.text
        if starts[line.page] is None:
            starts[line.page] = length
        out.append(piece)
        length += len(piece)
        previous, blank = line, False
    if out and out[-1].endswith(_SOFT_HYPHENS):
        out[-1] = out[-1][:-1] + "-"
    text = "".join(out)
    filled: list[int] = []
    for start in starts:
        filled.append(start if start is not None else (filled[-1] if filled else 0))
    return text, filled


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
        lines: list[_Line] = []
        empty: list[int] = []
        middles: list[float] = []
        for number in range(pages):
            try:
                page = document[number]
                middles.append(page.get_height() / 2)
                textpage = page.get_textpage()
                count = textpage.count_chars()
                page_lines = _page_lines(textpage, count, number) if count > 0 else []
                textpage.close()
                page.close()
            except pdfium.PdfiumError as exc:
                raise IntakeError(f"page {number + 1} cannot be read ({exc})") from None
            if not any(line.text for line in page_lines):
                empty.append(number)
            lines.extend(page_lines)
        ocr_pages = 0
        if len(empty) == pages:
            if not ocr:
                raise IntakeError(
                    "the PDF has no text layer (a scan?); --ocr reads it with Tesseract "
                    "(Debian: tesseract-ocr tesseract-ocr-ron)"
                )
            from .ocr import ocr_page

            texts = [ocr_page(document, number) for number in range(pages)]
            ocr_pages = pages
            starts, offset = [], 0
            for text in texts:
                starts.append(offset)
                offset += len(text) + 2
            return PdfText("\n\n".join(texts) + "\n", starts, ocr_pages)
        text, starts = _reflow(_running_lines_placed(lines, middles), pages)
    finally:
        document.close()
    return PdfText(text + "\n", starts, ocr_pages)
