"""Evidence quotes are found in their release whatever its whitespace: the
loader's fast search (one ``str.find`` in the text with each whitespace run
made one space) answers as the regular expression of the quote's words would."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from eufunds.seed.format import _collapsed, find_quote, quote_pattern

# Spaces a release may hold: ASCII, line breaks, tabs, no-break and other
# Unicode spaces, and separators that Python counts as whitespace.
SPACES = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000"
WORDS = st.text(alphabet="aăbșțî-.,", min_size=1, max_size=4)
GAPS = st.text(alphabet=SPACES, min_size=1, max_size=4)


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(WORDS, GAPS), max_size=12))
    lead = draw(st.text(alphabet=SPACES, max_size=2))
    return lead + "".join(word + gap for word, gap in parts)


@given(texts())
def test_whitespace_collapses_each_run_to_one_space(text: str) -> None:
    collapsed, positions, shifts = _collapsed.__wrapped__(text)
    assert collapsed == re.sub(r"\s+", " ", text)
    # Every run that is not a lone space is where the collapsed text moved.
    runs = [m for m in re.finditer(r"\s+", text) if m.group() != " "]
    assert len(positions) == len(shifts) == len(runs)


@given(texts(), st.data())
def test_a_quote_is_found_where_its_words_pattern_matches_first(text: str, data: st.DataObject) -> None:
    words = text.split()
    start = data.draw(st.integers(0, len(words)))
    quote = " ".join(words[start : data.draw(st.integers(start, len(words)))])
    quote = quote or data.draw(WORDS)
    match = quote_pattern(quote).search(text)
    assert find_quote(text, quote) == (match.span() if match else None)
