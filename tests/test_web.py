"""The web face without a browser: how `eufunds serve` starts or refuses to,
what it promises to be safe to put online, and the pieces it shares with the
rest of the project (the README's queries, the data package's descriptions,
the `show` record)."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from webserver import build_archive, running_server

from eufunds.cli import cli
from eufunds.db import create_archive_engine, resolve_database_url

pytest.importorskip("datasette", reason="the web face needs the [web] extra (Datasette)")

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
CLUJ = "cj-cluj-calitate-competenta-performanta"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seeds' archive, served by `eufunds serve` in a child process."""
    archive = build_archive(tmp_path_factory.mktemp("web") / "archive.db")
    with running_server(archive) as base:
        yield base


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    """Status, headers (lower-case names) and body of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


def sql_url(base: str, sql: str) -> str:
    return f"{base}arhiva.json?" + urllib.parse.urlencode({"sql": sql})


# --------------------------------------------------------------------------- starting


def test_serve_refuses_a_postgresql_archive_with_one_error_line() -> None:
    result = CliRunner().invoke(cli, ["--db", "postgresql+psycopg://someone@localhost/archive", "serve"])
    assert result.exit_code == 1
    assert result.output.startswith("error: serve needs a SQLite archive")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_serve_without_datasette_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A None entry makes `import datasette` fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "datasette", None)
    result = CliRunner().invoke(cli, ["--db", str(build_archive(tmp_path / "a.db")), "serve"])
    assert result.exit_code == 1
    assert result.output == (
        "error: the web face needs Datasette, which is not installed; install it with: pip install 'eufunds[web]'\n"
    )


def test_serve_refuses_a_file_that_is_not_there(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "serve"])
    assert result.exit_code == 1
    assert result.output.startswith("error: no archive at ") and result.output.count("\n") == 1


def test_serve_refuses_an_archive_while_a_load_is_writing_it(tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "a.db")
    writer = sqlite3.connect(archive, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE projects SET notes = 'in progress'")
    try:
        result = CliRunner().invoke(cli, ["--db", str(archive), "--busy-timeout", "0.2", "serve"])
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 1
    assert "is being written to" in result.output and result.output.count("\n") == 1


def test_serving_first_writes_the_wal_into_the_file_so_the_immutable_reader_sees_every_load(
    tmp_path: Path,
) -> None:
    from eufunds.web.archive import immutable_uri
    from eufunds.web.server import prepare_archive

    archive = build_archive(tmp_path / "a.db")
    keep_open = sqlite3.connect(archive)  # a reader left open keeps SQLite from checkpointing at close
    keep_open.execute("SELECT count(*) FROM projects").fetchone()
    wal = archive.with_name("a.db-wal")
    prepare_archive(resolve_database_url(str(archive)), busy_timeout_ms=1000)
    keep_open.close()
    assert not wal.exists() or wal.stat().st_size == 0
    immutable = sqlite3.connect(immutable_uri(archive), uri=True)
    assert immutable.execute("SELECT count(*) FROM projects").fetchone() == (2,)


def test_server_stops_cleanly_when_interrupted(tmp_path: Path) -> None:
    with running_server(build_archive(tmp_path / "a.db")) as base:
        assert fetch(base)[0] == 200
    # running_server sent SIGINT and waited; nothing is listening any more.
    with pytest.raises(OSError):
        urllib.request.urlopen(base, timeout=2)


# --------------------------------------------------------------------------- safe to put online


def test_every_page_carries_the_security_headers(served: str) -> None:
    for path in (
        "",
        f"proiect/{CLUJ}",
        "cautare?q=cluj",
        "arhiva/projects",
        "arhiva.json",
        "nu-exista",
    ):
        _, headers, _ = fetch(served + path)
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path


def test_eufunds_pages_forbid_every_script(served: str) -> None:
    _, headers, body = fetch(served + f"proiect/{CLUJ}")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "<script" not in body


def test_sql_cannot_write(served: str) -> None:
    status, _, body = fetch(sql_url(served, "DELETE FROM projects"))
    assert status == 400 and "Statement must be a SELECT" in json.loads(body)["error"]
    assert json.loads(fetch(sql_url(served, "SELECT count(*) AS n FROM projects"))[2])["rows"] == [[2]]


def test_sql_cannot_attach_another_database(served: str, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE secret (x)").connection.commit()
    status, _, body = fetch(sql_url(served, f"ATTACH DATABASE '{other}' AS other"))
    assert status == 400 and "Statement must be a SELECT" in json.loads(body)["error"]


def test_sql_cannot_load_an_extension(served: str) -> None:
    status, _, body = fetch(sql_url(served, "SELECT load_extension('/usr/lib/x86_64-linux-gnu/libm.so.6')"))
    assert status == 400 and "not authorized" in json.loads(body)["error"]


def test_the_archive_is_served_immutable_and_alone(served: str) -> None:
    databases = json.loads(fetch(f"{served}-/databases.json")[2])
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("arhiva", False)]


def test_a_query_past_the_time_limit_is_stopped_with_a_message(served: str) -> None:
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    status, _, body = fetch(sql_url(served, endless))
    assert status == 400
    assert json.loads(body)["title"] == "SQL Interrupted"


def test_an_internal_error_shows_the_visitor_no_traceback(tmp_path: Path) -> None:
    from datasette import hookimpl
    from datasette.plugins import pm

    from eufunds.web.server import make_datasette, prepare_archive

    class Broken:
        __name__ = "broken-for-test"

        @hookimpl
        def register_routes(self) -> list[tuple[str, object]]:
            async def fail() -> None:
                raise RuntimeError("secret detail /home/operator/archive.db")

            return [(r"^/stricat$", fail)]

    path = prepare_archive(resolve_database_url(str(build_archive(tmp_path / "a.db"))), busy_timeout_ms=1000)
    pm.register(Broken(), name="broken-for-test")
    try:
        datasette = make_datasette(path)
        response = asyncio.run(datasette.client.get("/stricat"))
    finally:
        pm.unregister(name="broken-for-test")
    assert response.status_code == 500
    assert "eroare internă" in response.text
    assert "secret detail" not in response.text and "Traceback" not in response.text


def test_a_missing_project_is_a_romanian_404(served: str) -> None:
    status, _, body = fetch(served + "proiect/nu-exista")
    assert status == 404
    assert "Nu există niciun proiect „nu-exista”" in body and 'lang="ro"' in body


# --------------------------------------------------------------------------- shared with the rest


def test_the_canned_queries_are_the_readme_example_queries() -> None:
    from eufunds.web.queries import CANNED_QUERIES

    readme_sql = re.findall(r"```sql\n(.*?)```", README, flags=re.S)
    assert [q.sql for q in CANNED_QUERIES] == readme_sql


def test_canned_queries_run_on_the_server(served: str) -> None:
    from eufunds.web.queries import CANNED_QUERIES

    for query in CANNED_QUERIES:
        status, _, body = fetch(f"{served}arhiva/{query.name}.json")
        assert status == 200 and json.loads(body)["ok"], query.name


def test_web_and_data_package_describe_a_column_from_the_same_table(tmp_path: Path) -> None:
    from eufunds.export.descriptions import COLUMNS
    from eufunds.export.exporters import export
    from eufunds.web.metadata import archive_metadata

    archive = build_archive(tmp_path / "a.db")
    engine = create_archive_engine(resolve_database_url(str(archive)), read_only=True)
    with engine.connect() as connection:
        export(connection, "datapackage", output=tmp_path / "package")
        web = archive_metadata(connection, [])
    engine.dispose()
    package = json.loads((tmp_path / "package" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {
        f["name"]: f for r in package["resources"] if r["name"] == "projects" for f in r["schema"]["fields"]
    }
    web_columns = web["databases"]["arhiva"]["tables"]["projects"]["columns"]
    meaning = COLUMNS["total_value"]
    assert fields["total_value"]["description"].startswith(meaning.en)
    assert web_columns["total_value_minor"].startswith(meaning.ro)
    assert "bani" in web_columns["total_value_minor"]  # the stored integers are explained where shown


def test_project_list_offers_the_issue_facets(served: str) -> None:
    status, _, body = fetch(f"{served}arhiva/projects.json?_facet_size=5")
    assert status == 200
    names = {facet["name"] for facet in json.loads(body)["facet_results"].values()}
    assert {"programme_id", "priority_axis_id", "status", "beneficiary_id", "fond UE"} <= names


def test_fund_filter_narrows_the_list_to_projects_with_that_fund(served: str) -> None:
    rows = json.loads(fetch(f"{served}arhiva/projects.json?_shape=array&_fond=FSE")[2])
    assert len(rows) == 2
    assert json.loads(fetch(f"{served}arhiva/projects.json?_shape=array&_fond=FEDR")[2]) == []


def test_project_downloads_are_the_records_show_prints(served: str, tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "a.db")
    runner = CliRunner()
    shown_json = runner.invoke(cli, ["--db", str(archive), "show", CLUJ, "--format", "json"]).output
    shown_yaml = runner.invoke(cli, ["--db", str(archive), "show", CLUJ, "--format", "yaml"]).output
    status, headers, body = fetch(f"{served}proiect/{CLUJ}.json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert json.loads(body) == json.loads(shown_json)
    status, headers, body = fetch(f"{served}proiect/{CLUJ}.yaml")
    assert status == 200 and headers["content-disposition"] == f'attachment; filename="{CLUJ}.yaml"'
    assert yaml.safe_load(body) == yaml.safe_load(shown_yaml)


def test_search_page_escapes_what_was_typed(served: str) -> None:
    status, _, body = fetch(served + "cautare?" + urllib.parse.urlencode({"q": "<script>alert(1)</script>"}))
    assert status == 200
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_behind_a_proxy_every_link_carries_the_base_url_once(tmp_path: Path) -> None:
    # The proxy takes /proiecte-ue/ off the path it forwards (README: nginx's
    # proxy_pass with a trailing slash); every link the pages make puts it back once.
    with running_server(build_archive(tmp_path / "a.db"), "--base-url", "/proiecte-ue/") as base:
        for path in ("", f"proiect/{CLUJ}", "cautare?q=cluj", "arhiva/projects"):
            status, _, body = fetch(base.removesuffix("proiecte-ue/") + path)
            assert status == 200, path
            links = re.findall(r'(?:href|action|src)="(/[^"]*|http://[^"]*)"', body)
            local = [urllib.parse.urlsplit(link).path for link in links]
            assert local and all(p.startswith("/proiecte-ue/") for p in local), (path, local)
            assert not any(p.startswith("/proiecte-ue/proiecte-ue/") for p in local), path


def test_datasette_templates_are_the_installed_ones_in_romanian() -> None:
    from eufunds.web.romanian import TEMPLATES, TRANSLATIONS, datasette_templates, translated

    for name in TRANSLATIONS:
        original = (datasette_templates() / name).read_text(encoding="utf-8")
        assert (TEMPLATES / name).read_text(encoding="utf-8") == translated(name, original), (
            f"{name}: run python -m eufunds.web.romanian"
        )


def test_datasette_pages_speak_romanian_too(served: str) -> None:
    _, _, table = fetch(f"{served}arhiva/projects")
    assert 'lang="ro"' in table and 'value="Aplică"' in table and "2 rânduri" in table
    assert "Licența datelor:" in table and "Data license" not in table
    _, _, database = fetch(f"{served}arhiva")
    assert "Interogări pregătite" in database and "Tabele" in database and "Custom SQL query" not in database


def test_a_search_matching_more_than_can_be_ranked_lists_the_newest_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eufunds.web import pages
    from eufunds.web.server import make_datasette, prepare_archive

    monkeypatch.setattr(pages, "RANKED_AT_MOST", 2)  # "calitate" matches more than 2 texts
    path = prepare_archive(resolve_database_url(str(build_archive(tmp_path / "a.db"))), busy_timeout_ms=1000)
    response = asyncio.run(make_datasette(path).client.get("/cautare?q=calitate"))
    assert response.status_code == 200
    assert "Peste 2 de potriviri: prea multe pentru a le ordona după relevanță" in response.text
    assert response.text.count('class="titlu-proiect"') > 2


def test_project_list_links_each_slug_to_its_page_and_reads_money_in_lei(served: str) -> None:
    _, _, html = fetch(f"{served}arhiva/projects")
    assert f'<a href="/proiect/{CLUJ}">{CLUJ}</a>' in html
    assert "624.995,52 RON" in html and ">62499552<" not in html
    rows = json.loads(fetch(f"{served}arhiva/projects.json?_shape=array&slug={CLUJ}")[2])
    assert rows[0]["total_value_minor"] == 62499552  # the data itself keeps the stored integer
