"""The JSON and JSON Lines exports of a whole SQLite archive are written by
SQLite (``export._jsonsql``); they are the same bytes as each record read by
``read.records`` and written by ``jsontext.to_json``, which is how every other
export of records is written, including the projects SQLite hands back to
Python (evidence among several sources, indicator values it cannot write)."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from generated_seeds import write_seed
from sqlalchemy import Engine
from synthetic import write_joined_pair

from eufunds import migrate
from eufunds.db import create_archive_engine
from eufunds.export.jsonl import export_json
from eufunds.jsontext import to_json
from eufunds.load.loader import load_paths
from eufunds.read.records import ProjectFilters, iter_records

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (bench/ is not a package)

AWKWARD = 'Ghilimele " și \\ bară, tab\tși\rCR, NUL-ul \x01, emoji 🇷🇴, ş cu sedilă, 100% „românește”'
VALUES = ["60.5", "0.0001", "99999999999.9999", "12345678901.5", "0.1", "0.3", "20", "1E+2", "0"]


def _awkward_seeds(folder: Path) -> Path:
    write_seed(
        folder,
        "a-valori-ciudate",
        text=f"{AWKWARD}\nComunicat cu valori.\n",
        title=AWKWARD,
        acronym=None,
        notes="rând unu\nrând doi",
        objectives=[
            {
                "kind": "specific",
                "code": "OS1",
                "text": AWKWARD,
                "achieved": None,
                "indicators": [{"value": value, "unit": "bucăți", "what": None} for value in VALUES],
            }
        ],
        evidence={"title": "NUL-ul", "notes": ["Comunicat cu valori.", "Ghilimele"]},
    )
    folder.joinpath("b-doi.txt").write_text(
        "Al doilea comunicat despre proiect, cu valori.\n", encoding="utf-8"
    )
    write_seed(
        folder,
        "b-doua-surse",
        text="Primul comunicat despre proiect.\n",
        sources=[
            {"file": "b-doua-surse.txt", "kind": "start", "published": dt.date(2019, 1, 15)},
            {"file": "b-doi.txt", "kind": "end", "published": dt.date(2020, 2, 1)},
        ],
        evidence={"title": ["despre proiect", {"file": "b-doi.txt", "quote": "despre proiect"}]},
    )
    folder.joinpath("b-doua-surse.txt").write_text("Primul comunicat despre proiect.\n", encoding="utf-8")
    write_seed(folder, "c-fara-nimic", text="Nimic de spus.\n")
    return folder


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("json-sql")
    engine = create_archive_engine(f"sqlite:///{folder / 'archive.db'}")
    migrate.upgrade(engine)
    load_paths(
        engine,
        [
            REPO / "seeds", generate.generate(40, folder / "generated"), _awkward_seeds(folder / "odd"),
            write_joined_pair(folder / "joined"),
        ],
    )  # fmt: skip
    return engine


def _through_records(engine: Engine, lines: bool) -> str:
    with engine.connect() as connection:
        texts = [to_json(record) for record in iter_records(connection)]
    if lines:
        return "".join(text + "\n" for text in texts)
    return "[" + ",\n".join("\n" + text if i == 0 else text for i, text in enumerate(texts)) + "\n]\n"


@pytest.mark.parametrize("lines", [False, True])
def test_json_export_of_sqlite_is_the_records_written_one_by_one(sqlite_archive: Engine, lines: bool) -> None:
    stream = io.StringIO()
    with sqlite_archive.connect() as connection:
        report = export_json(connection, stream, lines=lines)
    assert report.counts["projects"] == 46  # the seeds, 40 generated, 3 awkward, 1 joined
    assert stream.getvalue() == _through_records(sqlite_archive, lines)


def test_the_awkward_projects_are_there_and_read_as_written(sqlite_archive: Engine) -> None:
    with sqlite_archive.connect() as connection:
        (odd,) = iter_records(connection, ProjectFilters(project="a-valori-ciudate"))
        (two,) = iter_records(connection, ProjectFilters(project="b-doua-surse"))
    assert odd["title"] == AWKWARD
    assert [str(i["value"]) for i in odd["objectives"][0]["indicators"]] == [
        "60.5", "0.0001", "99999999999.9999", "12345678901.5", "0.1", "0.3", "20", "100", "0",
    ]  # fmt: skip
    assert two["evidence"]["title"] == ["despre proiect", {"file": "b-doi.txt", "quote": "despre proiect"}]


@pytest.mark.parametrize(
    "stored", ["0.0", "-0.0", "1e-05", "0.30000000000000004", "1e16", "123456789012.345", "2.5e-3", "7.0"]
)
def test_indicator_values_stored_as_any_number_are_written_as_the_record_writes_them(
    tmp_path: Path, stored: str
) -> None:
    engine = create_archive_engine(f"sqlite:///{tmp_path / 'floats.db'}")
    migrate.upgrade(engine)
    load_paths(engine, [_awkward_seeds(tmp_path / "odd")])
    with engine.begin() as connection:
        # The column's NUMERIC affinity keeps whole floats as integers.
        connection.exec_driver_sql(f"UPDATE indicators SET value = {stored} WHERE ordinal = 0")
    for lines in (False, True):
        stream = io.StringIO()
        with engine.connect() as connection:
            export_json(connection, stream, lines=lines)
        assert stream.getvalue() == _through_records(engine, lines)


def test_an_empty_sqlite_archive_exports_an_empty_array(tmp_path: Path) -> None:
    engine = create_archive_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    migrate.upgrade(engine)
    stream = io.StringIO()
    with engine.connect() as connection:
        export_json(connection, stream)
    assert stream.getvalue() == "[]\n"
