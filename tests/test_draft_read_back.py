"""Ingest checks a draft without parsing its YAML again: the writer knows what
the seed reader will read from each line it writes. These tests hold that this
is so — the YAML read back gives the very data (types included) and lines the
writer gave, and the seed checked that way is the seed the reader reads — on
the real releases, the invented ones, and invented records of any shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from release_formats import render
from test_ingest_intake import release, same_six_words

from eufunds.extract import extract_release
from eufunds.intake.ingest import (
    IngestOutcome,
    _check,
    _draft,
    _prepare,
    _Prepared,
    _Span,
    _validate,
    _Writer,
    release_items,
)
from eufunds.intake.sources import read_release
from eufunds.seed.format import Seed, parse_yaml, read_seed

ROOT = Path(__file__).resolve().parents[1]
SHARED_RELEASES = ROOT.parent / "shared" / "releases"
RELEASES = sorted(
    [
        *SHARED_RELEASES.glob("*.txt"),
        *(ROOT / "tests" / "corpus" / "extract").glob("*.txt"),
        *(ROOT / "seeds").glob("*.txt"),
    ]
)


def typed(value: Any) -> Any:
    """``value`` with every scalar's type beside it and mappings in their order:
    Decimal("5") == 5 and {"a": 1, "b": 2} == {"b": 2, "a": 1}, but the seed
    reader would not take them for the same."""
    if isinstance(value, dict):
        return ("map", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [typed(item) for item in value])
    return (type(value).__name__, value)


def drafted(path: Path) -> tuple[str, Any, dict[str, int] | None, bytes, str]:
    source = read_release(path)
    extraction = extract_release(source.text, file_name=path.name)
    provenance = {
        p: _Span(span.line, span.start, span.end, span.quote, span.context)
        for p, span in extraction.provenance.items()
    }
    yaml_text, data, lines = _draft(
        extraction.record, provenance, path.name, comments=True, evidence=True, source=source, read_back=True
    )
    return yaml_text, data, lines, source.text_bytes, f"{extraction.record['slug']}.yaml"


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.name)
def test_a_drafts_yaml_reads_back_as_the_data_and_lines_it_was_written_with(path: Path) -> None:
    yaml_text, data, lines, _, _ = drafted(path)
    assert lines is not None, "an ordinary release's draft is read back unparsed"
    parsed, parsed_lines = parse_yaml(yaml_text)
    assert typed(data) == typed(parsed)
    assert lines == dict(parsed_lines)


def _as_written(outcome: Seed | list[str], where: Path) -> Any:
    return outcome.as_read_from(where) if isinstance(outcome, Seed) else outcome


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.name)
def test_the_seed_checked_unparsed_is_the_seed_the_reader_reads(path: Path, tmp_path: Path) -> None:
    yaml_text, data, lines, text_bytes, seed_name = drafted(path)
    where = tmp_path / seed_name
    unparsed = _check(text_bytes, path.name, yaml_text, seed_name, data, lines)
    parsed = _validate(text_bytes, path.name, yaml_text, seed_name)
    assert _as_written(unparsed, where) == _as_written(parsed, where)
    if isinstance(parsed, Seed):
        assert isinstance(unparsed, Seed) and unparsed.fingerprint() == parsed.fingerprint()


# Invented records: any texts (line breaks, quotes, YAML's own words and
# characters it refuses), numbers, dates, nesting, empty lists and mappings,
# and keys the writer must not trust to read back as written.
_FIELD_KEYS = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
_ODD_KEYS = st.one_of(
    st.sampled_from(["null", "on", "Yes", "a b", "k: v", "#c", "-", "items[0].x", "a..b"]),
    st.text(min_size=1, max_size=8),
)
# One key in twenty odd: a record with one is left to the reader as a whole.
_KEYS = st.integers(0, 19).flatmap(lambda n: _ODD_KEYS if n == 0 else _FIELD_KEYS)
# Texts a release holds (letters, digits, punctuation YAML gives meaning to,
# spaces and line breaks in any arrangement), and any text at all.
_RELEASE_TEXT = st.text(
    alphabet=st.sampled_from(list("aăîșțâ AZ09.,:;#-'\"„”«»{}[]&*!|>%@`\n\t\u00a0")), max_size=40
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.decimals(allow_nan=True, allow_infinity=True, places=None),
    st.decimals(min_value=0, max_value=10**12, places=2),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
    _RELEASE_TEXT,
    _RELEASE_TEXT,
    st.text(max_size=40),
    st.sampled_from(
        ["null", "yes", "0474", "1_000", "12:30", "2020-02-30", "~", "- a", "'", '"', "#", "\u2028"]
    ),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(_KEYS, inner, max_size=4),
    ),
    max_leaves=25,
)
_CONTEXTS = st.one_of(
    _RELEASE_TEXT, st.text(max_size=60), st.sampled_from(["Valoarea: 1.500 lei", "null", "a\u0085b"])
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    record=st.dictionaries(_KEYS, _VALUES, max_size=6),
    evidence=st.dictionaries(_KEYS, _CONTEXTS, max_size=4),
    name=st.one_of(st.just("release.txt"), st.text(min_size=1, max_size=12)),
)
def test_any_record_drafted_reads_back_as_written_or_is_left_to_the_reader(
    record: dict[str, Any], evidence: dict[str, str], name: str
) -> None:
    provenance = {path: _Span(1, 0, 1, "x", context) for path, context in evidence.items()}
    try:
        yaml_text, data, lines = _draft(
            record, provenance, name, comments=True, evidence=True, source=None, read_back=True
        )
    except Exception as exc:  # what the writer cannot write, it cannot write either way
        with pytest.raises(type(exc)):
            _draft(record, provenance, name, comments=True, evidence=True, source=None)
        return
    if lines is None:
        return  # left to the seed reader, which reads the text itself
    parsed, parsed_lines = parse_yaml(yaml_text)
    assert typed(data) == typed(parsed)
    assert lines == dict(parsed_lines)


def test_ordinary_values_are_read_back_unparsed() -> None:
    """The guard is not so wide that it leaves every draft to the reader."""
    record = {
        "slug": "proiect",
        "title": "Școala „Mihai Eminescu” — etapa a II-a: 1.500 lei",
        "codes": {"sipoca": None, "mysmis": "123456"},
        "total_value": Decimal("1500.50"),
        "duration_months": 12,
        "start_date": dt.date(2020, 1, 5),
        "funds": [],
        "target_group": {},
        "objectives": [{"kind": "general", "text": "un rând\nși altul", "indicators": []}],
    }
    yaml_text, data, lines = _draft(
        record, {}, "r.txt", comments=True, evidence=True, source=None, read_back=True
    )
    assert lines is not None
    assert typed(data) == typed(parse_yaml(yaml_text)[0])


def test_a_draft_renamed_by_the_writer_is_handed_to_the_loader_as_the_seed_its_file_reads_as(
    tmp_path: Path,
) -> None:
    # Two projects whose slugs collide (the second takes its code) and two
    # releases of one file name (the second's text is renamed): both redrafted.
    folder = tmp_path / "releases"
    for where, name, text in [
        ("a", "comunicat.txt", same_six_words(7, "Deal")),
        ("b", "comunicat.txt", same_six_words(8, "Vale")),
        ("c", "comunicat.docx", release(3)),
        ("d", "comunicat.docx", release(4)),
    ]:
        (folder / where).mkdir(parents=True)
        data = text.encode("utf-8") if name.endswith(".txt") else render(text, "docx")
        (folder / where / name).write_bytes(data)
    seeds = tmp_path / "seeds"
    writer = _Writer(None, seeds, force=False, dry_run=False)
    entries = []
    for item in release_items([folder]):
        prepared = _prepare(item, False, None)
        assert isinstance(prepared, _Prepared)
        placed = writer.place(prepared)
        assert not isinstance(placed, IngestOutcome), placed.reason
        entries.append(placed)
    writer.flush(entries)
    assert all(isinstance(seed, Seed) for *_, seed in entries)
    renamed = [
        seed
        for _, prepared, _, _, seed in entries
        if isinstance(seed, Seed)
        and (seed.slug, seed.record["sources"][0]["file"])
        != (prepared.record["slug"], prepared.record["sources"][0]["file"])
    ]
    assert len(renamed) == 2  # b (its slug and its text) and d (its text)
    for seed in renamed:
        assert seed == read_seed(seed.path)
