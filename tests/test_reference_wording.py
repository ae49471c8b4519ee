"""Shared reference rows (programmes, priority axes, specific objectives) hold
the same wording whatever order the seeds were loaded in — the wording most of
their projects use — while each project keeps the wording its release used."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from eufunds import migrate
from eufunds.db import create_archive_engine, resolve_database_url
from eufunds.load.loader import load_paths

CLUJ = "cj-cluj-calitate-competenta-performanta.yaml"
CALAFAT = "primaria-calafat-management-calitate.yaml"


@pytest.fixture
def second_engine(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """Another migrated, empty archive on the same backend."""
    if backend == "sqlite":
        url = resolve_database_url(str(tmp_path / "second.db"))
    else:
        url = request.getfixturevalue("postgres_cluster").create_database()
    archive = create_archive_engine(url)
    migrate.upgrade(archive)
    yield archive
    archive.dispose()
    if backend != "sqlite":
        request.getfixturevalue("postgres_cluster").drop_database(url)


def _load_one_by_one(engine: Engine, seeds_dir: Path, order: list[str]) -> None:
    for name in order:
        single = seeds_dir.parent / f"only-{name}"
        single.mkdir(exist_ok=True)
        for file in seeds_dir.iterdir():
            if file.suffix != ".yaml" or file.name == name:
                target = single / file.name
                if not target.exists():
                    target.write_bytes(file.read_bytes())
        load_paths(engine, [single])


def _reference_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            "programmes": list(connection.execute(text("SELECT code, name FROM programmes ORDER BY code"))),
            "priority_axes": list(connection.execute(text("SELECT number, title FROM priority_axes ORDER BY number"))),
            "specific_objectives": list(connection.execute(text("SELECT code, title FROM specific_objectives ORDER BY code"))),
        }  # fmt: skip


def test_reference_wording_does_not_depend_on_load_order(
    engine: Engine, second_engine: Engine, seeds_dir: Path
) -> None:
    # The two seeds spell the axis title with ş and with ș.
    _load_one_by_one(engine, seeds_dir, [CLUJ, CALAFAT])
    _load_one_by_one(second_engine, seeds_dir, [CALAFAT, CLUJ])
    assert _reference_rows(engine) == _reference_rows(second_engine)


def test_each_project_keeps_its_own_wording_of_the_shared_axis(engine: Engine, seeds_dir: Path) -> None:
    load_paths(engine, [seeds_dir])
    with engine.connect() as connection:
        titles = dict(connection.execute(text("SELECT slug, priority_axis_title FROM projects")).all())
    assert titles["cj-cluj-calitate-competenta-performanta"].endswith("accesibile şi transparente")
    assert titles["primaria-calafat-management-calitate"].endswith("accesibile și transparente")


def _copy_seeds(seeds_dir: Path, target: Path, old: str, new: str) -> Path:
    target.mkdir(exist_ok=True)
    for file in seeds_dir.iterdir():
        data = file.read_bytes()
        if file.name == CALAFAT:
            text = data.decode("utf-8")
            assert old in text
            data = text.replace(old, new, 1).encode("utf-8")
        (target / file.name).write_bytes(data)
    return target


def _beneficiaries(engine: Engine) -> dict[str, str]:
    from eufunds.read.records import iter_records

    with engine.connect() as connection:
        return {r["slug"]: r["beneficiary"]["name"] for r in iter_records(connection)}


def test_projects_naming_one_body_differently_each_keep_their_wording(
    engine: Engine, seeds_dir: Path
) -> None:
    # Calafat's seed names Cluj's beneficiary in capitals: one body by its folded key, two wordings.
    cluj_name = _beneficiaries_of_seeds(seeds_dir)[CLUJ]
    folder = _copy_seeds(
        seeds_dir, seeds_dir.parent / "same-body", "name: Municipiul Calafat", f"name: {cluj_name.upper()}"
    )
    load_paths(engine, [folder])
    names = _beneficiaries(engine)
    assert names["cj-cluj-calitate-competenta-performanta"] == cluj_name
    assert names["primaria-calafat-management-calitate"] == cluj_name.upper()
    with engine.connect() as connection:
        assert (
            connection.execute(
                text(
                    "SELECT count(*) FROM organisations WHERE name_key = (SELECT name_key FROM organisations o JOIN projects p ON p.beneficiary_id = o.id WHERE p.slug = 'primaria-calafat-management-calitate')"
                )
            ).scalar()
            == 1
        )


def test_correcting_a_wording_changes_it(engine: Engine, seeds_dir: Path) -> None:
    cluj_name = _beneficiaries_of_seeds(seeds_dir)[CLUJ]
    load_paths(
        engine,
        [
            _copy_seeds(
                seeds_dir,
                seeds_dir.parent / "first",
                "name: Municipiul Calafat",
                f"name: {cluj_name.upper()}",
            )
        ],
    )
    report = load_paths(
        engine,
        [
            _copy_seeds(
                seeds_dir, seeds_dir.parent / "fixed", "name: Municipiul Calafat", f"name: {cluj_name}"
            )
        ],
    )
    assert report.summary().startswith("2 seeds: 0 inserted, 1 updated")
    assert _beneficiaries(engine)["primaria-calafat-management-calitate"] == cluj_name


def _beneficiaries_of_seeds(seeds_dir: Path) -> dict[str, str]:
    from eufunds.seed.format import read_seed

    return {CLUJ: read_seed(seeds_dir / CLUJ).record["beneficiary"]["name"]}
