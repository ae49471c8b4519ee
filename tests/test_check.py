"""`eufunds check`: the consistency report over a whole archive."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from generated_seeds import write_seed
from sqlalchemy import Engine, text

from eufunds.cli import cli
from eufunds.load.loader import load_paths
from eufunds.read.check import check_archive, title_key

CLUJ = "cj-cluj-calitate-competenta-performanta"
CLUJ_SEED = f"{CLUJ}.yaml"


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def check_json(runner: CliRunner, engine: Engine) -> tuple[int, dict]:
    result = runner.invoke(cli, ["--db", url_of(engine), "check", "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def findings(engine: Engine, check: str) -> list:
    return [f for f in check_archive(engine).findings if f.check == check]


def edit_cluj(seeds_dir: Path, old: str, new: str) -> None:
    seed = seeds_dir / CLUJ_SEED
    content = seed.read_text(encoding="utf-8")
    assert old in content
    seed.write_text(content.replace(old, new, 1), encoding="utf-8")


SOURCES = ("FSE", "national_budget", "beneficiary")


def funded(amounts_and_shares: list[tuple[str, str | None]], eligible: str = "1000.00") -> dict:
    return {
        "eligible_value": eligible,
        "total_value": eligible,
        "funding": [
            {"source": source, "amount": amount, "share_pct": share}
            for source, (amount, share) in zip(
                SOURCES[: len(amounts_and_shares)], amounts_and_shares, strict=True
            )
        ],
    }


# --------------------------------------------------------------------------- the seeds


def test_check_on_the_seeds_passes_with_one_notice(runner: CliRunner, loaded_engine: Engine) -> None:
    code, report = check_json(runner, loaded_engine)
    assert code == 0
    assert (report["ok"], report["projects"], report["documents"], report["errors"]) == (True, 2, 2, 0)
    [notice] = report["findings"]
    # Seed 001's end-of-project release is dated 24.06.2019, 17 days before the
    # end date it states (11.07.2019): plausible (announced ahead), worth a look,
    # not a contradiction in the figures.
    assert notice["check"] == "end_release_before_end_date" and notice["severity"] == "notice"
    assert notice["project"] == CLUJ
    assert notice["figures"] == {
        "file_name": "001_f36f72105a710f57.txt",
        "published": "2019-06-24",
        "end_date": "2019-07-11",
        "days_before": 17,
    }


def test_check_text_output_names_the_project_and_sums_up(runner: CliRunner, loaded_engine: Engine) -> None:
    result = runner.invoke(cli, ["--db", url_of(loaded_engine), "check"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"notice: {CLUJ}: the end-of-project release 001_f36f72105a710f57.txt is dated 2019-06-24, "
        "17 days before the stated end date 2019-07-11",
        "2 projects and 2 documents checked: 0 errors, 1 notice",
    ]


def test_check_on_an_empty_archive_passes(runner: CliRunner, engine: Engine) -> None:
    assert check_json(runner, engine) == (
        0, {"ok": True, "projects": 0, "documents": 0, "errors": 0, "notices": 0, "findings": []},
    )  # fmt: skip


def test_check_on_a_missing_archive_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--db", str(tmp_path / "none.db"), "check"])
    assert result.exit_code == 1 and "no archive at" in result.output


# --------------------------------------------------------------------------- planted problems


def test_check_fails_and_names_shares_that_do_not_add_up(
    runner: CliRunner, loaded_engine: Engine, seeds_dir: Path
) -> None:
    edit_cluj(seeds_dir, "share_pct: 13", "share_pct: 12")
    load_paths(loaded_engine, [seeds_dir])
    code, report = check_json(runner, loaded_engine)
    assert code == 1
    by_check = {f["check"]: f for f in report["findings"]}
    assert by_check["shares_total"]["project"] == CLUJ
    assert by_check["shares_total"]["figures"] == {"shares_pct": ["85", "12", "2"], "sum_pct": "99"}
    # 81 249,41 lei is 13.00 % of 624 995,52, not the 12 % now stated.
    assert by_check["share_vs_amount"]["figures"]["actual_pct"] == "13.00"
    assert by_check["share_vs_amount"]["figures"]["funding"] == 1


def test_check_names_amounts_that_do_not_add_up_to_the_eligible_value(
    loaded_engine: Engine, seeds_dir: Path
) -> None:
    edit_cluj(seeds_dir, "amount: 12499.92", "amount: 12499.00")
    load_paths(loaded_engine, [seeds_dir])
    [finding] = findings(loaded_engine, "amounts_total")
    assert finding.project == CLUJ
    assert finding.figures["sum"] == "624994.60" and finding.figures["difference"] == "-0.92"
    assert "624994.60 RON, not the eligible value 624995.52 RON" in finding.message


def test_check_accepts_a_share_rounded_as_releases_do(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path / "s", "rounded", **funded([("850.00", "85"), ("147.00", "15"), ("3.00", None)]))
    load_paths(engine, [tmp_path / "s"])
    # 147 of 1000 is 14.7 %, within half a point of the 15 % stated.
    assert findings(engine, "share_vs_amount") == []
    # 850 + 147 + 3 = 1000: the amounts add up.
    assert findings(engine, "amounts_total") == []


def test_check_names_an_eligible_value_above_the_total(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path / "s", "inverted", eligible_value="1200.00", total_value="1000.00")
    load_paths(engine, [tmp_path / "s"])
    [finding] = findings(engine, "eligible_above_total")
    assert finding.figures == {"eligible_value": "1200.00", "total_value": "1000.00", "currency": "RON"}


def test_check_names_a_duration_that_does_not_match_the_dates(loaded_engine: Engine, seeds_dir: Path) -> None:
    edit_cluj(seeds_dir, "duration_months: 16", "duration_months: 18")
    load_paths(loaded_engine, [seeds_dir])
    [finding] = findings(loaded_engine, "duration")
    assert finding.project == CLUJ
    assert finding.figures["months_between"] == [16, 16]
    assert finding.message == "duration 18 months stated, but 2018-03-12 to 2019-07-11 is 16 months"


@pytest.mark.parametrize(
    ("programme", "start", "end", "field", "limit"),
    [
        ("POCA", dt.date(2013, 12, 1), dt.date(2015, 1, 1), "start_date", "2014-01-01"),
        ("POCU", dt.date(2022, 1, 1), dt.date(2024, 3, 31), "end_date", "2023-12-31"),
        ("PEO", dt.date(2020, 6, 1), dt.date(2023, 1, 1), "start_date", "2021-01-01"),
        ("PNRR", dt.date(2022, 1, 1), dt.date(2026, 9, 30), "end_date", "2026-08-31"),
    ],
)
def test_check_names_dates_outside_the_programme_eligibility_period(
    engine: Engine, tmp_path: Path, programme: str, start: dt.date, end: dt.date, field: str, limit: str
) -> None:
    write_seed(tmp_path / "s", "late", programme={"code": programme}, start_date=start, end_date=end)
    load_paths(engine, [tmp_path / "s"])
    [finding] = findings(engine, "outside_eligibility")
    assert (finding.project, finding.figures["field"], finding.figures["limit"]) == ("late", field, limit)
    assert "Regulation (EU)" in finding.figures["source"]


def test_check_uses_the_programme_name_when_the_code_spans_two_periods(
    engine: Engine, tmp_path: Path
) -> None:
    write_seed(
        tmp_path / "s", "interreg",
        programme={"code": "INTERREG", "name": "Programul Interreg V-A România-Bulgaria 2014-2020"},
        start_date=dt.date(2019, 1, 1), end_date=dt.date(2024, 6, 30),
    )  # fmt: skip
    write_seed(
        tmp_path / "s", "interreg-unknown", programme={"code": "INTERREG"},
        start_date=dt.date(2019, 1, 1), end_date=dt.date(2031, 6, 30),
    )  # fmt: skip
    load_paths(engine, [tmp_path / "s"])
    assert [f.project for f in findings(engine, "outside_eligibility")] == ["interreg"]


def test_check_names_both_projects_with_the_same_folded_title(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path / "s", "first", title="Calitate, Competenţă, Performanță")
    write_seed(tmp_path / "s", "second", title="CALITATE  COMPETENȚĂ PERFORMANTA")
    write_seed(tmp_path / "s", "third", title="Calitate și performanță")
    load_paths(engine, [tmp_path / "s"])
    found = {f.project: f.figures["other_projects"] for f in findings(engine, "duplicate_title")}
    assert found == {"first": ["second"], "second": ["first"]}


def test_title_key_folds_case_diacritics_cedillas_and_punctuation() -> None:
    assert title_key("Calitate, Competenţă –  Performanță!") == title_key("calitate competentă performanta")


def test_check_names_the_same_code_written_with_leading_zeros(engine: Engine, tmp_path: Path) -> None:
    # The unique constraint lets "474" and "0474" both in; they are one SIPOCA code.
    write_seed(tmp_path / "s", "plain", codes={"sipoca": "474", "mysmis": None})
    write_seed(tmp_path / "s", "padded", codes={"sipoca": "0474", "mysmis": None})
    load_paths(engine, [tmp_path / "s"])
    found = {(f.project, f.figures["code"]) for f in findings(engine, "duplicate_code")}
    assert found == {("plain", "474"), ("padded", "0474")}


def test_check_names_a_project_without_a_source(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path / "s", "unsourced", sources=[])
    load_paths(engine, [tmp_path / "s"])
    [finding] = findings(engine, "project_without_source")
    assert finding.project == "unsourced" and finding.figures == {"seed_file": "unsourced.yaml"}


def test_check_names_a_document_without_a_project(runner: CliRunner, loaded_engine: Engine) -> None:
    with loaded_engine.begin() as connection:
        connection.execute(text("UPDATE documents SET project_id = NULL WHERE file_name LIKE '000%'"))
    code, report = check_json(runner, loaded_engine)
    assert code == 1
    orphan = next(f for f in report["findings"] if f["check"] == "document_without_project")
    assert orphan["project"] is None and orphan["figures"]["file_name"] == "000_409006d159ec7036.txt"
    # The project it belonged to now has no source either.
    assert any(
        f["check"] == "project_without_source" and f["project"] == "primaria-calafat-management-calitate"
        for f in report["findings"]
    )


def test_check_agrees_with_the_loader_warnings_on_a_generated_archive(engine: Engine, tmp_path: Path) -> None:
    seeds = tmp_path / "s"
    write_seed(seeds, "ok", **funded([("850.00", "85"), ("150.00", "15")]))
    write_seed(seeds, "short", **funded([("850.00", "85"), ("100.00", "10")]))
    write_seed(
        seeds, "long", duration_months=3, start_date=dt.date(2019, 1, 1), end_date=dt.date(2019, 12, 31)
    )
    report = load_paths(engine, [seeds])
    warned = {w.split(".yaml")[0].rsplit("/", 1)[-1] for w in report.warnings}
    errors = {f.project for f in check_archive(engine).errors}
    assert warned == errors == {"short", "long"}
