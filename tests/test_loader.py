"""The loader: all or nothing, idempotent, updates in place, refuses bad input cleanly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from dumps import archive_dump, archive_snapshot
from sqlalchemy import Engine, text

from eufunds.db import sqlite_path
from eufunds.load.loader import LoadError, LoadReport, load_paths, load_seeds
from eufunds.seed.format import read_seed

CLUJ_SEED = "cj-cluj-calitate-competenta-performanta.yaml"
CALAFAT_SEED = "primaria-calafat-management-calitate.yaml"


def archive_file(engine: Engine) -> Path:
    path = sqlite_path(str(engine.url))
    assert path is not None
    return path


def test_first_load_inserts_both_seeds(engine: Engine, seeds_dir: Path) -> None:
    report = load_paths(engine, [seeds_dir])
    assert sorted(report.inserted) == [
        "cj-cluj-calitate-competenta-performanta",
        "primaria-calafat-management-calitate",
    ]
    assert report.updated == report.unchanged == []


def test_load_twice_changes_nothing(engine: Engine, seeds_dir: Path) -> None:
    load_paths(engine, [seeds_dir])
    before = archive_dump(engine)
    report = load_paths(engine, [seeds_dir])
    assert len(report.unchanged) == 2 and not report.inserted and not report.updated
    assert archive_dump(engine) == before


def test_a_load_that_keeps_no_slugs_still_counts_every_outcome(engine: Engine, seeds_dir: Path) -> None:
    load_paths(engine, [seeds_dir / CLUJ_SEED])
    seed = seeds_dir / CLUJ_SEED
    seed.write_text(seed.read_text(encoding="utf-8").replace("size: 40", "size: 41"), encoding="utf-8")
    kept = load_paths(engine, [seeds_dir], keep_slugs=False)
    assert kept.counts == {"inserted": 1, "updated": 1, "unchanged": 0}
    assert kept.inserted == kept.updated == kept.unchanged == []
    assert kept.summary() == "2 seeds: 1 inserted, 1 updated, 0 unchanged"
    again = load_paths(engine, [seeds_dir])
    assert again.counts == {"inserted": 0, "updated": 0, "unchanged": 2}
    assert again.unchanged == sorted(again.unchanged) and len(again.unchanged) == 2


def test_a_report_built_from_lists_counts_them() -> None:
    report = LoadReport(inserted=["a", "b"], unchanged=["c"], warnings=["w"])
    report.add("updated", ["d"])
    assert report.counts == {"inserted": 2, "updated": 1, "unchanged": 1}
    assert report.summary() == "4 seeds: 2 inserted, 1 updated, 1 unchanged, 1 warning"


def test_seed_names_do_not_depend_on_how_the_folder_is_spelled(engine: Engine, seeds_dir: Path) -> None:
    load_paths(engine, [seeds_dir])
    report = load_paths(engine, [Path(str(seeds_dir) + "/./")])
    assert len(report.unchanged) == 2


def test_edited_seed_updates_the_project_in_place(engine: Engine, seeds_dir: Path) -> None:
    load_paths(engine, [seeds_dir])
    with engine.connect() as c:
        before_id = c.execute(text("select id from projects where acronym = 'CCP'")).scalar_one()
    seed = seeds_dir / CLUJ_SEED
    seed.write_text(seed.read_text(encoding="utf-8").replace("size: 40", "size: 41"), encoding="utf-8")
    report = load_paths(engine, [seeds_dir])
    assert report.updated == ["cj-cluj-calitate-competenta-performanta"]
    assert report.unchanged == ["primaria-calafat-management-calitate"]
    with engine.connect() as c:
        row = c.execute(text("select id, target_group_size from projects where acronym = 'CCP'")).one()
        counts = c.execute(
            text("select (select count(*) from funding_sources), (select count(*) from documents)")
        ).one()
    assert tuple(row) == (before_id, 41)
    assert tuple(counts) == (4, 2)


def test_edit_then_load_matches_a_fresh_load_of_the_edited_seeds(
    engine: Engine, seeds_dir: Path, tmp_path: Path
) -> None:
    from eufunds import migrate
    from eufunds.db import create_archive_engine, resolve_database_url

    load_paths(engine, [seeds_dir])
    seed = seeds_dir / CALAFAT_SEED
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("location: null", "location: Municipiul Calafat"),
        encoding="utf-8",
    )
    load_paths(engine, [seeds_dir])
    fresh = create_archive_engine(resolve_database_url(str(tmp_path / "fresh.db")))
    migrate.upgrade(fresh)
    load_paths(fresh, [seeds_dir])
    query = "select slug, location, record_sha256 from projects order by slug"
    with engine.connect() as a, fresh.connect() as b:
        assert a.execute(text(query)).all() == b.execute(text(query)).all()


def _fresh_archive(path: Path) -> Engine:
    from eufunds import migrate
    from eufunds.db import create_archive_engine, resolve_database_url

    fresh = create_archive_engine(resolve_database_url(str(path)))
    migrate.upgrade(fresh)
    return fresh


def test_seeds_read_elsewhere_and_handed_over_load_the_same_rows_as_their_files(
    seeds_dir: Path, tmp_path: Path
) -> None:
    # As ingest does: each seed checked in a scratch folder, then written where it belongs.
    scratch = tmp_path / "scratch"
    shutil.copytree(seeds_dir, scratch)
    files = [seeds_dir / CALAFAT_SEED, seeds_dir / CLUJ_SEED]
    seeds = []
    for file in files:
        draft = (scratch / file.name).rename(scratch / f"draft-{file.name}")
        seeds.append(read_seed(draft, label="draft").as_read_from(file))
    handed, read = _fresh_archive(tmp_path / "handed.db"), _fresh_archive(tmp_path / "read.db")
    handed_report = load_seeds(handed, seeds)
    read_report = load_paths(read, files)
    assert handed_report == read_report
    assert archive_dump(handed) == archive_dump(read)


def test_a_seed_handed_over_is_refused_in_the_words_its_file_would_be(
    engine: Engine, seeds_dir: Path
) -> None:
    seed = seeds_dir / CLUJ_SEED
    with pytest.raises(LoadError) as from_files:
        load_paths(engine, [seed, seed])
    with pytest.raises(LoadError) as handed:
        load_seeds(engine, [read_seed(seed), seed])  # a path among them is read as load_paths reads it
    assert [str(p) for p in handed.value.problems] == [str(p) for p in from_files.value.problems]
    assert "is also claimed by" in str(handed.value)


def test_figures_that_disagree_load_as_written_with_a_warning(engine: Engine, seeds_dir: Path) -> None:
    seed = seeds_dir / CLUJ_SEED
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("share_pct: 13", "share_pct: 14"), encoding="utf-8"
    )
    report = load_paths(engine, [seeds_dir])
    assert any("add up to 101 %" in w for w in report.warnings)
    assert any("funding[1]" in w and "13.00 %" in w for w in report.warnings)
    with engine.connect() as c:
        assert (
            c.execute(text("select share_bp from funding_sources where source = 'national_budget'")).scalar()
            == 1400
        )


def test_strict_load_refuses_figures_that_disagree(engine: Engine, seeds_dir: Path) -> None:
    seed = seeds_dir / CLUJ_SEED
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("amount: 81249.41", "amount: 81249.40"), encoding="utf-8"
    )
    with pytest.raises(LoadError, match=r"add up to 624995\.51"):
        load_paths(engine, [seeds_dir], strict=True)


def test_seeds_as_transcribed_agree_with_themselves(seeds_dir: Path) -> None:
    from eufunds.seed.consistency import record_warnings

    for name in (CLUJ_SEED, CALAFAT_SEED):
        assert record_warnings(read_seed(seeds_dir / name).record) == []


def test_every_text_in_the_seeds_is_written_as_in_its_source(seeds_dir: Path) -> None:
    """Texts are copied, not paraphrased: each occurs in the release (whitespace aside)."""
    from eufunds.seed.format import find_quote

    for name in (CLUJ_SEED, CALAFAT_SEED):
        seed = read_seed(seeds_dir / name)
        source = seed.sources[0].text
        record = seed.record
        # Programme names are given in the nominative ("Programul ..."), the
        # release's grammatical case aside; every other text is verbatim.
        texts = [record["title"], record["beneficiary"]["name"]]
        texts += [record["priority_axis"]["title"], record["specific_objective"]["title"]]
        texts += [o["text"] for o in record["objectives"]] + [o["achieved"] for o in record["objectives"]]
        texts += [r["text"] for r in record["results"]] + [f["description"] for f in record["funding"]]
        texts += [i["unit"] for o in record["objectives"] + record["results"] for i in o["indicators"]]
        for value in filter(None, texts):
            assert find_quote(source, value) is not None, (name, value)


# --------------------------------------------------------------------------- bad input


def _edit(seeds_dir: Path, name: str, old: str, new: str) -> None:
    path = seeds_dir / name
    content = path.read_text(encoding="utf-8")
    assert old in content, old
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


BAD_EDITS = {
    "malformed_yaml": (CLUJ_SEED, "acronym: CCP", "acronym: [CCP", r"\.yaml:\d+: malformed YAML"),
    "wrong_type": (CLUJ_SEED, "size: 40", "size: forty", r":5\d: target_group\.size: must be a whole number"),
    "unknown_key": (
        CLUJ_SEED,
        "acronym: CCP",
        "acronim: CCP",
        r":5: acronim: unknown key \(did you mean 'acronym'\?\)",
    ),
    "missing_required_key": (CLUJ_SEED, "status: completed\n", "", r": status: is required"),
    "bad_date": (CLUJ_SEED, "end_date: 2019-07-11", "end_date: 2019-13-11", r":\d+: end_date: .*not a valid"),
    "end_before_start": (
        CLUJ_SEED,
        "end_date: 2019-07-11",
        "end_date: 2017-07-11",
        r"end_date: 2017-07-11 is before",
    ),
    "negative_amount": (
        CLUJ_SEED,
        "amount: 81249.41",
        "amount: -81249.41",
        r":\d+: funding\[1\]\.amount: must not be negative",
    ),
    "too_many_decimals": (
        CLUJ_SEED,
        "amount: 81249.41",
        "amount: 81249.411",
        r"funding\[1\]\.amount: .*more than two decimals",
    ),
    "share_over_100": (
        CLUJ_SEED,
        "share_pct: 85",
        "share_pct: 185",
        r"funding\[0\]\.share_pct: .*between 0 and 100",
    ),
    "unknown_funding_code": (
        CLUJ_SEED,
        "source: national_budget",
        "source: budget",
        r"funding\[1\]\.source: unknown code 'budget'",
    ),
    "unknown_programme_code": (
        CLUJ_SEED,
        "code: POCA",
        "code: POXX",
        r"programme\.code: unknown code 'POXX'",
    ),
    "unknown_status": (CLUJ_SEED, "status: completed", "status: done", r"status: unknown code 'done'"),
    "missing_source_file": (
        CLUJ_SEED,
        "file: 001_f36f72105a710f57.txt",
        "file: 999.txt",
        r"sources\[0\]\.file: source file '999.txt' does not exist",
    ),
    "source_outside_folder": (
        CLUJ_SEED,
        "file: 001_f36f72105a710f57.txt",
        "file: ../outside.txt",
        r"sources\[0\]\.file: .*inside the seed's folder",
    ),
    "absolute_source": (
        CLUJ_SEED,
        "file: 001_f36f72105a710f57.txt",
        "file: /etc/passwd",
        r"sources\[0\]\.file: .*inside the seed's folder",
    ),
    "evidence_not_in_source": (
        CLUJ_SEED,
        "acronym: ”Calitate",
        "acronym: ”Kalitate",
        r"evidence\.acronym: quote not found",
    ),
    "python_tag": (
        CLUJ_SEED,
        "acronym: CCP",
        "acronym: !!python/object/apply:os.system [echo]",
        r"acronym: YAML tag .* not allowed",
    ),
    "duplicate_key": (CLUJ_SEED, "acronym: CCP", "acronym: CCP\nacronym: XYZ", r"acronym: key repeated"),
    "serves_unknown_result": (
        CALAFAT_SEED,
        'serves: "5"',
        'serves: "7"',
        r"results\[3\]\.serves: no programme-level result",
    ),
    "float_code": (CALAFAT_SEED, 'sipoca: "474"', "sipoca: 47.4", r"codes\.sipoca: must be a code of digits"),
}


@pytest.mark.parametrize("case", sorted(BAD_EDITS))
def test_bad_seed_is_refused_naming_file_line_and_field_and_archive_is_unchanged(
    engine: Engine, seeds_dir: Path, case: str
) -> None:
    load_paths(engine, [seeds_dir / CALAFAT_SEED])
    before = archive_snapshot(engine)  # the file's bytes on SQLite, every row on PostgreSQL
    (seeds_dir.parent / "outside.txt").write_text("text", encoding="utf-8")
    name, old, new, expected = BAD_EDITS[case]
    _edit(seeds_dir, name, old, new)
    with pytest.raises(LoadError, match=expected) as error:
        load_paths(engine, [seeds_dir])
    assert name in str(error.value)
    assert archive_snapshot(engine) == before


def test_symlink_out_of_the_seeds_folder_is_refused(engine: Engine, seeds_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Valoarea totală a proiectului a fost de 624.995,52 lei.", encoding="utf-8")
    (seeds_dir / "link.txt").symlink_to(secret)
    _edit(seeds_dir, CLUJ_SEED, "file: 001_f36f72105a710f57.txt", "file: link.txt")
    with pytest.raises(LoadError, match=r"sources\[0\]\.file: 'link.txt' leads outside"):
        load_paths(engine, [seeds_dir])


def test_two_files_claiming_one_slug_are_refused_naming_both(engine: Engine, seeds_dir: Path) -> None:
    shutil.copy(seeds_dir / CLUJ_SEED, seeds_dir / "copy.yaml")
    with pytest.raises(LoadError) as error:
        load_paths(engine, [seeds_dir])
    message = str(error.value)
    assert "slug 'cj-cluj-calitate-competenta-performanta' is also claimed by" in message
    assert "copy.yaml" in message and CLUJ_SEED in message


def test_two_files_claiming_one_sipoca_code_are_refused_naming_both(engine: Engine, seeds_dir: Path) -> None:
    _edit(seeds_dir, CLUJ_SEED, "sipoca: null", 'sipoca: "474"')
    with pytest.raises(LoadError, match=r"codes\.sipoca: sipoca '474' is also claimed by .*\.yaml:\d+"):
        load_paths(engine, [seeds_dir])


def test_code_already_held_by_an_archived_project_is_refused(engine: Engine, seeds_dir: Path) -> None:
    load_paths(engine, [seeds_dir / CALAFAT_SEED])
    _edit(seeds_dir, CLUJ_SEED, "mysmis: null", 'mysmis: "119830"')
    with pytest.raises(LoadError, match="MYSMIS 119830 already belongs to project 'primaria-calafat"):
        load_paths(engine, [seeds_dir / CLUJ_SEED])


def test_every_bad_file_is_reported_not_only_the_first(engine: Engine, seeds_dir: Path) -> None:
    _edit(seeds_dir, CLUJ_SEED, "status: completed", "status: done")
    _edit(seeds_dir, CALAFAT_SEED, "status: completed", "status: over")
    with pytest.raises(LoadError) as error:
        load_paths(engine, [seeds_dir])
    assert len(error.value.problems) == 2


def test_load_into_an_archive_without_schema_says_to_migrate(db_url: str, seeds_dir: Path) -> None:
    from eufunds.db import ArchiveError, create_archive_engine

    with pytest.raises(ArchiveError, match="eufunds db upgrade"):
        load_paths(create_archive_engine(db_url), [seeds_dir])


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('code: "2.1"', 'code: "' + "2" * 17 + '"', "specific_objective.code"),
        ('number: "2"', 'number: "' + "9" * 17 + '"', "priority_axis.number"),
    ],
)
def test_code_longer_than_its_column_is_refused_on_every_backend(
    seeds_dir: Path, old: str, new: str, field: str
) -> None:
    from eufunds.seed.format import SeedError

    _edit(seeds_dir, CLUJ_SEED, old, new)
    with pytest.raises(SeedError, match=rf"{re.escape(field)}: is 17 characters long"):
        read_seed(seeds_dir / CLUJ_SEED)
