"""The web face as a reader uses it: `eufunds serve` in a child process on
127.0.0.1, driven by a real headless Chromium (Debian's, at /usr/bin/chromium,
through Playwright; no browser is ever downloaded).

Without Chromium the tests skip, saying why; on CI (CI set) they fail instead,
as the PostgreSQL tests do with EUFUNDS_REQUIRE_POSTGRES. `.ci/run` installs
Chromium from Debian's packages where it is missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webserver import build_archive, running_server

from eufunds.db import create_archive_engine, resolve_database_url
from eufunds.read.records import ProjectFilters, iter_records

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CLUJ = "cj-cluj-calitate-competenta-performanta"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "") not in ("", "0", "false"):
        pytest.fail(f"CI is set, so the browser tests must run, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    archive = build_archive(tmp_path_factory.mktemp("web-browser") / "archive.db")
    with running_server(archive) as base:
        yield base, archive


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ro-RO")
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


def record_of(archive: Path, slug: str) -> dict[str, Any]:
    engine = create_archive_engine(resolve_database_url(str(archive)), read_only=True)
    with engine.connect() as connection:
        record = next(iter_records(connection, ProjectFilters(project=slug)))
    engine.dispose()
    return record


def evidence_of(archive: Path, slug: str, field: str) -> tuple[int, str]:
    import sqlite3

    with sqlite3.connect(archive) as connection:
        row = connection.execute(
            "SELECT e.id, e.quote FROM evidence e JOIN projects p ON p.id = e.project_id "
            "WHERE p.slug = ? AND e.field = ? ORDER BY e.ordinal LIMIT 1",
            (slug, field),
        ).fetchone()
    return int(row[0]), str(row[1])


def words(text: str) -> str:
    return " ".join(text.split())


def test_home_page_lists_every_project(served: tuple[str, Path], page: Any) -> None:
    base, _ = served
    page.goto(base)
    listed = page.locator("table.proiecte tbody tr")
    assert listed.count() == 2
    titles = listed.locator("td:first-child a").all_inner_texts()
    assert titles == [
        "Calitate, Competenţă, Performanță în Consiliul Județean Cluj",
        "Imbunatatirea sistemului de management al calitatii la Primaria Municipiului Calafat",
    ]
    assert page.locator("html").get_attribute("lang") == "ro"


def test_a_facet_narrows_the_project_list(served: tuple[str, Path], page: Any) -> None:
    base, _ = served
    page.goto(base)
    page.get_by_role("link", name="Toate proiectele, cu filtre").click()
    page.wait_for_url(re.compile(r"/projects"))
    page.wait_for_load_state("load")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2
    page.locator("#facet-beneficiary_id").get_by_role("link", name="Municipiul Calafat").click()
    # The click navigates; count the rows of the narrowed page, not the one it leaves.
    page.wait_for_url(re.compile(r"[?&]beneficiary_id=\d+"))
    page.wait_for_load_state("load")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 1
    assert "primaria-calafat-management-calitate" in rows.first.inner_text()
    assert re.search(r"[?&]beneficiary_id=\d+", page.url)


def test_search_typed_without_diacritics_finds_a_title_written_with_them(
    served: tuple[str, Path], page: Any
) -> None:
    base, _ = served
    page.goto(base)
    page.locator("main form.cautare input[name=q]").fill("competenta performanta")
    page.locator("main form.cautare button").click()
    page.wait_for_url(re.compile(r"/cautare\?q=competenta"))
    first = page.locator("ol.rezultate li").first
    assert (
        first.locator("a.titlu-proiect").inner_text()
        == "Calitate, Competenţă, Performanță în Consiliul Județean Cluj"
    )
    assert first.locator("mark").all_inner_texts()[:2] == ["Competenţă", "Performanță"]


def test_project_page_shows_each_fact_of_the_fiche(served: tuple[str, Path], page: Any) -> None:
    base, archive = served
    record = record_of(archive, CLUJ)
    page.goto(f"{base}proiect/{CLUJ}")
    fiche = words(page.locator("div.fisa").inner_text())
    expected = [
        record["title"], record["acronym"], "finalizat", record["beneficiary"]["name"],
        record["beneficiary"]["acting_through"], record["programme"]["name"], record["priority_axis"]["title"],
        record["specific_objective"]["title"], "FSE", record["location"],
        "624.995,52 RON", "531.246,19 RON", "81.249,41 RON", "12.499,92 RON", "85 %", "13 %", "2 %",
        "12.03.2018 → 11.07.2019", "16 luni", "40 persoane", record["target_group"]["description"],
        *(o["text"] for o in record["objectives"]), *(r["text"] for r in record["results"]),
        *(c["name"] for c in record["contacts"]), *(c["email"] for c in record["contacts"]),
    ]  # fmt: skip
    for fact in expected:
        assert words(fact) in fiche, fact
    # Start and end releases side by side: every source of the project is shown, in order.
    assert page.locator("article.sursa").count() == len(record["sources"])


def test_following_a_fact_highlights_its_words_in_the_source(served: tuple[str, Path], page: Any) -> None:
    base, archive = served
    evidence_id, quote = evidence_of(archive, CLUJ, "total_value")
    page.goto(f"{base}proiect/{CLUJ}")
    assert page.locator("mark.aleasa").count() == 0
    page.locator("dt:text-is('valoare totală') + dd a.fapt").click()
    page.wait_for_url(re.compile(rf"dovada={evidence_id}#dovada-{evidence_id}$"))
    chosen = page.locator("mark.aleasa")
    assert words("".join(chosen.all_inner_texts())) == words(quote)
    assert chosen.first.is_visible()
    box, viewport = chosen.first.bounding_box(), page.viewport_size
    assert box is not None and 0 <= box["y"] < viewport["height"], "the source scrolled to the quote"


def test_every_quoted_span_is_marked_in_the_source_text(served: tuple[str, Path], page: Any) -> None:
    base, archive = served
    _, quote = evidence_of(archive, CLUJ, "funding[0].amount")
    page.goto(f"{base}proiect/{CLUJ}")
    marked = page.locator("div.text-sursa mark").all_inner_texts()
    assert words(quote) in words(" ".join(marked))


START_RELEASE = """Comunicat de presă

20.03.2018

Începe proiectul ”Calitate, Competenţă, Performanță în Consiliul Județean Cluj”

Județul Cluj, prin Consiliul Județean, anunță începerea proiectului ”Calitate, Competenţă, Performanță
în Consiliul Județean Cluj” (CCP), cofinanțat din Fondul Social European prin Programul Operațional
Capacitate Administrativă 2014-2020. Valoarea totală a proiectului este de 624.995,52 lei.
"""


def test_start_and_end_releases_stand_side_by_side(seeds_dir: Path, tmp_path: Path, page: Any) -> None:
    # An invented start release beside the real end release of the Cluj project.
    (seeds_dir / "002_start_cj.txt").write_text(START_RELEASE, encoding="utf-8")
    seed = seeds_dir / f"{CLUJ}.yaml"
    text = seed.read_text(encoding="utf-8")
    end_source = (
        "    title: Finalizare proiect ”Calitate, Competenţă, Performanță în Consiliul Județean Cluj”\n"
    )
    start_source = (
        "  - file: 002_start_cj.txt\n    kind: start\n    published: 2018-03-20\n    publisher: cjcluj.ro\n"
    )
    seed.write_text(text.replace(end_source, end_source + start_source, 1), encoding="utf-8")
    with running_server(build_archive(tmp_path / "two.db", seeds_dir)) as base:
        page.goto(f"{base}proiect/{CLUJ}")
        releases = page.locator("article.sursa")
        assert releases.count() == 2
        start, end = releases.nth(0), releases.nth(1)
        assert start.locator("h3").inner_text().startswith("Comunicat de început · 20.03.2018")
        assert end.locator("h3").inner_text().startswith("Comunicat de final · 24.06.2019")
        left, right = start.bounding_box(), end.bounding_box()
        assert left is not None and right is not None
        assert left["y"] == right["y"] and left["x"] + left["width"] <= right["x"], (
            "side by side, start first"
        )


def test_screenshot_of_a_project_page_is_kept_as_an_artefact(served: tuple[str, Path], page: Any) -> None:
    base, archive = served
    evidence_id, _ = evidence_of(archive, CLUJ, "eligible_value")
    page.goto(f"{base}proiect/{CLUJ}")
    ARTIFACTS.mkdir(exist_ok=True)
    fiche = ARTIFACTS / "project-page.png"
    page.screenshot(path=str(fiche), full_page=True)
    page.goto(f"{base}proiect/{CLUJ}?dovada={evidence_id}#dovada-{evidence_id}")
    followed = ARTIFACTS / "project-page-quote.png"
    page.screenshot(path=str(followed))
    for shot in (fiche, followed):
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
        print(f"screenshot: {shot}")


def test_no_page_breaks_its_content_security_policy(served: tuple[str, Path], page: Any) -> None:
    base, _ = served
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    for path in (
        "",
        f"proiect/{CLUJ}",
        "cautare?q=iso",
        "arhiva",
        "arhiva/projects",
        "arhiva/bani_fse_pe_proiect",
    ):
        page.goto(base + path)
        page.wait_for_load_state("load")
    assert refused == []
