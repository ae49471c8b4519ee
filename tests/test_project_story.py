"""A project's story beyond its record (issue 17): what it promised beside what
it achieved, its beneficiary's fiscal code and kind, its place coded to SIRUTA
and NUTS, the dates its facts and the archive are as of, and the findings
`check` draws from them. Each on a real archive, on both backends."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from dumps import archive_dump
from sqlalchemy import Engine, text

from eufunds import migrate
from eufunds.cli import cli
from eufunds.errors import LoadError
from eufunds.load.loader import load_paths
from eufunds.read.check import check_archive
from eufunds.read.stats import archive_stats

CALAFAT = "primaria-calafat-management-calitate"
CLUJ = "cj-cluj-calitate-competenta-performanta"

_SEED = """slug: {slug}
title: {title}
codes: {{sipoca: null, mysmis: "{mysmis}"}}
status: {status}
beneficiary: {{name: "{beneficiary}", acting_through: null, cui: {cui}}}
programme: {{code: POCU, name: null}}
funds: [FSE]
total_value: {total}
funding:
  - {{source: FSE, amount: {eu}, share_pct: null}}
start_date: 2019-01-01
end_date: {end_date}
location: {location}
results:
  - level: project
    code: null
    text: Persoane formate
    indicators:
{indicators}
sources:
{sources}
"""


def write_seed(
    folder: Path,
    slug: str,
    *,
    beneficiary: str = "Comuna Bârca",
    cui: str = "null",
    location: str = "null",
    indicators: list[tuple[int, str, str | None]] = ((120, "persoane", "target"),),  # type: ignore[assignment]
    sources: list[tuple[str, str, str]] = (("start", "2019-01-15", "Proiectul începe."),),  # type: ignore[assignment]
    end_date: str = "2020-12-31",
    mysmis: str = "130001",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source_lines = []
    for i, (kind, published, body) in enumerate(sources):
        name = f"{slug}-{i}.txt"
        (folder / name).write_text(f"{body} ({slug})\n", encoding="utf-8")  # one text per project
        source_lines.append(f"  - {{file: {name}, kind: {kind}, published: {published}}}")
    indicator_lines = [
        f"      - {{value: {value}, unit: {unit}, kind: {'null' if kind is None else kind}}}"
        for value, unit, kind in indicators
    ]
    path = folder / f"{slug}.yaml"
    path.write_text(
        _SEED.format(
            slug=slug, title=f"Formare {slug}", mysmis=mysmis, status="completed", beneficiary=beneficiary,
            cui=cui, total="1000.00", eu="850.00", end_date=end_date, location=location,
            indicators="\n".join(indicator_lines), sources="\n".join(source_lines),
        ),
        encoding="utf-8",
    )  # fmt: skip
    return path


def one(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).one()


def findings(engine: Engine, check: str, today: dt.date = dt.date(2026, 12, 4)) -> list[Any]:
    return [f for f in check_archive(engine, today=today).findings if f.check == check]


# --------------------------------------------------------------------------- promises


def test_a_target_and_an_achieved_value_of_one_unit_stand_side_by_side(
    engine: Engine, tmp_path: Path
) -> None:
    write_seed(tmp_path, "p", indicators=[(120, "persoane", "target"), (118, "persoane", "achieved")])
    load_paths(engine, [tmp_path])
    row = one(engine, "select slug, unit, target, achieved from project_promises")
    assert (row.slug, row.unit, float(row.target), float(row.achieved)) == ("p", "persoane", 120, 118)


def test_a_target_with_nothing_achieved_yet_stands_alone(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path, "p", indicators=[(120, "persoane", "target")])
    load_paths(engine, [tmp_path])
    row = one(engine, "select target, achieved from project_promises")
    assert (float(row.target), row.achieved) == (120, None)


def test_check_notices_an_achieved_value_below_its_target(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path, "p", indicators=[(120, "persoane", "target"), (118, "persoane", "achieved")])
    load_paths(engine, [tmp_path])
    [finding] = findings(engine, "achieved_below_target")
    assert finding.severity == "notice"
    assert finding.figures["target"] == "120" and finding.figures["shortfall"] == "2"


def test_an_indicator_whose_wording_says_neither_has_no_kind(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path, "p", indicators=[(6, "cursuri", None)])
    load_paths(engine, [tmp_path])
    assert one(engine, "select kind from indicators").kind is None
    assert findings(engine, "achieved_below_target") == []


# --------------------------------------------------------------------------- end releases


def test_check_notices_an_end_date_passed_with_no_end_release(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path, "p", end_date="2020-12-31")
    load_paths(engine, [tmp_path])
    [finding] = findings(engine, "no_end_release")
    assert finding.project == "p" and finding.figures["end_date"] == "2020-12-31"


def test_an_end_release_or_a_future_end_date_is_no_finding(engine: Engine, tmp_path: Path) -> None:
    ended = [("start", "2019-01-15", "Începe."), ("end", "2021-01-10", "Se încheie.")]
    write_seed(tmp_path, "ended", sources=ended, mysmis="130001")
    write_seed(tmp_path, "running", end_date="2027-06-30", mysmis="130002")
    load_paths(engine, [tmp_path])
    assert findings(engine, "no_end_release") == []


# --------------------------------------------------------------------------- beneficiary identity


def test_a_valid_cui_is_kept_as_written_on_the_project_and_as_digits_on_the_body(
    engine: Engine, tmp_path: Path
) -> None:
    write_seed(tmp_path, "p", cui='"RO 4553089"')
    load_paths(engine, [tmp_path])
    row = one(
        engine,
        "select p.beneficiary_cui, o.cui from projects p join organisations o on o.id = p.beneficiary_id",
    )
    assert (row.beneficiary_cui, row.cui) == ("RO4553089", "4553089")


def test_a_cui_with_a_wrong_control_digit_is_refused_naming_its_field_and_line(
    engine: Engine, tmp_path: Path
) -> None:
    write_seed(tmp_path, "p", cui='"4553080"')
    with pytest.raises(LoadError) as refused:
        load_paths(engine, [tmp_path])
    [problem] = refused.value.problems
    assert problem.field == "beneficiary.cui" and problem.line == 5
    assert "control digit" in problem.message


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Comuna Bârca", "commune"),
        ("Municipiul Calafat", "municipality"),
        ("Asociația Tinerilor Activi", "ngo"),
        ("Softwise Solutions SRL", "company"),
    ],
)
def test_each_body_gets_the_kind_its_name_says(engine: Engine, tmp_path: Path, name: str, kind: str) -> None:
    write_seed(tmp_path, "p", beneficiary=name)
    load_paths(engine, [tmp_path])
    assert one(engine, "select kind from organisations").kind == kind


def test_the_wordings_of_one_body_are_listed_together(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path, "a", beneficiary="Comuna Bârca", mysmis="130001")
    write_seed(tmp_path, "b", beneficiary="COMUNA BÂRCA", mysmis="130002")
    load_paths(engine, [tmp_path])
    with engine.connect() as connection:
        names = connection.execute(text("select name from organisation_names order by name")).scalars().all()
    assert names == ["COMUNA BÂRCA", "Comuna Bârca"]


# --------------------------------------------------------------------------- places


def test_the_seeds_are_placed_in_their_counties(loaded_engine: Engine) -> None:
    calafat = one(
        loaded_engine,
        "select county_name, nuts3, nuts2, place_status from projects where slug = :s",
        s=CALAFAT,
    )
    assert (calafat.county_name, calafat.nuts3, calafat.nuts2, calafat.place_status) == (
        "Dolj", "RO411", "RO41", "resolved",
    )  # fmt: skip
    cluj = one(loaded_engine, "select county_name, nuts3 from projects where slug = :s", s=CLUJ)
    assert (cluj.county_name, cluj.nuts3) == ("Cluj", "RO113")


def test_a_commune_found_in_one_county_is_resolved_to_its_siruta_code(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path, "p", beneficiary="Comuna Bârca")
    load_paths(engine, [tmp_path])
    row = one(engine, "select locality_name, county_name, place_status, locality_siruta from projects")
    assert (row.county_name, row.place_status) == ("Dolj", "resolved") and row.locality_siruta


def test_a_name_found_in_several_counties_stays_unresolved_and_check_lists_it(
    engine: Engine, tmp_path: Path
) -> None:
    write_seed(tmp_path, "p", beneficiary="Comuna Mihai Viteazu")
    load_paths(engine, [tmp_path])
    row = one(engine, "select county_name, place_status, place_note from projects")
    assert (row.county_name, row.place_status) == (None, "ambiguous")
    assert "Cluj" in row.place_note and "Constan" in row.place_note
    [finding] = findings(engine, "place_ambiguous")
    assert finding.project == "p"


def test_a_name_found_in_several_counties_is_resolved_when_the_release_names_the_county(
    engine: Engine, tmp_path: Path
) -> None:
    write_seed(
        tmp_path, "p", beneficiary="Comuna Mihai Viteazu", location="comuna Mihai Viteazu, județul Cluj"
    )
    load_paths(engine, [tmp_path])
    row = one(engine, "select county_name, place_status from projects")
    assert (row.county_name, row.place_status) == ("Cluj", "resolved")


def test_stats_sum_eu_money_per_county(engine: Engine, tmp_path: Path) -> None:
    write_seed(tmp_path, "a", beneficiary="Comuna Bârca", mysmis="130001")
    write_seed(tmp_path, "b", beneficiary="Municipiul Calafat", mysmis="130002")
    load_paths(engine, [tmp_path])
    with engine.connect() as connection:
        stats = archive_stats(connection)
    [dolj] = stats.by_county
    assert (dolj.key, dolj.projects) == ("Dolj", 2)
    assert [(m.currency, str(m.amount)) for m in dolj.money["eu_amount"]] == [("RON", "1700.00")]


# --------------------------------------------------------------------------- as of


def test_a_project_is_as_of_its_latest_dated_source(engine: Engine, tmp_path: Path) -> None:
    sources = [("start", "2019-01-15", "Începe."), ("end", "2021-01-10", "Se încheie.")]
    write_seed(tmp_path, "p", sources=sources)
    load_paths(engine, [tmp_path])
    assert str(one(engine, "select as_of from projects").as_of) == "2021-01-10"


def test_a_load_that_changes_the_archive_dates_it_and_one_that_changes_nothing_does_not(
    engine: Engine, tmp_path: Path
) -> None:
    write_seed(tmp_path, "p")
    load_paths(engine, [tmp_path])
    load_paths(engine, [tmp_path])
    row = one(engine, "select count(*) as n, max(inserted) as inserted from loads")
    assert (row.n, row.inserted) == (1, 1)


# --------------------------------------------------------------------------- upgrade and the command line


def test_an_archive_loaded_under_the_previous_schema_upgrades_keeping_everything(
    loaded_engine: Engine,
) -> None:
    migrate.downgrade(loaded_engine, "0006")
    before = archive_dump(loaded_engine)
    migrate.upgrade(loaded_engine)
    after = archive_dump(loaded_engine)
    for table, rows in before.items():
        # Old rows are all there, their new columns empty until the next load.
        assert len(after[table]) == len(rows), table


def test_show_names_the_place_and_the_kind_of_the_beneficiary(sqlite_archive_file: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(sqlite_archive_file), "show", "474"])
    assert result.exit_code == 0, result.output
    assert "Dolj (" in result.output and "RO411" in result.output and "municipality" in result.output


def test_stats_json_carries_the_county_breakdown(sqlite_archive_file: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(sqlite_archive_file), "stats", "--format", "json"])
    counties = [g["county"] for g in json.loads(result.output)["by_county"]]
    assert counties == ["Cluj", "Dolj"]


# --------------------------------------------------------------------------- drafts


_RELEASE = """COMUNICAT DE PRESĂ

Comuna Bârca, în calitate de beneficiar, anunță finalizarea proiectului „Formare pentru toți”,
cod MySMIS 130001.
{identity}
Rezultatele proiectului:
- {result};
- 2 ghiduri de bune practici.
"""


def _draft(identity: str = "", result: str = "120 de persoane au fost formate") -> dict[str, Any]:
    from eufunds.extract import extract_release

    return extract_release(_RELEASE.format(identity=identity, result=result)).record


def test_a_draft_takes_the_cui_stated_beside_the_beneficiary() -> None:
    assert _draft("Beneficiar: Comuna Bârca, CUI RO 4553089.")["beneficiary"]["cui"] == "RO4553089"


def test_a_draft_takes_no_cui_when_the_release_states_two() -> None:
    identity = "Beneficiar: Comuna Bârca, CUI 4553089. Constructor: Softwise SRL, CUI 14399840."
    assert _draft(identity)["beneficiary"]["cui"] is None


def test_a_draft_takes_no_cui_whose_control_digit_fails() -> None:
    assert _draft("Beneficiar: Comuna Bârca, CUI 4553080.")["beneficiary"]["cui"] is None


@pytest.mark.parametrize(
    ("result", "kind"),
    [
        ("120 de persoane au fost formate", "achieved"),
        ("120 de persoane vor fi formate", "target"),
        ("120 de persoane formate", None),
    ],
)
def test_a_draft_reads_whether_a_quantity_was_promised_or_delivered(result: str, kind: str | None) -> None:
    [indicator] = _draft(result=result)["results"][0]["indicators"]
    assert (indicator["value"], indicator["kind"]) == (120, kind)


# --------------------------------------------------------------------------- joined releases


def _start_and_end(
    folder: Path, *, end_mysmis: str = "130001", joins: str = "p", listed: bool = True
) -> None:
    """A start release's seed ``p`` and an end release's seed ``p-end`` joining it."""
    start = write_seed(folder, "p", indicators=[(120, "persoane", "target")], end_date="2020-12-31")
    write_seed(
        folder, "p-end", mysmis=end_mysmis, indicators=[(118, "persoane", "achieved")], end_date="2021-03-31",
        sources=[("end", "2021-04-02", "Proiectul s-a încheiat.")],
    )  # fmt: skip
    end = folder / "p-end.yaml"
    end.write_text(f"joins: {joins}\n" + end.read_text(encoding="utf-8"), encoding="utf-8")
    if listed:
        start.write_text(start.read_text(encoding="utf-8") + "releases: [p-end.yaml]\n", encoding="utf-8")


def test_an_end_release_joins_its_project_as_a_further_source_not_a_second_project(
    engine: Engine, tmp_path: Path
) -> None:
    _start_and_end(tmp_path)
    report = load_paths(engine, [tmp_path])
    assert report.inserted == ["p"] and report.joined == ["p-end.yaml joined p"]
    assert one(engine, "select count(*) as n from projects").n == 1
    with engine.connect() as connection:
        kinds = connection.execute(text("select kind from documents order by ordinal")).scalars().all()
    assert kinds == ["start", "end"]


def test_a_joined_project_sets_the_start_target_beside_the_end_result(engine: Engine, tmp_path: Path) -> None:
    _start_and_end(tmp_path)
    load_paths(engine, [tmp_path])
    row = one(engine, "select target, achieved from project_promises")
    assert (float(row.target), float(row.achieved)) == (120, 118)
    assert [f.check for f in findings(engine, "achieved_below_target")] == ["achieved_below_target"]


def test_a_figure_the_end_release_states_otherwise_is_kept_beside_the_first_and_checked(
    engine: Engine, tmp_path: Path
) -> None:
    _start_and_end(tmp_path)
    load_paths(engine, [tmp_path])
    project = one(engine, "select end_date, status from projects")
    assert str(project.end_date) == "2020-12-31"
    restated = one(
        engine,
        "select r.value, d.file_name from restatements r join documents d on d.id = r.document_id "
        "where r.field = 'end_date'",
    )
    assert (restated.value, restated.file_name) == ("2021-03-31", "p-end-0.txt")
    changed = [f.figures for f in findings(engine, "figure_changed")]
    assert {"field": "end_date", "value": "2021-03-31", "source": "p-end-0.txt"} in changed


def test_a_joined_project_loaded_again_is_unchanged(engine: Engine, tmp_path: Path) -> None:
    _start_and_end(tmp_path)
    load_paths(engine, [tmp_path])
    before = archive_dump(engine)
    report = load_paths(engine, [tmp_path])
    assert report.unchanged == ["p"] and archive_dump(engine) == before


def test_a_release_no_seed_lists_is_refused_naming_its_joins_line(engine: Engine, tmp_path: Path) -> None:
    _start_and_end(tmp_path, listed=False)
    with pytest.raises(LoadError) as refused:
        load_paths(engine, [tmp_path])
    [problem] = refused.value.problems
    assert (problem.field, problem.line) == (
        "joins",
        1,
    ) and "no seed of this load lists it" in problem.message


def test_a_release_of_another_project_is_refused_as_a_wrong_join(engine: Engine, tmp_path: Path) -> None:
    _start_and_end(tmp_path, end_mysmis="999999")
    with pytest.raises(LoadError) as refused:
        load_paths(engine, [tmp_path])
    [problem] = refused.value.problems
    assert problem.field == "releases[0]" and "999999 is not the code of p (130001)" in problem.message


def test_a_listed_release_naming_another_project_is_refused(engine: Engine, tmp_path: Path) -> None:
    _start_and_end(tmp_path, joins="q")
    with pytest.raises(LoadError) as refused:
        load_paths(engine, [tmp_path])
    assert any("names 'q' under `joins`, not this project" in p.message for p in refused.value.problems)


def test_a_joined_project_exported_as_yaml_loads_back_with_both_sources_and_its_restatements(
    tmp_path: Path,
) -> None:
    from eufunds.db import create_archive_engine
    from eufunds.export.yaml import export_yaml

    _start_and_end(tmp_path / "seeds")
    first = create_archive_engine(f"sqlite:///{tmp_path / 'first.db'}")
    migrate.upgrade(first)
    load_paths(first, [tmp_path / "seeds"])
    with first.connect() as connection:
        export_yaml(connection, tmp_path / "exported")
    again = create_archive_engine(f"sqlite:///{tmp_path / 'again.db'}")
    migrate.upgrade(again)
    load_paths(again, [tmp_path / "exported"])
    query = "select field, value from restatements order by ordinal"
    with first.connect() as a, again.connect() as b:
        assert a.execute(text(query)).all() == b.execute(text(query)).all() != []
        documents = "select file_name, kind from documents order by ordinal"
        assert len(b.execute(text(documents)).all()) == 2


def test_two_wordings_with_one_cui_are_one_body_each_project_keeping_its_wording(
    engine: Engine, tmp_path: Path
) -> None:
    write_seed(tmp_path, "a", beneficiary="Comuna Bârca", cui='"4553089"', mysmis="130001")
    write_seed(
        tmp_path, "b", beneficiary="UAT Comuna Bârca, județul Dolj", cui='"RO4553089"', mysmis="130002"
    )
    load_paths(engine, [tmp_path])
    with engine.connect() as connection:
        bodies = connection.execute(text("select count(*) from organisations")).scalar_one()
        wordings = (
            connection.execute(text("select beneficiary_name from projects order by slug")).scalars().all()
        )
    assert bodies == 1
    assert wordings == ["Comuna Bârca", "UAT Comuna Bârca, județul Dolj"]


def test_a_release_without_codes_joins_the_project_of_its_beneficiary_with_nearly_the_same_title(
    engine: Engine, tmp_path: Path
) -> None:
    from eufunds.intake.joining import find_join

    write_seed(tmp_path, "p", beneficiary="Comuna Bârca")
    load_paths(engine, [tmp_path])
    draft = {"codes": {}, "beneficiary": {"name": "COMUNA BÂRCA"}, "title": "Formare  P"}
    assert find_join(engine, draft) == find_join(engine, {**draft, "title": "formare p"})
    found = find_join(engine, draft)
    assert found is not None and (found.slug, found.reason) == (
        "p",
        "same beneficiary and nearly the same title",
    )
    assert find_join(engine, {**draft, "title": "Reabilitarea școlii din sat"}) is None


def test_the_county_view_sums_the_eu_part_of_the_money_per_county(loaded_engine: Engine) -> None:
    row = one(
        loaded_engine, "select projects, eu_amount, with_eu_amount from county_money where county = 'Cluj'"
    )
    assert (row.projects, float(row.eu_amount), row.with_eu_amount) == (1, 531246.19, 1)


def test_the_data_package_says_what_the_archive_and_its_sources_are_as_of(
    sqlite_archive_file: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(sqlite_archive_file),
            "export",
            "--format",
            "datapackage",
            "--output",
            str(tmp_path / "dp"),
        ],
    )
    assert result.exit_code == 0, result.output
    as_of = json.loads((tmp_path / "dp" / "datapackage.json").read_text(encoding="utf-8"))["as_of"]
    assert as_of["latest_source"] == "2020-01-31" and as_of["last_load"].endswith("Z")
