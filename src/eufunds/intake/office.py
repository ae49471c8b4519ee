"""Word-processor releases (DOCX, ODT) to text, one paragraph per line.

DOCX is read with python-docx (MIT); ODT with the standard library's zipfile
and ElementTree, because odfpy carries GPL-licensed parts and a text document's
``content.xml`` is simple to walk. Both keep the body's order — paragraphs,
headings, list items (marked "• " so the extractor sees a list) and table rows
(cells joined by a space) — and separate paragraphs by a blank line, as the
plain-text releases are. A DOCX paragraph's text is gathered here, not by
python-docx, which leaves out what Word shows inside tracked insertions,
content controls (but for a prompt showing in place of text), smart tags,
simple fields and text boxes (read after the paragraph that anchors them),
and the rows and cells a repeating section wraps.

Both formats are ZIP files, so both are checked before anything is unpacked: at
most ``MAX_ENTRIES`` parts, none declared above ``MAX_UNPACKED`` bytes, and no
more than ``MAX_UNPACKED`` in all. ``zipfile`` never inflates a part past its
declared size, so a zip bomb is refused at the directory, in bounded memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from copy import deepcopy
from typing import Any
from xml.etree import ElementTree

from ..errors import IntakeError
from ..text import collapse

__all__ = ["MAX_ENTRIES", "MAX_UNPACKED", "check_zip", "docx_text", "odt_text"]

MAX_ENTRIES = 2000
MAX_UNPACKED = 64 * 1024 * 1024
_BULLET = re.compile(r"^\s*(?:[•▪●◦‣⁃∙·\-–—*]|\d{1,2}[.)]|[a-z][.)])\s")


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open a ZIP container once its directory promises bounded unpacking."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise IntakeError("a damaged ZIP container (truncated or not a document)") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise IntakeError(f"the document has {len(infos)} parts; at most {MAX_ENTRIES} are read")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED:
        raise IntakeError(
            f"the document would unpack to {total} bytes (a zip bomb?); the limit is {MAX_UNPACKED}"
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise IntakeError("the document is encrypted")
    return archive


def _paragraphs(blocks: Iterator[tuple[str, bool]]) -> str:
    out = []
    for text, listed in blocks:
        # A line holds no \n: every run of whitespace in it is collapsed.
        lines = [collapse(line) for line in text.replace("\t", " ").split("\n")]
        block = "\n".join(line for line in lines if line)
        if not block:
            continue
        if listed and not _BULLET.match(block):
            block = f"• {block}"
        out.append(block)
    return "\n\n".join(out) + ("\n" if out else "")


# --- DOCX ----------------------------------------------------------------------


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_R, _W_NUMPR = f"{_W}p", f"{_W}tbl", f"{_W}r", f"{_W}numPr"
# What Word shows the text inside of, as it shows the text around it: links,
# tracked insertions and moves (a draft's changes not yet accepted), content
# controls, smart tags, simple fields. python-docx reads only runs and links,
# so an amount typed with changes tracked, or a template's content control,
# would be left out. Deleted and moved-away text is not shown, so not read,
# nor is a content control's prompt (``_placeholder``).
_SHOWN_INSIDE = {
    f"{_W}{name}"
    for name in (
        "hyperlink", "ins", "moveTo", "smartTag", "sdt", "sdtContent", "fldSimple", "customXml", "dir", "bdo",
    )
}  # fmt: skip
_W_SDT, _W_SDT_PR, _W_SDT_CONTENT = f"{_W}sdt", f"{_W}sdtPr", f"{_W}sdtContent"
_W_CUSTOM_XML, _W_CUSTOM_XML_PR = f"{_W}customXml", f"{_W}customXmlPr"
_W_TR, _W_PLACEHOLDER = f"{_W}tr", f"{_W}showingPlcHdr"
_BLOCKS_INSIDE = {_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML}


def _placeholder(sdt: Any) -> bool:
    """Whether a content control shows its prompt ("Faceți clic aici…"), not
    text anybody typed: Word marks it so, and the prompt is no release's word."""
    properties = sdt.find(_W_SDT_PR)
    return properties is not None and properties.find(_W_PLACEHOLDER) is not None


def _row_wrappers(table: Any) -> list[Any]:
    return [
        child
        for parent in (table, *table.iterchildren(_W_TR))
        for child in parent.iterchildren(_W_SDT, _W_CUSTOM_XML)
    ]


def _without_row_wrappers(table: Any) -> Any:
    """``table`` with the content controls and custom XML that wrap its rows or
    cells (a repeating section) taken away around their content: python-docx
    sees only the rows and cells that are the table's and row's own children."""
    if not _row_wrappers(table):
        return table
    table = deepcopy(table)  # the document itself stays as it was read
    while wrappers := _row_wrappers(table):
        for wrapper in wrappers:
            if wrapper.tag == _W_SDT:
                content = wrapper.find(_W_SDT_CONTENT)
                inner = [] if content is None or _placeholder(wrapper) else list(content)
            else:
                inner = [child for child in wrapper if child.tag != _W_CUSTOM_XML_PR]
            for child in inner:
                wrapper.addprevious(child)
            wrapper.getparent().remove(wrapper)
    return table


_W_TEXT_BOX = f"{_W}txbxContent"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _text_boxes(paragraph: Any) -> list[Any]:
    """The text boxes anchored in ``paragraph`` (a template's title or contact
    box), each once: Word writes a box twice, as a drawing and as its VML copy
    under ``mc:Fallback``, and a box inside a box is met when walking the outer one."""
    boxes = []
    for box in paragraph.iter(_W_TEXT_BOX):
        ancestor = box.getparent()
        while ancestor is not None and ancestor is not paragraph:
            if ancestor.tag in (_W_TEXT_BOX, _MC_FALLBACK):
                break
            ancestor = ancestor.getparent()
        else:
            boxes.append(box)
    return boxes


def _docx_paragraph_text(element: Any) -> str:
    out: list[str] = []
    for child in element.iterchildren():
        if child.tag == _W_R:
            out.append(child.text)  # python-docx's run text: t, tab, br, cr, ptab, noBreakHyphen
        elif child.tag in _SHOWN_INSIDE and not (child.tag == _W_SDT and _placeholder(child)):
            out.append(_docx_paragraph_text(child))
    return "".join(out)


def _docx_blocks(document: Any) -> Iterator[tuple[str, bool]]:
    from docx.table import Table

    def walk(parent_element: Any, parent: Any) -> Iterator[tuple[str, bool]]:
        for child in parent_element.iterchildren():
            if child.tag == _W_P:
                listed = child.pPr is not None and child.pPr.find(_W_NUMPR) is not None
                yield _docx_paragraph_text(child), listed
                for box in _text_boxes(child):
                    yield from walk(box, parent)
            elif child.tag == _W_TBL:
                table = Table(_without_row_wrappers(child), parent)
                for row in table.rows:
                    cells: list[str] = []
                    seen: set[int] = set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # a merged cell repeats
                            continue
                        seen.add(id(cell._tc))
                        texts = (text for text, _listed in walk(cell._tc, cell))
                        cells.append(" ".join(text for text in texts if text.strip()))
                    yield " ".join(c for c in cells if c), False
            elif child.tag in _BLOCKS_INSIDE and not (child.tag == _W_SDT and _placeholder(child)):
                yield from walk(child, parent)

    yield from walk(document.element.body, document)


def docx_text(data: bytes) -> str:
    """The text of a DOCX release."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_zip(data).close()
    try:
        document = docx.Document(io.BytesIO(data))
        return _paragraphs(_docx_blocks(document))
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, ValueError) as exc:
        raise IntakeError(f"not a readable DOCX ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # lxml's XMLSyntaxError and python-docx's own, without importing lxml
        if type(exc).__module__.startswith(("lxml", "docx")):
            raise IntakeError(f"not a readable DOCX ({exc})") from None
        raise


# --- ODT -----------------------------------------------------------------------

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_P, _H = f"{{{_TEXT}}}p", f"{{{_TEXT}}}h"
_LIST_ITEM, _LIST_HEADER = f"{{{_TEXT}}}list-item", f"{{{_TEXT}}}list-header"
_S, _TAB, _BREAK = f"{{{_TEXT}}}s", f"{{{_TEXT}}}tab", f"{{{_TEXT}}}line-break"
_SKIPPED = {f"{{{_TEXT}}}note", f"{{{_OFFICE}}}annotation", f"{{{_TEXT}}}tracked-changes"}
_ROW, _CELL = f"{{{_TABLE}}}table-row", f"{{{_TABLE}}}table-cell"


def _inline(element: ElementTree.Element, out: list[str]) -> None:
    if element.text:
        out.append(element.text)
    for child in element:
        if child.tag == _S:
            out.append(" " * min(int(child.get(f"{{{_TEXT}}}c", "1") or 1), 100))
        elif child.tag == _TAB:
            out.append("\t")
        elif child.tag == _BREAK:
            out.append("\n")
        elif child.tag not in _SKIPPED:
            _inline(child, out)
        if child.tail:
            out.append(child.tail)


def _odt_blocks(element: ElementTree.Element, listed: bool = False) -> Iterator[tuple[str, bool]]:
    for child in element:
        if child.tag in (_P, _H):
            parts: list[str] = []
            _inline(child, parts)
            yield "".join(parts), listed
            listed = False  # only an item's first paragraph carries the bullet
        elif child.tag in (_LIST_ITEM, _LIST_HEADER):
            yield from _odt_blocks(child, child.tag == _LIST_ITEM)
        elif child.tag == _ROW:
            cells = []
            for cell in child.iter(_CELL):
                texts = []
                for para in cell.iter(_P):
                    parts = []
                    _inline(para, parts)
                    texts.append("".join(parts))
                cells.append(" ".join(t for t in texts if t.strip()))
            yield " ".join(c for c in cells if c), False
        elif child.tag not in _SKIPPED:
            yield from _odt_blocks(child, False)


def odt_text(data: bytes) -> str:
    """The text of an ODT release (``content.xml``'s body)."""
    with check_zip(data) as archive:
        try:
            content = archive.read("content.xml")
        except KeyError:
            raise IntakeError("not a readable ODT (no content.xml)") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise IntakeError(f"not a readable ODT ({exc})") from None
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise IntakeError(f"not a readable ODT (content.xml: {exc})") from None
    body = root.find(f"{{{_OFFICE}}}body")
    if body is None:
        raise IntakeError("not a readable ODT (content.xml has no body)")
    return _paragraphs(_odt_blocks(body))
