"""The release as the rules see it: its text, the folded view they match on, lines and spans.

All patterns run on the *folded* text (``eufunds.text.fold`` — lower case, no
diacritics, plain quotes and dashes, same length as the original), so one ASCII
rule covers "Obiectivul specific", "OBIECTIVUL SPECIFIC" and "Obiectivul
specific" typed without diacritics; values are then cut from the original text at
the same offsets, so they keep their diacritics as written. This module owns that
document, the provenance ``Span`` every value points at, and the layout helpers
the rules share: where a sentence, a line, a paragraph or a list ends.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from ..text import collapse, fold


@dataclass(frozen=True)
class Span:
    """Where a value came from: 1-based line, character offsets into the text, the quote."""

    line: int
    start: int
    end: int
    quote: str
    # The document, so the surrounding sentence is found only when someone reads it.
    doc: Doc = field(repr=False, compare=False)

    @property
    def context(self) -> str:
        """The sentence around the value (within reach of it), whitespace collapsed."""
        doc, start, end = self.doc, self.start, self.end
        line_start, _ = doc.line_bounds(start)
        _, line_end = doc.line_bounds(max(start, end - 1))
        context_start = max(sentence_start(doc.folded, start), line_start, start - 120)
        context_end = min(sentence_end(doc.text, end, line_end) + 1, line_end, end + 120)
        return collapse(doc.text[context_start : max(context_end, end)])

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "context": self.context,
        }


class Doc:
    """The text, its folded matching view and the line index shared by all rules."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = _without_related(_typed_quotes(fold(text)))
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.provenance: dict[str, Span] = {}
        self._quote_view: str | None = None

    @property
    def quote_view(self) -> str:
        """The folded text with guillemets kept as written (« »), so that a title quoted
        „… «Dr. Aurel Tulbure» …” is one quotation, not two."""
        if self._quote_view is None:
            view = self.folded
            if "«" in self.text or "»" in self.text:
                chars = list(view)
                for m in _GUILLEMET.finditer(self.text):
                    chars[m.start()] = m.group(0)
                view = "".join(chars)
            self._quote_view = view
        return self._quote_view

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos)

    def line_bounds(self, pos: int) -> tuple[int, int]:
        index = self.line_of(pos) - 1
        start = self.line_starts[index]
        end = self.text.find("\n", start)
        return start, len(self.text) if end < 0 else end

    def clean(self, start: int, end: int) -> str:
        """The original characters, whitespace runs collapsed (line breaks inside a value)."""
        return collapse(self.text[start:end])

    def note(self, path: str, start: int, end: int) -> None:
        """Record the provenance of ``path`` (the first span wins: it is the clearest)."""
        if path in self.provenance or start >= end:
            return
        self.provenance[path] = Span(
            line=self.line_of(start), start=start, end=end, quote=self.text[start:end], doc=self
        )


_NEWLINE = re.compile(r"\n")
_GUILLEMET = re.compile(r"[«»]")
# Typists without a „ key write two commas (,,REAL”) and close with two apostrophes
# (Ialomița’’); in the matching view each pair is one quote and a space, so the
# length stays the same and every rule sees an ordinary quotation.
_COMMA_QUOTE = re.compile(r"(?<![\d,]),,(?=[^\s,\d])")
_APOSTROPHE_QUOTE = re.compile(r"(?<=\S)''|''(?=\S)")


# A news page links other stories ("Citește și: Consiliul Județean … un contract de 12
# milioane de lei"); their lines are blanked in the matching view, so that no rule reads
# another project's figures or names (the text and its offsets stay as they are).
_RELATED = re.compile(
    r"^[ \t]*(?:citeste\s+si|vezi\s+si|articole\s+(?:similare|recomandate|asemanatoare)|alte\s+stiri"
    r"|cele\s+mai\s+citite|stiri\s+similare|related)\b[^\n]*"
    # and the links listed under it ("» Primăria … a lansat licitația"; » folds to a quote).
    r"(?:\n[ \t]*[\"»›>•*-][^\n]*)*",
    re.M,
)


def _without_related(folded: str) -> str:
    return _RELATED.sub(lambda m: " " * len(m.group(0)), folded)


def _typed_quotes(folded: str) -> str:
    if ",," in folded:
        folded = _COMMA_QUOTE.sub(' "', folded)
    if "''" in folded:
        folded = _APOSTROPHE_QUOTE.sub('" ', folded)
    return folded


def wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


WHITESPACE = re.compile(r"\s+")


_TRAIL = ".,;: \t\n-•"


def trim(
    doc: Doc, start: int, end: int, *, keep_period: bool = False, keep_quotes: bool = False
) -> tuple[int, int]:
    """Narrow a span to its content: no surrounding blanks, bullets, quotes or end punctuation."""
    text = doc.folded
    trail = _TRAIL.replace(".", "") if keep_period else _TRAIL
    quotes = "" if keep_quotes else "\"'"
    while start < end and (text[start] in " \n\t•-*" or text[start] in quotes):
        start += 1
    while end > start and (text[end - 1] in trail or text[end - 1] in quotes):
        if text[end - 1] in quotes and text.count(text[end - 1], start, end - 1) % 2 == 1:
            # It closes a quotation inside the value (Fundaţia „Orizont Social”): keep it.
            break
        end -= 1
    # An opening parenthesis left unclosed at the end belongs to what follows.
    while end > start and text[end - 1] in " (":
        end -= 1
    return start, end


def sentence_end(text: str, pos: int, limit: int | None = None) -> int:
    """End of the sentence containing ``pos`` (``text`` is the original, case kept)."""
    limit = len(text) if limit is None else limit
    for m in _SENTENCE_END.finditer(text, pos, limit):
        if m.group(0).startswith("."):
            word = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.start())
            if word and fold(word.group(0)) in _ABBREVIATIONS:
                continue
        return m.start()
    return limit


# A full stop ends a sentence when followed by a line end or a new capitalised
# sentence — unless it closes an abbreviation ("str. Industriilor", "prof. Ion").
# A full stop glued to the next sentence ("de locuit.Îndeplinirea") ends one too, when
# a word, not a letter of an abbreviation, comes before it.
# (Both start at the full stop: a look-behind first would be tried at every position.)
_SENTENCE_END = re.compile(
    r"\.(?:(?=\s*\n|\s*$|\s+[A-ZĂÂÎȘȚŞŢ\"„”“«])"
    r"|(?<=[a-zăâîșțşţ][a-zăâîșțşţ][a-zăâîșțşţ]\.)(?=[A-ZĂÂÎȘȚŞŢ][a-zăâîșțşţ]{2}))"
    r"|\n[ \t]*\n|;[ \t]*\n"
)
_WORD_BEFORE = re.compile(r"[^\W\d_]+$")
_ABBREVIATIONS = wordset(
    "str nr jud mun sat com bl sc ap prof dr ing conf univ dl dna d-l d-na art alin "
    "lit pct tel ec ed sos bd bdul cca aprox etc ec arh av col gen lt sf sf "
)


def paragraph_end(folded: str, pos: int) -> int:
    m = _BLANK_LINE.search(folded, pos)
    return m.start() if m else len(folded)


_BLANK_LINE = re.compile(r"\n[ \t]*\n|\n[ \t]*$")


def sentence_start(folded: str, pos: int) -> int:
    """Start of the sentence containing ``pos`` (after a line break or a full stop)."""
    breaks = per_text(folded, "breaks", lambda: [m.end() for m in _SENTENCE_BREAK.finditer(folded)])
    index = bisect.bisect_right(breaks, pos) - 1
    return max(breaks[index] if index >= 0 else 0, pos - 600, 0)


# Rules ask the same questions of one text many times (where do sentences break,
# where are the dates); the answers are computed once per text and kept until
# the next text comes.
# (Per thread, so that concurrent extractions never see each other's answers.)
_THREAD_CACHE = threading.local()
_T = TypeVar("_T")


def per_text(folded: str, key: str, compute: Callable[[], _T]) -> _T:
    cache = getattr(_THREAD_CACHE, "cache", None)
    if cache is None or cache.get("text") is not folded:
        cache = _THREAD_CACHE.cache = {"text": folded}
    if key not in cache:
        cache[key] = compute()
    return cast(_T, cache[key])


# Not after a lone letter: "S. A.", "Ion I. Popescu" are abbreviations, not sentence ends.
# Nor after an abbreviation of an address or a title ("str. Europa nr. 21", "dr. Pop").
# (The look-behinds follow the full stop, so that only full stops pay for them.)
_SENTENCE_BREAK = re.compile(
    r"\n|\.(?<!(?<![a-z])[a-z]\.)(?<!\bstr\.)(?<!\bnr\.)(?<!\bjud\.)(?<!\bmun\.)(?<!\bbd\.)(?<!\bsos\.)"
    r"(?<!\bdr\.)(?<!\bprof\.)(?<!\bing\.)(?<!\bconf\.)(?<!\bav\.)\s+(?=[A-Za-z\"])|;\s+"
)


def starts_capital(doc: Doc, start: int) -> bool:
    char = doc.text[start : start + 1]
    return bool(char) and (char.isupper() or char.isdigit())


def end_of_line(folded: str, pos: int) -> int:
    end = folded.find("\n", pos)
    return len(folded) if end < 0 else end


def list_items(doc: Doc, pos: int) -> Iterator[tuple[int, int]]:
    """Bulleted or numbered items following a heading, until the list ends."""
    f = doc.folded
    cursor = pos
    first_line = True
    count = 0
    unbulleted = False
    while cursor < len(f):
        end = end_of_line(f, cursor)
        line = f[cursor:end]
        stripped = line.strip()
        if first_line:
            first_line = False
            if stripped:
                # Items written on the heading's own line are not a list.
                return
            cursor = end + 1
            continue
        if not stripped:
            cursor = end + 1
            continue
        m = _BULLET.match(line)
        if not m:
            # Unbulleted items go on as they began: a list of bare lines is not cut
            # after its first item.
            ends = ";.," if count == 0 else ";."
            if (count == 0 or unbulleted) and len(stripped) < 300 and stripped[-1:] in ends:
                unbulleted = True
                # Unbulleted items, one per line, each closed by ";" or ".".
                m2 = re.match(r"\s*", line)
                s, e = trim(doc, cursor + (m2.end() if m2 else 0), end)
                count += 1
                yield s, e
                if stripped.endswith("."):
                    return
                cursor = end + 1
                continue
            return
        s, e = trim(doc, cursor + m.end(), end)
        if e > s:
            count += 1
            yield s, e
        cursor = end + 1


_BULLET = re.compile(r"[ \t]*(?:[•*o>-]|\d{1,2}[.)]|[a-z][.)])\s+")
