"""A plain-text release rendered as the files people find: a saved web page, a PDF,
a DOCX and an ODT, made here from the text so tests need no files of their own.

The text's layout carries over: each block of lines (blocks are separated by a
blank line) becomes one paragraph, and its lines are kept apart by line breaks
(``<br>``, a DOCX break, ``text:line-break``, a new PDF line). The web page
wraps the release in what real sites put around one — a menu, a cookie banner,
breadcrumbs, share buttons, a sidebar, comments and a footer — so the main-text
heuristic has something to throw away. ``page_breaks`` puts PDF page breaks
before the given blocks. Used by the intake tests and bench/bench_intake.py.
"""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FORMATS = ("txt", "html", "pdf", "docx", "odt")


def blocks_of(text: str) -> list[list[str]]:
    """The text's blocks (separated by blank lines), each a list of its lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


# --- HTML ------------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html lang="ro"><head><meta charset="{charset}">
<title>{title} - Primăria Exemplu</title>
<style>body{{font-family:sans-serif}} .cookie-consent{{position:fixed}}</style>
<script>window.dataLayer=[];function gtag(){{dataLayer.push(arguments)}}</script>
</head><body>
<div id="cookie-consent" class="cookie-consent"><p>Acest site folosește cookie-uri pentru a vă
oferi o experiență mai bună. Continuarea navigării implică acceptarea lor.</p><button>Accept</button></div>
<header class="site-header"><a href="/" class="logo">Primăria Exemplu</a>
<nav class="main-menu"><ul><li><a href="/">Acasă</a></li><li><a href="/primaria">Primăria</a></li>
<li><a href="/proiecte">Proiecte europene</a></li><li><a href="/anunturi">Anunțuri</a></li>
<li><a href="/contact">Contact</a></li></ul></nav></header>
<div class="breadcrumbs"><a href="/">Acasă</a> » <a href="/proiecte">Proiecte</a> » Comunicat</div>
<div class="container"><div class="content-area">
<article class="post">
<div class="entry-meta">Publicat de admin în Anunțuri</div>
<div class="entry-content">
{body}
</div>
<div class="social-share"><span>Distribuie:</span><a href="#">Facebook</a> <a href="#">Twitter</a>
<a href="#">LinkedIn</a></div>
</article>
<section id="comments" class="comments-area"><h3>Un comentariu</h3>
<div class="comment"><p>Felicitări pentru proiect! Când începe înscrierea în grupul țintă?</p></div>
<form class="comment-form"><textarea></textarea><button>Trimite</button></form></section>
</div>
<aside class="sidebar"><h3>Articole recente</h3><ul><li><a href="#">Ședința consiliului local din
luna martie</a></li><li><a href="#">Program de audiențe</a></li></ul></aside></div>
<footer class="site-footer"><p>Primăria Exemplu, Str. Principală nr. 1, tel. 0200 000 000,
e-mail primaria@exemplu.ro</p><p>© 2024 Toate drepturile rezervate.</p></footer>
</body></html>
"""


def to_html(text: str, *, charset: str = "utf-8") -> bytes:
    """A page from a local council's site carrying the release."""
    blocks = blocks_of(text)
    title = html.escape(blocks[0][0]) if blocks else ""
    body = "\n".join("<p>" + "<br>\n".join(html.escape(line) for line in block) + "</p>" for block in blocks)
    page = _PAGE.format(charset=charset, title=title, body=body)
    return page.encode(charset, "xmlcharrefreplace")


# --- PDF -------------------------------------------------------------------------


def _font() -> tuple[str, str]:
    for folder in FONT_DIRS:
        regular = folder / "DejaVuSans.ttf"
        if regular.exists():
            return str(regular), str(folder / "DejaVuSans-Bold.ttf")
    import reportlab

    fonts = Path(reportlab.__file__).parent / "fonts"
    vera = fonts / "Vera.ttf"
    return str(vera), str(fonts / "VeraBd.ttf")


def to_pdf(text: str, *, page_breaks: Sequence[int] = ()) -> bytes:
    """An A4 PDF with the release's blocks as paragraphs (DejaVu Sans, for ă â î ș ț)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    regular, _bold = _font()
    if "ReleaseSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("ReleaseSans", regular))
    style = ParagraphStyle("release", fontName="ReleaseSans", fontSize=11, leading=14, spaceAfter=8)
    line_style = ParagraphStyle("line", parent=style, spaceAfter=0)
    story: list[object] = []
    for index, block in enumerate(blocks_of(text)):
        if index in page_breaks:
            story.append(PageBreak())
        for number, line in enumerate(block):
            last = number == len(block) - 1
            story.append(Paragraph(html.escape(line), style if last else line_style))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
        title="Comunicat de presă", author="eufunds tests", invariant=1,
    )  # fmt: skip
    document.build(story)
    return out.getvalue()


def to_printed_pdf(
    lines: Sequence[str],
    *,
    header: str | None = None,
    footer: str | None = None,
    header_from: int = 1,
    furniture_last: bool = False,
    font_size: float = 11,
    pitch: float = 14,
) -> bytes:
    """A PDF with each of ``lines`` drawn as it stands, ``pitch`` points apart,
    a blank line for "" and a new page for "\\f" — as a word processor prints
    a page, line-end hyphens and all, which reportlab's paragraphs never
    write. A ``header`` and a ``footer`` ("Pagina {page} din {pages}") are
    drawn on every page (the header from page ``header_from`` on), before its
    lines as Word writes them or, with ``furniture_last``, after them."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    regular, _bold = _font()
    if "ReleaseSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("ReleaseSans", regular))
    pages = "\n".join(lines).split("\f")
    out = io.BytesIO()
    sheet = canvas.Canvas(out, invariant=1)
    for number, page in enumerate(pages, 1):

        def furniture(number: int = number) -> None:
            sheet.setFont("ReleaseSans", 9)
            if header and number >= header_from:
                sheet.drawString(72, 810, header)
            if footer:
                sheet.drawString(72, 30, footer.format(page=number, pages=len(pages)))

        if not furniture_last:
            furniture()
        sheet.setFont("ReleaseSans", font_size)
        baseline = 770.0
        for line in page.strip("\n").split("\n"):
            if line:
                sheet.drawString(72, baseline, line)
            baseline -= pitch
        if furniture_last:
            furniture()
        sheet.showPage()
    sheet.save()
    return out.getvalue()


def to_scanned_pdf(text: str) -> bytes:
    """A PDF with no text layer: the release's first lines drawn as an image."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = _text_image([line for block in blocks_of(text) for line in block][:12])
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    width, height = A4
    page.drawImage(ImageReader(image), 40, height - 40 - 600, width=width - 80, height=600)
    page.showPage()
    page.save()
    return out.getvalue()


def _text_image(lines: list[str]) -> io.BytesIO:
    from PIL import Image, ImageDraw, ImageFont

    regular, _bold = _font()
    font = ImageFont.truetype(regular, 34)
    image = Image.new("L", (2200, 2400), 255)
    draw = ImageDraw.Draw(image)
    y = 40
    for line in lines:
        words, current = line.split(), ""
        for word in words:
            trial = f"{current} {word}".strip()
            if draw.textlength(trial, font=font) > 2100:
                draw.text((40, y), current, font=font, fill=0)
                y += 48
                current = word
            else:
                current = trial
        draw.text((40, y), current, font=font, fill=0)
        y += 72
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


# --- DOCX and ODT -------------------------------------------------------------------


def to_docx(text: str) -> bytes:
    """A Word document, one paragraph per block, lines kept apart by breaks."""
    import docx

    document = docx.Document()
    for block in blocks_of(text):
        paragraph = document.add_paragraph()
        for number, line in enumerate(block):
            run = paragraph.add_run(line)
            if number < len(block) - 1:
                run.add_break()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">
<office:body><office:text>
{body}
</office:text></office:body></office:document-content>
"""
_ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def _odt_line(line: str) -> str:
    # ODF collapses runs of spaces; extra ones are written as <text:s/>.
    out, spaces = [], 0
    for ch in line:
        if ch == " ":
            spaces += 1
            continue
        if spaces:
            out.append(" " if spaces == 1 else f' <text:s text:c="{spaces - 1}"/>')
            spaces = 0
        out.append(html.escape(ch, quote=False))
    return "".join(out)


def to_odt(text: str) -> bytes:
    """An OpenDocument text, written with zipfile (the mimetype entry first, stored)."""
    paragraphs = [
        "<text:p>" + "<text:line-break/>".join(_odt_line(line) for line in block) + "</text:p>"
        for block in blocks_of(text)
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", _ODT_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", _ODT_CONTENT.format(body="\n".join(paragraphs)), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def render(text: str, fmt: str) -> bytes:
    """The release in format ``fmt`` (one of ``FORMATS``)."""
    if fmt == "txt":
        return text.encode("utf-8")
    return {"html": to_html, "pdf": to_pdf, "docx": to_docx, "odt": to_odt}[fmt](text)
