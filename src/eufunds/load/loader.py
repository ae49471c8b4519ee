"""The loader: validated seeds in, archive rows out, all or nothing.

Every seed is read and validated before the database is touched; then one
write transaction inserts new projects, updates changed ones in place (same
project id) and skips unchanged ones (recognised by a fingerprint of the record
and its source texts). Any problem, in a file or against what the archive
already holds, aborts the whole load and leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import functools
import pickle
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Engine,
    Insert,
    bindparam,
    delete,
    func,
    insert,
    select,
    union,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import migrate, searchindex
from ..coding.kinds import classify_organisation
from ..coding.places import PlaceResult, place_from_text
from ..db import ArchiveError, busy_timeout_of, describe_url, has_schema
from ..errors import LoadError
from ..models import (
    Contact,
    Document,
    Evidence,
    FundingSource,
    Indicator,
    IndicatorTopic,
    Load,
    Objective,
    Organisation,
    Partner,
    PriorityAxis,
    Programme,
    Project,
    ProjectFund,
    Restatement,
    Result,
    SpecificObjective,
)
from ..numbers import share_to_basis_points, to_minor_units
from ..record import IndicatorEntry, PriorityAxisRef, SpecificObjectiveRef
from ..seed import consistency
from ..seed.format import Seed, SeedProblem
from ..text import organisation_key
from ._outbox import Outbox
from ._pool import read_seed_file, read_seed_files
from ._rows import RowValues
from .discovery import discover_seed_files

if TYPE_CHECKING:
    from ._pgcopy import CopyInto

Progress = Callable[[int], None]

# Seeds written per batch by a streamed load (see ``load_paths``): enough that
# each statement is a long executemany, few enough that a batch's seeds and rows
# stay a few megabytes.
WRITE_BATCH = 500


_OUTCOMES = ("inserted", "updated", "unchanged")


@dataclass
class LoadReport:
    """What a load did, project by project: the slugs inserted, updated and
    found unchanged, in load order. With ``keep_slugs`` off only their numbers
    are kept, so that a load's memory does not grow with its size (the command
    line prints numbers only)."""

    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # "<release> joined <project>": each further release a project's seed joined in.
    joined: list[str] = field(default_factory=list)
    keep_slugs: bool = True
    _counted: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(_OUTCOMES, 0), init=False, repr=False
    )

    def add(self, outcome: str, slugs: Sequence[str]) -> None:
        """Record ``slugs`` under ``outcome`` (inserted, updated or unchanged)."""
        if self.keep_slugs:
            getattr(self, outcome).extend(slugs)
        else:
            self._counted[outcome] += len(slugs)

    @property
    def counts(self) -> dict[str, int]:
        """Seeds per outcome: the lists' lengths, or the numbers kept instead."""
        if self.keep_slugs:
            return {outcome: len(getattr(self, outcome)) for outcome in _OUTCOMES}
        return dict(self._counted)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        counts = self.counts
        return (
            f"{self.total} seed{'s' if self.total != 1 else ''}: {counts['inserted']} inserted, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged"
            + (
                f", {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
                if self.warnings
                else ""
            )
        )


def load_paths(
    engine: Engine,
    paths: Sequence[Path],
    *,
    progress: Progress | None = None,
    strict: bool = False,
    keep_slugs: bool = True,
    workers: int | None = None,
) -> LoadReport:
    """Validate every seed under ``paths`` and load them in one transaction.

    ``workers`` processes read the seeds (default: one per usable core for a
    large load, this process alone for a small one).

    Raises ``LoadError`` (nothing written) when any seed is invalid or conflicts
    with the archive.

    Memory stays flat however many seeds there are: files are found as they
    are read (``eufunds.load.discovery``), validated seeds wait in a temporary spool
    file, and what the checks across seeds need (slugs, codes, source hashes,
    where each is written) in a scratch SQLite database (``_LoadIndex``), until
    every check has passed; then the spool is written in batches inside the one
    transaction. Only the report's lists of slugs grow with the load; with
    ``keep_slugs`` off it keeps their numbers alone.
    """
    _check_schema(engine)
    problems: list[SeedProblem | str] = []
    for path in paths:
        if not path.exists():
            problems.append(SeedProblem(str(path), None, None, "no such file or folder"))
    files = discover_seed_files([p for p in paths if p.exists()])  # found as they are read
    # In parallel for large loads, in file order.
    outcomes = read_seed_files(files, workers=workers)
    return _load(engine, outcomes, problems, progress=progress, strict=strict, keep_slugs=keep_slugs)


def load_seeds(
    engine: Engine,
    seeds: Iterable[Seed | Path],
    *,
    progress: Progress | None = None,
    strict: bool = False,
    keep_slugs: bool = True,
) -> LoadReport:
    """Load seeds in one transaction, each a ``Seed`` already read and validated
    (``eufunds.seed.format.read_seed``) or the path of a seed file, read here:
    the rows, checks, refusals and report of ``load_paths`` of the files the
    seeds were read from, in this order. For a caller that has just read its
    seeds itself (``eufunds ingest`` checks each draft in its worker
    processes), so that no file is parsed twice."""
    _check_schema(engine)
    outcomes = (seed if isinstance(seed, Seed) else read_seed_file(seed) for seed in seeds)
    return _load(engine, outcomes, [], progress=progress, strict=strict, keep_slugs=keep_slugs)


def _check_schema(engine: Engine) -> None:
    if not has_schema(engine):
        raise _no_schema(engine)
    mismatch = migrate.schema_mismatch(engine)
    if mismatch is not None:
        raise ArchiveError(mismatch)


def _load(
    engine: Engine,
    outcomes: Iterable[Seed | list[SeedProblem]],
    problems: list[SeedProblem | str],
    *,
    progress: Progress | None,
    strict: bool,
    keep_slugs: bool,
) -> LoadReport:
    """Check and write ``outcomes`` (each a seed or a file's problems), all or
    nothing, after ``problems`` found before reading (see ``load_paths``)."""
    report = LoadReport(keep_slugs=keep_slugs)
    with (
        _LoadIndex() as index,
        _SeedSpool() as spool,
        _write_transaction(engine) as connection,
        _Writer(connection, report, progress) as writer,
    ):
        # While every seed so far is valid, new to the archive and clear of any
        # code or text it holds, batches are written as they are read (the
        # workers parse the next ones meanwhile); a problem found later rolls
        # them back with the rest. From the first batch that is not that simple
        # on, seeds wait in the spool for the full checks.
        streaming = True
        batch: list[Seed] = []
        joined_in: set[Path] = set()  # releases the projects' seeds of this load joined
        joiners: list[tuple[Path, SeedProblem]] = []  # releases met on their own, and what to say if unjoined
        for outcome in outcomes:
            if isinstance(outcome, Seed) and outcome.record["joins"] is not None:
                # A further release is read through its project's seed, not as a project.
                target = outcome.record["joins"]
                message = f"joins {target!r}, but no seed of this load lists it under `releases`"
                joiners.append(
                    (
                        outcome.path.resolve(),
                        SeedProblem(outcome.label, outcome.line_of("joins"), "joins", message),
                    )
                )
                if progress:
                    progress(1)
                continue
            if isinstance(outcome, Seed):
                joined_in.update(outcome.releases)
                report.joined.extend(f"{path.name} joined {outcome.slug}" for path in outcome.releases)
                index.add(outcome)
                warnings = consistency.record_warnings(outcome.record)
                report.warnings.extend(f"{outcome.label}: {w}" for w in warnings)
                if problems or (strict and report.warnings):
                    pass  # the load will be refused; keep reading only to report every problem
                elif streaming:
                    batch.append(outcome)
                    if len(batch) >= WRITE_BATCH:
                        streaming = writer.write_streamed(batch, index)
                        batch = _spool_all(spool, batch) if not streaming else []
                else:
                    spool.add(outcome)
            else:
                problems.extend(outcome)
            if progress:
                progress(1)
        refused = problems or (strict and report.warnings)
        if batch and not refused and not (streaming and writer.write_streamed(batch, index)):
            _spool_all(spool, batch)
        problems.extend(index.duplicates())
        if not problems:
            # Otherwise the project's own seed may be the one refused, which says why.
            problems.extend(problem for path, problem in joiners if path not in joined_in)
        if problems:
            raise LoadError(problems)
        if strict and report.warnings:
            raise LoadError(report.warnings)
        writer.write_spooled(index, spool)
        writer.finish()
    return report


def _spool_all(spool: _SeedSpool, seeds: list[Seed]) -> list[Seed]:
    for seed in seeds:
        spool.add(seed)
    return []


def _no_schema(engine: Engine) -> ArchiveError:
    return ArchiveError(
        f"the archive at {describe_url(str(engine.url))} has no schema yet; "
        "run `eufunds db upgrade` (or `eufunds build`) first"
    )


# The key of the PostgreSQL advisory lock that loads take (any fixed bigint;
# this one spells "eufunds" in ASCII).
LOAD_LOCK_KEY = 0x65756675_6E6473


@contextmanager
def _write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction, one writer at a time; a busy archive becomes a
    clear message."""
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    _take_load_lock(connection)
                yield connection
    except OperationalError as exc:
        if "locked" in str(exc.orig) or "busy" in str(exc.orig) or "lock timeout" in str(exc.orig):
            raise ArchiveError(
                "the archive is busy: another command is writing to it; try again when it finishes"
            ) from None
        raise
    except IntegrityError as exc:
        # Validation catches what it can; a rule the archive holds and the
        # seeds' checks do not know of (a constraint added by hand) ends here.
        raise LoadError([f"the archive refused a row: {exc.orig}"]) from None


def _take_load_lock(connection: Connection) -> None:
    """Queue behind any other load, as BEGIN IMMEDIATE does on SQLite: two loads
    at once would each see the other's new slugs as free and collide on commit.
    The wait is bounded like SQLite's busy timeout."""
    # lock_timeout 0 would mean "wait for ever", not "do not wait".
    connection.execute(sql_text(f"SET LOCAL lock_timeout = {max(1, busy_timeout_of(connection))}"))
    connection.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOAD_LOCK_KEY})


class _SeedSpool:
    """Validated seeds in load order, pickled to an anonymous temporary file."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by __exit__
        self.count = 0

    def __enter__(self) -> _SeedSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def add(self, seed: Seed) -> None:
        data = pickle.dumps(seed, protocol=pickle.HIGHEST_PROTOCOL)
        self.file.write(len(data).to_bytes(8, "little"))
        self.file.write(data)
        self.count += 1

    def __iter__(self) -> Iterator[Seed]:
        self.file.seek(0)
        for _ in range(self.count):
            size = int.from_bytes(self.file.read(8), "little")
            yield pickle.loads(self.file.read(size))


# What a seed claims that no other seed (or other archived project) may hold.
_CLAIMS_SQL = """
CREATE TABLE seed (seq INTEGER PRIMARY KEY, slug TEXT NOT NULL, fingerprint TEXT NOT NULL,
                   label TEXT NOT NULL, project_id INTEGER, unchanged INTEGER NOT NULL DEFAULT 0,
                   streamed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX seed_slug ON seed (slug);
CREATE TABLE claim (seq INTEGER NOT NULL, ordinal INTEGER NOT NULL, kind TEXT NOT NULL,
                    value TEXT NOT NULL, path TEXT NOT NULL, line INTEGER, shown TEXT NOT NULL);
CREATE INDEX claim_value ON claim (kind, value, seq);
"""


class _LoadIndex:
    """Every seed's slug, fingerprint, codes and source hashes, with the file and
    line each comes from, in a private scratch SQLite database on disk (a
    bounded page cache, so memory does not grow with the load) — the facts the
    checks across seeds and against the archive need."""

    def __init__(self) -> None:
        # "" opens a private temporary database that spills to disk when large.
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.executescript(_CLAIMS_SQL)
        self.db.execute("BEGIN")
        self.next_seq = 0

    def __enter__(self) -> _LoadIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    def add(self, seed: Seed) -> None:
        seq = self.next_seq
        self.next_seq += 1
        record = seed.record
        self.db.execute(
            "INSERT INTO seed (seq, slug, fingerprint, label) VALUES (?, ?, ?, ?)",
            (seq, seed.slug, seed.fingerprint(), seed.label),
        )
        claims = [("slug", record["slug"], "slug", record["slug"])]
        for code in ("sipoca", "mysmis"):
            value = record["codes"][code]
            if value:
                claims.append((code, value, f"codes.{code}", value))
        for i, source in enumerate(seed.sources):
            claims.append(("source text", source.sha256, f"sources[{i}].file", record["sources"][i]["file"]))
        self.db.executemany(
            "INSERT INTO claim (seq, ordinal, kind, value, path, line, shown) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (seq, ordinal, kind, value, path, seed.line_of(path), shown)
                for ordinal, (kind, value, path, shown) in enumerate(claims)
            ],
        )

    def duplicates(self) -> list[SeedProblem]:
        """A claim also made by an earlier seed, named on the later one."""
        rows = self.db.execute(
            """
            SELECT s.label, c.line, c.path, c.kind, c.shown, fs.label, f.line
            FROM claim c
            JOIN seed s ON s.seq = c.seq
            JOIN claim f ON f.kind = c.kind AND f.value = c.value
                AND f.seq = (SELECT min(seq) FROM claim WHERE kind = c.kind AND value = c.value)
                AND f.ordinal = (SELECT min(ordinal) FROM claim
                                 WHERE kind = c.kind AND value = c.value AND seq = f.seq)
            JOIN seed fs ON fs.seq = f.seq
            WHERE c.seq > f.seq
            ORDER BY c.seq, c.ordinal
            """
        )
        return [
            SeedProblem(label, line, path, f"{kind} {shown!r} is also claimed by {first_label}:{first_line}")
            for label, line, path, kind, shown, first_label, first_line in rows
        ]

    def chunks(self, sql: str, size: int = 500) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of ``sql`` (whose two ``?`` bound ``seq``) for successive
        ranges of seeds: a finished query per chunk, so the caller may update
        the index between chunks."""
        for start in range(0, self.next_seq, size):
            rows = self.db.execute(sql, (start, start + size)).fetchall()
            if rows:
                yield rows

    def claimed_twice(self, first_seq: int, last_seq: int) -> bool:
        """Whether a seed from ``first_seq`` to ``last_seq`` claims what another seed claims."""
        found = self.db.execute(
            "SELECT 1 FROM claim c JOIN claim o ON o.kind = c.kind AND o.value = c.value AND o.seq <> c.seq "
            "WHERE c.seq BETWEEN ? AND ? LIMIT 1",
            (first_seq, last_seq),
        ).fetchone()
        return found is not None

    def mark_streamed(self, first_seq: int, last_seq: int) -> None:
        self.db.execute("UPDATE seed SET streamed = 1 WHERE seq BETWEEN ? AND ?", (first_seq, last_seq))

    def has_slug(self, slug: str) -> bool:
        return self.db.execute("SELECT 1 FROM seed WHERE slug = ?", (slug,)).fetchone() is not None


# A body's fiscal code without the "RO" a release may write before it.
_CUI_DIGITS = func.ltrim(Project.beneficiary_cui, "RO")

# Where projects word the organisations they link to.
_ORGANISATION_WORDINGS = [
    (Project.beneficiary_id, Project.beneficiary_name),
    (Project.acting_through_id, Project.acting_through_name),
    (Partner.organisation_id, Partner.name),
    (Contact.organisation_id, Contact.organisation_name),
]


class _Writer:
    """One load's writes, on one connection inside one transaction."""

    def __init__(self, connection: Connection, report: LoadReport, progress: Progress | None):
        self._connection = connection
        self.dialect = connection.dialect
        # Writes whose outcome the writer does not read (rows copied, the
        # search index, reference rows it chose the ids of) go through the
        # outbox, so on PostgreSQL the server does them while the next rows
        # are built; ``c`` waits for them before any other use.
        self.outbox = Outbox(threaded=self.dialect.name == "postgresql")
        self.report = report
        self.progress = progress
        self.organisations: dict[str, int] = {}
        self.organisations_by_cui: dict[str, int] = {}
        self.programmes: dict[str, int] = {}
        self.axes: dict[tuple[int, str], int] = {}
        self.objectives: dict[tuple[int, str], int] = {}
        self.pending_organisations: list[dict[str, Any]] = []
        # Shared organisation rows this load links to again, whose wording may change.
        self.touched_organisations: set[int] = set()
        self.references_loaded = False
        self.next_ids: dict[Any, int] = {}
        # Column values of the reference rows above as the archive now holds them.
        self.reference_values: dict[tuple[Any, int], dict[str, Any]] = {}
        self.plain_inserts: dict[tuple[Any, tuple[str, ...]], _PlainInsert] = {}
        self.copies: dict[tuple[Any, tuple[str, ...]], CopyInto] = {}

    @property
    def c(self) -> Connection:
        """The load's connection, once every write sent ahead is done."""
        self.outbox.wait()
        return self._connection

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        # Every write sent is done before the load's transaction is committed;
        # on the way out after a failure, a write still running ends before
        # the rollback.
        try:
            if exc_type is None:
                self.outbox.wait()
        finally:
            self.outbox.close()

    def write_streamed(self, batch: list[Seed], index: _LoadIndex) -> bool:
        """Write ``batch`` now if that is as safe as checking the whole load
        first: every seed new, claiming nothing another seed or the archive
        holds. Returns False, writing nothing, otherwise."""
        # The batch is always the seeds indexed last, in order.
        last = index.next_seq - 1
        first = last - len(batch) + 1
        if index.claimed_twice(first, last):
            return False
        slugs = [seed.slug for seed in batch]
        codes = {
            kind: [s.record["codes"][kind] for s in batch if s.record["codes"][kind]]
            for kind in ("sipoca", "mysmis")
        }
        hashes = [source.sha256 for seed in batch for source in seed.sources]
        held = select(Project.id).where(
            Project.slug.in_(slugs)
            | Project.sipoca_code.in_(codes["sipoca"])
            | Project.mysmis_code.in_(codes["mysmis"])
        )
        if self.c.execute(held.limit(1)).first() is not None:
            return False
        if hashes and self.c.execute(select(Document.id).where(Document.sha256.in_(hashes)).limit(1)).first():
            return False
        if not self.references_loaded:
            self._load_references()
            self.references_loaded = True
        self._write_batch([], batch)
        index.mark_streamed(first, last)
        return True

    def write_spooled(self, index: _LoadIndex, spool: _SeedSpool) -> None:
        """Check the seeds of ``index`` against the archive, then write them,
        read back from the spool, in batches."""
        unstreamed = "SELECT seq, slug, fingerprint FROM seed WHERE seq >= ? AND seq < ? AND streamed = 0"
        for rows in index.chunks(unstreamed):
            by_slug = {slug: (seq, fingerprint) for seq, slug, fingerprint in rows}
            found = self.c.execute(
                select(Project.id, Project.slug, Project.record_sha256).where(Project.slug.in_(list(by_slug)))
            )
            index.db.executemany(
                "UPDATE seed SET project_id = ?, unchanged = ? WHERE seq = ?",
                [(pid, int(sha == by_slug[slug][1]), by_slug[slug][0]) for pid, slug, sha in found],
            )
        self._refuse_indexed_conflicts(index)
        to_write = index.db.execute(
            "SELECT count(*) FROM seed WHERE unchanged = 0 AND streamed = 0"
        ).fetchone()[0]
        if to_write:
            self._load_references()
            changed_ids = (
                "SELECT project_id FROM seed "
                "WHERE seq >= ? AND seq < ? AND project_id IS NOT NULL AND unchanged = 0 AND streamed = 0"
            )
            for rows in index.chunks(changed_ids):
                self._free_codes([pid for (pid,) in rows])
        changed: list[tuple[int, Seed]] = []
        new: list[Seed] = []
        any_changed = False
        statuses = index.db.execute("SELECT project_id, unchanged FROM seed WHERE streamed = 0 ORDER BY seq")
        for seed, (project_id, unchanged) in zip(spool, statuses, strict=True):
            if unchanged:
                self.report.add("unchanged", [seed.slug])
                self._tick()
            elif project_id is None:
                new.append(seed)
            else:
                changed.append((project_id, seed))
                any_changed = True
            if len(new) + len(changed) >= WRITE_BATCH:
                self._write_batch(changed, new)
                changed, new = [], []
        if changed or new:
            self._write_batch(changed, new)
        if any_changed:
            self._delete_orphans()

    def _free_codes(self, project_ids: list[int]) -> None:
        # Free the codes of every project about to be rewritten before writing
        # any, so two projects may swap codes in one load.
        if project_ids:
            self.c.execute(
                update(Project).where(Project.id.in_(project_ids)).values(sipoca_code=None, mysmis_code=None)
            )

    def _write_batch(self, changed: list[tuple[int, Seed]], new: list[Seed]) -> None:
        # The last batch's writes end before this one's are sent: what waits
        # in the outbox stays one batch's rows.
        self.outbox.wait()
        if changed:
            self._delete_children([project_id for project_id, _ in changed])
            changed_rows = [{"pid": project_id, **self._project_row(seed)} for project_id, seed in changed]
            self._flush_organisations()  # a changed seed may name a new beneficiary
            self.c.execute(update(Project).where(Project.id == _bind("pid")), changed_rows)
        project_ids = [project_id for project_id, _ in changed]
        if new:
            new_rows = [self._project_row(seed) for seed in new]
            self._flush_organisations()
            project_ids += self._insert_returning(Project, new_rows)
        self._insert_children(list(zip(project_ids, [s for _, s in changed] + new, strict=True)))
        # Same transaction: the search index never disagrees with the rows it covers.
        self.outbox.send(searchindex.reindex_projects, self._connection, project_ids)
        self.report.add("updated", [seed.slug for _, seed in changed])
        self.report.add("inserted", [seed.slug for seed in new])

    def _tick(self) -> None:
        if self.progress:
            self.progress(1)

    # ---------------------------------------------------------------- conflicts

    def _refuse_indexed_conflicts(self, index: _LoadIndex) -> None:
        """Refuse the load when projects outside it already hold the codes or
        source texts of the seeds of ``index``."""
        problems: list[tuple[int, int, SeedProblem]] = []
        claims = (
            "SELECT c.seq, c.ordinal, c.kind, c.value, c.line, c.path, c.shown, s.label, s.slug "
            "FROM claim c JOIN seed s ON s.seq = c.seq "
            "WHERE c.seq >= ? AND c.seq < ? AND s.unchanged = 0 AND s.streamed = 0 AND c.kind IN ({}) "
            "ORDER BY c.seq, c.ordinal"
        )
        for rows in index.chunks(claims.format("'sipoca', 'mysmis'")):
            for kind, column in (("sipoca", Project.sipoca_code), ("mysmis", Project.mysmis_code)):
                codes = [row[3] for row in rows if row[2] == kind]
                if not codes:
                    continue
                owners = {
                    code: (slug, seed_file)
                    for code, slug, seed_file in self.c.execute(
                        select(column, Project.slug, Project.seed_file).where(column.in_(codes))
                    )
                }
                for seq, ordinal, k, code, line, path, _, label, seed_slug in rows:
                    owner = owners.get(code) if k == kind else None
                    if owner is None or owner[0] == seed_slug or index.has_slug(owner[0]):
                        continue
                    message = f"{kind.upper()} {code} already belongs to project {owner[0]!r}" + (
                        f" (from {owner[1]})" if owner[1] else ""
                    )
                    problems.append((seq, ordinal, SeedProblem(label, line, path, message)))
        for rows in index.chunks(claims.format("'source text'")):
            archived = self.c.execute(
                select(Document.sha256, Project.slug, Document.file_name)
                .join(Project, Project.id == Document.project_id, isouter=True)
                .where(Document.sha256.in_([row[3] for row in rows]))
            ).all()
            holders = {sha: (slug, file_name) for sha, slug, file_name in archived}
            for seq, ordinal, _, sha, line, path, _, label, seed_slug in rows:
                if sha not in holders:
                    continue
                project_slug, file_name = holders[sha]
                if project_slug == seed_slug or (project_slug is not None and index.has_slug(project_slug)):
                    continue
                message = f"this text is already archived as {file_name!r}" + (
                    f" of project {project_slug!r}" if project_slug else ""
                )
                problems.append((seq, ordinal, SeedProblem(label, line, path, message)))
        if problems:
            raise LoadError([problem for *_, problem in sorted(problems, key=lambda p: p[:2])])

    # ---------------------------------------------------------------- reference rows

    def _load_references(self) -> None:
        self.organisations = dict(self.c.execute(select(Organisation.name_key, Organisation.id)).all())
        self.organisations_by_cui = {
            cui: row_id
            for cui, row_id in self.c.execute(select(Organisation.cui, Organisation.id))
            if cui is not None
        }
        for programme in self.c.execute(select(Programme.code, Programme.id, Programme.name)):
            self.programmes[programme.code] = programme.id
            self.reference_values[(Programme, programme.id)] = {"name": programme.name}
        for axis in self.c.execute(
            select(PriorityAxis.id, PriorityAxis.programme_id, PriorityAxis.number, PriorityAxis.title)
        ):
            self.axes[(axis.programme_id, axis.number)] = axis.id
            self.reference_values[(PriorityAxis, axis.id)] = {"title": axis.title}
        for objective in self.c.execute(
            select(
                SpecificObjective.id, SpecificObjective.programme_id, SpecificObjective.code,
                SpecificObjective.title, SpecificObjective.priority_axis_id,
            )
        ):  # fmt: skip
            self.objectives[(objective.programme_id, objective.code)] = objective.id
            self.reference_values[(SpecificObjective, objective.id)] = {
                "title": objective.title, "priority_axis_id": objective.priority_axis_id,
            }  # fmt: skip

    def finish(self) -> None:
        """What a load does once every row is written and checked, just before
        its commit."""
        self.settle_reference_wording()
        counts = self.report.counts
        if counts["inserted"] or counts["updated"]:
            # The archive's "as of": a load that changed nothing leaves it as it was.
            self.c.execute(
                insert(Load).values(
                    finished_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    inserted=counts["inserted"], updated=counts["updated"], unchanged=counts["unchanged"],
                )
            )  # fmt: skip
        if self.dialect.name == "postgresql":
            searchindex.settle_index(self.c)
            # Ids were taken as max(id) + 1 (``_reserve_ids``): move each
            # sequence past them, so an insert that uses the default still works.
            for model in self.next_ids:
                table = model.__table__.name
                self.c.execute(
                    sql_text(
                        "SELECT setval(pg_get_serial_sequence(:table, 'id'), max_id) "
                        f"FROM (SELECT max(id) AS max_id FROM {table}) AS m WHERE max_id IS NOT NULL"
                    ),
                    {"table": table},
                )

    def settle_reference_wording(self) -> None:
        """Give each shared row this load touched — programme, axis, specific
        objective, organisation — the wording most of its projects use (ties:
        the first in code-point order), so an archive holds the same shared
        rows whatever order its seeds were loaded in. Each project keeps its
        own wording beside (``projects.programme_name``, ``beneficiary_name``…)."""
        work: list[tuple[Any, str, list[tuple[Any, Any]], list[int]]] = [
            (
                model,
                column,
                [(link, wording)],
                sorted(i for (kind, i) in self.reference_values if kind is model),
            )
            for model, column, link, wording in (
                (Programme, "name", Project.programme_id, Project.programme_name),
                (PriorityAxis, "title", Project.priority_axis_id, Project.priority_axis_title),
                (SpecificObjective, "title", Project.specific_objective_id, Project.specific_objective_title),
            )
        ]
        touched = sorted(self.touched_organisations)
        work.append((Organisation, "name", _ORGANISATION_WORDINGS, touched))
        work.append((Organisation, "cui", [(Project.beneficiary_id, _CUI_DIGITS)], touched))
        for model, column, links, ids in work:
            # One executemany per kind of change, not a statement a row: a load
            # of new bodies settles hundreds of names, each a round trip to a server.
            changes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                counts: dict[int, dict[str, int]] = {}
                for link, wording in links:
                    rows = self.c.execute(
                        select(link, wording, func.count())
                        .where(link.in_(chunk), wording.is_not(None))
                        .group_by(link, wording)
                    )
                    for row_id, text, count in rows:
                        seen = counts.setdefault(row_id, {})
                        seen[text] = seen.get(text, 0) + count
                current: dict[int, str | None] = dict(
                    self.c.execute(select(model.id, getattr(model, column)).where(model.id.in_(chunk))).all()
                )
                for row_id, seen in counts.items():
                    chosen = min(seen, key=lambda t: (-seen[t], t))
                    if current.get(row_id) != chosen:
                        values = {column: chosen}
                        if model is Organisation and column == "name":
                            values["kind"] = _kind_of(chosen)  # the kind is read off the name
                        changes.setdefault(tuple(values), []).append({"row_id": row_id, **values})
                    self.reference_values.setdefault((model, row_id), {})[column] = chosen
            for columns, changed in changes.items():
                self.c.execute(
                    update(model)
                    .where(model.id == _bind("row_id"))
                    .values({name: _bind(name) for name in columns}),
                    changed,
                )

    def _update_reference(self, model: Any, row_id: int, **values: Any) -> None:
        """Set a shared reference row's columns, skipping the statement when they
        already hold these values: most seeds cite rows that earlier seeds wrote
        with the same wording, and an UPDATE per seed cost a third of a load."""
        known = self.reference_values.setdefault((model, row_id), {})
        changes = {k: v for k, v in values.items() if k not in known or known[k] != v}
        if changes:
            self.outbox.send(
                self._connection.execute, update(model).where(model.id == row_id).values(**changes)
            )
            known.update(changes)

    def _insert_one(self, statement: Insert) -> int:
        """Run a one-row INSERT; the id of the row it made."""
        key = self.c.execute(statement).inserted_primary_key
        assert key is not None  # None only when the backend could not tell
        return key[0]

    def _organisation(self, name: str | None, cui: str | None = None) -> int | None:
        """The shared row of the body ``name`` (with fiscal code ``cui``, when a
        release states one): one row per body, found by its CUI first — two
        wordings with one CUI are one body — then by its folded name."""
        if name is None:
            return None
        key = organisation_key(name)
        digits = cui.removeprefix("RO") if cui else None
        found = self.organisations_by_cui.get(digits) if digits else None
        found = found if found is not None else self.organisations.get(key)
        if found is not None:
            self.touched_organisations.add(found)
            if digits:
                self.organisations_by_cui.setdefault(digits, found)
        if found is None and self.dialect.name not in ("sqlite", "postgresql"):  # pragma: no cover
            statement = insert(Organisation).values(name=name, name_key=key, kind=_kind_of(name))
            found = self._insert_one(statement)
            self.organisations[key] = found
        elif found is None:
            # Written in one batch before the first row that refers to it
            # (``_flush_organisations``), not one statement per new name.
            found = self._reserve_ids(Organisation, 1)[0]
            self.pending_organisations.append(
                {"id": found, "name": name, "name_key": key, "kind": _kind_of(name)}
            )
            self.organisations[key] = found
            self.touched_organisations.add(found)
            if digits:
                self.organisations_by_cui[digits] = found
        return found

    def _flush_organisations(self) -> None:
        rows, self.pending_organisations = self.pending_organisations, []
        self._insert(Organisation, rows)

    def _programme(self, code: str, name: str | None) -> int:
        found = self.programmes.get(code)
        if found is None:
            found = self._reserve_ids(Programme, 1)[0]
            self.outbox.send(
                self._connection.execute, insert(Programme).values(id=found, code=code, name=name)
            )
            self.programmes[code] = found
            self.reference_values[(Programme, found)] = {"name": name}
        elif name:
            # The reference row carries the wording of the latest seed that names it;
            # each project keeps its own wording too (projects.programme_name).
            self._update_reference(Programme, found, name=name)
        return found

    def _axis(self, programme_id: int, axis: PriorityAxisRef | None) -> int | None:
        if axis is None:
            return None
        key = (programme_id, axis["number"])
        found = self.axes.get(key)
        if found is None:
            found = self._reserve_ids(PriorityAxis, 1)[0]
            self.outbox.send(
                self._connection.execute,
                insert(PriorityAxis).values(
                    id=found, programme_id=programme_id, number=axis["number"], title=axis["title"]
                ),
            )
            self.axes[key] = found
            self.reference_values[(PriorityAxis, found)] = {"title": axis["title"]}
        elif axis["title"]:
            self._update_reference(PriorityAxis, found, title=axis["title"])
        return found

    def _specific_objective(
        self, programme_id: int, axis_id: int | None, objective: SpecificObjectiveRef | None
    ) -> int | None:
        if objective is None:
            return None
        key = (programme_id, objective["code"])
        found = self.objectives.get(key)
        if found is None:
            found = self._reserve_ids(SpecificObjective, 1)[0]
            self.outbox.send(
                self._connection.execute,
                insert(SpecificObjective).values(
                    id=found,
                    programme_id=programme_id,
                    priority_axis_id=axis_id,
                    code=objective["code"],
                    title=objective["title"],
                ),
            )
            self.objectives[key] = found
            self.reference_values[(SpecificObjective, found)] = {
                "title": objective["title"], "priority_axis_id": axis_id,
            }  # fmt: skip
            return found
        changes: dict[str, Any] = {}
        if objective["title"]:
            changes["title"] = objective["title"]
        if axis_id is not None:
            changes["priority_axis_id"] = axis_id
        if changes:
            self._update_reference(SpecificObjective, found, **changes)
        return found

    # ---------------------------------------------------------------- rows

    def _project_row(self, seed: Seed) -> dict[str, Any]:
        r = seed.record
        programme_id = self._programme(r["programme"]["code"], r["programme"]["name"])
        axis_id = self._axis(programme_id, r["priority_axis"])
        objective_id = self._specific_objective(programme_id, axis_id, r["specific_objective"])
        return {
            "slug": r["slug"],
            "title": r["title"],
            "acronym": r["acronym"],
            "sipoca_code": r["codes"]["sipoca"],
            "mysmis_code": r["codes"]["mysmis"],
            "status": r["status"],
            "beneficiary_id": self._organisation(r["beneficiary"]["name"], r["beneficiary"]["cui"]),
            "acting_through_id": self._organisation(r["beneficiary"]["acting_through"]),
            "beneficiary_name": r["beneficiary"]["name"],
            "acting_through_name": r["beneficiary"]["acting_through"],
            "programme_id": programme_id,
            "priority_axis_id": axis_id,
            "specific_objective_id": objective_id,
            "programme_name": r["programme"]["name"],
            "priority_axis_title": None if r["priority_axis"] is None else r["priority_axis"]["title"],
            "specific_objective_title": (
                None if r["specific_objective"] is None else r["specific_objective"]["title"]
            ),
            "currency": r["currency"],
            "total_value_minor": _minor(r["total_value"]),
            "eligible_value_minor": _minor(r["eligible_value"]),
            "start_date": r["start_date"],
            "end_date": r["end_date"],
            "duration_months": r["duration_months"],
            "target_group_size": r["target_group"]["size"],
            "target_group_description": r["target_group"]["description"],
            "location": r["location"],
            "notes": r["notes"],
            "beneficiary_cui": r["beneficiary"]["cui"],
            **_place_of(r["beneficiary"]["name"], r["location"]),
            "as_of": max((s["published"] for s in r["sources"] if s["published"]), default=None),
            "seed_file": seed.name,
            "record_sha256": seed.fingerprint(),
        }

    def _reserve_ids(self, model: Any, count: int) -> list[int]:
        """``count`` new primary keys for ``model``'s table, in ascending order.

        Inserting with ids chosen here lets every batch be one executemany:
        SQLite cannot return generated ids of a multi-row insert in parameter
        order, so SQLAlchemy fell back to one statement per row. On SQLite the
        load's write transaction is the only writer (BEGIN IMMEDIATE), so the
        next ids are max(id) + 1… (what SQLite itself would pick for a rowid
        table). PostgreSQL does the same under the load's advisory lock, so
        loads are its only writers of these tables: taking ids from the
        sequences instead would advance them even when the load is refused
        and rolled back (sequences are not transactional); ``finish`` moves
        them past the new rows once the load has succeeded. Other backends use
        RETURNING.
        """
        if count == 0:
            return []
        if self.dialect.name not in ("sqlite", "postgresql"):  # pragma: no cover
            raise NotImplementedError  # see _insert_returning
        if model not in self.next_ids:
            self.next_ids[model] = (self.c.execute(select(func.max(model.id))).scalar() or 0) + 1
        first = self.next_ids[model]
        self.next_ids[model] = first + count
        return list(range(first, first + count))

    def _insert_returning(self, model: Any, rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        if self.dialect.name in ("sqlite", "postgresql"):
            ids = self._reserve_ids(model, len(rows))
            self._insert(model, [{**row, "id": row_id} for row, row_id in zip(rows, ids, strict=True)])
            return ids
        result = self.c.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
        return [row[0] for row in result]

    def _insert(self, model: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if self.dialect.name == "postgresql":
            if "id" in model.__table__.c and "id" not in rows[0]:
                ids = self._reserve_ids(model, len(rows))
                rows = [{**row, "id": row_id} for row, row_id in zip(rows, ids, strict=True)]
            self._copy(model, rows)
            return
        if self.dialect.name != "sqlite":  # pragma: no cover - SQLite and PostgreSQL are the backends
            self.c.execute(insert(model), rows)
            return
        # SQLAlchemy's executemany makes a dict of processed parameters per row
        # (about a second of the writing process's 14 at 10k seeds); these rows
        # hold plain values already, so they go to sqlite3 as tuples, converted
        # only in the columns whose type asks for it (dates, indicator values).
        keys = tuple(rows[0])
        plain = self.plain_inserts.get((model, keys))
        if plain is None:
            plain = self.plain_inserts[(model, keys)] = _PlainInsert.of(model, keys, self.dialect)
        self.c.exec_driver_sql(plain.sql, plain.values.of_rows(rows))

    def _copy(self, model: Any, rows: list[dict[str, Any]]) -> None:
        # COPY, not INSERT: see ``_pgcopy``. Imported here, as psycopg is only
        # installed with PostgreSQL support.
        from ._pgcopy import CopyInto

        keys = tuple(rows[0])
        copy = self.copies.get((model, keys))
        if copy is None:
            copy = self.copies[(model, keys)] = CopyInto.of(model.__table__, keys, self.dialect)
        self.outbox.send(copy.write, self._connection, rows)

    def _insert_children(self, projects: list[tuple[int, Seed]]) -> None:
        funds, funding, partners, contacts = [], [], [], []
        objective_rows, objective_owners = [], []
        result_rows, result_owners = [], []
        document_rows, document_owners = [], []
        for project_id, seed in projects:
            r = seed.record
            funds += [{"project_id": project_id, "ordinal": i, "fund": f} for i, f in enumerate(r["funds"])]
            funding += [
                {
                    "project_id": project_id,
                    "ordinal": i,
                    "source": f["source"],
                    "amount_minor": _minor(f["amount"]),
                    "share_bp": None if f["share_pct"] is None else share_to_basis_points(f["share_pct"]),
                    "description": f["description"],
                    "contributor": f["contributor"],
                }
                for i, f in enumerate(r["funding"])
            ]
            partners += [
                {
                    "project_id": project_id,
                    "ordinal": i,
                    "organisation_id": self._organisation(p["name"]),
                    "role": p["role"],
                    "name": p["name"],
                }
                for i, p in enumerate(r["partners"])
            ]
            contacts += [
                {
                    "project_id": project_id,
                    "ordinal": i,
                    "organisation_id": self._organisation(c["organisation"]),
                    "organisation_name": c["organisation"],
                    "name": c["name"],
                    "position": c["position"],
                    "phone": c["phone"],
                    "fax": c["fax"],
                    "email": c["email"],
                }
                for i, c in enumerate(r["contacts"])
            ]
            for i, o in enumerate(r["objectives"]):
                objective_rows.append(
                    {
                        "project_id": project_id, "ordinal": i, "kind": o["kind"], "code": o["code"],
                        "text": o["text"], "achieved": o["achieved"],
                    }
                )  # fmt: skip
                objective_owners.append(o)
            for i, res in enumerate(r["results"]):
                result_rows.append(
                    {
                        "project_id": project_id, "ordinal": i, "level": res["level"],
                        "code": res["code"], "text": res["text"],
                    }
                )  # fmt: skip
                result_owners.append((project_id, res))
            for i, (source, text) in enumerate(zip(r["sources"], seed.sources, strict=True)):
                document_rows.append(
                    {
                        "project_id": project_id, "ordinal": i, "file_name": source["file"],
                        "sha256": text.sha256, "kind": source["kind"], "published": source["published"],
                        "publisher": source["publisher"], "issuer": source["issuer"],
                        "title": source["title"], "text": text.text,
                    }
                )  # fmt: skip
                document_owners.append((project_id, seed, i))
        self._flush_organisations()
        self._insert(ProjectFund, funds)
        self._insert(FundingSource, funding)
        self._insert(Partner, partners)
        self._insert(Contact, contacts)

        indicators: list[tuple[dict[str, Any], IndicatorEntry]] = []
        objective_ids = self._insert_returning(Objective, objective_rows)
        for objective_id, o in zip(objective_ids, objective_owners, strict=True):
            indicators += [
                ({"objective_id": objective_id, "result_id": None}, ind) for ind in o["indicators"]
            ]
        result_ids = self._insert_returning(Result, result_rows)
        serves = []
        programme_results: dict[tuple[int, str], int] = {}
        for result_id, (project_id, res) in zip(result_ids, result_owners, strict=True):
            if res["level"] == "programme" and res["code"] is not None:
                programme_results.setdefault((project_id, res["code"]), result_id)
            indicators += [({"objective_id": None, "result_id": result_id}, ind) for ind in res["indicators"]]
        for result_id, (project_id, res) in zip(result_ids, result_owners, strict=True):
            if res["serves"] is not None:
                serves.append({"rid": result_id, "serves": programme_results[(project_id, res["serves"])]})
        if serves:
            self.outbox.send(
                self._connection.execute,
                update(Result).where(Result.id == _bind("rid")).values(serves_result_id=_bind("serves")),
                serves,
            )
        self._insert_indicators(indicators)

        document_ids = self._insert_returning(Document, document_rows)
        evidence = []
        by_source = {
            (pid, i): doc_id for doc_id, (pid, _, i) in zip(document_ids, document_owners, strict=True)
        }
        for project_id, seed in projects:
            for span in seed.evidence_spans:
                evidence.append(
                    {
                        "project_id": project_id,
                        "document_id": by_source[(project_id, span.source_index)],
                        "field": span.field, "ordinal": span.ordinal, "quote": span.quote,
                        "line": span.line, "char_start": span.char_start, "char_end": span.char_end,
                    }
                )  # fmt: skip
            self._tick()
        self._insert(Evidence, evidence)
        restatements = []
        for project_id, seed in projects:
            files = [source["file"] for source in seed.record["sources"]]
            restatements += [
                {
                    "project_id": project_id, "ordinal": i,
                    "document_id": by_source[(project_id, files.index(r["source"]))],
                    "field": r["field"], "value": r["value"],
                }
                for i, r in enumerate(seed.record["restated"])
            ]  # fmt: skip
        self._insert(Restatement, restatements)

    def _insert_indicators(self, indicators: list[tuple[dict[str, Any], IndicatorEntry]]) -> None:
        rows = []
        ordinals: dict[tuple[Any, Any], int] = {}
        for owner, ind in indicators:
            key = (owner["objective_id"], owner["result_id"])
            ordinals[key] = ordinals.get(key, -1) + 1
            rows.append(
                {
                    **owner,
                    "ordinal": ordinals[key],
                    "value": ind["value"],
                    "unit": ind["unit"],
                    "what": ind["what"],
                    "kind": ind["kind"],
                }
            )
        ids = self._insert_returning(Indicator, rows)
        topics = [
            {"indicator_id": indicator_id, "ordinal": i, "topic": topic}
            for indicator_id, (_, ind) in zip(ids, indicators, strict=True)
            for i, topic in enumerate(ind["topics"])
        ]
        self._insert(IndicatorTopic, topics)

    def _delete_children(self, project_ids: list[int]) -> None:
        objective_ids = select(Objective.id).where(Objective.project_id.in_(project_ids))
        result_ids = select(Result.id).where(Result.project_id.in_(project_ids))
        indicator_ids = select(Indicator.id).where(
            Indicator.objective_id.in_(objective_ids) | Indicator.result_id.in_(result_ids)
        )
        # Explicit deletes, child first, rather than trusting ON DELETE CASCADE:
        # the same statements then work whether or not a backend enforces it.
        self.c.execute(delete(IndicatorTopic).where(IndicatorTopic.indicator_id.in_(indicator_ids)))
        self.c.execute(delete(Indicator).where(Indicator.id.in_(indicator_ids)))
        self.c.execute(delete(Evidence).where(Evidence.project_id.in_(project_ids)))
        self.c.execute(delete(Restatement).where(Restatement.project_id.in_(project_ids)))
        self.c.execute(update(Result).where(Result.project_id.in_(project_ids)).values(serves_result_id=None))
        for model in (Result, Objective, FundingSource, ProjectFund, Partner, Contact, Document):
            self.c.execute(delete(model).where(model.project_id.in_(project_ids)))

    def _delete_orphans(self) -> None:
        used: CompoundSelect[int | None] = union(
            select(Project.beneficiary_id),
            select(Project.acting_through_id).where(Project.acting_through_id.is_not(None)),
            select(Partner.organisation_id),
            select(Contact.organisation_id).where(Contact.organisation_id.is_not(None)),
        )
        self.c.execute(delete(Organisation).where(Organisation.id.not_in(used)))
        self.c.execute(
            delete(SpecificObjective).where(
                SpecificObjective.id.not_in(
                    select(Project.specific_objective_id).where(Project.specific_objective_id.is_not(None))
                )
            )
        )
        self.c.execute(
            delete(PriorityAxis).where(
                PriorityAxis.id.not_in(
                    select(Project.priority_axis_id).where(Project.priority_axis_id.is_not(None))
                )
                & PriorityAxis.id.not_in(
                    select(SpecificObjective.priority_axis_id).where(
                        SpecificObjective.priority_axis_id.is_not(None)
                    )
                )
            )
        )
        self.c.execute(delete(Programme).where(Programme.id.not_in(select(Project.programme_id))))


@dataclass(frozen=True)
class _PlainInsert:
    """An INSERT of given columns as driver SQL, and how to turn rows into its parameters."""

    sql: str
    values: RowValues

    @classmethod
    def of(cls, model: Any, keys: tuple[str, ...], dialect: Any) -> _PlainInsert:
        table = model.__table__
        quote = dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(table.c[k].name) for k in keys)}) "
            f"VALUES ({', '.join('?' * len(keys))})"
        )
        return cls(sql, RowValues.of(table, keys, dialect))


# Bodies and places repeat across a load's projects (a town runs many): each is
# read off its words once.
@functools.lru_cache(maxsize=4096)
def _kind_of(name: str) -> str:
    return str(classify_organisation(name).kind)


@functools.lru_cache(maxsize=4096)
def _place_of(beneficiary: str, location: str | None) -> dict[str, Any]:
    return _place_columns(place_from_text(beneficiary, location))


def _place_columns(place: PlaceResult) -> dict[str, Any]:
    """A coded place as the project's columns: the locality only when it is
    certain, the county and its NUTS codes whenever the county is."""
    locality = place.locality or place.uat
    certain = place.status == "resolved" and locality is not None
    return {
        "locality_siruta": locality.siruta if certain and locality else None,
        "locality_name": locality.display_name if certain and locality else None,
        "county_siruta": place.county.siruta if place.county else None,
        "county_name": place.county.display_name if place.county else None,
        "nuts3": place.nuts3,
        "nuts2": place.nuts2,
        "region": place.region,
        "place_status": str(place.status),
        "place_note": ", ".join(c.display_name for c in place.candidates) or None,
    }


def _bind(name: str) -> Any:
    return bindparam(name)


def _minor(amount: Any) -> int | None:
    return None if amount is None else to_minor_units(amount)
