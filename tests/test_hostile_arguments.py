"""Every ``eufunds`` command under hostile arguments: never a traceback, never a hang.

The commands are read off the click group itself, so a command added later is
driven here without anyone remembering to list it. Each parameter of each
command — and each global option, in front of each command — is given, one at
a time, every hostile value of its kind (paths that do not exist, folders,
FIFOs, symlink loops, names with a line break, ``#``, ``?``, ``%`` or 300
bytes, ``/dev/full``, a read-only ``/proc`` path; empty, negative, huge and
non-numeric numbers; unknown choices; impossible dates), the rest of the
command line staying valid. Each run is a real process with a time limit, in a
folder of its own holding a copy of a loaded archive, and must end in one of
three ways: success; click's usage error (exit 2, ``Error:``); or exit 1 with
every line on stderr an ``error:`` or ``warning:`` line.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from eufunds.cli import cli, main
from eufunds.settings import SETTINGS

pytestmark = pytest.mark.sqlite_only

REPO = Path(__file__).resolve().parents[1]
RELEASE = REPO / "seeds" / "001_f36f72105a710f57.txt"
RUN_SECONDS = 60  # far beyond any honest run here; only a hang reaches it
PROGRAM = "from eufunds.cli import main; main()"

# Hostile values; "{w}" is the run's own folder (see make_workdir).
PATHS = {
    "missing": "{w}/nothing-here",
    "missing-folder": "{w}/no/such/folder/x",
    "folder": "{w}/folder",
    "text-file": "{w}/text.txt",
    "fifo": "{w}/fifo",
    "symlink-loop": "{w}/loop",
    "line-break": "{w}/two\nlines",
    "uri-characters": "{w}/a#b?c%20d",
    "unicode": "{w}/ăîșț-‮txt",
    "spaces": "{w}/ some name ",
    "name-over-255-bytes": "{w}/" + "n" * 300,
    "dev-full": "/dev/full",
    "dev-zero": "/dev/zero",
    "read-only-proc": "/proc/eufunds-hostile",
    "empty": "",
}
TEXTS = {
    "empty": "",
    "line-break": "a\nb",
    "long": "ș" * 3000,
    "leading-dash": "-x",
    "control": "\x1b[2J\u202e",
}
NUMBERS = {
    "negative": "-1",
    "huge": "9" * 40,
    "nan": "nan",
    "infinite": "inf",
    "overflowing-float": "1e999",
    "hexadecimal": "0x10",
    "arabic-indic-digits": "٣",
    "empty": "",
    "word": "many",
}
CHOICES = {"unknown": "no-such-thing", "empty": ""}
DATES = {"no-such-day": "2020-02-30", "year-zero": "0000-01-01", "empty": "", "other-order": "31-12-2020"}
DATABASES = {
    **PATHS,
    "mysql-url": "mysql://user@localhost/archive",
    "unreachable-postgresql": "postgresql://nobody@127.0.0.1:1/archive",
    "sqlite-url-of-a-folder": "sqlite:///{w}/folder",
    "not-a-url": "not a url://x",
}

# What a valid run of each command needs beside the archive; a command added
# later runs with "x" for each required argument, which is hostile enough.
VALID = {
    "db downgrade": {"revision": "-1"},
    "db backup": {"destination": "{w}/copy.db"},
    "query": {"sql": "select 1"},
    "search": {"words": "calitate"},
    "show": {"project": "474"},
    "extract": {"files": "{w}/release.txt"},
    "ingest": {"items": "{w}/release.txt"},
    "serve": {"port": "0"},
}
# Commands that run until stopped: seeing their "ready" line is success.
LONG_RUNNING = {"serve": "serving "}


def leaf_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


def command_of(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def hostile_values(param: click.Parameter, *, database: bool = False) -> dict[str, str]:
    """The hostile values for a parameter, chosen by its type: a text can be a
    path, so plain text parameters get both."""
    if database:
        return DATABASES
    setting = SETTINGS.get(param.name or "")
    if setting is not None and setting.parse is not str:
        return NUMBERS  # a knob read from text by the settings table
    kind = param.type
    if isinstance(kind, click.Choice):
        return CHOICES
    if isinstance(kind, click.DateTime):
        return DATES
    if isinstance(kind, click.types._NumberParamTypeBase):
        return NUMBERS
    if isinstance(kind, click.Path):
        return PATHS
    if kind is click.STRING:
        return {**PATHS, **{f"text-{k}": v for k, v in TEXTS.items()}}
    return {}


@dataclass(frozen=True)
class Case:
    command: tuple[str, ...]
    param: str
    value_name: str
    value: str
    global_option: bool

    @property
    def id(self) -> str:
        return f"{' '.join(self.command)}-{self.param}-{self.value_name}"


def cases() -> Iterator[Case]:
    for path in leaf_commands(cli):
        for param in cli.params:
            if isinstance(param, click.Option) and not param.is_flag and param.name not in ("version",):
                for value_name, value in hostile_values(param, database=param.name == "db").items():
                    yield Case(path, param.name or "", value_name, value, global_option=True)
        for param in command_of(path).params:
            if isinstance(param, click.Option) and (param.is_flag or param.name == "help"):
                continue
            for value_name, value in hostile_values(param).items():
                yield Case(path, param.name or "", value_name, value, global_option=False)


CASES = list(cases())


def command_line(case: Case, workdir: Path) -> list[str]:
    """The command with its valid arguments, the one under attack hostile."""
    w = str(workdir)
    global_values = {"db": f"{w}/archive.db"}
    command = command_of(case.command)
    valid = {name: value.format(w=w) for name, value in VALID.get(" ".join(case.command), {}).items()}
    hostile = case.value.format(w=w)
    args: list[str] = []
    for param in cli.params:
        if case.global_option and param.name == case.param:
            args += [param.opts[0], hostile]
        elif param.name in global_values:
            args += [param.opts[0], global_values[param.name]]
    args += case.command
    positional: list[str] = []
    for param in command.params:
        name = param.name or ""
        chosen = hostile if not case.global_option and name == case.param else valid.get(name)
        if chosen is None:
            if isinstance(param, click.Argument) and param.required:
                positional.append("x")
            continue
        if isinstance(param, click.Argument):
            positional.append(chosen)
        else:
            args += [param.opts[0], chosen]
    # "--" keeps a hostile positional that starts with a dash a value, as a user would write it.
    return [*args, "--", *positional] if positional else args


@pytest.fixture(scope="module")
def loaded_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    shutil.copytree(REPO / "seeds", folder / "seeds")
    built = subprocess.run(
        [sys.executable, "-c", PROGRAM, "--db", str(folder / "archive.db"), "build", "--seeds", str(folder / "seeds")],
        capture_output=True, text=True, timeout=RUN_SECONDS, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    return folder


@pytest.fixture(scope="module", autouse=True)
def imported_once() -> None:
    """What the commands import when they run, imported before the forks, so
    each forked run starts with it instead of importing it again."""
    import importlib

    for module in (
        "sqlalchemy", "alembic.command", "eufunds.migrate", "eufunds.backup", "eufunds.load.loader",
        "eufunds.read.query", "eufunds.read.search", "eufunds.read.check", "eufunds.read.fiche",
        "eufunds.read.stats", "eufunds.export.exporters", "eufunds.intake.ingest",
        "eufunds.extract.evaluation", "eufunds.web",
    ):  # fmt: skip
        importlib.import_module(module)


def make_workdir(workdir: Path, loaded_archive: Path) -> None:
    """A folder of the run's own: a copy of the archive and seeds (runs may
    change them), a release, and the hostile things paths point at."""
    shutil.copy(loaded_archive / "archive.db", workdir / "archive.db")
    shutil.copytree(loaded_archive / "seeds", workdir / "seeds")
    shutil.copy(RELEASE, workdir / "release.txt")
    (workdir / "text.txt").write_text("not a database\n" * 50, encoding="utf-8")
    (workdir / "folder").mkdir()
    os.mkfifo(workdir / "fifo")
    (workdir / "loop").symlink_to(workdir / "loop")


@dataclass
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    hung: bool = False
    ready: bool = False


def _clean_environment() -> dict[str, str]:
    # A developer's EUFUNDS_DB or worker counts must not change what is attacked.
    return {k: v for k, v in os.environ.items() if not k.startswith("EUFUNDS_")}


def run_eufunds(args: list[str], cwd: Path, ready_line: str | None) -> Outcome:
    """Run the CLI as a fresh interpreter would (`python -c`), stopped with its
    children after RUN_SECONDS."""
    command = [sys.executable, "-c", PROGRAM, *args]
    return _watch(cwd, ready_line, lambda out, err: _spawn(command, cwd, out, err))


def run_forked(args: list[str], cwd: Path, ready_line: str | None) -> Outcome:
    """Run the CLI in a process forked from this one, which has imported
    eufunds already: the attack runs a thousand commands, and an interpreter
    start for each would cost minutes. The child is a process of its own, with
    its own files 0, 1 and 2, working folder and session, so a hang is stopped
    like any other; an exception escaping ``main`` is printed as Python would."""
    return _watch(cwd, ready_line, lambda out, err: _fork(args, cwd, out, err))


def _spawn(command: list[str], cwd: Path, out: Path, err: Path) -> int:
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            command, cwd=cwd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
            start_new_session=True, env=_clean_environment(),
        )  # fmt: skip
    return process.pid


def _fresh_multiprocessing() -> None:
    """Forget the forkserver and resource tracker this test process may have
    started (earlier tests load with worker processes): a forked child is not
    their parent's child, so using them fails with "No child processes"."""
    from multiprocessing import forkserver, resource_tracker

    server = forkserver.ForkServer()
    forkserver._forkserver = server  # type: ignore[attr-defined]
    for name in ("ensure_running", "get_inherited_fds", "connect_to_new_process", "set_forkserver_preload"):
        setattr(forkserver, name, getattr(server, name))
    tracker = resource_tracker.ResourceTracker()
    resource_tracker._resource_tracker = tracker  # type: ignore[attr-defined]
    for name in ("ensure_running", "register", "unregister", "getfd"):
        setattr(resource_tracker, name, getattr(tracker, name))


def _fork(args: list[str], cwd: Path, out: Path, err: Path) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        _fresh_multiprocessing()
        os.setsid()
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(_clean_environment())
        for fd, (path, flags) in enumerate(
            [(os.devnull, os.O_RDONLY), (out, os.O_WRONLY | os.O_CREAT), (err, os.O_WRONLY | os.O_CREAT)]
        ):
            os.dup2(os.open(path, flags), fd)
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
        sys.argv = ["eufunds", *args]
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _watch(cwd: Path, ready_line: str | None, start: Callable[[Path, Path], int]) -> Outcome:
    """Start the run, then wait for its end, its ready line, or RUN_SECONDS."""
    out_path, err_path = cwd / ".stdout", cwd / ".stderr"
    out_path.touch()
    err_path.touch()
    pid = start(out_path, err_path)
    deadline = time.monotonic() + RUN_SECONDS
    hung = ready = False
    status: int | None = None
    while status is None:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(raw)
        elif ready_line and ready_line in out_path.read_text(errors="replace"):
            ready = True
        elif time.monotonic() > deadline:
            hung = True
        else:
            time.sleep(0.02)
            continue
        if status is None:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            break
    read = lambda p: p.read_text(encoding="utf-8", errors="replace")  # noqa: E731
    return Outcome(status, read(out_path), read(err_path), hung, ready)


def assert_clean_outcome(outcome: Outcome) -> None:
    """Success, click's usage error, or one `error:` line per problem — never a traceback."""
    shown = f"exit {outcome.code}\n--- stdout\n{outcome.stdout[-3000:]}\n--- stderr\n{outcome.stderr[-3000:]}"
    assert not outcome.hung, f"no answer within {RUN_SECONDS} s\n{shown}"
    assert "Traceback" not in outcome.stdout + outcome.stderr, shown
    if outcome.ready or outcome.code == 0:
        return
    if outcome.code == 2 and "\nError: " in "\n" + outcome.stderr:
        return  # click's own usage error: wrong option, bad value for its type
    assert outcome.code == 1, shown
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert lines, f"exit 1 must say why\n{shown}"
    strays = [line for line in lines if not line.startswith(("error: ", "warning: "))]
    assert not strays, f"every line on stderr is one error or warning\n{shown}"


def test_every_command_and_every_parameter_is_attacked() -> None:
    attacked = {(case.command, case.param) for case in CASES}
    for path in leaf_commands(cli):
        for param in command_of(path).params:
            takes_value = not (isinstance(param, click.Option) and param.is_flag) and param.name != "help"
            if takes_value:
                assert (path, param.name) in attacked, f"{' '.join(path)} {param.name}: no hostile values"
        assert (path, "db") in attacked


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_hostile_argument_ends_in_success_or_an_error_line_never_a_traceback_or_a_hang(
    case: Case, tmp_path: Path, loaded_archive: Path
) -> None:
    make_workdir(tmp_path, loaded_archive)
    args = command_line(case, tmp_path)
    assert_clean_outcome(run_forked(args, tmp_path, LONG_RUNNING.get(" ".join(case.command))))


# --- the classes the attack above found, each held on its own ----------------------------------


@pytest.fixture
def workdir(tmp_path: Path, loaded_archive: Path) -> Path:
    make_workdir(tmp_path, loaded_archive)
    return tmp_path


def one_error_line(workdir: Path, *args: str) -> str:
    outcome = run_eufunds(list(args), workdir, ready_line=None)
    assert_clean_outcome(outcome)
    assert outcome.code == 1
    (line,) = outcome.stderr.splitlines()
    assert line.startswith("error: ")
    return line


@pytest.mark.parametrize("name", ["fifo", "folder", "loop", "n" * 300, "text.txt/x"])
@pytest.mark.parametrize(
    "command", [["list"], ["query", "select 1"], ["db", "upgrade"], ["db", "backup", "b.db"]]
)
def test_an_archive_path_that_is_no_regular_file_is_refused_at_once_naming_it(
    workdir: Path, name: str, command: list[str]
) -> None:
    line = one_error_line(workdir, "--db", str(workdir / name), *command)
    assert name[:20] in line


@pytest.mark.parametrize("command", [["db", "backup", "b.db"], ["serve", "--port", "0"]])
def test_a_database_url_that_does_not_parse_is_one_error_line(workdir: Path, command: list[str]) -> None:
    assert "neither a file path nor a database URL" in one_error_line(workdir, "--db", "a b://x", *command)


def test_a_raw_driver_error_is_one_error_line(tmp_path: Path) -> None:
    # `query` takes the driver's own connection, which SQLAlchemy's pool does not wrap.
    line = one_error_line(tmp_path, "--db", "postgresql://nobody@127.0.0.1:1/archive", "query", "select 1")
    assert line.startswith("error: database error: ") and "Connection refused" in line


@pytest.mark.parametrize(
    ("action", "revision"),
    [
        ("upgrade", "no-such-revision"),
        ("downgrade", "no-such-revision"),
        ("upgrade", ""),
        ("downgrade", "-99"),
    ],
)
def test_a_revision_alembic_cannot_reach_is_one_error_line(workdir: Path, action: str, revision: str) -> None:
    line = one_error_line(workdir, "--db", str(workdir / "archive.db"), "db", action, "--", revision)
    assert "revision" in line


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "json", "--output"],
        ["export", "--format", "yaml", "--output"],
        ["db", "backup"],
    ],
)
def test_an_output_name_the_system_refuses_is_one_error_line_naming_it(
    workdir: Path, command: list[str]
) -> None:
    too_long = str(workdir / ("n" * 300))
    line = one_error_line(workdir, "--db", str(workdir / "archive.db"), *command, too_long)
    assert "n" * 100 in line and "too long" in line


def test_an_export_to_a_pipe_nobody_reads_is_refused_at_once(workdir: Path) -> None:
    line = one_error_line(
        workdir, "--db", str(workdir / "archive.db"), "export", "--output", str(workdir / "fifo")
    )
    assert "nobody is reading" in line


def test_an_export_to_a_pipe_with_a_reader_streams_through_it(workdir: Path) -> None:
    with subprocess.Popen(["cat", str(workdir / "fifo")], stdout=subprocess.PIPE) as reader:
        time.sleep(0.5)  # cat opens the pipe for reading before the export opens it
        outcome = run_eufunds(
            ["--db", str(workdir / "archive.db"), "export", "--output", str(workdir / "fifo")], workdir, None
        )
        received = reader.communicate(timeout=RUN_SECONDS)[0]
    assert outcome.code == 0, outcome.stderr
    assert b'"slug": "cj-cluj-calitate-competenta-performanta"' in received


@pytest.mark.parametrize(("option", "value"), [("--workers", "9" * 40), ("--workers", "100000")])
@pytest.mark.parametrize("command", [["load"], ["export", "--format", "csv", "--output", "t"]])
def test_a_worker_count_beyond_reason_is_refused_by_its_option(
    workdir: Path, command: list[str], option: str, value: str
) -> None:
    line = one_error_line(workdir, "--db", str(workdir / "archive.db"), *command, option, value)
    assert "--workers" in line and "from 1 to" in line


def test_a_search_limit_beyond_the_database_integers_is_a_usage_error(workdir: Path) -> None:
    outcome = run_eufunds(
        ["--db", str(workdir / "archive.db"), "search", "--limit", "9" * 40, "x"], workdir, None
    )
    assert outcome.code == 2 and "Error: Invalid value for '--limit'" in outcome.stderr


@pytest.mark.parametrize("host", ["ș" * 3, "a" * 300, "\x1b[2J"])
def test_a_host_the_system_cannot_encode_is_one_error_line(workdir: Path, host: str) -> None:
    line = one_error_line(
        workdir, "--db", str(workdir / "archive.db"), "serve", "--port", "0", "--host", host
    )
    assert "cannot listen on" in line


@pytest.mark.parametrize("seeds_dir", ["fifo", "loop"])  # a regular file: click says so itself
def test_ingest_into_a_seeds_folder_that_is_not_one_is_refused_before_reading(
    workdir: Path, seeds_dir: str
) -> None:
    args = [
        "--db",
        str(workdir / "archive.db"),
        "ingest",
        "--seeds-dir",
        str(workdir / seeds_dir),
        str(workdir / "release.txt"),
    ]
    assert "is not a folder" in one_error_line(workdir, *args)


def test_ingest_refuses_a_release_name_too_long_for_the_system_and_goes_on(workdir: Path) -> None:
    args = [
        "--db",
        str(workdir / "archive.db"),
        "ingest",
        "--dry-run",
        str(workdir / ("n" * 300)),
        str(workdir / "release.txt"),
    ]
    outcome = run_eufunds(args, workdir, None)
    assert_clean_outcome(outcome)
    (line,) = outcome.stderr.splitlines()
    assert outcome.code == 1 and "n" * 100 in line
    assert "1 drafted" in outcome.stdout or "drafted" in outcome.stdout, outcome.stdout
