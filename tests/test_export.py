"""eufunds export in every format, on the seeds and on generated archives,
through the CLI on real temporary databases; and its errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import frictionless
import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text
from synthetic import write_seed_folder

from eufunds.cli import cli
from eufunds.export.exporters import export_datapackage
from eufunds.load.loader import load_paths
from eufunds.read.records import iter_records
from eufunds.seed.format import read_seed, validate_record

CJ = "cj-cluj-calitate-competenta-performanta"
CALAFAT = "primaria-calafat-management-calitate"


def run(runner: CliRunner, engine: Engine, *args: str) -> object:
    return runner.invoke(cli, ["--db", engine.url.render_as_string(hide_password=False), *args])


@pytest.fixture(params=["seeds", "generated"])
def archive(request: pytest.FixtureRequest, engine: Engine, seeds_dir: Path, tmp_path: Path) -> Engine:
    """The two real seeds, or 30 generated projects in four programmes."""
    if request.param == "seeds":
        load_paths(engine, [seeds_dir])
    else:
        load_paths(engine, [write_seed_folder(tmp_path / "generated", range(30))])
    return engine


def slugs(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [r["slug"] for r in iter_records(connection)]


# --------------------------------------------------------------------------- json


def test_export_json_is_one_array_of_the_archives_records(runner: CliRunner, archive: Engine) -> None:
    result = run(runner, archive, "export", "--format", "json")
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout, parse_float=Decimal)
    with archive.connect() as connection:
        expected = list(iter_records(connection))
    assert [validate_record(r) for r in exported] == [validate_record(r) for r in expected]


def test_export_json_gives_each_seed_back_as_written(
    runner: CliRunner, loaded_engine: Engine, seeds_dir: Path
) -> None:
    result = run(runner, loaded_engine, "export", "--format", "json")
    exported = json.loads(result.stdout, parse_float=Decimal)
    for record in exported:
        assert validate_record(record) == read_seed(seeds_dir / f"{record['slug']}.yaml").record


def test_export_json_writes_money_as_exact_decimal_numbers(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run(runner, loaded_engine, "export", "--format", "json", "--project", CJ)
    assert '"total_value": 624995.52' in result.stdout
    assert '"share_pct": 85,' in result.stdout
    assert '"start_date": "2018-03-12"' in result.stdout


def test_export_jsonl_writes_one_project_per_line(runner: CliRunner, archive: Engine) -> None:
    result = run(runner, archive, "export", "--format", "jsonl")
    lines = result.stdout.splitlines()
    assert [json.loads(line)["slug"] for line in lines] == slugs(archive)


def test_export_json_of_an_empty_selection_is_an_empty_array(runner: CliRunner, archive: Engine) -> None:
    result = run(runner, archive, "export", "--format", "json", "--since", "2099-01-01")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--project", CJ], [CJ]),
        (["--project", "474"], [CALAFAT]),
        (["--programme", "poca"], [CJ, CALAFAT]),
        (["--programme", "POR"], []),
        (["--status", "ongoing"], []),
        (["--since", "2019-07-01"], [CALAFAT]),  # published 2020-01-31; CJ started 2018, published 2019-06
        (["--since", "2018-03-12"], [CJ, CALAFAT]),  # CJ by its start date
    ],
)
def test_export_filters_select_projects(
    runner: CliRunner, loaded_engine: Engine, option: list[str], expected: list[str]
) -> None:
    result = run(runner, loaded_engine, "export", "--format", "jsonl", *option)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["slug"] for line in result.stdout.splitlines()] == expected


# --------------------------------------------------------------------------- csv


def read_csv(text_: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text_)))


def test_export_csv_table_to_stdout_has_a_header_and_dotted_decimals(
    runner: CliRunner, loaded_engine: Engine
) -> None:
    result = run(runner, loaded_engine, "export", "--format", "csv", "--table", "funding_sources")
    assert result.exit_code == 0, result.output
    rows = read_csv(result.stdout)
    assert list(rows[0]) == [
        "id", "project_id", "ordinal", "source", "amount", "share_pct", "description", "contributor",
    ]  # fmt: skip
    assert [(r["source"], r["amount"], r["share_pct"]) for r in rows[:3]] == [
        ("FSE", "531246.19", "85.00"),
        ("national_budget", "81249.41", "13.00"),
        ("beneficiary", "12499.92", "2.00"),
    ]
    assert rows[3]["amount"] == ""  # Calafat states no amount: empty, not 0


def test_export_csv_of_a_view(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run(runner, loaded_engine, "export", "--format", "csv", "--table", "project_overview")
    rows = read_csv(result.stdout)
    assert [r["slug"] for r in rows] == [CJ, CALAFAT]
    assert rows[0]["total_value"] == "624995.52"


def test_export_csv_folder_writes_every_table_and_view(
    runner: CliRunner, archive: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "tables"
    result = run(runner, archive, "export", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    names = {p.stem for p in out.iterdir()}
    assert {"projects", "funding_sources", "documents", "evidence", "project_overview"} <= names
    projects = read_csv((out / "projects.csv").read_text(encoding="utf-8"))
    assert [p["slug"] for p in projects] == slugs(archive)
    assert "total_value" in projects[0] and "total_value_minor" not in projects[0]


def test_export_csv_folder_with_a_filter_keeps_only_that_projects_rows(
    runner: CliRunner, loaded_engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "tables"
    run(runner, loaded_engine, "export", "--format", "csv", "--output", str(out), "--project", CALAFAT)
    read = lambda name: read_csv((out / f"{name}.csv").read_text(encoding="utf-8"))  # noqa: E731
    assert [p["slug"] for p in read("projects")] == [CALAFAT]
    assert {o["name"] for o in read("organisations")} == {"Municipiul Calafat"}
    assert len(read("indicator_topics")) == 6
    assert len(read("documents")) == 1
    assert {r["slug"] for r in read("funding_overview")} == {CALAFAT}


# --------------------------------------------------------------------------- yaml


def test_export_yaml_writes_a_seed_and_its_sources_per_project(
    runner: CliRunner, archive: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "exported"
    result = run(runner, archive, "export", "--format", "yaml", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in out.glob("*.yaml")) == slugs(archive)
    for seed in out.glob("*.yaml"):
        record = read_seed(seed).record
        assert all((out / s["file"]).is_file() for s in record["sources"])


def test_export_yaml_then_load_into_an_empty_archive_gives_the_same_records(
    runner: CliRunner, archive: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "exported"
    run(runner, archive, "export", "--format", "yaml", "--output", str(out))
    copy = tmp_path / "copy.db"
    result = runner.invoke(cli, ["--db", str(copy), "build", "--seeds", str(out)])
    assert result.exit_code == 0, result.output
    from eufunds.db import create_archive_engine

    other = create_archive_engine(f"sqlite:///{copy}")
    with archive.connect() as a, other.connect() as b:
        assert list(iter_records(a)) == list(iter_records(b))
        for table in ("documents", "evidence", "indicators", "organisations"):
            count = f"select count(*) from {table}"
            assert a.execute(text(count)).scalar() == b.execute(text(count)).scalar()
    other.dispose()


def test_export_yaml_keeps_seed_values_exact(
    runner: CliRunner, loaded_engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "exported"
    run(runner, loaded_engine, "export", "--format", "yaml", "--output", str(out), "--project", CJ)
    seed = (out / f"{CJ}.yaml").read_text(encoding="utf-8")
    assert "total_value: 624995.52\n" in seed
    assert "share_pct: 85\n" in seed
    assert "start_date: 2018-03-12\n" in seed


# --------------------------------------------------------------------------- xlsx


def test_export_xlsx_has_a_sheet_per_table_with_numbers_dates_and_a_frozen_header(
    runner: CliRunner, archive: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "archive.xlsx"
    result = run(runner, archive, "export", "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert {"projects", "funding_sources", "documents", "project_overview"} <= set(book.sheetnames)
    sheet = book["projects"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c for c in sheet[2]], strict=True))
    assert row["slug"].value == slugs(archive)[0]
    assert isinstance(row["total_value"].value, float) and row["total_value"].number_format == "0.00"
    assert row["start_date"].is_date
    assert sheet.max_row == len(slugs(archive)) + 1


def test_export_xlsx_amounts_are_the_archives_amounts(
    runner: CliRunner, loaded_engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "archive.xlsx"
    run(runner, loaded_engine, "export", "--format", "xlsx", "--output", str(out))
    sheet = openpyxl.load_workbook(out)["funding_sources"]
    amounts = [row[4].value for row in sheet.iter_rows(min_row=2)]
    assert amounts == [531246.19, 81249.41, 12499.92, None]


def test_export_xlsx_to_stdout_when_redirected(
    runner: CliRunner, loaded_engine: Engine, tmp_path: Path
) -> None:
    result = run(runner, loaded_engine, "export", "--format", "xlsx")
    assert result.exit_code == 0
    (tmp_path / "piped.xlsx").write_bytes(result.stdout_bytes)
    assert "projects" in openpyxl.load_workbook(tmp_path / "piped.xlsx").sheetnames


# --------------------------------------------------------------------------- datapackage


@pytest.mark.parametrize("selection", [[], ["--project"], ["--programme", "POCU"], ["--since", "2019-01-01"]])
def test_export_datapackage_validates_with_frictionless(
    runner: CliRunner, archive: Engine, tmp_path: Path, selection: list[str]
) -> None:
    if selection == ["--project"]:
        selection = ["--project", slugs(archive)[-1]]
    out = tmp_path / "package"
    result = run(runner, archive, "export", "--format", "datapackage", "--output", str(out), *selection)
    assert result.exit_code == 0, result.output
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def datapackage_descriptor(runner: CliRunner, engine: Engine, out: Path) -> dict:
    """``datapackage.json`` of the archive's data package, exported into ``out``."""
    run(runner, engine, "export", "--format", "datapackage", "--output", str(out))
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))


def test_datapackage_declares_types_and_primary_and_foreign_keys(
    runner: CliRunner, loaded_engine: Engine, tmp_path: Path
) -> None:
    descriptor = datapackage_descriptor(runner, loaded_engine, tmp_path / "package")
    resources = {r["name"]: r for r in descriptor["resources"]}
    projects = resources["projects"]["schema"]
    types = {f["name"]: f["type"] for f in projects["fields"]}
    assert types["total_value"] == "number" and types["start_date"] == "date" and types["id"] == "integer"
    assert projects["primaryKey"] == ["id"]
    assert {
        "fields": ["programme_id"],
        "reference": {"resource": "programmes", "fields": ["id"]},
    } in projects["foreignKeys"]
    results = resources["results"]["schema"]["foreignKeys"]
    assert {"fields": ["serves_result_id"], "reference": {"resource": "", "fields": ["id"]}} in results


def test_datapackage_lists_foreign_keys_in_the_order_of_their_fields(
    runner: CliRunner, loaded_engine: Engine, tmp_path: Path
) -> None:
    descriptor = datapackage_descriptor(runner, loaded_engine, tmp_path / "package")
    several = 0
    for resource in descriptor["resources"]:
        fields = [f["name"] for f in resource["schema"]["fields"]]
        keys = [key["fields"][0] for key in resource["schema"].get("foreignKeys", [])]
        assert keys == sorted(keys, key=fields.index), resource["name"]
        several += len(keys) > 2
    assert several  # projects has five: an order to get wrong


def test_datapackage_descriptor_is_the_same_in_another_process(
    loaded_engine: Engine, db_url: str, tmp_path: Path
) -> None:
    # SQLAlchemy keeps a table's foreign keys in a set ordered by where each
    # object sits in memory, which differs from one process to the next.
    out = tmp_path / "package"
    command = [sys.executable, "-c", "from eufunds.cli import main; main()", "--db", db_url]
    command += ["export", "--format", "datapackage", "--output", str(out)]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with loaded_engine.connect() as connection:
        expected = export_datapackage(connection, tmp_path / "here")
    assert expected.counts
    assert (out / "datapackage.json").read_text(encoding="utf-8") == (
        tmp_path / "here" / "datapackage.json"
    ).read_text(encoding="utf-8")


def test_frictionless_would_catch_a_broken_foreign_key(
    runner: CliRunner, loaded_engine: Engine, tmp_path: Path
) -> None:
    # Proves the validation above checks the keys rather than only the shape.
    out = tmp_path / "package"
    run(runner, loaded_engine, "export", "--format", "datapackage", "--output", str(out))
    funding = out / "funding_sources.csv"
    funding.write_text(funding.read_text(encoding="utf-8").replace("\n1,1,", "\n1,99,", 1), encoding="utf-8")
    assert not frictionless.validate(out / "datapackage.json").valid


# --------------------------------------------------------------------------- errors and safety


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--table", "nope"], "unknown table 'nope'"),
        (["--format", "csv"], "give --output"),
        (["--format", "yaml"], "give --output"),
        (["--format", "datapackage"], "give --output"),
        (["--format", "json", "--table", "projects"], "--table is for --format csv"),
        (
            ["--format", "json", "--project", "no-such-project"],
            "no project with slug or code 'no-such-project'",
        ),
    ],
)
def test_export_refuses_with_a_clear_error(
    runner: CliRunner, loaded_engine: Engine, args: list[str], message: str
) -> None:
    result = run(runner, loaded_engine, "export", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_export_unknown_format_is_a_usage_error(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run(runner, loaded_engine, "export", "--format", "pdf")
    assert result.exit_code == 2
    assert "'pdf' is not one of" in result.output


def test_export_into_a_non_empty_folder_is_refused(
    runner: CliRunner, loaded_engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "old.yaml").write_text("slug: old\n")
    result = run(runner, loaded_engine, "export", "--format", "yaml", "--output", str(out))
    assert result.exit_code == 1 and "not empty" in result.output
    assert [p.name for p in out.iterdir()] == ["old.yaml"]


def test_export_of_a_missing_archive_fails_without_creating_it(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = runner.invoke(cli, ["--db", str(missing), "export", "--format", "json"])
    assert result.exit_code == 1 and "no archive at" in result.output
    assert not missing.exists()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_export_yaml_never_writes_outside_its_folder(
    runner: CliRunner, loaded_engine: Engine, tmp_path: Path
) -> None:
    # An archive edited by hand (or by another tool) names its sources badly.
    with loaded_engine.begin() as connection:
        connection.execute(text("update documents set file_name = '../../escaped.txt' where ordinal = 0"))
    out = tmp_path / "deep" / "out"
    result = run(runner, loaded_engine, "export", "--format", "yaml", "--output", str(out))
    assert result.exit_code == 0, result.output
    written = {p for p in tmp_path.rglob("*") if p.is_file() and "seeds" not in p.parts}
    assert {p for p in written if not p.is_relative_to(out) and not p.name.startswith("archive.db")} == set()
    assert not (tmp_path / "escaped.txt").exists()
    # and what was written still loads
    result = runner.invoke(cli, ["--db", str(tmp_path / "again.db"), "build", "--seeds", str(out)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_export_yaml_keeps_apart_sources_with_the_same_name(
    runner: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    # Two seeds in different folders may each call their release "comunicat.txt".
    for name in ("unu", "doi"):
        folder = tmp_path / "seeds" / name
        folder.mkdir(parents=True)
        (folder / "comunicat.txt").write_text(f"Comunicat despre proiectul {name}.\n", encoding="utf-8")
        (folder / f"proiect-{name}.yaml").write_text(
            f"slug: proiect-{name}\ntitle: Proiect {name}\nstatus: ongoing\n"
            f"beneficiary: {{name: Primăria {name}}}\nprogramme: {{code: POCU}}\n"
            "sources: [{file: comunicat.txt, kind: start}]\n"
            f"evidence: {{title: proiectul {name}}}\n",
            encoding="utf-8",
        )
    load_paths(engine, [tmp_path / "seeds"])
    out = tmp_path / "out"
    result = run(runner, engine, "export", "--format", "yaml", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "written as 'proiect-unu/comunicat.txt'" in result.output
    assert runner.invoke(cli, ["--db", str(tmp_path / "b.db"), "build", "--seeds", str(out)]).exit_code == 0
