"""`eufunds ingest` of files in every format, folders and URLs: each release on its own,
sources kept whole in the archive, reruns skip what is in, and the migration keeps old archives."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from release_formats import render, to_pdf
from sqlalchemy import create_engine, text

from eufunds.cli import cli

COMMUNES = [
    "Valea Frumoasă", "Dealu Mare", "Râu Alb", "Piatra Albă", "Izvoarele", "Luncani", "Poiana", "Sălcioara",
    "Frasin", "Ulmeni", "Brazi", "Stejaru", "Teiuș", "Mesteacăn", "Arini", "Plopi",
]  # fmt: skip


def release(number: int) -> str:
    commune = COMMUNES[number % len(COMMUNES)] + ("" if number < len(COMMUNES) else f" {number}")
    return f"""COMUNICAT DE PRESĂ

Finalizare proiect „Digitalizarea arhivei Primăriei Comunei {commune}”

Comuna {commune}, în calitate de beneficiar, anunță finalizarea proiectului „Digitalizarea arhivei Primăriei Comunei {commune}”, cod SIPOCA {1000 + number}, cod MySMIS {150000 + number}, cofinanțat din Fondul Social European prin Programul Operațional Capacitate Administrativă 2014-2020.

Valoarea totală a proiectului este de {100 + number}.000,00 lei.

Perioada de implementare a proiectului a fost de 18 luni, între 01.03.2021 și 31.08.2022.

Obiectivul general al proiectului a constat în digitalizarea a {number + 1}.000 de documente din arhiva primăriei.
"""


FORMAT_OF = {0: "txt", 1: "html", 2: "pdf", 3: "docx", 4: "odt"}
EXT = {"txt": ".txt", "html": ".htm", "pdf": ".pdf", "docx": ".docx", "odt": ".odt"}


def _invoke(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), *args], env=env, catch_exceptions=False)


def _folder(tmp_path: Path, count: int = 5) -> Path:
    folder = tmp_path / "releases"
    (folder / "sub").mkdir(parents=True)
    for number in range(count):
        fmt = FORMAT_OF[number % 5]
        where = folder / "sub" if number % 2 else folder
        (where / f"comunicat-{number}{EXT[fmt]}").write_bytes(render(release(number), fmt))
    (folder / "stricat.pdf").write_bytes(to_pdf(release(99))[:1500])
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "notes.yaml").write_text("not: a release\n")
    return folder


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    assert _invoke(tmp_path, "db", "upgrade").exit_code == 0
    return tmp_path / "a.db"


def _rows(db: Path, sql: str) -> list[tuple]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text(sql))]
    engine.dispose()
    return rows


def test_a_folder_is_ingested_file_by_file_and_bad_files_do_not_stop_the_rest(
    tmp_path: Path, archive: Path
) -> None:
    folder = _folder(tmp_path)
    seeds = tmp_path / "seeds"
    result = _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), str(folder))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert any("stricat.pdf: not a readable PDF" in line for line in errors)
    assert any("junk.txt: binary data" in line for line in errors)
    assert "7 releases: 5 drafted, 5 loaded, 0 skipped (already in the archive), 2 refused" in result.output
    assert "Traceback" not in result.output
    media = sorted(row[0] for row in _rows(archive, "SELECT media_type FROM source_files"))
    assert media == sorted(
        ["text/plain", "text/html", "application/pdf",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "application/vnd.oasis.opendocument.text"]
    )  # fmt: skip
    assert len(list(seeds.glob("*.yaml"))) == 5


def test_the_original_bytes_are_kept_whole_beside_the_text_the_extractor_read(
    tmp_path: Path, archive: Path
) -> None:
    original = render(release(2), "pdf")
    path = tmp_path / "comunicat.pdf"
    path.write_bytes(original)
    seeds = tmp_path / "seeds"
    result = _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), str(path))
    assert result.exit_code == 0, result.output
    [(sha, size, origin, pages, content, document_text)] = _rows(
        archive,
        "SELECT s.sha256, s.size, s.origin, s.pages, c.content, d.text FROM source_files s "
        "JOIN source_contents c ON c.sha256 = s.sha256 JOIN documents d ON d.sha256 = s.document_sha256",
    )
    assert (sha, size, origin, pages) == (hashlib.sha256(original).hexdigest(), len(original), str(path), 1)
    assert content == original
    assert (seeds / "comunicat.pdf").read_bytes() == original
    assert (seeds / "comunicat.pdf.txt").read_text(encoding="utf-8") == document_text
    assert "Digitalizarea arhivei Primăriei Comunei Râu Alb" in document_text
    # Every evidence span of the PDF's project names page 1.
    pages = _rows(archive, "SELECT DISTINCT page FROM evidence_pages")
    assert pages == [(1,)]
    # show and search work on the text as before.
    assert "Râu Alb" in _invoke(tmp_path, "show", "1002").output
    assert "comunicat.pdf.txt" in _invoke(tmp_path, "search", "digitalizarea").output


def test_a_rerun_skips_what_the_archive_already_holds(tmp_path: Path, archive: Path) -> None:
    folder = _folder(tmp_path)
    seeds = tmp_path / "seeds"
    _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), str(folder))
    before = _rows(archive, "SELECT sha256, document_sha256 FROM source_files ORDER BY sha256")
    again = _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), str(folder))
    assert "7 releases: 0 drafted, 0 loaded, 5 skipped (already in the archive), 2 refused" in again.output
    assert _rows(archive, "SELECT sha256, document_sha256 FROM source_files ORDER BY sha256") == before


def test_a_large_folder_is_read_in_several_processes(tmp_path: Path, archive: Path) -> None:
    folder = _folder(tmp_path, count=12)
    result = _invoke(
        tmp_path, "ingest", "--seeds-dir", str(tmp_path / "seeds"), str(folder),
        env={"EUFUNDS_INGEST_WORKERS": "2"},
    )  # fmt: skip
    assert (
        "14 releases: 12 drafted, 12 loaded, 0 skipped (already in the archive), 2 refused" in result.output
    )
    assert _rows(archive, "SELECT count(*) FROM projects") == [(12,)]


def test_two_releases_with_the_same_file_name_are_both_kept(tmp_path: Path, archive: Path) -> None:
    for number in (0, 1):
        (tmp_path / f"d{number}").mkdir()
        (tmp_path / f"d{number}" / "comunicat.docx").write_bytes(render(release(number), "docx"))
    seeds = tmp_path / "seeds"
    result = _invoke(
        tmp_path, "ingest", "--seeds-dir", str(seeds), str(tmp_path / "d0"), str(tmp_path / "d1")
    )
    assert result.exit_code == 0, result.output
    assert len(list(seeds.glob("*comunicat.docx"))) == 2


def same_six_words(code: int, place: str) -> str:
    return (
        release(0)
        .replace("1000", str(code))
        .replace("150000", str(150000 + code))
        .replace("Comunei Valea Frumoasă”", f"Comunei Valea Frumoasă, sat {place}”")
    )


def test_distinct_projects_whose_titles_share_six_words_both_go_in(tmp_path: Path, archive: Path) -> None:
    # A slug keeps six words of the title: two projects of one commune often share them.
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "a.txt").write_text(same_six_words(7, "Deal"), encoding="utf-8")
    (folder / "b.txt").write_text(same_six_words(8, "Vale"), encoding="utf-8")
    result = _invoke(tmp_path, "ingest", "--seeds-dir", str(tmp_path / "seeds"), str(folder))
    assert result.exit_code == 0, result.output
    slugs = sorted(row[0] for row in _rows(archive, "SELECT slug FROM projects"))
    assert len(slugs) == 2 and slugs[1] == f"{slugs[0]}-150008"


def one_call(beneficiary: str, school: str) -> str:
    """A release of a programme's call: the title every beneficiary was given, no project code."""
    title = f"Dotarea cu mobilier, materiale didactice și echipamente digitale a Școlii Gimnaziale {school}"
    return f"""COMUNICAT DE PRESĂ

{beneficiary}, în calitate de beneficiar, anunță finalizarea proiectului „{title}”, finanțat prin Planul Național de Redresare și Reziliență.

Valoarea totală a proiectului este de 932.791,50 lei.
"""


def _ingest_together(tmp_path: Path, *texts: str):
    """One ``ingest`` of a folder holding ``texts`` as a.txt, b.txt, …"""
    folder = tmp_path / "releases"
    folder.mkdir()
    for letter, release_text in zip("abcdefgh", texts, strict=False):
        (folder / f"{letter}.txt").write_text(release_text, encoding="utf-8")
    return _invoke(tmp_path, "ingest", "--seeds-dir", str(tmp_path / "seeds"), str(folder))


def _ingest_one_by_one(tmp_path: Path, *texts: str) -> list[int]:
    """One ``ingest`` run per text, as releases found on different days: the exit codes."""
    codes = []
    for letter, release_text in zip("abcdefgh", texts, strict=False):
        path = tmp_path / f"{letter}.txt"
        path.write_text(release_text, encoding="utf-8")
        codes.append(_invoke(tmp_path, "ingest", "--seeds-dir", str(tmp_path / "seeds"), str(path)).exit_code)
    return codes


def _slugs(archive: Path) -> list[str]:
    return sorted(row[0] for row in _rows(archive, "SELECT slug FROM projects"))


def test_projects_of_one_call_with_one_title_and_no_code_for_two_beneficiaries_both_go_in(
    tmp_path: Path, archive: Path
) -> None:
    result = _ingest_together(
        tmp_path, one_call("Comuna Lazuri", "Lazuri"), one_call("UAT Comuna Bucerdea Grânoasă", "Bucerdea")
    )
    assert result.exit_code == 0, result.output
    slugs = _slugs(archive)
    assert len(slugs) == 2 and slugs[1] == f"{slugs[0]}-uat-comuna-bucerdea-granoasa"


def test_a_project_of_the_same_call_for_another_beneficiary_goes_in_on_a_later_run(
    tmp_path: Path, archive: Path
) -> None:
    runs = (one_call("Comuna Lazuri", "Lazuri"), one_call("Comuna Bucerdea", "Bucerdea"))
    assert _ingest_one_by_one(tmp_path, *runs) == [0, 0]
    slugs = _slugs(archive)
    assert len(slugs) == 2 and slugs[1] == f"{slugs[0]}-comuna-bucerdea"


def test_one_title_no_code_and_one_beneficiary_named_two_ways_is_one_project_and_the_second_is_refused(
    tmp_path: Path, archive: Path
) -> None:
    result = _ingest_together(
        tmp_path, one_call("Comuna Lazuri", "Lazuri"), one_call("UAT Comuna Lazuri", "Lazuri")
    )
    assert result.exit_code == 1
    assert "is also drafted from" in result.output and "a.txt" in result.output
    assert len(_slugs(archive)) == 1


def test_a_commune_and_its_town_hall_are_one_beneficiary_and_the_second_release_is_refused(
    tmp_path: Path, archive: Path
) -> None:
    releases = (one_call("Comuna Lazuri", "Lazuri"), one_call("Primăria Comunei Lazuri", "Lazuri"))
    assert _ingest_together(tmp_path, *releases).exit_code == 1
    assert len(_slugs(archive)) == 1


def test_a_later_release_giving_the_code_of_a_project_put_in_without_one_is_no_second_project(
    tmp_path: Path, archive: Path
) -> None:
    first = one_call("Comuna Lazuri", "Lazuri")
    later = first.replace("”, finanțat", "”, cod MySMIS 155123, finanțat")
    assert _ingest_one_by_one(tmp_path, first, later) == [0, 1]
    assert len(_slugs(archive)) == 1


def test_two_releases_with_the_same_code_and_slug_are_one_project_and_the_second_is_refused(
    tmp_path: Path, archive: Path
) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "a.txt").write_text(same_six_words(7, "Deal"), encoding="utf-8")
    (folder / "b.docx").write_bytes(render(same_six_words(7, "Vale"), "docx"))
    result = _invoke(tmp_path, "ingest", "--seeds-dir", str(tmp_path / "seeds"), str(folder))
    assert result.exit_code == 1
    assert "is also drafted from" in result.output and "a.txt" in result.output
    assert _rows(archive, "SELECT count(*) FROM projects") == [(1,)]


def test_extract_of_a_pdf_names_the_page_of_each_value(tmp_path: Path) -> None:
    path = tmp_path / "comunicat.pdf"
    path.write_bytes(render(release(0), "pdf"))
    result = _invoke(tmp_path, "extract", str(path))
    assert result.exit_code == 0
    assert '# page 1, line 7: "Valoarea totală a proiectului este de 100.000,00 lei."' in result.output
    as_json = json.loads(_invoke(tmp_path, "extract", "--format", "json", str(path)).output)
    assert as_json[0]["source"]["media_type"] == "application/pdf"
    assert as_json[0]["provenance"]["total_value"]["page"] == 1


def test_extract_of_a_bad_file_is_one_error_line_naming_it(tmp_path: Path) -> None:
    junk = tmp_path / "comunicat.txt"
    junk.write_bytes(b"\x00\x01\x02" * 100)
    result = _invoke(tmp_path, "extract", str(junk))
    assert result.exit_code == 1
    assert result.output == f"error: {junk}: binary data, not a release (NUL bytes)\n"


def test_help_says_which_formats_are_read(tmp_path: Path) -> None:
    for command in ("extract", "ingest"):
        output = _invoke(tmp_path, command, "--help").output
        assert ".txt, HTML, PDF, DOCX and ODT" in output and "http(s)" in output


# --- URLs ---------------------------------------------------------------------------


class _Pages(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/redirect-to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        body = render(release(5), "html")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_url_is_fetched_ingested_and_kept_with_its_origin(tmp_path: Path, archive: Path, site: str) -> None:
    seeds = tmp_path / "seeds"
    url = f"{site}/anunturi/comunicat-luncani"
    bad = f"{site}/redirect-to-file"
    result = _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), url, bad, "file:///etc/passwd")
    assert result.exit_code == 1
    assert f"error: {bad}: redirected to a file: URL, which is not fetched" in result.output
    assert "error: file:///etc/passwd: only http and https URLs are fetched, not file: URLs" in result.output
    [(origin, fetched_at, media)] = _rows(archive, "SELECT origin, fetched_at, media_type FROM source_files")
    assert (origin, media) == (url, "text/html")
    assert fetched_at is not None
    assert (seeds / "comunicat-luncani.html").exists()


# --- the migration ----------------------------------------------------------------------


def _rows_by_column(engine) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import MetaData, select

    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: [
                dict(row._mapping)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for name, table in sorted(metadata.tables.items())
            if name != "alembic_version" and not name.startswith("search_")
        }


def test_upgrading_a_loaded_archive_keeps_every_row_and_downgrading_removes_only_the_new_tables(
    tmp_path: Path, seeds_dir: Path
) -> None:
    from sqlalchemy import inspect

    from eufunds import migrate
    from eufunds.db import create_archive_engine
    from eufunds.load.loader import load_paths

    engine = create_archive_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(engine)
    load_paths(engine, [seeds_dir])
    migrate.downgrade(engine, "0002")  # an archive as the 0002 code left it
    before = _rows_by_column(engine)
    migrate.upgrade(engine)
    after = _rows_by_column(engine)
    for name, rows in before.items():  # every row and value kept; new columns filled in beside
        assert [{k: row[k] for k in old} for row, old in zip(after[name], rows, strict=True)] == rows, name
    assert after["source_files"] == [] and after["source_pages"] == []
    assert [p["beneficiary_name"] for p in after["projects"]] == ["Judeţul Cluj", "Municipiul Calafat"]
    migrate.downgrade(engine, "0002")
    assert "source_files" not in inspect(engine).get_table_names()
    assert _rows_by_column(engine) == before
    engine.dispose()


# --- files that are not files -------------------------------------------------------------


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path, archive: Path, command: str) -> None:
    import os

    fifo = tmp_path / "comunicat.txt"
    os.mkfifo(fifo)
    args = (
        [command, str(fifo)]
        if command == "extract"
        else [command, "--seeds-dir", str(tmp_path / "s"), str(fifo)]
    )
    result = _invoke(tmp_path, *args)
    assert result.exit_code == 1
    assert f"error: {fifo}: not a regular file" in result.output


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_device_is_refused_not_read(tmp_path: Path) -> None:
    result = _invoke(tmp_path, "extract", "/dev/zero")
    assert result.exit_code == 1
    assert "error: /dev/zero: not a regular file" in result.output


def test_a_release_refused_at_load_leaves_nothing_in_the_seeds_folder(
    tmp_path: Path, archive: Path, seeds_dir: Path
) -> None:
    assert _invoke(tmp_path, "load", str(seeds_dir)).exit_code == 0
    # SIPOCA 474 belongs to Calafat's project already: the draft is valid, its load is not.
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "clash.docx").write_bytes(render(release(3).replace("SIPOCA 1003", "SIPOCA 474"), "docx"))
    (folder / "fine.txt").write_text(release(4), encoding="utf-8")
    seeds = tmp_path / "drafts"
    result = _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), str(folder))
    assert result.exit_code == 1
    assert "already belongs to project 'primaria-calafat-management-calitate'" in result.output
    left = sorted(p.name for p in seeds.iterdir())
    assert left and not any("clash" in name or "1003" in name for name in left)
    assert all(name.endswith((".yaml", ".txt")) for name in left) and len(left) == 2
    assert _invoke(tmp_path, "load", str(seeds)).exit_code == 0  # what is left loads


def test_a_release_named_like_a_seed_is_kept_under_a_name_no_load_reads_as_one(
    tmp_path: Path, archive: Path
) -> None:
    named = tmp_path / "comunicat.yaml"
    named.write_text(release(5), encoding="utf-8")
    seeds = tmp_path / "drafts"
    result = _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), str(named))
    assert result.exit_code == 0, result.output
    assert not (seeds / "comunicat.yaml").exists()
    assert [p.name for p in seeds.glob("*.yaml")] != [] and _invoke(
        tmp_path, "load", str(seeds)
    ).exit_code == 0


def _ending(number: int) -> str:
    """The closing release of the project ``release(number)`` announces: same codes, a later end date."""
    return release(number).replace("anunță finalizarea", "a încheiat").replace("31.08.2022", "30.09.2022")


def test_a_release_of_a_project_in_the_archive_joins_it_and_says_why(tmp_path: Path, archive: Path) -> None:
    seeds = tmp_path / "seeds"
    (tmp_path / "start.txt").write_text(release(3), encoding="utf-8")
    (tmp_path / "end.txt").write_text(_ending(3), encoding="utf-8")
    assert _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), str(tmp_path / "start.txt")).exit_code == 0
    result = _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), str(tmp_path / "end.txt"))
    assert result.exit_code == 0, result.output
    assert "joining" in result.output and "same MySMIS code 150003" in result.output
    assert _rows(archive, "SELECT count(*) FROM projects") == [(1,)]
    assert _rows(archive, "SELECT count(*) FROM documents") == [(2,)]
    assert _rows(archive, "SELECT field, value FROM restatements") == [("end_date", "2022-09-30")]
    # The seeds folder loads again as it stands: the project's seed lists the release.
    assert _invoke(tmp_path, "load", str(seeds)).exit_code == 0
    assert _rows(archive, "SELECT count(*) FROM projects") == [(1,)]


def test_a_joined_release_refused_at_load_leaves_the_project_seed_as_it_was(
    tmp_path: Path, archive: Path
) -> None:
    seeds = tmp_path / "seeds"
    (tmp_path / "start.txt").write_text(release(4), encoding="utf-8")
    assert _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), str(tmp_path / "start.txt")).exit_code == 0
    [project_seed] = seeds.glob("*.yaml")
    before = project_seed.read_bytes()
    # The same codes, another SIPOCA: a wrong join the project's seed refuses.
    (tmp_path / "end.txt").write_text(
        _ending(4).replace("cod SIPOCA 1004", "cod SIPOCA 9999"), encoding="utf-8"
    )
    result = _invoke(tmp_path, "ingest", "--seeds-dir", str(seeds), str(tmp_path / "end.txt"))
    assert result.exit_code == 1
    assert project_seed.read_bytes() == before
    assert sorted(p.name for p in seeds.glob("*.yaml")) == [project_seed.name]
