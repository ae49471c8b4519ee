"""eufunds show, list and stats through the CLI, on the seeds and on generated data."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select
from synthetic import write_seed_folder

from eufunds.cli import cli
from eufunds.load.loader import load_paths
from eufunds.models import Project
from eufunds.read.records import ProjectFilters, iter_project_lines, project_conditions
from eufunds.seed.format import read_seed, validate_record

CJ = "cj-cluj-calitate-competenta-performanta"
CALAFAT = "primaria-calafat-management-calitate"


def run(runner: CliRunner, engine: Engine, *args: str) -> Result:
    return runner.invoke(cli, ["--db", engine.url.render_as_string(hide_password=False), *args])


@pytest.fixture
def generated(engine: Engine, tmp_path: Path) -> Engine:
    load_paths(engine, [write_seed_folder(tmp_path / "generated", range(12))])
    return engine


# --------------------------------------------------------------------------- show


def test_show_prints_the_fiche_of_a_project(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run(runner, loaded_engine, "show", CJ)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Calitate, Competenţă, Performanță în Consiliul Județean Cluj (CCP)\n")
    assert "beneficiary           Judeţul Cluj, acting through Consiliul Județean" in out
    assert "→ priority axis       2 — Administrație publică" in out
    assert "FSE              531246.19 RON   85 %      85.00 %" in out
    assert "total            624995.52 RON  100 %" in out
    assert "period        2018-03-12 → 2019-07-11" in out
    assert "duration      16 months (stated)" in out
    assert "40 persons: funcționari publici" in out
    assert "[end] 2019-06-24, monitorulcj.ro" in out
    assert "\x1b[" not in out  # no terminal styling in a pipe


def test_show_finds_a_project_by_its_sipoca_or_mysmis_code(runner: CliRunner, loaded_engine: Engine) -> None:
    by_sipoca = run(runner, loaded_engine, "show", "474")
    by_mysmis = run(runner, loaded_engine, "show", "119830")
    assert by_sipoca.exit_code == 0 and by_sipoca.output == by_mysmis.output
    assert "[OS3 specific] dezvoltarea abilităților" in by_sipoca.output
    assert "• 6 cursuri specializate pentru grupul țintă implicat: Politici publice;" in by_sipoca.output
    assert "(serves programme result 5)" in by_sipoca.output


def test_show_json_is_the_seed_record(runner: CliRunner, loaded_engine: Engine, seeds_dir: Path) -> None:
    result = run(runner, loaded_engine, "show", CALAFAT, "--format", "json")
    record = json.loads(result.output, parse_float=Decimal)
    assert validate_record(record) == read_seed(seeds_dir / f"{CALAFAT}.yaml").record


def test_show_of_an_unknown_project_fails_with_suggestions(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run(runner, loaded_engine, "show", "cj-cluj")
    assert result.exit_code == 1
    assert "no project with slug or code 'cj-cluj'" in result.output
    assert f"did you mean {CJ}?" in result.output


def test_show_works_on_generated_projects(runner: CliRunner, generated: Engine) -> None:
    result = run(runner, generated, "show", "synthetic-00003")
    assert result.exit_code == 0, result.output
    assert "Proiect sintetic 3 versiunea 1" in result.output


# --------------------------------------------------------------------------- list


def test_list_prints_one_aligned_line_per_project(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run(runner, loaded_engine, "list")
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:5] == [CJ, "completed", "POCA", "624995.52", "RON"]
    assert lines[1].split()[:4] == [CALAFAT, "completed", "POCA", "-"]
    # columns line up: status and title start at the same place on every line
    assert lines[0].index("completed") == lines[1].index("completed")
    assert lines[0].index("Calitate,") == lines[1].index("Imbunatatirea")


@pytest.mark.parametrize(
    ("args", "count"),
    [
        ([], 12),
        (["--programme", "POCU"], 3),
        (["--status", "completed"], 0),
        (["--project", "synthetic-00004"], 1),
    ],
)
def test_list_takes_the_export_filters(
    runner: CliRunner, generated: Engine, args: list[str], count: int
) -> None:
    result = run(runner, generated, "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == count


@pytest.mark.parametrize(
    "filters",
    [
        ProjectFilters(),
        ProjectFilters(project=CJ),
        ProjectFilters(programme="POCA"),
        ProjectFilters(programme="POCU"),
        ProjectFilters(status="ongoing"),
        ProjectFilters(since=dt.date(2018, 3, 15)),  # the generated projects' sources, not their start
        ProjectFilters(since=dt.date(2019, 1, 1)),  # Cluj by its source, Calafat (no start date) too
        ProjectFilters(since=dt.date(2020, 1, 1)),
        ProjectFilters(programme="POCA", since=dt.date(2020, 1, 1), status="completed"),
    ],
    ids=repr,
)
def test_list_selects_the_projects_the_exporters_and_stats_select(
    loaded_engine: Engine, generated: Engine, filters: ProjectFilters
) -> None:
    # list and show read in plain SQL (on sqlite3's own connection from the
    # CLI); exports and stats narrow their queries with SQLAlchemy clauses.
    with loaded_engine.connect() as connection:
        listed = [line["slug"] for line in iter_project_lines(connection, filters)]
        selected = connection.execute(
            select(Project.slug).where(*project_conditions(filters)).order_by(Project.slug)
        ).scalars().all()  # fmt: skip
    assert listed == selected


def test_list_json_gives_exact_values(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run(runner, loaded_engine, "list", "--format", "json")
    first = json.loads(result.output, parse_float=Decimal)[0]
    assert first["slug"] == CJ and first["total_value"] == Decimal("624995.52")


def test_list_of_nothing_says_so_on_stderr(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run(runner, loaded_engine, "list", "--status", "announced")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no projects" in result.stderr


# --------------------------------------------------------------------------- stats


def test_stats_counts_and_sums_per_programme_fund_and_source(
    runner: CliRunner, loaded_engine: Engine
) -> None:
    result = run(runner, loaded_engine, "stats", "--format", "json")
    stats = json.loads(result.output, parse_float=Decimal)
    assert stats["projects"] == 2 and stats["documents"] == 2
    (poca,) = stats["by_programme"]
    assert poca["programme"] == "POCA" and poca["projects"] == 2
    assert poca["total_value"] == [{"currency": "RON", "amount": Decimal("624995.52"), "stated": 1}]
    (fse,) = stats["by_fund"]
    assert (fse["fund"], fse["projects"], fse["rows"]) == ("FSE", 2, 2)
    assert fse["amount"][0]["amount"] == Decimal("531246.19")
    sources = {s["source"]: s["amount"][0]["amount"] for s in stats["by_funding_source"]}
    assert sources == {
        "FSE": Decimal("531246.19"),
        "national_budget": Decimal("81249.41"),
        "beneficiary": Decimal("12499.92"),
    }


def test_stats_text_is_plain_tables(runner: CliRunner, loaded_engine: Engine) -> None:
    result = run(runner, loaded_engine, "stats")
    assert result.exit_code == 0
    assert result.output.startswith("2 projects, 2 source documents\n")
    assert "POCA              2  624995.52 RON (stated for 1 of 2)" in result.output


def test_stats_of_generated_projects_add_up(runner: CliRunner, generated: Engine) -> None:
    result = run(runner, generated, "stats", "--format", "json")
    stats = json.loads(result.output, parse_float=Decimal)
    assert sum(p["projects"] for p in stats["by_programme"]) == stats["projects"] == 12
    expected = sum(Decimal(100_000 + n * 7 + 1) for n in range(12))
    assert sum(p["total_value"][0]["amount"] for p in stats["by_programme"]) == expected


def test_commands_on_a_missing_archive_fail_cleanly(runner: CliRunner, tmp_path: Path) -> None:
    for command in (["show", CJ], ["list"], ["stats"]):
        result = runner.invoke(cli, ["--db", str(tmp_path / "none.db"), *command])
        assert result.exit_code == 1 and "no archive at" in result.output
    assert not (tmp_path / "none.db").exists()


def _not_an_archive(tmp_path: Path, kind: str) -> tuple[Path, str]:
    """A --db that holds no archive of this kind, and what the read commands say of it."""
    path = tmp_path / f"{kind}.db"
    if kind == "folder":
        path.mkdir()
        return path, f"error: {path} is a folder; the archive is a SQLite file"
    if kind == "not a database":
        path.write_bytes(b"not a database, only some text that is long enough " * 4)
        return path, "error: database error: file is not a database"
    return path, f"error: no archive at {path}"


@pytest.mark.parametrize("kind", ["missing", "folder", "not a database"])
@pytest.mark.parametrize("command", [["show", CJ], ["list"], ["search", "calitate"]], ids=" ".join)
def test_show_list_and_search_refuse_what_holds_no_archive_in_one_line(
    runner: CliRunner, tmp_path: Path, kind: str, command: list[str]
) -> None:
    path, said = _not_an_archive(tmp_path, kind)
    result = runner.invoke(cli, ["--db", str(path), *command])
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", said + "\n")


# --- what reaches a terminal ------------------------------------------------------------


def _hostile_title(seeds_dir: Path) -> None:
    path = seeds_dir / "cj-cluj-calitate-competenta-performanta.yaml"
    text = path.read_text(encoding="utf-8")
    old = "title: Calitate, Competenţă, Performanță în Consiliul Județean Cluj"
    assert old in text
    path.write_text(
        text.replace(old, 'title: "Calitate \\e[2J\\e]8;;http://x.test\\e\\\\ascuns\\u202eCluj"', 1),
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    "args",
    [["list"], ["show", "cj-cluj-calitate-competenta-performanta"], ["search", "calitate"]],
    ids=["list", "show", "search"],
)
def test_escape_sequences_and_bidi_overrides_in_archived_text_reach_the_terminal_escaped(
    tmp_path: Path, seeds_dir: Path, args: list[str]
) -> None:
    _hostile_title(seeds_dir)
    database = tmp_path / "a.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(database), "db", "upgrade"]).exit_code == 0
    loaded = runner.invoke(cli, ["--db", str(database), "load", str(seeds_dir)])
    assert loaded.exit_code == 0, loaded.output
    result = runner.invoke(cli, ["--db", str(database), *args])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\x1b[2J" in result.output or args[0] == "search"


def test_a_file_name_with_a_line_break_is_one_error_line(tmp_path: Path) -> None:
    odd = tmp_path / "comunicat\nfals.pdf"
    odd.write_bytes(b"%PDF-1.4 broken")
    result = CliRunner().invoke(cli, ["extract", str(odd)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line]
    assert len(errors) == 1 and errors[0].startswith("error: ") and "comunicat\\nfals.pdf" in errors[0]
