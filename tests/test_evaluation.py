"""Scoring drafts against hand-made records."""

from __future__ import annotations

import copy
import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from eufunds.extract.evaluation import compare_records, evaluate_directory, values_equal

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "extract"

EXPECTED = {
    "slug": "x",
    "title": "Calitate, Competenţă, Performanță",
    "codes": {"sipoca": "474", "mysmis": None},
    "total_value": Decimal("624995.52"),
    "funding": [
        {"source": "FSE", "amount": Decimal("531246.19"), "share_pct": 85},
        {"source": "national_budget", "amount": Decimal("81249.41"), "share_pct": 13},
    ],
    "evidence": {"title": "ignored"},
    "notes": "ignored",
}


def _got() -> dict:
    return copy.deepcopy({k: v for k, v in EXPECTED.items() if k not in ("evidence", "notes")})


def test_identical_record_scores_every_field() -> None:
    score = compare_records(EXPECTED, _got())
    assert score.mismatches == [] and score.correct == score.total


def test_slug_evidence_and_notes_are_not_compared() -> None:
    got = _got()
    got["slug"] = "something-else"
    paths = {m.path for m in compare_records(EXPECTED, got).mismatches}
    assert paths == set()


@pytest.mark.parametrize(
    "written",
    [
        "calitate, competenţă, performanță",
        "Calitate, Competență, Performanţă",
        "Calitate,  Competenta,\nPerformanta",
    ],
    ids=["case", "cedilla-vs-comma", "diacritics-and-whitespace"],
)
def test_texts_match_after_folding(written: str) -> None:
    assert values_equal(EXPECTED["title"], written)


def test_texts_differing_in_words_do_not_match() -> None:
    assert not values_equal("Calitate", "Calitatea")


@pytest.mark.parametrize(
    ("expected", "got", "equal"),
    [
        (Decimal("624995.52"), Decimal("624995.520"), True),
        (Decimal("624995.52"), Decimal("624995.53"), False),
        (85, Decimal("85"), True),
        ("474", 474, True),
        ("474", "475", False),
        (None, None, True),
        (None, "x", False),
    ],
)
def test_numbers_and_codes_are_exact(expected: object, got: object, equal: bool) -> None:
    assert values_equal(expected, got) is equal


def test_a_missing_list_item_counts_each_of_its_leaves_wrong() -> None:
    got = _got()
    del got["funding"][1]
    wrong = [m.path for m in compare_records(EXPECTED, got).mismatches]
    assert sorted(wrong) == [
        "funding[1].amount", "funding[1].contributor", "funding[1].description",
        "funding[1].share_pct", "funding[1].source",
    ]  # fmt: skip


def test_a_surplus_list_item_counts_as_one_wrong_field() -> None:
    got = _got()
    got["funding"].append({"source": "beneficiary", "amount": Decimal(1), "share_pct": None})
    score = compare_records(EXPECTED, got)
    assert [m.path for m in score.mismatches] == ["funding[2]"]


def test_a_value_the_gold_does_not_state_is_invented_and_lowers_precision_only() -> None:
    got = _got()
    got["acronym"] = "CCP"
    score = compare_records(EXPECTED, got)
    assert [(m.path, m.kind) for m in score.mismatches] == [("acronym", "invented")]
    assert score.invented == 1 and score.precision < 1.0 and score.recall == 1.0


def test_a_stated_value_left_out_is_missed_and_lowers_recall_only() -> None:
    got = _got()
    got["total_value"] = None
    score = compare_records(EXPECTED, got)
    assert [(m.path, m.kind) for m in score.mismatches] == [("total_value", "missed")]
    assert score.missed == 1 and score.precision == 1.0 and score.recall < 1.0


def test_a_different_value_is_wrong_and_lowers_both_precision_and_recall() -> None:
    got = _got()
    got["total_value"] = Decimal("624995.53")
    score = compare_records(EXPECTED, got)
    assert [(m.path, m.kind) for m in score.mismatches] == [("total_value", "wrong")]
    assert score.wrong == 1 and score.precision < 1.0 and score.recall < 1.0


def test_agreeing_that_nothing_is_stated_counts_for_accuracy_but_not_precision_or_recall() -> None:
    score = compare_records(EXPECTED, _got())
    # title, sipoca, currency (RON unless said), total value, two funding rows of three: 10 values.
    assert score.stated == score.given == score.stated_correct == 10
    assert score.total > score.stated


def test_evaluation_lists_each_error_with_its_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Valoarea totală a proiectului este de 1.000 lei.\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("slug: a\ntotal_value: 2000\ncurrency: RON\n", encoding="utf-8")
    report = evaluate_directory(tmp_path, tmp_path)
    assert "a.txt: total_value: wrong: expected 2000, got 1000" in report.error_lines()


def test_evaluation_json_carries_precision_recall_and_each_error_kind(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Valoarea totală a proiectului este de 1.000 lei.\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("slug: a\ntotal_value: 2000\ncurrency: RON\n", encoding="utf-8")
    data = json.loads(evaluate_directory(tmp_path, tmp_path).to_json())
    assert {"precision", "recall", "wrong", "invented", "missed"} <= data["overall"].keys()
    total_value = data["fields"]["total_value"]
    assert (total_value["precision"], total_value["recall"], total_value["wrong"]) == (0.0, 0.0, 1)
    # Decimals as JSON numbers, as everywhere else (one JSON policy).
    assert {"path": "total_value", "kind": "wrong", "expected": 2000, "got": 1000} in data["files"][0][
        "mismatches"
    ]


def test_report_prints_an_aligned_table_and_json(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Valoarea totală a proiectului este de 1.000 lei.\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("slug: a\ntotal_value: 1000\ncurrency: RON\n", encoding="utf-8")
    report = evaluate_directory(tmp_path, tmp_path)
    table = report.to_table()
    assert "total_value" in table and "overall" in table
    widths = {len(line) for line in table.splitlines() if line and not line.startswith("-")}
    assert len(widths) == 1
    data = json.loads(report.to_json())
    # The JSON grew precision, recall and error counts beside the accuracy it always had.
    old_figures = {k: data["fields"]["total_value"][k] for k in ("correct", "total", "accuracy")}
    assert old_figures == {"correct": 1, "total": 1, "accuracy": 1.0}
    assert data["overall"]["total"] == report.total


def test_a_text_in_decomposed_letters_scores_as_extract_reads_it(tmp_path: Path) -> None:
    # A Mac editor's "ă" is "a" and a combining breve; `eufunds extract` composes it.
    for path in (ROOT / "seeds").glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    for path in (ROOT / "seeds").glob("*.txt"):
        text = path.read_bytes().decode("utf-8")
        (tmp_path / path.name).write_bytes(unicodedata.normalize("NFD", text).encode("utf-8"))
    assert evaluate_directory(tmp_path, tmp_path).accuracy == 1.0


def test_pairs_by_source_file_when_names_differ() -> None:
    report = evaluate_directory(ROOT / "seeds", ROOT / "seeds")
    assert len(report.files) == 2
    assert report.accuracy == 1.0


_CORPUS_READY = len(list(CORPUS.glob("*.yaml"))) >= 25


@pytest.mark.skipif(not _CORPUS_READY, reason="corpus not written yet")
def test_corpus_scores_at_least_95_percent() -> None:
    report = evaluate_directory(CORPUS, CORPUS)
    assert len(report.files) >= 25
    assert report.accuracy >= 0.95, report.to_table()


@pytest.mark.skipif(not _CORPUS_READY, reason="corpus not written yet")
def test_corpus_score_does_not_fall_below_what_it_reached() -> None:
    # A ratchet above the 95 % target: raise it as the rules improve.
    assert evaluate_directory(CORPUS, CORPUS).accuracy >= 0.995


# The real published releases with hand-read gold records sit beside the checkout
# (../shared/releases), not in it: a plain clone does not have them.
SHARED_RELEASES = Path(__file__).resolve().parents[2] / "shared" / "releases"
_SHARED_READY = len(list(SHARED_RELEASES.glob("*.yaml"))) >= 18


@pytest.mark.skipif(
    not _SHARED_READY,
    reason=f"the real releases with gold records are not beside this checkout ({SHARED_RELEASES})",
)
def test_real_releases_score_does_not_fall_below_what_it_reached() -> None:
    # A ratchet on issue 16's real set: raise these as the rules improve, never lower them.
    report = evaluate_directory(SHARED_RELEASES, SHARED_RELEASES)
    assert len(report.files) >= 18
    overall = report.overall
    assert overall.precision >= 1.0, "\n".join(report.error_lines())
    # 0.951 until issue 14's item 16: the RON that gold records give releases
    # stating no amount was counted as a fact found; it is no fact, so it no
    # longer counts, and the same extraction measures 320 of 337. 0.952 since
    # the beneficiary of a contract-signing report is read (release 12).
    assert overall.recall >= 0.952, "\n".join(report.error_lines())
