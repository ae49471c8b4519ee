"""A currency is a fact only where a release gives an amount (issue 14, item 16).

A seed or draft that states no money has a null currency; one that gives
amounts without naming a currency is in RON, as the seed format has always
read it; an archive made before currencies could be null upgrades with every
row and view kept.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from dumps import archive_dump
from sqlalchemy import Engine, inspect, text

from eufunds import migrate
from eufunds.extract import extract_release
from eufunds.load.loader import load_paths

CALAFAT = "primaria-calafat-management-calitate"


def _currency(engine: Engine, slug: str) -> str | None:
    with engine.connect() as connection:
        return connection.execute(
            text("select currency from projects where slug = :s"), {"s": slug}
        ).scalar_one()


def _rewrite_seed(seeds_dir: Path, slug: str, **changes: object) -> None:
    path = seeds_dir / f"{slug}.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is _DROP:
            record.pop(key, None)
        else:
            record[key] = value
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")


_DROP = object()


def test_a_seed_stating_no_money_and_no_currency_stores_a_null_currency(
    engine: Engine, seeds_dir: Path
) -> None:
    _rewrite_seed(seeds_dir, CALAFAT, currency=_DROP)
    load_paths(engine, [seeds_dir])
    assert _currency(engine, CALAFAT) is None


def test_the_calafat_seed_states_no_currency_since_its_release_gives_no_amount(loaded_engine: Engine) -> None:
    assert _currency(loaded_engine, CALAFAT) is None


def test_a_seed_giving_an_amount_without_a_currency_is_in_ron(engine: Engine, seeds_dir: Path) -> None:
    _rewrite_seed(seeds_dir, CALAFAT, currency=_DROP, total_value="1000.00")
    load_paths(engine, [seeds_dir])
    assert _currency(engine, CALAFAT) == "RON"


def test_a_seed_naming_its_currency_keeps_it(engine: Engine, seeds_dir: Path) -> None:
    _rewrite_seed(seeds_dir, CALAFAT, currency="EUR", total_value="1000.00")
    load_paths(engine, [seeds_dir])
    assert _currency(engine, CALAFAT) == "EUR"


def test_a_draft_of_a_release_without_money_has_no_currency() -> None:
    release = (
        "COMUNICAT DE PRESĂ\n\nPrimăria Comunei Exemplu anunță finalizarea proiectului "
        "„Birou unic pentru cetățeni”, cod SIPOCA 901, cofinanțat din Fondul Social European.\n"
    )
    assert extract_release(release).record["currency"] is None


def test_a_draft_of_a_release_in_lei_is_in_ron() -> None:
    release = (
        "COMUNICAT DE PRESĂ\n\nValoarea totală a proiectului „Birou unic pentru cetățeni” "
        "este de 1.000,00 lei.\n"
    )
    assert extract_release(release).record["currency"] == "RON"


def test_an_archive_from_before_null_currencies_upgrades_keeping_every_row_and_view(
    loaded_engine: Engine,
) -> None:
    migrate.downgrade(loaded_engine, "0005")
    before = archive_dump(loaded_engine)
    views = set(inspect(loaded_engine).get_view_names())
    # Under 0005 the null could not be stored: the downgrade gave it the old default.
    assert _currency(loaded_engine, CALAFAT) == "RON"
    migrate.upgrade(loaded_engine, "0006")  # the revision under test; later ones add columns
    assert archive_dump(loaded_engine) == before
    assert set(inspect(loaded_engine).get_view_names()) == views
    with loaded_engine.begin() as connection:
        connection.execute(text("update projects set currency = null where slug = :s"), {"s": CALAFAT})
    assert _currency(loaded_engine, CALAFAT) is None


def test_a_project_loaded_with_the_old_default_loses_it_when_its_seed_is_reloaded(
    engine: Engine, seeds_dir: Path
) -> None:
    original = (seeds_dir / f"{CALAFAT}.yaml").read_text(encoding="utf-8")
    _rewrite_seed(seeds_dir, CALAFAT, currency="RON")
    load_paths(engine, [seeds_dir])
    migrate.downgrade(engine, "0005")
    migrate.upgrade(engine)
    (seeds_dir / f"{CALAFAT}.yaml").write_text(original, encoding="utf-8")
    report = load_paths(engine, [seeds_dir])
    assert report.updated == [CALAFAT]
    assert _currency(engine, CALAFAT) is None
