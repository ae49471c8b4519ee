"""The ``eufunds`` command: parses options, calls the library, prints results.

Every command is a thin wrapper; what it does is importable from the modules it
calls. User mistakes become one message on stderr and exit status 1; usage
errors exit 2; success exits 0.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from . import __version__
from .errors import ArchiveError, LoadError, SettingError
from .reference import PROGRAMME_CODES
from .settings import BUSY_TIMEOUT_MS, SETTINGS, setting_value
from .text import terminal_safe

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .load.loader import LoadReport

# Each command imports the library it calls when it runs, so that `eufunds
# --help` and a command's --help start without SQLAlchemy and the archive's
# machinery (tests/test_cli_core.py holds this).


class ArchiveContext:
    """What the global options decide, shared with every subcommand."""

    def __init__(self, db: str | None, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        self.db = db
        self.busy_timeout_ms = busy_timeout_ms
        self._engine: Engine | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            from .db import resolve_database_url

            self._url = resolve_database_url(self.db)
        return self._url

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from .db import create_archive_engine

            self._engine = create_archive_engine(self.url, busy_timeout_ms=self.busy_timeout_ms)
        return self._engine

    @property
    def shown(self) -> str:
        from .db import describe_url

        return describe_url(self.url)


pass_archive = click.make_pass_decorator(ArchiveContext)


class UserError(click.ClickException):
    """A refused request: printed as one ``error:`` line, like load problems, exit 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {terminal_safe(self.format_message(), one_line=True)}", err=True)


BUSY_MESSAGE = "the archive is busy: another command is writing to it; try again when it finishes"


INTERRUPTED_MESSAGE = "interrupted; the archive is unchanged by the interrupted step"


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's user-facing errors into clean CLI messages."""
    try:
        yield
    except LoadError as exc:
        for problem in exc.problems:
            click.echo(f"error: {terminal_safe(str(problem), one_line=True)}", err=True)
        raise click.exceptions.Exit(1) from None
    except ArchiveError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        # The system refused a file the user named (a name too long, a
        # read-only or full disk, no permission): say which file and why.
        if exc.filename is None:
            raise
        raise UserError(f"{exc.filename}: {exc.strerror or exc}") from None
    except RuntimeError as exc:
        # pathlib before Python 3.13 reports a symlink loop met while resolving a path so.
        if not str(exc).startswith("Symlink loop from"):
            raise
        looping = str(exc).removeprefix("Symlink loop from ").strip("'")
        raise UserError(f"{looping}: too many levels of symbolic links") from None
    except Exception as exc:
        reason = _database_error(exc)
        if reason is None:
            raise
        if "locked" in reason or "busy" in reason:
            raise UserError(BUSY_MESSAGE) from None
        raise UserError(f"database error: {reason}") from None
    except KeyboardInterrupt:
        # Here rather than in main(): click would turn it into "Aborted!" and 1.
        click.echo(INTERRUPTED_MESSAGE, err=True)
        raise click.exceptions.Exit(130) from None


def _database_error(exc: Exception) -> str | None:
    """What the database said, on one line, when ``exc`` is a database's error:
    wrapped by SQLAlchemy, or raised by the driver itself (a pool's first
    connect, a raw connection) — else None."""
    # Named here, not at the top, so that --help need not load SQLAlchemy or a driver.
    said: BaseException | None = None
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DatabaseError

        if isinstance(exc, DatabaseError):  # "file is not a database", a refused connection…
            said = exc.orig
    for driver in ("sqlite3", "psycopg"):
        module = sys.modules.get(driver)
        if said is None and module is not None and isinstance(exc, module.DatabaseError):
            said = exc
    if said is None:
        return None
    # libpq explains over several lines ("…refused" / "Is the server running…").
    return " ".join(line.strip() for line in str(said).splitlines() if line.strip())


def setting_option(name: str, *flags: str, metavar: str) -> Callable[[Any], Any]:
    """A click option for setting ``name`` of ``eufunds.settings``: read from its
    environment variable when not given, parsed by the table's rule, and a bad
    value named by where it came from (the flag or the variable)."""
    setting = SETTINGS[name]

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
        from_env = ctx.get_parameter_source(param.name or name) == ParameterSource.ENVIRONMENT
        source = setting.envvar if from_env else flags[0]
        try:
            return setting_value(name, value, source=source)
        except SettingError as exc:
            raise UserError(str(exc)) from None

    return click.option(
        *flags,
        name,
        metavar=metavar,
        envvar=setting.envvar,
        callback=parse,
        help=f"{setting.help} Default: ${setting.envvar}, else {setting.default_text}.",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@setting_option("db", "--db", metavar="PATH|URL")
@setting_option("busy_timeout", "--busy-timeout", metavar="SECONDS")
@click.version_option(__version__, prog_name="eufunds")
@click.pass_context
def cli(ctx: click.Context, db: str | None, busy_timeout: int) -> None:
    """An archive of EU-funded public projects, built from their press releases.

    \b
    Quick start, from a checkout:
      eufunds build                      migrate ./archive.db and load seeds/
      sqlite3 archive.db 'select * from project_overview'

    \b
    Every command takes the global --db option before its name:
      eufunds --db /tmp/test.db load seeds/
    """
    ctx.obj = ArchiveContext(db, busy_timeout)


# --------------------------------------------------------------------------- db


@cli.group()
def db() -> None:
    """Create or change the archive's schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_archive
def db_upgrade(archive: ArchiveContext, revision: str) -> None:
    """Migrate the archive up to REVISION (default: head, the newest schema).

    Creates the archive file when it does not exist yet.
    """
    from . import migrate

    with user_errors():
        migrate.upgrade(archive.engine, revision)
        click.echo(f"{archive.shown}: schema at {migrate.current_revision(archive.engine)}")


@db.command("downgrade")
@click.argument("revision")
@pass_archive
def db_downgrade(archive: ArchiveContext, revision: str) -> None:
    """Migrate the archive down to REVISION ("base" removes every table, "-1" one step)."""
    from . import migrate

    with user_errors():
        migrate.downgrade(archive.engine, revision)
        current = migrate.current_revision(archive.engine)
        click.echo(f"{archive.shown}: schema at {current or 'base (empty)'}")


@db.command("current")
@pass_archive
def db_current(archive: ArchiveContext) -> None:
    """Print the archive's schema revision ("base" when it has none)."""
    from . import migrate

    with user_errors():
        current = migrate.current_revision(archive.engine)
        head = migrate.head_revision()
        note = " (head)" if current == head else f" (head is {head}; run `eufunds db upgrade`)"
        click.echo(f"{current or 'base'}{note}")


@db.command("backup")
@click.argument("destination", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace DESTINATION if it exists.")
@pass_archive
def db_backup(archive: ArchiveContext, destination: Path, force: bool) -> None:
    """Copy the SQLite archive to DESTINATION, consistently, even while a load runs.

    Uses SQLite's backup API: the copy is the archive as of one moment, checked
    and written under a temporary name before it takes DESTINATION's name.

    \b
    Example:
      eufunds db backup archive-2024-05-01.db
    """
    from .backup import backup_archive

    with user_errors():
        report = backup_archive(
            archive.url, destination, overwrite=force, busy_timeout_ms=archive.busy_timeout_ms
        )
    click.echo(report.summary())


# --------------------------------------------------------------------------- load


def _load(archive: ArchiveContext, paths: list[Path], strict: bool, workers: int | None) -> LoadReport:
    from .load.discovery import discover_seed_files
    from .load.loader import load_paths

    files = sum(1 for p in paths if p.exists() for _ in discover_seed_files([p]))
    # Two steps a seed: validating it, then writing it (or finding it unchanged).
    show_bar = sys.stderr.isatty() and files >= 20
    with click.progressbar(
        length=2 * files, label="Loading seeds", file=sys.stderr if show_bar else None,
        hidden=not show_bar,
    ) as bar:  # fmt: skip
        # Streams seeds through a spool and prints numbers only, so memory stays
        # flat however many seeds there are.
        report = load_paths(
            archive.engine, paths, progress=bar.update, strict=strict, keep_slugs=False, workers=workers
        )
    for warning in report.warnings:
        click.echo(f"warning: {terminal_safe(warning, one_line=True)}", err=True)
    for joined in report.joined:
        click.echo(terminal_safe(joined, one_line=True))
    return report


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Refuse to load when a seed's figures disagree.")
@setting_option("load_workers", "--workers", metavar="N")
@pass_archive
def load(archive: ArchiveContext, paths: tuple[Path, ...], strict: bool, load_workers: int | None) -> None:
    """Validate seed files and load them into the archive, all or nothing.

    PATHS are seed files or folders of them (default: seeds/). Every seed is
    checked before anything is written; one bad seed stops the whole load and
    leaves the archive unchanged. Loading the same seeds again changes nothing.

    \b
    Examples:
      eufunds load                       every seed under ./seeds
      eufunds --db test.db load seeds/cj-cluj.yaml
    """
    with user_errors():
        report = _load(archive, list(paths) or [Path("seeds")], strict, load_workers)
    click.echo(report.summary())


@cli.command()
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(path_type=Path),
    default=Path("seeds"),
    show_default=True,
    help="Folder of seed files to load.",
)
@setting_option("load_workers", "--workers", metavar="N")
@pass_archive
def build(archive: ArchiveContext, seeds_dir: Path, load_workers: int | None) -> None:
    """Build the archive: migrate it to the newest schema, then load the seeds.

    Uses ./archive.db unless --db or $EUFUNDS_DB says otherwise. Safe to run
    again: an up-to-date archive stays as it is.
    """
    from . import migrate

    with user_errors():
        if not seeds_dir.is_dir():
            raise ArchiveError(f"no seeds folder at {seeds_dir}; run from the repository or pass --seeds")
        before = migrate.current_revision(archive.engine)
        migrate.upgrade(archive.engine)
        after = migrate.current_revision(archive.engine)
        if before == after:
            click.echo(f"{archive.shown}: schema already at {after}")
        else:
            click.echo(f"{archive.shown}: schema migrated from {before or 'empty'} to {after}")
        report = _load(archive, [seeds_dir], strict=False, workers=load_workers)
    click.echo(f"{seeds_dir}: {report.summary()}")


# --------------------------------------------------------------------------- query


@cli.command()
@click.argument("sql")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default=None,
    help="Output format. Default: table on a terminal, else csv.",
)
@click.option(
    "--max-width",
    type=click.IntRange(min=0),
    default=60,
    show_default=True,
    help="Cut longer table cells (0: never). CSV and JSON are never cut.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Show at most this many rows in a table (0: all). CSV and JSON give every row.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Stop the query after this many seconds, rows included (0: no limit). Ctrl-C stops it too.",
)
@pass_archive
def query(
    archive: ArchiveContext, sql: str, fmt: str | None, max_width: int, max_rows: int, time_limit: float
) -> None:
    """Run one SQL statement on the archive, read-only, and print the rows.

    Writes (INSERT, UPDATE, DELETE, DROP, ATTACH, pragmas that set something,
    load_extension) are refused and change nothing.

    \b
    Examples:
      eufunds query "select slug, total_value from project_overview"
      eufunds query --format json "select * from funding_overview" > funding.json
    """
    from .read.query import open_query, write_result

    out = sys.stdout
    with user_errors(), open_query(archive.url, sql, time_limit_s=time_limit or None) as result:
        chosen = fmt or ("table" if out.isatty() else "csv")
        write_result(result, out, chosen, max_width=max_width, max_rows=max_rows)


# --------------------------------------------------------------------------- search


@cli.command()
@click.argument("words", nargs=-1, required=True)
# Bounded: the limit goes to the database, whose integers stop at 2**63.
@click.option(
    "--limit", type=click.IntRange(1, 1_000_000), default=20, show_default=True, help="Most hits to show."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)  # fmt: skip
@pass_archive
def search(archive: ArchiveContext, words: tuple[str, ...], limit: int, fmt: str) -> None:
    """Find projects by the words of their sources, titles, objectives and results.

    Case and diacritics do not matter (calitatii finds calității, ş finds ș).
    Every word must match; "quoted words" must match as a phrase; a word ending
    in * matches any word it begins. Best matches first.

    \b
    Examples:
      eufunds search control managerial intern
      eufunds search '"auditor calitate"' --format json
    """
    import json

    from .db import read_only_connection
    from .read.search import search as search_archive

    bold = fmt == "text" and sys.stdout.isatty()
    mark = (click.style("", bold=True, reset=False), "\x1b[0m") if bold else ("[", "]")
    # sqlite3's own connection on a SQLite file: the search needs no SQLAlchemy.
    with (
        user_errors(),
        read_only_connection(archive.url, busy_timeout_ms=archive.busy_timeout_ms) as connection,
    ):
        hits = search_archive(connection, " ".join(words), limit=limit, mark=mark)
    if fmt == "json":
        click.echo(json.dumps([hit.as_dict() for hit in hits], ensure_ascii=False, indent=2))
        return
    for number, hit in enumerate(hits, 1):
        where = hit.kind + (f" {hit.label}" if hit.label else "")
        click.echo(terminal_safe(f"{number:>2}. {hit.slug or '(no project)'} · {where}", one_line=True))
        click.echo(terminal_safe(f"    {hit.snippet}", one_line=True))
    if not hits:
        click.echo("no matches", err=True)


# --------------------------------------------------------------------------- check


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)  # fmt: skip
@pass_archive
def check(archive: ArchiveContext, fmt: str) -> None:
    """Report where the archive's figures do not hold together; exit 1 on any error.

    Checks funding against the eligible value, shares against 100 % and against
    amount ÷ eligible value, durations against the dates, dates against the
    programme's eligibility period, duplicate projects (same code, or same title
    once case and diacritics are folded), documents without a project and
    projects without a source. Notices (plausible, worth a look) do not fail:
    an achieved value below its target, an end date passed with no end-of-project
    release, a place name found in several counties; where official lists were
    imported (eufunds lists import), a release that differs from its list row, list
    rows with no release and releases with no list row.

    \b
    Examples:
      eufunds check
      eufunds check --format json | jq '.findings[] | select(.severity == "error")'
    """
    import datetime as dt
    import json

    from .db import create_archive_engine
    from .read.check import check_archive

    with user_errors():
        engine = create_archive_engine(archive.url, read_only=True, busy_timeout_ms=archive.busy_timeout_ms)
        report = check_archive(engine, today=dt.date.today())
        engine.dispose()
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            line = f"{finding.severity}: {finding.project or '(no project)'}: {finding.message}"
            click.echo(terminal_safe(line, one_line=True))
        click.echo(report.summary())
    if not report.ok:
        raise click.exceptions.Exit(1)


# --------------------------------------------------------------------------- export, show, list, stats


@contextmanager
def _reading(archive: ArchiveContext, *, sqlalchemy: bool = True) -> Iterator[Any]:
    """A read-only connection to the archive: these commands never write, and a
    missing archive is reported rather than created empty. Without
    ``sqlalchemy``, for a library that reads through either connection, it is
    sqlite3's own on a SQLite file, so that show and list start without SQLAlchemy."""
    from .db import has_schema, is_database_error, read_only_connection

    opened = read_only_connection(archive.url, busy_timeout_ms=archive.busy_timeout_ms, sqlalchemy=sqlalchemy)
    with opened as connection:
        if not has_schema(connection):
            raise ArchiveError(f"the archive at {archive.shown} has no schema yet; run `eufunds build` first")
        try:
            yield connection
        except Exception as exc:
            if not is_database_error(exc):
                raise
            # Only when reading failed is it worth asking why: an archive
            # whose schema is not this code's lacks (or has other) columns.
            connection.rollback()  # PostgreSQL refuses any statement in a failed transaction
            mismatch = _schema_mismatch(archive, connection)
            if mismatch is not None:
                raise ArchiveError(mismatch) from None
            raise


def _schema_mismatch(archive: ArchiveContext, connection: Any) -> str | None:
    """Why the archive's schema is not this code's, or None (see ``migrate``)."""
    import sqlite3

    from . import migrate

    if not isinstance(connection, sqlite3.Connection):
        return migrate.schema_mismatch(connection)
    from .db import create_archive_engine

    engine = create_archive_engine(archive.url, read_only=True, busy_timeout_ms=archive.busy_timeout_ms)
    try:
        return migrate.schema_mismatch(engine)
    finally:
        engine.dispose()


@contextmanager
def _pipe_closed_quietly() -> Iterator[None]:
    """`eufunds export | head` stops when head has read enough, without a traceback."""
    try:
        yield
    except BrokenPipeError:
        import os

        # Python would complain again when flushing stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise click.exceptions.Exit(1) from None


def _project_filter_options(command: Any) -> Any:
    """--project, --programme, --status and --since, shared by export, list and stats."""
    from .reference import PROGRAMME_CODES, PROJECT_STATUSES

    options = [
        click.option(
            "--project", metavar="SLUG|CODE", help="Only this project (slug, SIPOCA or MySMIS code)."
        ),
        click.option(
            "--programme",
            type=click.Choice(PROGRAMME_CODES, case_sensitive=False),
            help="Only projects of this operational programme.",
        ),
        click.option("--status", type=click.Choice(PROJECT_STATUSES), help="Only projects with this status."),
        click.option(
            "--since",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            metavar="YYYY-MM-DD",
            help="Only projects started, or with a source published, on or after this date.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _project_filters(
    connection: Any, project: str | None, programme: str | None, status: str | None, since: Any
) -> Any:
    from .read.records import ProjectFilters, find_project

    return ProjectFilters(
        project=find_project(connection, project) if project else None,
        programme=programme,
        status=status,
        since=since.date() if since else None,
    )


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "jsonl", "yaml", "xlsx", "datapackage"]),
    default="json",
    show_default=True,
    help="csv: tables; json/jsonl: nested projects; yaml: seed files; xlsx: a workbook; "
    "datapackage: CSVs + datapackage.json.",
)
@click.option(
    "--table", metavar="NAME", help="With csv: the one table or view to write (to stdout by default)."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="File, or folder for csv (all tables), yaml and datapackage. Default: stdout.",
)
@_project_filter_options
@setting_option("export_workers", "--workers", metavar="N")
@pass_archive
def export_command(
    archive: ArchiveContext,
    fmt: str,
    table: str | None,
    output: Path | None,
    project: str | None,
    programme: str | None,
    status: str | None,
    since: Any,
    export_workers: int | None,
) -> None:
    """Export projects or tables, streamed, to stdout or --output.

    \b
    Examples:
      eufunds export --format json > projects.json
      eufunds export --format jsonl --programme POCA | jq .slug
      eufunds export --format csv --table project_overview > overview.csv
      eufunds export --format csv --output tables/
      eufunds export --format yaml --output seeds-copy/   (eufunds load seeds-copy/ rebuilds it)
      eufunds export --format xlsx --output archive.xlsx
      eufunds export --format datapackage --output package/
    """
    from .export.exporters import export

    stdout = sys.stdout.buffer
    if output is None and fmt == "xlsx" and stdout.isatty():
        raise click.UsageError("xlsx is a binary file: give --output FILE.xlsx or redirect stdout")
    with user_errors(), _pipe_closed_quietly(), _reading(archive) as connection:
        filters = _project_filters(connection, project, programme, status, since)
        report = export(
            connection, fmt, output=output, stdout=None if output else stdout, table=table, filters=filters,
            workers=export_workers,
        )  # fmt: skip
    for warning in report.warnings:
        click.echo(f"warning: {terminal_safe(warning, one_line=True)}", err=True)
    if output is not None:
        click.echo(report.summary())


@cli.command()
@click.argument("project", metavar="SLUG|CODE")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "yaml"]), default="text", show_default=True
)  # fmt: skip
@pass_archive
def show(archive: ArchiveContext, project: str, fmt: str) -> None:
    """Show one project's fiche: codes, beneficiary, programme, values, funding
    split, dates, target group, objectives, results and sources.

    \b
    Examples:
      eufunds show cj-cluj-calitate-competenta-performanta
      eufunds show 474 --format json
    """
    from .jsontext import to_json as record_to_json
    from .read.fiche import render_fiche
    from .read.records import ProjectFilters, coded_facts, find_project, iter_records

    with user_errors(), _reading(archive, sqlalchemy=False) as connection:
        slug = find_project(connection, project)
        record = next(iter_records(connection, ProjectFilters(project=slug)))
        coded = coded_facts(connection, slug) if fmt == "text" else None
    if fmt == "json":
        click.echo(record_to_json(record, indent=2))
    elif fmt == "yaml":
        from .export.exporters import record_to_yaml

        click.echo(record_to_yaml(record), nl=False)
    else:
        click.echo(terminal_safe(render_fiche(record, coded)))


@cli.command("list")
@_project_filter_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)  # fmt: skip
@pass_archive
def list_command(
    archive: ArchiveContext,
    project: str | None,
    programme: str | None,
    status: str | None,
    since: Any,
    fmt: str,
) -> None:
    """List projects, one line each: slug, status, programme, total value, title.

    \b
    Examples:
      eufunds list --programme POCA --status completed
      eufunds list --since 2020-01-01 --format json
    """
    from .jsontext import to_json as record_to_json
    from .read.fiche import render_project_line
    from .read.records import iter_project_lines, longest_slug

    count = 0
    with user_errors(), _pipe_closed_quietly(), _reading(archive, sqlalchemy=False) as connection:
        filters = _project_filters(connection, project, programme, status, since)
        width = longest_slug(connection, filters)
        if fmt == "json":
            click.echo("[", nl=False)
        for line in iter_project_lines(connection, filters):
            if fmt == "json":
                click.echo(("\n" if count == 0 else ",\n") + record_to_json(line), nl=False)
            else:
                click.echo(terminal_safe(render_project_line(line, width), one_line=True))
            count += 1
        if fmt == "json":
            click.echo("\n]" if count else "]")
    if count == 0 and fmt == "text":
        click.echo("no projects", err=True)


@cli.command()
@_project_filter_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)  # fmt: skip
@pass_archive
def stats(
    archive: ArchiveContext,
    project: str | None,
    programme: str | None,
    status: str | None,
    since: Any,
    fmt: str,
) -> None:
    """Count projects and sum their money per programme, EU fund and funding source.

    Sums are per currency and say how many rows state an amount.

    \b
    Examples:
      eufunds stats
      eufunds stats --programme POCA --format json
    """
    from .export.exporters import record_to_json
    from .read.fiche import render_stats
    from .read.stats import archive_stats

    with user_errors(), _reading(archive) as connection:
        filters = _project_filters(connection, project, programme, status, since)
        result = archive_stats(connection, filters)
    if fmt == "json":
        click.echo(record_to_json(result.as_dict(), indent=2))
    else:
        click.echo(terminal_safe(render_stats(result)))


# --------------------------------------------------------------------------- lists


@cli.group("lists")
def lists_group() -> None:
    """Official lists of contracted projects: import them, hold the releases against them.

    \b
    Examples:
      eufunds lists import proiecte-POR-2024T1.xlsx --programme POR --as-of 2024-03-31
      eufunds lists compare
    """


@lists_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE...")
@click.option(
    "--programme",
    type=click.Choice(PROGRAMME_CODES, case_sensitive=False),
    help="The operational programme the list is of.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The date the list is as of (the newest list of a project is the one compared).",
)
@click.option(
    "--sheet",
    metavar="NAME",
    help="The workbook's sheet to read (a workbook holding a list a sheet: import it once per "
    "sheet). Default: the first sheet with a code column.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)  # fmt: skip
@pass_archive
def lists_import(
    archive: ArchiveContext,
    files: tuple[Path, ...],
    programme: str | None,
    as_of: Any,
    sheet: str | None,
    fmt: str,
) -> None:
    """Import official lists (XLSX or CSV), each file a snapshot, all or nothing.

    The header row is found under any title rows; headings are matched with or
    without diacritics and with units ("Valoare eligibilă (lei)"); a file with
    no code column (Cod SMIS, Cod MySMIS, …) is refused. Importing a file again
    changes nothing; a newer list is kept beside the older ones. Each file
    stands alone: a refused one is an error line and the rest go on (exit
    status 1 if any was refused). Rows link to projects by SMIS code.

    \b
    Examples:
      eufunds lists import lista-POR-2024T1.xlsx --programme POR --as-of 2024-03-31
      eufunds lists import liste/*.csv --format json
    """
    from .lists.importer import import_list

    reports, refused = [], []
    with user_errors():
        for path in files:
            try:
                with _rows_progress(path) as progress:
                    report = import_list(
                        archive.engine, path, programme=programme, as_of=as_of.date() if as_of else None,
                        sheet=sheet, progress=progress,
                    )  # fmt: skip
            except ArchiveError as exc:
                message = str(exc) if str(exc).startswith(path.name) else f"{path}: {exc}"
                click.echo(f"error: {terminal_safe(message, one_line=True)}", err=True)
                refused.append({"file": str(path), "error": str(exc)})
                continue
            reports.append(report)
            if fmt == "text":
                click.echo(terminal_safe(report.summary(), one_line=True))
    if fmt == "json":
        from .jsontext import to_json

        click.echo(to_json({"imported": [r.as_dict() for r in reports], "refused": refused}, indent=2))
    if refused:
        raise click.exceptions.Exit(1)


@contextmanager
def _rows_progress(path: Path) -> Iterator[Callable[[int], None] | None]:
    """A count of the rows imported, rewritten in place on a terminal (a long
    list takes minutes); nothing when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    label = terminal_safe(path.name, one_line=True)

    def show(rows: int) -> None:
        click.echo(f"\r{label}: {rows:,} rows read".replace(",", " "), nl=False, err=True)

    try:
        yield show
    finally:
        click.echo("\r\033[K", nl=False, err=True)


@lists_group.command("compare")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)  # fmt: skip
@pass_archive
def lists_compare(archive: ArchiveContext, fmt: str) -> None:
    """Hold the releases against the official lists' latest rows.

    Per project (by MySMIS code = SMIS code): the total, eligible and EU value,
    dates, beneficiary, CUI and county where release and list differ; list
    rows with no release in the archive, per programme and county; releases
    with no list row.

    \b
    Examples:
      eufunds lists compare
      eufunds lists compare --format json | jq '.differences[] | select(.field == "total_value")'
    """
    from .jsontext import to_json
    from .lists.compare import compare_lists

    with user_errors(), _reading(archive) as connection:
        comparison = compare_lists(connection)
    if fmt == "json":
        click.echo(to_json(comparison.as_dict(), indent=2))
    else:
        for line in comparison.lines():
            click.echo(terminal_safe(line, one_line=True))


# --------------------------------------------------------------------------- extract, ingest


_FORMATS_READ = (
    "Releases are read from plain text (any usual encoding), HTML pages saved from a "
    "browser (the release's own text; menus, banners, comments dropped), PDF (text layer; "
    "scans with --ocr), DOCX and ODT files, and http(s):// URLs; the format is recognised "
    "from the content, not the name."
)
_OCR_HELP = "Read PDFs without a text layer (scans) with Tesseract's Romanian OCR, where installed."


@cli.command()
@click.argument("files", nargs=-1, metavar="FILE|URL...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="yaml: a seed draft, each value commented with its source line; json: drafts with a provenance map.",
)
@click.option(
    "--evaluate",
    nargs=2,
    metavar="TXT_DIR EXPECTED_DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Score extraction of each NAME.txt against NAME.yaml: per-field precision, recall and accuracy, "
    "then each wrong, invented or missed value.",
)
@click.option("--ocr", is_flag=True, help=_OCR_HELP)
def extract(files: tuple[str, ...], fmt: str, evaluate: tuple[Path, Path] | None, ocr: bool) -> None:
    """Draft seed records from press releases: files or http(s) URLs.

    \b
    Releases are read from .txt, HTML, PDF, DOCX and ODT files and http(s) URLs;
    the format is recognised from the content. A PDF's values name their page.

    \b
    Example:
      eufunds extract seeds/001_f36f72105a710f57.txt
      eufunds extract comunicat.pdf https://example.org/comunicat-de-presa
      eufunds extract --evaluate tests/corpus/extract tests/corpus/extract
    """
    from .extract.evaluation import evaluate_directory
    from .intake.ingest import draft_release, read_item, render_json, render_yaml

    if evaluate:
        report = evaluate_directory(*evaluate)
        if fmt == "json":
            click.echo(report.to_json())
        else:
            # Errors first, so that the totals end the output, on screen and for scripts.
            errors = report.error_lines()
            if errors:
                click.echo("errors (wrong: another value stated; invented: none stated; missed: not found):")
                click.echo("\n".join(errors) + "\n")
            click.echo(report.to_table())
    if not files:
        if not evaluate:
            raise click.UsageError(
                "give release FILEs or URLs to extract, or --evaluate TXT_DIR EXPECTED_DIR"
            )
        return
    drafts = []
    failed = False
    for item in files:
        try:
            drafts.append(draft_release(read_item(item, ocr=ocr)))
        except ArchiveError as exc:
            message = f"{item}: {str(exc).removeprefix(f'{item}: ')}"
            click.echo(f"error: {terminal_safe(message, one_line=True)}", err=True)
            failed = True
    if fmt == "json":
        click.echo(render_json(drafts))
    else:
        click.echo("---\n".join(render_yaml(d.extraction, source=d.source) for d in drafts), nl=False)
    if failed:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("items", nargs=-1, required=True, metavar="FILE|DIR|URL...")
@click.option(
    "--seeds-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("seeds"),
    show_default=True,
    help="Folder the seeds and their sources are written to.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing seed of the same slug.")
@click.option("--dry-run", is_flag=True, help="Show what would be written; write and load nothing.")
@click.option("--ocr", is_flag=True, help=_OCR_HELP)
@setting_option("ingest_workers", "--workers", metavar="N")
@pass_archive
def ingest(
    archive: ArchiveContext,
    items: tuple[str, ...],
    seeds_dir: Path,
    force: bool,
    dry_run: bool,
    ocr: bool,
    ingest_workers: int | None,
) -> None:
    """Extract releases, write each as SEEDS_DIR/<slug>.yaml beside its text, and load them.

    \b
    Releases are read from .txt, HTML, PDF, DOCX and ODT files, from every file
    under a folder (in parallel, one process per core; --workers N to
    choose), and from http(s) URLs; the format is recognised from the content.
    Each release stands alone: one that cannot be read or drafted is refused with
    an error line and the rest go on (exit status 1 if any was refused). A
    release whose original bytes are already in the archive is skipped. Refuses
    to overwrite a seed (a curator's work) unless --force.

    \b
    Example:
      eufunds ingest --dry-run release.txt
      eufunds ingest comunicat.pdf https://example.org/comunicat-de-presa
      eufunds ingest releases/
    """
    from .intake.ingest import ingest as ingest_releases

    with user_errors():
        engine = None if dry_run else archive.engine
        with _ingest_progress(items) as on_item:
            result = ingest_releases(
                engine, items, seeds_dir=seeds_dir, force=force, dry_run=dry_run, ocr=ocr,
                workers=ingest_workers, on_item=on_item,
            )  # fmt: skip
    for outcome in result.refused:
        click.echo(f"error: {terminal_safe(f'{outcome.item}: {outcome.reason}', one_line=True)}", err=True)
    if result.report is not None:
        for warning in result.report.warnings:
            click.echo(f"warning: {terminal_safe(warning, one_line=True)}", err=True)
    click.echo(result.summary())
    if result.refused:
        raise click.exceptions.Exit(1)


@contextmanager
def _ingest_progress(items: tuple[str, ...]) -> Iterator[Any]:
    """A progress bar over the releases, on a terminal only."""
    if not sys.stderr.isatty():
        yield None
        return
    from .intake.ingest import release_items

    total = sum(1 for _ in release_items(items))
    with click.progressbar(length=total, label="ingesting", file=sys.stderr) as bar:
        yield lambda outcome: bar.update(1)


# --------------------------------------------------------------------------- serve


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port to listen on."
)
@click.option(
    "--base-url",
    default="/",
    show_default=True,
    metavar="PATH",
    help="The path the site is published under behind a reverse proxy, e.g. /proiecte-ue/.",
)
@pass_archive
def serve(archive: ArchiveContext, host: str, port: int, base_url: str) -> None:
    """Serve the SQLite archive on the web with Datasette, read-only.

    Browse and filter projects, read each project's fiche beside its source
    releases, search without minding diacritics, run read-only SQL. Needs
    Datasette: pip install 'eufunds[web]'. The file is served immutable: stop
    the server before loading into it, or serve a copy (eufunds db backup).

    \b
    Examples:
      eufunds serve                      http://127.0.0.1:8001/
      eufunds --db site.db serve --port 8080 --base-url /proiecte-ue/
    """
    from .web import serve as serve_archive

    with user_errors():
        serve_archive(
            archive.url, host=host, port=port, base_url=base_url, busy_timeout_ms=archive.busy_timeout_ms,
            on_ready=click.echo,
        )  # fmt: skip


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="eufunds")
    except KeyboardInterrupt:
        click.echo(INTERRUPTED_MESSAGE, err=True)
        sys.exit(130)
