"""A refused load leaves a PostgreSQL archive exactly as it was, its id
sequences included (they are not rolled back with the transaction, so a load
must not draw from them before it knows it will commit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from synthetic import write_seed_folder

from eufunds.errors import LoadError
from eufunds.load import loader
from eufunds.load.loader import load_paths


def _sequences(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        names = connection.execute(
            text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        ).all()
    return {name: value for name, value in names}


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_load_refused_after_writing_batches_leaves_every_sequence_as_it_was(
    loaded_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_seed_folder(tmp_path / "new", range(6))
    (folder / "zz-broken.yaml").write_text("slug: zz-broken\ntitle: [\n", encoding="utf-8")
    monkeypatch.setattr(loader, "WRITE_BATCH", 2)  # the first seeds are written before the bad one is read
    before = _sequences(loaded_engine)
    with pytest.raises(LoadError):
        load_paths(loaded_engine, [folder])
    assert _sequences(loaded_engine) == before


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_after_a_load_the_sequences_give_ids_past_the_new_rows(loaded_engine: Engine, tmp_path: Path) -> None:
    load_paths(loaded_engine, [write_seed_folder(tmp_path / "new", range(3))])
    with loaded_engine.begin() as connection:
        new_id = connection.execute(
            text("INSERT INTO organisations (name, name_key) VALUES ('Nou', 'nou') RETURNING id")
        ).scalar()
        highest = connection.execute(text("SELECT max(id) FROM organisations WHERE name <> 'Nou'")).scalar()
    assert new_id == highest + 1
