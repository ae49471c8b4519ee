"""A throwaway PostgreSQL cluster for the tests and the benchmarks.

Owns finding the server binaries, ``initdb`` into a private temporary folder,
starting the server on a unix socket in that folder (no TCP port, so two runs
on one machine never collide and nothing listens on the network), creating and
dropping one database per test, and stopping the server at the end.

PostgreSQL refuses to run as root, and CI runs as root: then every server
command runs as the unprivileged ``postgres`` user (created when missing) via
``runuser``, and the folder is handed over to that user. Run as anyone else,
the commands run as that user.

``EUFUNDS_TEST_POSTGRES_URL`` (an admin URL such as
``postgresql+psycopg://me@localhost/postgres``) uses an existing server instead
of starting one.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

EXTERNAL_URL_VAR = "EUFUNDS_TEST_POSTGRES_URL"
BINDIR_VAR = "EUFUNDS_PG_BINDIR"
SERVER_USER = "postgres"
SUPERUSER = "postgres"
# A fixed port number only names the socket file (.s.PGSQL.<port>) inside our
# private folder; with listen_addresses='' nothing is bound on the network.
SOCKET_PORT = 5432
START_TIMEOUT_S = 60


class ClusterUnavailable(Exception):
    """No PostgreSQL server could be started or reached; the message says why."""


def find_bindir() -> Path | None:
    """The folder holding initdb/pg_ctl/postgres, newest version first.

    Debian keeps the server binaries out of PATH, under
    /usr/lib/postgresql/<major>/bin; other systems put them on PATH.
    """
    override = os.environ.get(BINDIR_VAR)
    if override:
        return Path(override) if (Path(override) / "initdb").exists() else None
    versions = []
    for candidate in Path("/usr/lib/postgresql").glob("*/bin"):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            major = re.match(r"\d+", candidate.parent.name)
            versions.append((int(major.group()) if major else 0, candidate))
    if versions:
        return max(versions)[1]
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def _ensure_server_user() -> None:
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        # Debian's postgresql package creates this user; a machine with the
        # binaries but not the package (or a container image) may lack it.
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            check=True,
            capture_output=True,
        )


@dataclass
class PostgresCluster:
    """A running server and how to reach it; ``url(db)`` names one of its databases."""

    admin_url: str  # SQLAlchemy URL of a database to run CREATE/DROP DATABASE from
    bindir: Path | None = None
    folder: Path | None = None
    owned: bool = False  # started here, so stopped here
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    # ----------------------------------------------------------------- lifecycle

    @classmethod
    def start(cls, *, durable: bool = False) -> PostgresCluster:
        """Start a private cluster, or use ``$EUFUNDS_TEST_POSTGRES_URL``.

        Tests pass ``durable=False``: fsync off makes CREATE/DROP DATABASE and
        commits cheap, and a crash only loses a throwaway cluster. Benchmarks
        pass ``durable=True`` to measure what a real server would do.
        """
        _require_driver()
        external = os.environ.get(EXTERNAL_URL_VAR)
        if external:
            cluster = cls(admin_url=external)
            cluster._check_reachable(external)
            return cluster
        bindir = find_bindir()
        if bindir is None:
            raise ClusterUnavailable(
                "PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's "
                f"'postgresql' package, set {BINDIR_VAR}, or set {EXTERNAL_URL_VAR}"
            )
        as_root = os.geteuid() == 0
        if as_root:
            try:
                _ensure_server_user()
            except (OSError, subprocess.CalledProcessError) as exc:
                raise ClusterUnavailable(f"cannot create the {SERVER_USER!r} user: {exc}") from None
            if shutil.which("runuser") is None:
                raise ClusterUnavailable("running as root and `runuser` is missing to drop privileges")
        folder = Path(tempfile.mkdtemp(prefix="eufunds-pg-"))
        cluster = cls(admin_url="", bindir=bindir, folder=folder, owned=True)
        try:
            if as_root:
                entry = pwd.getpwnam(SERVER_USER)
                os.chown(folder, entry.pw_uid, entry.pw_gid)
            folder.chmod(0o700)
            cluster._server_command(
                "initdb", "-D", str(folder / "data"), "-U", SUPERUSER, "--auth=trust",
                "--encoding=UTF8", "--no-locale", "--no-sync",
            )  # fmt: skip
            options = [
                "-k", str(folder), "-p", str(SOCKET_PORT), "-c", "listen_addresses=''",
                "-c", "max_connections=50", "-c", "shared_buffers=128MB",
            ]  # fmt: skip
            if not durable:
                options += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
            cluster._server_command(
                "pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "server.log"),
                "-o", " ".join(options), "-w", "-t", str(START_TIMEOUT_S), "start",
            )  # fmt: skip
        except ClusterUnavailable:
            cluster.stop()
            raise
        # Stop even when pytest is interrupted before fixture teardown runs.
        atexit.register(cluster.stop)
        cluster.admin_url = f"postgresql+psycopg://{SUPERUSER}@/postgres?host={folder}&port={SOCKET_PORT}"
        cluster._check_reachable(cluster.admin_url)
        return cluster

    def stop(self) -> None:
        """Stop the server (fast mode, then immediate) and remove its folder."""
        if not self.owned or self.folder is None:
            return
        folder, self.folder = self.folder, None
        data = folder / "data"
        if (data / "postmaster.pid").exists():
            for mode in ("fast", "immediate"):
                try:
                    self._server_command("pg_ctl", "-D", str(data), "-m", mode, "-w", "-t", "30", "stop")
                    break
                except ClusterUnavailable:
                    continue
        shutil.rmtree(folder, ignore_errors=True)

    def _server_command(self, program: str, *args: str) -> None:
        assert self.bindir is not None
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ClusterUnavailable(f"{program} failed: {exc}") from None
        if done.returncode != 0:
            log = ""
            if self.folder is not None and (self.folder / "server.log").exists():
                log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
            raise ClusterUnavailable(
                f"{program} exited {done.returncode}: {(done.stderr or done.stdout).strip()[-2000:]}"
                + (f"\nserver log:\n{log}" if log else "")
            )

    # ----------------------------------------------------------------- databases

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this server."""
        return make_url(self.admin_url).set(database=database).render_as_string(hide_password=False)

    def create_database(self, prefix: str = "eufunds_test") -> str:
        """Create an empty database with a fresh name; returns its URL."""
        name = f"{prefix}_{os.getpid()}_{next(self._counter)}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by ``create_database``, closing any connection left open."""
        name = make_url(url).database
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(_libpq(self.admin_url), autocommit=True) as connection:
            connection.execute(statement)  # type: ignore[arg-type]

    def _check_reachable(self, url: str) -> None:
        import psycopg

        try:
            with psycopg.connect(_libpq(url), connect_timeout=10) as connection:
                connection.execute("SELECT 1")
        except psycopg.Error as exc:
            raise ClusterUnavailable(f"cannot connect to PostgreSQL at {url}: {exc}") from None


def _libpq(url: str) -> str:
    """The libpq form (postgresql://…) of a SQLAlchemy URL (postgresql+psycopg://…)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _require_driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise ClusterUnavailable(
            "the psycopg driver is not installed; pip install -e '.[test,postgres]'"
        ) from None


@contextlib.contextmanager
def running_cluster(*, durable: bool = False):  # type: ignore[no-untyped-def]
    """``with running_cluster() as cluster:`` — started, then stopped whatever happens."""
    cluster = PostgresCluster.start(durable=durable)
    try:
        yield cluster
    finally:
        cluster.stop()
