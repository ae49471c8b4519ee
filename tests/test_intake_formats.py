"""Releases in every format read to the same text, the same record and evidence at the
right page and offset; formats recognised from the bytes; hostile files refused clearly."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from release_formats import FORMATS, render, to_docx, to_html, to_pdf, to_printed_pdf, to_scanned_pdf

from eufunds.errors import IntakeError
from eufunds.extract.evaluation import compare_records, load_expected
from eufunds.extract.extractor import extract_release
from eufunds.intake import sniff
from eufunds.intake.ingest import draft_release
from eufunds.intake.sources import read_release_bytes
from eufunds.text import decode_release

SHARED_RELEASES = Path(__file__).resolve().parents[2] / "shared" / "releases"

# An invented end-of-project release; the PDF puts "Obiectivul general…" on page 2.
RELEASE = """COMUNICAT DE PRESĂ

Finalizare proiect „Digitalizarea arhivei Primăriei Comunei Valea Frumoasă”

Comuna Valea Frumoasă, în calitate de beneficiar, anunță finalizarea proiectului „Digitalizarea arhivei Primăriei Comunei Valea Frumoasă” (DAVF), cod SIPOCA 1234, cod MySMIS 154321, cofinanțat din Fondul Social European prin Programul Operațional Capacitate Administrativă 2014-2020.

Valoarea totală a proiectului este de 1.250.000,00 lei, din care:
• 1.062.500,00 lei finanțare nerambursabilă din Fondul Social European (85%);
• 162.500,00 lei finanțare nerambursabilă din bugetul național (13%);
• 25.000,00 lei cofinanțare eligibilă a beneficiarului (2%).

Perioada de implementare a proiectului a fost de 18 luni, între 01.03.2021 și 31.08.2022.

Obiectivul general al proiectului a constat în reducerea timpului de răspuns la solicitările cetățenilor prin digitalizarea a 40.000 de documente din arhiva primăriei.

Rezultatele proiectului:
• o platformă de arhivare electronică funcțională;
• 25 de angajați ai primăriei instruiți în utilizarea platformei.

Date de contact: Ion Popescu, manager de proiect, tel. 0244 123 456, e-mail proiecte@valeafrumoasa.ro
"""
PAGE_BREAK_BEFORE = 5  # the block "Obiectivul general…"


def _read(data: bytes, name: str = "comunicat"):
    return read_release_bytes(data, origin=name, name=name)


def _bytes(fmt: str) -> bytes:
    if fmt == "pdf":
        return to_pdf(RELEASE, page_breaks=[PAGE_BREAK_BEFORE])
    return render(RELEASE, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_is_recognised_from_the_bytes_not_the_name(fmt: str) -> None:
    source = _read(_bytes(fmt), name="comunicat.txt")
    assert source.media_type == {
        "txt": sniff.TEXT, "html": sniff.HTML, "pdf": sniff.PDF, "docx": sniff.DOCX, "odt": sniff.ODT,
    }[fmt]  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_the_same_release_in_every_format_gives_the_same_record_field_by_field(fmt: str) -> None:
    expected = extract_release(RELEASE, file_name="comunicat").record
    draft = draft_release(_read(_bytes(fmt)), file_name="comunicat")
    score = compare_records(expected, draft.extraction.record)
    assert score.mismatches == [], score.mismatches
    assert draft.extraction.record == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_evidence_points_at_the_quote_in_the_text_and_names_the_pdf_page(fmt: str) -> None:
    source = _read(_bytes(fmt))
    draft = draft_release(source)
    in_txt = extract_release(RELEASE).provenance
    assert draft.extraction.provenance.keys() == in_txt.keys()
    for path, span in draft.extraction.provenance.items():
        assert source.text[span.start : span.end] == span.quote, path
        assert span.quote.split() == in_txt[path].quote.split(), path
        if fmt != "pdf":
            assert draft.page_of(span) is None
            continue
        # The block the same value was read from in the .txt, and so its page in the PDF.
        block = len(RELEASE[: in_txt[path].start].strip().split("\n\n")) - 1
        assert draft.page_of(span) == (1 if block < PAGE_BREAK_BEFORE else 2), path


def test_pdf_pages_start_where_the_page_break_was() -> None:
    source = _read(_bytes("pdf"))
    assert len(source.page_starts) == 2
    assert source.text[source.page_starts[1] :].startswith("Obiectivul general al proiectului")


def test_the_saved_page_keeps_the_release_and_drops_the_site_around_it() -> None:
    text = _read(to_html(RELEASE)).text
    assert text.startswith("COMUNICAT DE PRESĂ\n\nFinalizare proiect")
    for furniture in (
        "cookie",
        "Acasă",
        "Distribuie",
        "Felicitări",
        "Articole recente",
        "drepturile rezervate",
    ):
        assert furniture not in text


def test_a_page_in_windows_1250_declared_in_its_meta_reads_the_same() -> None:
    assert _read(to_html(RELEASE, charset="windows-1250")).text == _read(to_html(RELEASE)).text


def test_a_release_written_in_decomposed_letters_reads_in_composed_ones() -> None:
    # "ă" as "a" and a combining breve, as some Mac editors and PDFs write it.
    source = _read(unicodedata.normalize("NFD", RELEASE).encode("utf-8"))
    assert source.text == unicodedata.normalize("NFC", RELEASE)
    record = draft_release(source).extraction.record
    assert record["beneficiary"]["name"] == "Comuna Valea Frumoasă"


def test_pdf_pages_start_in_the_right_place_once_letters_are_composed() -> None:
    source = _read(to_pdf(unicodedata.normalize("NFD", RELEASE), page_breaks=[PAGE_BREAK_BEFORE]))
    second = source.text[source.page_starts[1] :]
    assert second.startswith("Obiectivul general al proiectului a constat în")


def test_typographic_ligatures_read_as_their_letters() -> None:
    text = RELEASE.replace("fi", "\ufb01")
    assert "\ufb01" in text
    assert _read(text.encode("utf-8")).text == RELEASE


def test_pdf_hyphenation_and_wrapped_lines_are_rejoined() -> None:
    long_line = "Proiectul " + "contribuie la modernizarea administrației publice locale " * 4 + "din județ."
    text = _read(to_pdf(f"Titlu\n\n{long_line}\n")).text
    assert long_line in text


# Lines as a word processor prints them: the longest reaches the right margin.
PRINTED = [
    "Comunicat de presă",
    "",
    "-anunț finalizare proiect-",
    "",
    "Comuna Șipote anunță finalizarea proiectului de moderni-",
    "zare a serviciilor publice, în valoare totală de 624.995,52 lei,",
    "pentru care a asigurat cofinanțarea din bugetul local, la Cluj-",
    "Napoca, la sediul asociației, în perioada decembrie 2020 -",
    "decembrie 2023.",
]


def test_pdf_word_cut_at_the_line_end_is_rejoined() -> None:
    assert "proiectului de modernizare a serviciilor" in _read(to_printed_pdf(PRINTED)).text


def test_pdf_paragraph_ending_in_a_hyphen_keeps_the_hyphen_and_the_paragraph_break() -> None:
    # PDFium takes the hyphen for a cut word and runs the next paragraph on.
    assert "\n\n-anunț finalizare proiect-\n\nComuna Șipote anunță" in _read(to_printed_pdf(PRINTED)).text


def test_pdf_line_ending_in_a_hyphen_far_from_the_margin_is_no_cut_word() -> None:
    # With no blank line after it, only the room left on the line tells.
    lines = ["-anunț finalizare proiect-", *PRINTED[4:]]
    assert "-anunț finalizare proiect-\nComuna Șipote" in _read(to_printed_pdf(lines)).text


def test_pdf_hyphen_mark_between_lines_set_tight_is_still_a_line_end() -> None:
    # 12 pt letters 11.5 pt apart: their boxes overlap.
    lines = ["-anunț finalizare proiect-", "Comuna Șipote anunță finalizarea proiectului."]
    text = _read(to_printed_pdf(lines, font_size=12, pitch=11.5)).text
    assert "-anunț finalizare proiect-\nComuna Șipote" in text


def test_pdf_word_in_capitals_cut_at_the_line_end_is_rejoined() -> None:
    lines = ["PROIECTUL „CREȘTEREA EFICIENȚEI ADMINISTRATIVE PRIN MODERNI-", "ZAREA SERVICIILOR PUBLICE”."]
    assert "PRIN MODERNIZAREA SERVICIILOR" in _read(to_printed_pdf(lines)).text


def test_pdf_name_whose_own_hyphen_falls_at_the_line_end_keeps_it() -> None:
    assert "la Cluj-Napoca, la sediul" in _read(to_printed_pdf(PRINTED)).text


def test_pdf_dash_at_the_line_end_stays_apart_from_the_next_word() -> None:
    assert "decembrie 2020 - decembrie 2023" in _read(to_printed_pdf(PRINTED)).text


# Two pages with the programme's banner above and the page number below each,
# and a sentence that goes on over the page break.
TWO_PAGES = [
    "Comunicat de presă",
    "",
    "Comuna Șipote anunță finalizarea proiectului „Modernizarea serviciilor publice”, cod",
    "SMIS 130455. Valoarea totală a proiectului, pentru care contractul de finanțare a fost",
    "semnat la data de 12.03.2018 cu Autoritatea de Management pentru POCA, este de",
    "\f",
    "624.995,52 lei, din Fondul Social European, bugetul național și bugetul local.",
    "",
    "Proiectul s-a derulat între 12.03.2018 și 11.07.2019.",
]
BANNER = "Proiect cofinanțat din Fondul Social European prin POCA 2014-2020"


def _two_pages() -> str:
    return _read(to_printed_pdf(TWO_PAGES, header=BANNER, footer="Pagina {page} din {pages}")).text


def test_pdf_running_footer_does_not_cut_a_sentence_over_the_page_break() -> None:
    text = _two_pages()
    assert "cu Autoritatea de Management pentru POCA, este de 624.995,52 lei, din" in text
    assert "Pagina" not in text


def test_pdf_running_header_is_said_once_at_the_top() -> None:
    text = _two_pages()
    assert text.startswith(f"{BANNER}\n\nComunicat de presă")
    assert text.count(BANNER) == 1


def test_pdf_running_header_drawn_after_the_body_is_said_at_the_top() -> None:
    # Some PDF writers put a page's header after its body.
    text = _read(to_printed_pdf(TWO_PAGES, header=BANNER, furniture_last=True)).text
    assert text.startswith(f"{BANNER}\n\nComunicat de presă")
    assert "este de 624.995,52 lei" in text


def test_pdf_running_footer_is_said_once_at_the_foot() -> None:
    # The programme's mention may stand in the footer only.
    text = _read(to_printed_pdf(TWO_PAGES, footer=BANNER)).text
    assert text.endswith(f"11.07.2019.\n\n{BANNER}\n")
    assert text.count(BANNER) == 1
    assert "este de 624.995,52 lei" in text


def test_pdf_footer_whose_words_also_stand_in_the_body_is_still_found() -> None:
    lines = [*TWO_PAGES[:2], BANNER, "", *TWO_PAGES[2:]]
    text = _read(to_printed_pdf(lines, footer=BANNER)).text
    assert "este de 624.995,52 lei" in text
    assert text.count(BANNER) == 2


def test_pdf_body_lines_at_the_same_height_differing_in_their_amounts_are_kept() -> None:
    lines = [
        "Comunicat de presă", "", "Valoarea totală a primului proiect este de 624.995,52 lei.", "\f",
        "Comunicat de presă", "", "Valoarea totală a primului proiect este de 830.000,00 lei.",
    ]  # fmt: skip
    text = _read(to_printed_pdf(lines)).text
    assert "624.995,52 lei" in text
    assert "830.000,00 lei" in text


def test_pdf_header_first_met_after_the_first_page_is_said_at_the_top() -> None:
    # Word's "different first page": the banner stands on the later pages only.
    lines = [*TWO_PAGES, "\f", "Date de contact: Ion Popescu, manager de proiect."]
    text = _read(to_printed_pdf(lines, header=BANNER, header_from=2)).text
    assert text.startswith(f"{BANNER}\n\nComunicat de presă")
    assert text.count(BANNER) == 1
    assert "este de 624.995,52 lei" in text


def test_pdf_page_of_a_few_lines_keeps_its_paragraph_breaks() -> None:
    assert "bugetul local.\n\nProiectul s-a derulat" in _two_pages()


def test_pdf_page_number_alone_on_one_page_is_not_taken_for_a_running_line() -> None:
    text = _read(to_printed_pdf(PRINTED, footer="Pagina {page} din {pages}")).text
    assert "Pagina 1 din 1" in text


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_TRACKED = 'w:author="Ana" w:date="2020-01-01T00:00:00Z"'


def _docx_with(*paragraphs_xml: str) -> bytes:
    """A Word document whose body holds the given WordprocessingML blocks."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("COMUNICAT DE PRESĂ")
    section = document.element.body[-1]
    for xml in paragraphs_xml:
        section.addprevious(parse_xml(xml))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_text_typed_with_changes_tracked_is_read_as_word_shows_it() -> None:
    data = _docx_with(
        f'<w:p {_W}><w:r><w:t xml:space="preserve">Valoarea totală este de </w:t></w:r>'
        f'<w:ins w:id="1" {_TRACKED}><w:r><w:t>624.995,52 lei</w:t></w:r></w:ins>'
        f'<w:del w:id="2" {_TRACKED}><w:r><w:delText>600.000,00 lei</w:delText></w:r></w:del>'
        f"<w:r><w:t>.</w:t></w:r></w:p>"
    )
    assert "Valoarea totală este de 624.995,52 lei." in _read(data).text
    assert "600.000,00" not in _read(data).text


def test_docx_text_in_content_controls_and_smart_tags_is_read() -> None:
    data = _docx_with(
        f"<w:sdt {_W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Cod SMIS 130455.</w:t></w:r></w:p>"
        f"</w:sdtContent></w:sdt>",
        f'<w:p {_W}><w:r><w:t xml:space="preserve">Beneficiar: </w:t></w:r><w:sdt><w:sdtPr/>'
        f"<w:sdtContent><w:r><w:t>Comuna Șipote</w:t></w:r></w:sdtContent></w:sdt>"
        f'<w:smartTag w:uri="urn:x" w:element="place"><w:r><w:t>, județul Iași</w:t></w:r></w:smartTag></w:p>',
    )
    text = _read(data).text
    assert "\n\nCod SMIS 130455.\n\n" in text
    assert "Beneficiar: Comuna Șipote, județul Iași" in text


def _cell(text: str) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>'


_GRID = '<w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>'


def test_docx_table_rows_in_a_repeating_section_are_read() -> None:
    data = _docx_with(
        f"<w:tbl {_W}>{_GRID}<w:tr>{_cell('Cod SMIS')}{_cell('130455')}</w:tr><w:sdt><w:sdtPr/><w:sdtContent>"
        f"<w:tr>{_cell('Valoare totală')}{_cell('624.995,52 lei')}</w:tr></w:sdtContent></w:sdt></w:tbl>"
    )
    assert "Cod SMIS 130455\n\nValoare totală 624.995,52 lei\n" in _read(data).text


def test_docx_table_cell_in_a_content_control_is_read() -> None:
    data = _docx_with(
        f"<w:tbl {_W}>{_GRID}<w:tr>{_cell('Valoare totală')}<w:sdt><w:sdtPr/><w:sdtContent>"
        f"{_cell('624.995,52 lei')}</w:sdtContent></w:sdt></w:tr></w:tbl>"
    )
    assert "Valoare totală 624.995,52 lei\n" in _read(data).text


def test_docx_table_rows_in_custom_xml_are_read() -> None:
    data = _docx_with(
        f'<w:tbl {_W}>{_GRID}<w:customXml w:element="rand"><w:tr>{_cell("Valoare totală")}'
        f"{_cell('624.995,52 lei')}</w:tr></w:customXml></w:tbl>"
    )
    assert "Valoare totală 624.995,52 lei\n" in _read(data).text


def test_docx_content_control_showing_its_prompt_is_not_read() -> None:
    data = _docx_with(
        f'<w:p {_W}><w:r><w:t xml:space="preserve">Beneficiar: </w:t></w:r><w:sdt><w:sdtPr><w:showingPlcHdr/>'
        "</w:sdtPr><w:sdtContent><w:r><w:t>Faceți clic sau atingeți aici pentru a introduce text.</w:t>"
        "</w:r></w:sdtContent></w:sdt></w:p>"
    )
    assert "Faceți clic" not in _read(data).text


def test_docx_text_box_is_read_once_after_the_paragraph_that_anchors_it() -> None:
    # Word writes a text box as a drawing and again as VML for older readers.
    box = "<w:txbxContent><w:p><w:r><w:t>Cod SMIS 130455</w:t></w:r></w:p></w:txbxContent>"
    data = _docx_with(
        f'<w:p {_W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:t>Comuna Șipote anunță lansarea proiectului.</w:t>'
        f'</w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx>'
        f"</w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    text = _read(data).text
    assert "Comuna Șipote anunță lansarea proiectului.\n\nCod SMIS 130455\n" in text
    assert text.count("130455") == 1


# --- the real releases, rendered --------------------------------------------------------


def _real_pairs() -> list[Path]:
    return sorted(SHARED_RELEASES.glob("*.txt")) if SHARED_RELEASES.is_dir() else []


@pytest.mark.skipif(not _real_pairs(), reason=f"{SHARED_RELEASES} is absent (the shared real releases)")
@pytest.mark.parametrize("fmt", FORMATS[1:])
def test_real_releases_rendered_in_each_format_score_within_one_point_of_the_txt(fmt: str) -> None:
    txt_correct = fmt_correct = total = 0
    for path in _real_pairs():
        expected = load_expected(path.with_suffix(".yaml"))
        text = decode_release(path.read_bytes())
        baseline = compare_records(expected, extract_release(text, file_name=path.name).record)
        source = _read(render(text, fmt), name=path.name)
        got = compare_records(expected, extract_release(source.text, file_name=path.name).record)
        txt_correct += baseline.correct
        fmt_correct += got.correct
        total += baseline.total
    assert 100 * (txt_correct - fmt_correct) / total <= 1.0, (txt_correct, fmt_correct, total)


# --- bad and hostile files ------------------------------------------------------------


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (200 * 1024 * 1024))
    return out.getvalue()


HOSTILE = {
    "truncated PDF": (lambda: to_pdf(RELEASE)[:2000], "not a readable PDF"),
    "encrypted PDF": (lambda: _encrypted_pdf(), "encrypted"),
    "zip bomb DOCX": (_zip_bomb, "zip bomb"),
    "truncated DOCX": (lambda: to_docx(RELEASE)[:3000], "damaged ZIP"),
    "binary named .txt": (lambda: bytes(range(256)) * 40, "binary data"),
    "PNG image": (lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "a PNG image"),
    "empty file": (lambda: b"", "empty"),
    "scanned PDF": (lambda: to_scanned_pdf(RELEASE), "no text layer"),
}


def _encrypted_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, encrypt=StandardEncryption("secret", canPrint=0))
    page.drawString(72, 720, "Comunicat de presă")
    page.save()
    return out.getvalue()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_bad_files_are_refused_with_a_reason_never_a_traceback(case: str) -> None:
    make, reason = HOSTILE[case]
    with pytest.raises(IntakeError, match=reason):
        _read(make())


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from eufunds.intake.sources import MAX_RELEASE_BYTES, read_release

    huge = tmp_path / "pagina.html"
    with huge.open("wb") as out:
        out.truncate(200 * 1024 * 1024)  # sparse: 200 MB that take no disk
    with pytest.raises(IntakeError, match=f"over {MAX_RELEASE_BYTES} bytes"):
        read_release(huge)


def test_a_zip_bomb_is_refused_in_bounded_memory() -> None:
    import tracemalloc

    bomb = _zip_bomb()
    tracemalloc.start()
    try:
        with pytest.raises(IntakeError):
            _read(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, peak


def test_ocr_reads_a_scanned_pdf_where_tesseract_with_romanian_is_installed() -> None:
    from eufunds.intake.ocr import ocr_available

    missing = ocr_available()
    if missing:
        pytest.skip(missing)
    source = read_release_bytes(to_scanned_pdf(RELEASE), origin="scan", name="scan.pdf", ocr=True)
    assert source.ocr_pages == 1
    assert "Digitalizarea arhivei" in source.text
    assert "SIPOCA 1234" in source.text
