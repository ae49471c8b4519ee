"""Property: exporting an archive as seed YAML and loading that into an empty
archive gives the same archive, for generated records, not only the seeds.

Archives are compared table by table with surrogate ids replaced by the natural
key of the row they point at (a project by its slug, an objective by its
project and position…), so two archives built separately compare equal exactly
when they hold the same facts linked the same way.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from eufunds import migrate
from eufunds.cli import cli
from eufunds.db import create_archive_engine, resolve_database_url
from eufunds.models import Base
from eufunds.read.records import iter_records
from eufunds.reference import (
    CURRENCY_CODES,
    DOCUMENT_KINDS,
    EU_FUND_CODES,
    FUNDING_SOURCE_CODES,
    PROGRAMME_CODES,
    PROJECT_STATUSES,
)

# --------------------------------------------------------------------------- comparing archives

NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "organisations": ("name_key",),
    "programmes": ("code",),
    "priority_axes": ("programme_id", "number"),
    "specific_objectives": ("programme_id", "code"),
    "projects": ("slug",),
    "project_funds": ("project_id", "ordinal"),
    "funding_sources": ("project_id", "ordinal"),
    "objectives": ("project_id", "ordinal"),
    "results": ("project_id", "ordinal"),
    "indicators": ("objective_id", "result_id", "ordinal"),
    "indicator_topics": ("indicator_id", "ordinal"),
    "partners": ("project_id", "ordinal"),
    "contacts": ("project_id", "ordinal"),
    "documents": ("sha256",),
    "evidence": ("project_id", "field", "ordinal"),
    "source_files": ("sha256",),
    "source_pages": ("source_file_id", "page"),
    "restatements": ("project_id", "ordinal"),
    "list_files": ("sha256", "sheet"),
    "list_rows": ("list_file_id", "row_number"),
    # The archive's own history, not a fact an export carries: a reloaded
    # archive has loads of its own.
    "loads": ("finished_at",),
}
NOT_COMPARED_TABLES = {"loads"}
# A hash of the seed as written: a quote that named its file needlessly is
# exported bare, which changes the hash but no fact.
NOT_COMPARED = {("projects", "record_sha256")}


def natural_dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ids replaced by the natural keys they point at."""
    keys: dict[str, dict[int, tuple[Any, ...]]] = {}
    rows: dict[str, list[Any]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            assert table.name in NATURAL_KEYS, f"add a natural key for the new table {table.name}"
            rows[table.name] = connection.execute(select(table)).mappings().all()
    targets = {
        t.name: {fk.parent.name: fk.column.table.name for fk in t.foreign_keys}
        for t in Base.metadata.sorted_tables
    }

    def resolve(table: str, column: str, value: Any) -> Any:
        if value is None or column not in targets[table]:
            return value
        return keys[targets[table][column]][value]

    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:  # nothing points at a row without a surrogate id
            continue
        keys[table.name] = {
            row["id"]: tuple(resolve(table.name, c, row[c]) for c in NATURAL_KEYS[table.name])
            for row in rows[table.name]
        }
    dump = {}
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_COMPARED_TABLES:
            continue
        columns = [
            c.name for c in table.columns if c.name != "id" and (table.name, c.name) not in NOT_COMPARED
        ]
        dump[table.name] = sorted(
            (tuple((c, resolve(table.name, c, row[c])) for c in columns) for row in rows[table.name]),
            key=repr,
        )
    return dump


# --------------------------------------------------------------------------- generated seeds

WORDS = (
    "proiect", "implementarea", "sistemului", "calității", "calitatii", "Județean", "Judeţean", "ş", "ș",
    "ţ", "ț", "administrația", "publică", "locală", "formare", "personal", "angajați", "cursuri",
    "„control", "managerial”", "intern", "ISO", "9001:2015", "– în", "cadrul", "POCA", "#1", "50%",
    "Primăria", "Municipiului", "ÎNSCRIERI", "- da", "yes", "null", "2.1", "'citat'", '"ghilimele"',
)  # fmt: skip
ODD = "abcăâîșțşţ ĂÂÎȘȚŞŢ .,;:-'\"„”()/%#&*!?@[]{}|>~\t"


def _text(max_words: int = 8) -> st.SearchStrategy[str]:
    worded = st.lists(st.sampled_from(WORDS), min_size=1, max_size=max_words).map(" ".join)
    odd = st.text(alphabet=ODD, min_size=1, max_size=20)
    multiline = st.lists(worded, min_size=2, max_size=3).map("\n".join)
    return st.one_of(worded, worded, odd, multiline).filter(lambda s: s.strip() != "")


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


_MONEY = st.integers(0, 10**11).map(lambda minor: str(Decimal(minor) / 100))
_SHARE = st.integers(0, 10_000).map(lambda bp: str(Decimal(bp) / 100))
_QUANTITY = st.integers(0, 10**8).map(lambda n: str(Decimal(n) / 10_000))
_CODE = st.text(alphabet="0123456789", min_size=1, max_size=4)
# Variants that fold to one organisation: the archive keeps one spelling.
ORGANISATIONS = ("Consiliul Județean Cluj", "CONSILIUL JUDEŢEAN CLUJ", "Primăria Calafat", "Asociația „Pro”")


def _indicator() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "value": _QUANTITY,
            "unit": _text(2),
            "what": _maybe(_text()),
            "topics": st.lists(_text(3), max_size=3),
        }
    )


@st.composite
def seed_records(draw: st.DrawFn, slug: str, codes: tuple[str | None, str | None]) -> dict[str, Any]:
    """A valid record of project ``slug``, with its source texts (``_texts``) and
    evidence quoted from them."""
    programme = draw(st.sampled_from(PROGRAMME_CODES[:4]))
    start = draw(_maybe(st.dates(dt.date(2007, 1, 1), dt.date(2030, 1, 1))))
    end = None if start is None else draw(_maybe(st.integers(0, 2000).map(lambda d: start + dt.timedelta(d))))
    programme_results = draw(st.lists(_CODE, max_size=2))
    results = [{"level": "programme", "code": code, "text": draw(_text())} for code in programme_results]
    for _ in range(draw(st.integers(0, 2))):
        results.append(
            {
                "level": "project",
                "code": draw(_maybe(_CODE)),
                "text": draw(_text()),
                "serves": draw(st.sampled_from([None, *programme_results])),
                "indicators": draw(st.lists(_indicator(), max_size=2)),
            }
        )
    record: dict[str, Any] = {
        "slug": slug,
        "title": draw(_text()),
        "acronym": draw(_maybe(st.text(alphabet="ABCDȘȚ", min_size=1, max_size=5))),
        "codes": {"sipoca": codes[0], "mysmis": codes[1]},
        "status": draw(st.sampled_from(PROJECT_STATUSES)),
        "beneficiary": {
            "name": draw(st.sampled_from(ORGANISATIONS)),
            "acting_through": draw(_maybe(st.sampled_from(ORGANISATIONS))),
        },
        "partners": draw(
            st.lists(
                st.fixed_dictionaries({"name": st.sampled_from(ORGANISATIONS), "role": _maybe(_text(2))}),
                max_size=2,
            )
        ),
        "contacts": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "name": _text(3),
                        "position": _maybe(_text(3)),
                        "organisation": _maybe(st.sampled_from(ORGANISATIONS)),
                        "phone": _maybe(st.just("0372 640030")),
                        "fax": st.none(),
                        "email": _maybe(st.just("cjc@cjcluj.ro")),
                    }
                ),
                max_size=1,
            )
        ),
        "programme": {
            "code": programme,
            "name": draw(_maybe(st.sampled_from(["Programul Operațional", "PO 2014-2020"]))),
        },
        "priority_axis": draw(_maybe(st.fixed_dictionaries({"number": _CODE, "title": _maybe(_text())}))),
        "specific_objective": draw(
            _maybe(
                st.fixed_dictionaries(
                    {"code": st.sampled_from(["1.1", "2.1", "2.2"]), "title": _maybe(_text())}
                )
            )
        ),
        "funds": draw(st.lists(st.sampled_from(EU_FUND_CODES), unique=True, max_size=2)),
        "currency": draw(_maybe(st.sampled_from(CURRENCY_CODES))),
        "total_value": draw(_maybe(_MONEY)),
        "eligible_value": draw(_maybe(_MONEY)),
        "funding": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "source": st.sampled_from(FUNDING_SOURCE_CODES),
                        "amount": _maybe(_MONEY),
                        "share_pct": _maybe(_SHARE),
                        "description": _maybe(_text()),
                        "contributor": _maybe(_text(3)),
                    }
                ),
                max_size=3,
            )
        ),
        "start_date": start,
        "end_date": end,
        "duration_months": draw(_maybe(st.integers(0, 120))),
        "target_group": {"size": draw(_maybe(st.integers(0, 5000))), "description": draw(_maybe(_text()))},
        "location": draw(_maybe(_text())),
        "objectives": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "kind": st.sampled_from(["general", "specific"]),
                        "code": _maybe(st.sampled_from(["OS1", "OS2"])),
                        "text": _text(),
                        "achieved": _maybe(_text()),
                        "indicators": st.lists(_indicator(), max_size=2),
                    }
                ),
                max_size=3,
            )
        ),
        "results": results,
        "notes": draw(_maybe(_text())),
    }
    # Sources: each text names its project so no two projects share a text.
    count = draw(st.integers(0, 3))
    texts = [f"Comunicat {i} despre {slug}.\n{draw(_text())}\n" for i in range(count)]
    record["sources"] = [
        {
            "file": (f"texte/{slug}-{i}.txt" if draw(st.booleans()) else f"{slug}-{i}.txt"),
            "kind": draw(st.sampled_from(DOCUMENT_KINDS)),
            "published": draw(_maybe(st.dates(dt.date(2007, 1, 1), dt.date(2030, 1, 1)))),
            "publisher": draw(_maybe(st.just("monitorulcj.ro"))),
            "issuer": draw(_maybe(_text(3))),
            "title": draw(_maybe(_text())),
        }
        for i in range(count)
    ]
    evidence: dict[str, Any] = {}
    if count:
        fields = ["title", "status", "total_value", "programme.code", "beneficiary.name", "codes.sipoca"]
        fields += [f"funding[{i}].amount" for i in range(len(record["funding"]))]
        for fld in draw(st.lists(st.sampled_from(fields), unique=True, max_size=4)):
            quotes = []
            for _ in range(draw(st.integers(1, 2))):
                quote = " ".join(draw(st.lists(st.sampled_from(WORDS[:20]), min_size=1, max_size=5)))
                where = draw(st.integers(0, count - 1))
                texts[where] += f"Citat: {quote}.\n"
                if where > 0 and draw(st.booleans()):
                    # The same words in the first text too: only naming the file
                    # ties the quote to the later one.
                    texts[0] += f"Și aici {quote}.\n"
                    quotes.append({"file": record["sources"][where]["file"], "quote": quote})
                else:
                    quotes.append(quote)
            evidence[fld] = quotes[0] if len(quotes) == 1 and draw(st.booleans()) else quotes
    record["evidence"] = evidence
    record["_texts"] = texts
    return record


@st.composite
def archives(draw: st.DrawFn) -> list[dict[str, Any]]:
    slugs = draw(
        st.lists(
            st.lists(
                st.sampled_from(["proiect", "cluj", "calafat", "pocu", "a1", "b2", "x"]),
                min_size=1,
                max_size=3,
            ).map("-".join),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    sipoca = draw(
        st.lists(
            _maybe(st.text("0123456789", min_size=1, max_size=6)), min_size=len(slugs), max_size=len(slugs)
        )
    )
    seen: set[str] = set()
    codes = []
    for code in sipoca:
        codes.append((None if code in seen else code, None))
        if code:
            seen.add(code)
    return [draw(seed_records(slug, code)) for slug, code in zip(slugs, codes, strict=True)]


def write_seeds(folder: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as seed files the way a curator would (plain YAML, amounts as text)."""
    folder.mkdir(parents=True, exist_ok=True)
    for record in records:
        record = dict(record)
        texts = record.pop("_texts")
        for source, text in zip(record["sources"], texts, strict=True):
            path = folder / source["file"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        (folder / f"{record['slug']}.yaml").write_text(
            yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return folder


# --------------------------------------------------------------------------- the property


@pytest.fixture(scope="module")
def empty_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite archive to copy: migrating for every example is slow."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    engine = create_archive_engine(resolve_database_url(str(path)))
    migrate.upgrade(engine)
    engine.dispose()
    return path


def _build(runner: CliRunner, template: Path, database: Path, seeds: Path) -> Engine:
    shutil.copy(template, database)
    result = runner.invoke(cli, ["--db", str(database), "load", str(seeds)])
    assert result.exit_code == 0, result.output
    return create_archive_engine(resolve_database_url(str(database)))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(records=archives())
def test_yaml_export_loads_back_into_the_same_archive(
    empty_archive: Path, records: list[dict[str, Any]]
) -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        original = _build(runner, empty_archive, root / "a.db", write_seeds(root / "seeds", records))
        result = runner.invoke(
            cli, ["--db", str(root / "a.db"), "export", "--format", "yaml", "-o", str(root / "out")]
        )
        assert result.exit_code == 0, result.output
        copy = _build(runner, empty_archive, root / "b.db", root / "out")
        try:
            assert natural_dump(copy) == natural_dump(original)
            with original.connect() as a, copy.connect() as b:
                assert list(iter_records(b)) == list(iter_records(a))
        finally:
            original.dispose()
            copy.dispose()


def test_natural_dump_sees_a_changed_link(loaded_engine: Engine) -> None:
    # The comparison above would be worthless if relinking a row went unnoticed.
    from sqlalchemy import text

    before = natural_dump(loaded_engine)
    with loaded_engine.begin() as connection:
        connection.execute(
            text(
                "update contacts set organisation_id = (select id from organisations where name = 'Municipiul Calafat')"
            )
        )
    assert natural_dump(loaded_engine) != before
