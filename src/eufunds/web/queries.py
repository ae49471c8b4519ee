"""The README's example queries, offered on the web as ready-made (canned) queries.

The SQL is the README's, character for character: ``tests/test_web_config.py``
holds the two together, and ``tests/test_readme.py`` checks the answers the
README prints for them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CannedQuery:
    name: str  # the URL path segment: /archive/<name>
    title: str  # in Romanian, as the pages are
    sql: str


CANNED_QUERIES: tuple[CannedQuery, ...] = (
    CannedQuery(
        "bani_fse_pe_proiect",
        "Banii din Fondul Social European ai fiecărui proiect și procentul lor",
        "SELECT p.slug, f.amount_minor / 100.0 AS fse_lei, f.share_bp / 100.0 AS fse_pct\n"
        "FROM funding_sources f JOIN projects p ON p.id = f.project_id\n"
        "WHERE f.source = 'FSE' ORDER BY p.slug;\n",
    ),
    CannedQuery(
        "proiecte_pe_program",
        "Proiecte pe program, axă prioritară și obiectiv specific",
        "SELECT programme, priority_axis, specific_objective, count(*) AS projects\n"
        "FROM project_overview GROUP BY programme, priority_axis, specific_objective;\n",
    ),
    CannedQuery(
        "persoane_instruite",
        "Persoane instruite, așa cum le numără rezultatele proiectelor",
        "SELECT p.slug, i.value, i.unit, i.what\n"
        "FROM indicators i JOIN results r ON r.id = i.result_id JOIN projects p ON p.id = r.project_id\n"
        "ORDER BY p.slug;\n",
    ),
    CannedQuery(
        "grupuri_tinta_si_perioade",
        "Grupuri țintă și perioade de implementare",
        "SELECT slug, target_group_size, duration_months, start_date, end_date"
        " FROM projects ORDER BY slug;\n",
    ),
    CannedQuery(
        "fse_pentru_iso_9001",
        "Cât din Fondul Social European a mers la proiecte ISO 9001 (și la câte suma este declarată)",
        "SELECT count(DISTINCT p.id) AS projects, count(f.amount_minor) AS with_known_amount,\n"
        "       sum(f.amount_minor) / 100.0 AS fse_lei\n"
        "FROM projects p JOIN funding_sources f ON f.project_id = p.id AND f.source = 'FSE'\n"
        "WHERE EXISTS (SELECT 1 FROM results r WHERE r.project_id = p.id AND r.text LIKE '%ISO 9001%');\n",
    ),
    CannedQuery(
        "bani_ue_pe_judet",
        "Banii din fonduri UE pe județ",
        "SELECT p.county_name AS county, p.nuts3, count(DISTINCT p.slug) AS projects,\n"
        "       count(f.amount) AS with_known_amount, sum(f.amount) AS eu_lei\n"
        "FROM projects p LEFT JOIN funding_overview f ON f.slug = p.slug AND f.is_eu_fund = 1\n"
        "GROUP BY p.county_name, p.nuts3 ORDER BY p.county_name;\n",
    ),
    CannedQuery(
        "promis_si_realizat",
        "Ce a promis fiecare proiect alături de ce a realizat",
        "SELECT slug, unit, target, achieved FROM project_promises ORDER BY slug, unit;\n",
    ),
    CannedQuery(
        "teme_cursuri",
        "Temele cursurilor organizate de un proiect",
        "SELECT t.topic FROM indicator_topics t JOIN indicators i ON i.id = t.indicator_id\n"
        "WHERE i.unit LIKE 'cursuri%' ORDER BY t.ordinal;\n",
    ),
    CannedQuery(
        "de_unde_vine_o_cifra",
        "De unde vine o cifră: rândul și cuvintele comunicatului",
        "SELECT e.field, e.line, e.quote FROM evidence e JOIN projects p ON p.id = e.project_id\n"
        "WHERE p.acronym = 'CCP' AND e.field LIKE 'funding[0]%' ORDER BY e.field;\n",
    ),
)
