"""`eufunds search`: full-text search that ignores case and diacritics, kept in
step with the archive by the loader and built for old archives by migration 0002."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from generated_seeds import write_seed
from sqlalchemy import Engine, text

from eufunds import migrate
from eufunds.cli import cli
from eufunds.load.loader import load_paths
from eufunds.read.search import SearchError, count_matches, parse_terms, rebuild_index, search
from eufunds.searchindex import PG_CONFIG
from eufunds.text import comma_letters_sql

CLUJ = "cj-cluj-calitate-competenta-performanta"
CALAFAT = "primaria-calafat-management-calitate"
CLUJ_SEED = f"{CLUJ}.yaml"


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def search_json(runner: CliRunner, engine: Engine, *words: str) -> list[dict]:
    result = runner.invoke(cli, ["--db", url_of(engine), "search", *words, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def hits_of(engine: Engine, words: str) -> set[tuple[str | None, str]]:
    return {(hit.slug, hit.kind) for hit in search(engine, words, limit=100)}


def entries(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        return sorted(
            tuple(row)
            for row in connection.execute(
                text("select project_id, kind, source_id, label, text from search_entries")
            )
        )


# --------------------------------------------------------------------------- matching


def test_search_without_diacritics_finds_text_written_with_them(loaded_engine: Engine) -> None:
    # "calității" is written only with diacritics in the Cluj objective.
    assert (CLUJ, "objective") in hits_of(loaded_engine, "calitatii")


def test_search_with_diacritics_finds_text_written_without_them(loaded_engine: Engine) -> None:
    # The Calafat title is written "calitatii", without diacritics.
    assert (CALAFAT, "title") in hits_of(loaded_engine, "calității")


@pytest.mark.parametrize("spelling", ["Competenţă", "Competență", "COMPETENTA"])
def test_search_treats_cedilla_and_comma_letters_as_the_same(loaded_engine: Engine, spelling: str) -> None:
    # The title is written with a cedilla ţ and a comma ț: "Competenţă, Performanță".
    assert (CLUJ, "title") in hits_of(loaded_engine, spelling)


def test_search_finds_a_comma_word_written_with_a_cedilla(loaded_engine: Engine) -> None:
    # The funding line says "Consiliul Judeţean Cluj" (cedilla) in the document.
    assert (CLUJ, "document") in hits_of(loaded_engine, '"Consiliul Județean Cluj"')


def test_search_requires_every_word(loaded_engine: Engine) -> None:
    # Only the press release names both; the OS2 objective says "workshopuri" alone.
    assert hits_of(loaded_engine, "calafat workshopuri") == {(CALAFAT, "document")}
    assert hits_of(loaded_engine, "calafat zmeura") == set()


def test_search_quoted_words_match_as_a_phrase(loaded_engine: Engine) -> None:
    assert hits_of(loaded_engine, '"intern managerial"') == set()
    assert (CALAFAT, "objective") in hits_of(loaded_engine, '"managerial intern"')


def test_search_word_with_star_matches_words_it_begins(loaded_engine: Engine) -> None:
    assert (CALAFAT, "objective") in hits_of(loaded_engine, "workshop*")
    assert hits_of(loaded_engine, "workshop") == set()


def test_search_text_with_query_syntax_is_taken_literally(loaded_engine: Engine) -> None:
    # Colons, parentheses and NEAR are FTS5 syntax; here they are just text.
    assert hits_of(loaded_engine, "ISO 9001:2015 (NEAR") == set()
    assert (CLUJ, "result") in hits_of(loaded_engine, "ISO 9001:2015")


def test_search_of_punctuation_only_is_a_clear_error(runner: CliRunner, loaded_engine: Engine) -> None:
    result = runner.invoke(cli, ["--db", url_of(loaded_engine), "search", ",;"])
    assert result.exit_code == 1
    assert "nothing to search for" in result.output


def test_parse_terms_folds_cedilla_before_querying() -> None:
    assert [t.text for t in parse_terms('ţară "Judeţean Cluj" şcoal*')] == ["țară", "Județean Cluj", "școal"]


# --------------------------------------------------------------------------- hits


def test_search_hit_names_project_where_it_matched_and_a_highlighted_snippet(
    runner: CliRunner, loaded_engine: Engine
) -> None:
    hits = search_json(runner, loaded_engine, "workshopuri")
    assert hits[0]["slug"] == CALAFAT
    assert hits[0]["kind"] == "objective" and hits[0]["label"] == "OS2"
    assert "[workshopuri] și 2 schimburi" in hits[0]["snippet"]
    assert {hit["kind"] for hit in hits} == {"objective", "document"}


def test_search_snippet_shows_the_text_as_written(runner: CliRunner, loaded_engine: Engine) -> None:
    # Folding happens in the index only; the snippet keeps the cedilla of the title.
    hits = search_json(runner, loaded_engine, "competenta")
    title = next(hit for hit in hits if hit["kind"] == "title")
    assert "[Competenţă], Performanță în Consiliul Județean" in title["snippet"]


def test_search_text_output_lists_numbered_hits_with_snippets(
    runner: CliRunner, loaded_engine: Engine
) -> None:
    result = runner.invoke(cli, ["--db", url_of(loaded_engine), "search", "workshopuri"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == f" 1. {CALAFAT} · objective OS2"
    assert "[workshopuri]" in result.output.splitlines()[1]


def test_search_ranks_a_short_text_about_the_words_above_a_long_one(engine: Engine, tmp_path: Path) -> None:
    seeds = tmp_path / "generated"
    filler = " ".join(f"cuvânt{i}" for i in range(400))
    write_seed(seeds, "focused", text="Audit intern și audit intern: audit intern pentru primărie.\n")
    write_seed(seeds, "passing", text=f"{filler} audit intern {filler}\n")
    write_seed(seeds, "unrelated", text="Drumuri județene reabilitate.\n")
    load_paths(engine, [seeds])
    ranked = search(engine, "audit intern")
    assert [hit.slug for hit in ranked] == ["focused", "passing"]
    assert ranked[0].rank < ranked[1].rank


def test_search_limit_caps_the_number_of_hits(runner: CliRunner, loaded_engine: Engine) -> None:
    assert len(search_json(runner, loaded_engine, "calitate", "--limit", "2")) == 2


def test_unranked_search_gives_the_same_hits_newest_first(loaded_engine: Engine) -> None:
    ranked = search(loaded_engine, "calitate", limit=100)
    unranked = search(loaded_engine, "calitate", limit=100, ranked=False)
    key = lambda hit: (hit.slug, hit.kind, hit.label)  # noqa: E731
    assert sorted(map(key, unranked), key=str) == sorted(map(key, ranked), key=str)
    with loaded_engine.connect() as connection:
        newest_first = [
            (slug, kind, label)
            for slug, kind, label in connection.execute(
                text(
                    "select p.slug, e.kind, e.label from search_entries e "
                    "left join projects p on p.id = e.project_id order by e.id desc"
                )
            )
            if (slug, kind, label) in set(map(key, ranked))
        ]
    assert list(map(key, unranked)) == newest_first


def test_count_of_matches_stops_at_its_bound(loaded_engine: Engine) -> None:
    every = len(search(loaded_engine, "calitate", limit=1000))
    assert count_matches(loaded_engine, "calitate", at_most=1000) == every > 2
    assert count_matches(loaded_engine, "calitate", at_most=2) == 2
    assert count_matches(loaded_engine, "zmeura", at_most=10) == 0


def test_search_without_matches_prints_nothing_and_succeeds(runner: CliRunner, loaded_engine: Engine) -> None:
    result = runner.invoke(cli, ["--db", url_of(loaded_engine), "search", "zmeura"])
    assert result.exit_code == 0 and result.stdout == ""


# --------------------------------------------------------------------------- index in step


def test_search_index_covers_titles_documents_objectives_and_results(loaded_engine: Engine) -> None:
    kinds = [row[1] for row in entries(loaded_engine)]
    # 2 titles, 2 documents, 1 + 4 objectives, 3 + 4 results.
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "title": 2, "document": 2, "objective": 5, "result": 7,
    }  # fmt: skip


def test_search_index_follows_an_edited_seed_on_reload(loaded_engine: Engine, seeds_dir: Path) -> None:
    seed = seeds_dir / CLUJ_SEED
    lines = seed.read_text(encoding="utf-8").splitlines(keepends=True)
    # The new wording is not in the release, so its evidence quote goes too.
    lines = [line for line in lines if not line.startswith("  results[2].text:")]
    edited = "".join(lines).replace(
        "Schimb de experiență cu o instituție internațională", "Vizită la Zmeura", 1
    )
    seed.write_text(edited, encoding="utf-8")
    load_paths(loaded_engine, [seeds_dir])
    assert hits_of(loaded_engine, "zmeura") == {(CLUJ, "result")}
    # The old wording is still in the press release, but no longer in a result.
    assert (CLUJ, "result") not in hits_of(loaded_engine, '"schimb de experienta"')


def test_search_index_forgets_removed_objectives(loaded_engine: Engine, seeds_dir: Path) -> None:
    seed = seeds_dir / CLUJ_SEED
    lines = seed.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("objectives:\n")
    end = lines.index("results:\n")
    evidence = [i for i, line in enumerate(lines) if line.lstrip().startswith("objectives[0]")]
    kept = [line for i, line in enumerate(lines) if not (start < i < end) and i not in evidence]
    kept[start] = "objectives: []\n"
    seed.write_text("".join(kept), encoding="utf-8")
    load_paths(loaded_engine, [seeds_dir])
    assert (CLUJ, "objective") not in hits_of(loaded_engine, "calitatii")
    assert [row for row in entries(loaded_engine) if row[1] == "objective" and row[0] == 1] == []


def test_search_index_after_load_edit_and_reload_equals_a_full_rebuild(
    loaded_engine: Engine, seeds_dir: Path
) -> None:
    seed = seeds_dir / CLUJ_SEED
    seed.write_text(seed.read_text(encoding="utf-8").replace("title: Calitate,", "title: Calitate nouă,"))
    load_paths(loaded_engine, [seeds_dir])
    load_paths(loaded_engine, [seeds_dir])  # unchanged: must not touch the index
    incremental = entries(loaded_engine)
    with loaded_engine.begin() as connection:
        rebuild_index(connection)
    assert [row[1:] for row in incremental] == [row[1:] for row in entries(loaded_engine)]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_each_search_entry_holds_the_tsvector_of_its_own_text(loaded_engine: Engine, seeds_dir: Path) -> None:
    seed = seeds_dir / CLUJ_SEED
    seed.write_text(seed.read_text(encoding="utf-8").replace("title: Calitate,", "title: Calitate nouă,"))
    load_paths(loaded_engine, [seeds_dir])
    fresh = f"to_tsvector('{PG_CONFIG}', {comma_letters_sql('text')})"
    with loaded_engine.connect() as connection:
        total = connection.execute(text("SELECT count(*) FROM search_entries")).scalar()
        stale = connection.execute(
            text(f"SELECT count(*) FROM search_entries WHERE document IS DISTINCT FROM {fresh}")
        ).scalar()
    assert total and total > 10
    assert stale == 0


@pytest.mark.sqlite_only
def test_search_fts_index_passes_its_integrity_check_after_reloads(
    loaded_engine: Engine, seeds_dir: Path
) -> None:
    seed = seeds_dir / CLUJ_SEED
    seed.write_text(seed.read_text(encoding="utf-8").replace("acronym: CCP", "acronym: CCPX"))
    load_paths(loaded_engine, [seeds_dir])
    with loaded_engine.begin() as connection:
        # Compares every indexed token with the content table; raises on a mismatch.
        connection.exec_driver_sql(
            "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)"
        )


# --------------------------------------------------------------------------- migration


def test_migration_0002_indexes_data_loaded_before_it(db_url: str, seeds_dir: Path) -> None:
    from eufunds.db import create_archive_engine

    engine = create_archive_engine(db_url)
    try:
        # An archive loaded by the code of 0001's day: loaded today, then taken
        # back to 0001 (the loader writes today's columns).
        migrate.upgrade(engine)
        load_paths(engine, [seeds_dir])
        migrate.downgrade(engine, "0001")
        with pytest.raises(SearchError, match="no search index"):
            search(engine, "calitatii")
        migrate.upgrade(engine)
        assert (CLUJ, "objective") in hits_of(engine, "calitatii")
        assert (CLUJ, "title") in hits_of(engine, "Competență")
    finally:
        engine.dispose()


def test_migration_0002_downgrade_removes_the_index(loaded_engine: Engine) -> None:
    from sqlalchemy import inspect

    migrate.downgrade(loaded_engine, "0001")
    assert not [t for t in inspect(loaded_engine).get_table_names() if t.startswith("search_")]
    migrate.upgrade(loaded_engine)
    assert (CALAFAT, "title") in hits_of(loaded_engine, "calitatii")


def test_search_on_an_archive_without_the_index_says_to_upgrade(
    runner: CliRunner, db_url: str, seeds_dir: Path
) -> None:
    from eufunds.db import create_archive_engine

    engine = create_archive_engine(db_url)
    migrate.upgrade(engine, "0001")
    engine.dispose()
    result = runner.invoke(cli, ["--db", db_url, "search", "calitate"])
    assert result.exit_code == 1
    assert "eufunds db upgrade" in result.output
