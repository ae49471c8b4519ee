"""Every fact of both seed releases arrives in the archive exactly as transcribed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

CLUJ = "cj-cluj-calitate-competenta-performanta"
CALAFAT = "primaria-calafat-management-calitate"


def rows(engine: Engine, sql: str, **params: object) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def one(engine: Engine, sql: str, **params: object) -> tuple:
    found = rows(engine, sql, **params)
    assert len(found) == 1, found
    return found[0]


def test_cluj_values_are_exact_to_the_ban(loaded_engine: Engine) -> None:
    assert one(
        loaded_engine,
        "select currency, total_value_minor, eligible_value_minor from projects where slug = :s",
        s=CLUJ,
    ) == ("RON", 62499552, 62499552)


def test_cluj_funding_split_has_three_sources_in_release_order(loaded_engine: Engine) -> None:
    assert rows(
        loaded_engine,
        "select f.source, f.amount_minor, f.share_bp, f.contributor from funding_sources f "
        "join projects p on p.id = f.project_id where p.slug = :s order by f.ordinal",
        s=CLUJ,
    ) == [
        ("FSE", 53124619, 8500, None),
        ("national_budget", 8124941, 1300, None),
        ("beneficiary", 1249992, 200, "Consiliul Judeţean Cluj"),
    ]


def test_cluj_dates_duration_and_target_group(loaded_engine: Engine) -> None:
    with loaded_engine.connect() as c:
        row = c.execute(
            text(
                "select start_date, end_date, duration_months, target_group_size, "
                "target_group_description from projects where slug = :s"
            ),
            {"s": CLUJ},
        ).one()
    assert str(row[0]) == "2018-03-12" and str(row[1]) == "2019-07-11"
    assert row[2:4] == (16, 40)
    assert row[4] == (
        "funcționari publici, personal de conducere si de execuție, angajați ai Consiliului Județean Cluj"
    )


def test_cluj_identity_beneficiary_and_acronym(loaded_engine: Engine) -> None:
    assert one(
        loaded_engine,
        "select p.title, p.acronym, p.sipoca_code, p.mysmis_code, p.status, b.name, a.name "
        "from projects p join organisations b on b.id = p.beneficiary_id "
        "left join organisations a on a.id = p.acting_through_id where p.slug = :s",
        s=CLUJ,
    ) == (
        "Calitate, Competenţă, Performanță în Consiliul Județean Cluj",
        "CCP",
        None,
        None,
        "completed",
        "Judeţul Cluj",
        "Consiliul Județean",
    )


def test_cluj_contact_keeps_president_phone_fax_and_email(loaded_engine: Engine) -> None:
    assert rows(
        loaded_engine,
        "select c.name, c.position, o.name, c.phone, c.fax, c.email from contacts c "
        "join organisations o on o.id = c.organisation_id",
    ) == [
        (
            "ALIN TIȘE",
            "PREȘEDINTELE CONSILIULUI JUDEȚEAN CLUJ",
            "CONSILIUL JUDEȚEAN CLUJ",
            "0372 640030",
            "0372 640070",
            "cjc@cjcluj.ro",
        )
    ]


def test_cluj_has_three_project_results_and_a_general_objective(loaded_engine: Engine) -> None:
    results = rows(
        loaded_engine,
        "select r.level, r.code, r.text from results r join projects p on p.id = r.project_id "
        "where p.slug = :s order by r.ordinal",
        s=CLUJ,
    )
    assert [r[:2] for r in results] == [("project", None)] * 3
    assert results[0][2].startswith("Dezvoltarea și implementarea sistemului de calitate ISO 9001:2015")
    objectives = rows(
        loaded_engine,
        "select o.kind, o.achieved from objectives o join projects p on p.id = o.project_id "
        "where p.slug = :s",
        s=CLUJ,
    )
    assert objectives == [("general", "și-a atins obiectivul pentru care a fost realizat")]


def test_calafat_codes_and_programme_path(loaded_engine: Engine) -> None:
    assert one(
        loaded_engine,
        "select p.sipoca_code, p.mysmis_code, pr.code, pa.number, so.code, p.currency, "
        "p.total_value_minor, p.start_date from projects p "
        "join programmes pr on pr.id = p.programme_id "
        "join priority_axes pa on pa.id = p.priority_axis_id "
        "join specific_objectives so on so.id = p.specific_objective_id where p.slug = :s",
        s=CALAFAT,
    ) == ("474", "119830", "POCA", "2", "2.1", None, None, None)


def test_calafat_is_cofinanced_from_fse_with_unknown_amount_and_share(loaded_engine: Engine) -> None:
    assert rows(
        loaded_engine,
        "select f.source, f.amount_minor, f.share_bp from funding_sources f "
        "join projects p on p.id = f.project_id where p.slug = :s",
        s=CALAFAT,
    ) == [("FSE", None, None)]


def test_calafat_objectives_record_how_each_was_achieved(loaded_engine: Engine) -> None:
    objectives = rows(
        loaded_engine,
        "select o.kind, o.code, o.achieved from objectives o join projects p on p.id = o.project_id "
        "where p.slug = :s order by o.ordinal",
        s=CALAFAT,
    )
    assert [(k, c) for k, c, _ in objectives] == [
        ("general", None),
        ("specific", "OS1"),
        ("specific", "OS2"),
        ("specific", "OS3"),
    ]
    assert objectives[0][2] is None
    assert "ISO 9001/2015" in objectives[1][2]
    assert "2 workshopuri și 2 schimburi de experiență transnaționale" in objectives[2][2]
    assert "6 cursuri specializate" in objectives[3][2]


def test_calafat_indicators_count_workshops_exchanges_courses_and_employees(loaded_engine: Engine) -> None:
    indicators = rows(
        loaded_engine,
        "select i.value, i.unit from indicators i "
        "left join objectives o on o.id = i.objective_id left join results r on r.id = i.result_id "
        "order by coalesce(o.ordinal, 100 + r.ordinal), i.ordinal",
    )
    assert [(Decimal(str(v)), u) for v, u in indicators] == [
        (Decimal(2), "workshopuri"),
        (Decimal(2), "schimburi de experiență transnaționale"),
        (Decimal(6), "cursuri specializate"),
        (Decimal(20), "angajati"),
    ]


def test_calafat_six_course_topics_in_order(loaded_engine: Engine) -> None:
    assert [t for (t,) in rows(loaded_engine, "select topic from indicator_topics order by ordinal")] == [
        "Politici publice",
        "Planificare bugetară",
        "Control managerial intern",
        "Comunicare profesională",
        "Management în administrația publică locală",
        "Utilizarea TIC în administrația publică",
    ]


def test_calafat_project_results_serve_programme_results_2_and_5(loaded_engine: Engine) -> None:
    assert rows(
        loaded_engine,
        "select r.level, r.code, s.code from results r left join results s on s.id = r.serves_result_id "
        "join projects p on p.id = r.project_id where p.slug = :s order by r.ordinal",
        s=CALAFAT,
    ) == [("programme", "2", None), ("project", "1", "2"), ("programme", "5", None), ("project", "2", "5")]


def test_both_projects_share_one_programme_axis_and_objective_row(loaded_engine: Engine) -> None:
    assert one(
        loaded_engine,
        "select count(*), count(distinct programme_id), count(distinct priority_axis_id), "
        "count(distinct specific_objective_id) from projects",
    ) == (2, 1, 1, 1)
    # ...while each keeps the wording its own release used.
    titles = rows(loaded_engine, "select specific_objective_title from projects order by slug")
    assert titles[0][0].endswith("în concordanță cu SCAP")
    assert titles[1][0].endswith("în concordanță cu SCAP 2014 - 2020")


@pytest.mark.parametrize(
    ("slug", "file_name", "published", "publisher"),
    [
        (CLUJ, "001_f36f72105a710f57.txt", dt.date(2019, 6, 24), "monitorulcj.ro"),
        (CALAFAT, "000_409006d159ec7036.txt", dt.date(2020, 1, 31), None),
    ],
)
def test_each_project_keeps_its_source_release_whole(
    loaded_engine: Engine, seeds_dir, slug: str, file_name: str, published: dt.date, publisher: str | None
) -> None:
    with loaded_engine.connect() as c:
        document = c.execute(
            text(
                "select d.file_name, d.kind, d.published, d.publisher, d.text, d.sha256 from documents d "
                "join projects p on p.id = d.project_id where p.slug = :s"
            ),
            {"s": slug},
        ).one()
    import hashlib

    raw = (seeds_dir / file_name).read_bytes()
    assert document[:2] == (file_name, "end")
    assert str(document[2]) == published.isoformat()
    assert document[3] == publisher
    assert document[4] == raw.decode("utf-8")
    assert document[5] == hashlib.sha256(raw).hexdigest()


def test_every_evidence_quote_points_at_its_words_in_the_source(loaded_engine: Engine) -> None:
    found = rows(
        loaded_engine,
        "select e.field, e.quote, e.line, e.char_start, e.char_end, d.text from evidence e "
        "join documents d on d.id = e.document_id",
    )
    assert len(found) > 50
    for field, quote, line, start, end, source in found:
        assert " ".join(source[start:end].split()) == " ".join(quote.split()), field
        assert source.count("\n", 0, start) + 1 == line


def test_views_show_lei_as_decimals(loaded_engine: Engine) -> None:
    found = one(
        loaded_engine,
        "select eligible_value, eu_amount, eu_share_pct, national_budget_amount, beneficiary_amount "
        "from project_funding_split where slug = :s",
        s=CLUJ,
    )
    # SQLite returns floats, PostgreSQL exact numerics: compare the decimals they print as.
    assert tuple(Decimal(str(v)) for v in found) == tuple(
        Decimal(v) for v in ("624995.52", "531246.19", "85", "81249.41", "12499.92")
    )
