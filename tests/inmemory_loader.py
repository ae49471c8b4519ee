"""The loader's in-memory path, kept for the tests that compare against it.

``read_seeds`` reads every seed into a list and ``load_seeds`` writes such a
list with the checks done in memory; the loader itself streams through a spool
and an index (``eufunds.load.loader.load_paths``). Loading the same seeds both
ways must give the same archive, which is what the tests using this check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from eufunds.db import has_schema
from eufunds.errors import LoadError
from eufunds.load._pool import read_seed_files
from eufunds.load.discovery import discover_seed_files
from eufunds.load.loader import LoadReport, Progress, _no_schema, _write_transaction, _Writer
from eufunds.models import Document, Project
from eufunds.seed import consistency
from eufunds.seed.format import Seed, SeedProblem


def read_seeds(
    paths: Sequence[Path], *, progress: Progress | None = None, workers: int | None = None
) -> tuple[list[Seed], list[SeedProblem]]:
    """Read and validate every seed under ``paths``; collect problems rather than stop."""
    seeds: list[Seed] = []
    problems: list[SeedProblem] = []
    for path in paths:
        if not path.exists():
            problems.append(SeedProblem(str(path), None, None, "no such file or folder"))
    files = discover_seed_files([p for p in paths if p.exists()])
    for outcome in read_seed_files(files, workers=workers):  # in parallel for large loads, in file order
        if isinstance(outcome, Seed):
            seeds.append(outcome)
        else:
            problems.extend(outcome)
        if progress:
            progress(1)
    problems.extend(_duplicates_between(seeds))
    return seeds, problems


def _duplicates_between(seeds: Iterable[Seed]) -> list[SeedProblem]:
    problems = []
    claims: dict[tuple[str, str], tuple[Seed, str]] = {}
    for seed in seeds:
        record = seed.record
        keys = [("slug", record["slug"], "slug")]
        for code in ("sipoca", "mysmis"):
            if record["codes"][code]:
                keys.append((code, record["codes"][code], f"codes.{code}"))
        for index, source in enumerate(seed.sources):
            keys.append(("source text", source.sha256, f"sources[{index}].file"))
        for kind, value, path in keys:
            first = claims.setdefault((kind, value), (seed, path))
            if first[0] is not seed:
                other, other_path = first
                shown = value if kind != "source text" else seed.record["sources"][int(path[8:-6])]["file"]
                problems.append(
                    SeedProblem(
                        seed.label,
                        seed.line_of(path),
                        path,
                        f"{kind} {shown!r} is also claimed by {other.label}:{other.line_of(other_path)}",
                    )
                )
    return problems


class InMemoryWriter(_Writer):
    """The loader's writer with every seed of a load held in memory."""

    def write(self, seeds: Sequence[Seed]) -> None:
        existing = {
            row.slug: row
            for row in self.c.execute(
                select(
                    Project.id, Project.slug, Project.record_sha256, Project.sipoca_code,
                    Project.mysmis_code, Project.seed_file,
                )
            )
        }  # fmt: skip
        new, changed = [], []
        for seed in seeds:
            row = existing.get(seed.slug)
            if row is None:
                new.append(seed)
            elif row.record_sha256 == seed.fingerprint():
                self.report.add("unchanged", [seed.slug])
                self._tick()
            else:
                changed.append((row.id, seed))
        if not new and not changed:
            return
        self._refuse_conflicts(new + [seed for _, seed in changed], existing)
        self._load_references()
        self._free_codes([project_id for project_id, _ in changed])
        self._write_batch(changed, new)
        if changed:
            self._delete_orphans()

    def _refuse_conflicts(self, seeds: list[Seed], existing: dict[str, Any]) -> None:
        loading = {seed.slug for seed in seeds}
        owners: dict[tuple[str, str], Any] = {}
        for row in existing.values():
            if row.slug in loading:
                continue
            for kind, code in (("sipoca", row.sipoca_code), ("mysmis", row.mysmis_code)):
                if code:
                    owners[(kind, code)] = row
        problems = []
        for seed in seeds:
            for kind in ("sipoca", "mysmis"):
                code = seed.record["codes"][kind]
                owner = owners.get((kind, code)) if code else None
                if owner is not None:
                    problems.append(
                        SeedProblem(
                            seed.label,
                            seed.line_of(f"codes.{kind}"),
                            f"codes.{kind}",
                            f"{kind.upper()} {code} already belongs to project {owner.slug!r}"
                            + (f" (from {owner.seed_file})" if owner.seed_file else ""),
                        )
                    )
        hashes = {s.sha256: (seed, i) for seed in seeds for i, s in enumerate(seed.sources)}
        if hashes:
            for sha, project_slug, file_name in self.c.execute(
                select(Document.sha256, Project.slug, Document.file_name)
                .join(Project, Project.id == Document.project_id, isouter=True)
                .where(Document.sha256.in_(list(hashes)))
            ):
                seed, index = hashes[sha]
                if project_slug != seed.slug and project_slug not in loading:
                    path = f"sources[{index}].file"
                    problems.append(
                        SeedProblem(
                            seed.label,
                            seed.line_of(path),
                            path,
                            f"this text is already archived as {file_name!r}"
                            + (f" of project {project_slug!r}" if project_slug else ""),
                        )
                    )
        if problems:
            raise LoadError(problems)


def load_seeds(
    engine: Engine,
    seeds: Sequence[Seed],
    *,
    progress: Progress | None = None,
    strict: bool = False,
) -> LoadReport:
    """Write already validated seeds in one transaction (see ``load_paths``).

    With ``strict``, figures that disagree (see ``consistency``) refuse the load.
    """
    if not has_schema(engine):
        raise _no_schema(engine)
    report = LoadReport()
    for seed in seeds:
        report.warnings.extend(f"{seed.label}: {w}" for w in consistency.record_warnings(seed.record))
    if strict and report.warnings:
        raise LoadError(report.warnings)
    with _write_transaction(engine) as connection, InMemoryWriter(connection, report, progress) as writer:
        writer.write(seeds)
        writer.finish()
    return report
