"""Which kind of file a release is, from its first bytes rather than its name.

Releases arrive with names that lie (a PDF saved as ``.htm``, a web page saved
as ``.txt``, a DOCX renamed ``.doc``), so the media type is read from the
content: PDF's ``%PDF-`` header, the parts inside a ZIP container (DOCX's
``word/document.xml``, ODT's ``mimetype`` entry), HTML's opening tags, and
plain text otherwise — unless the bytes are binary (NUL bytes, control
characters, a known image or archive header), which is refused. The standard
library's ``zipfile`` is enough; the magic-number packages we tried (puremagic,
filetype) called DOCX and ODT plain ZIP and had no notion of "saved web page".
"""

from __future__ import annotations

import io
import re
import zipfile

from ..errors import IntakeError

__all__ = ["DOCX", "HTML", "MEDIA_TYPES", "ODT", "PDF", "TEXT", "sniff_media_type"]

TEXT = "text/plain"
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
MEDIA_TYPES = (TEXT, HTML, PDF, DOCX, ODT)

# Formats people mistake for releases, named so the refusal says what the file is.
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Excel (OLE) file; save it as DOCX or PDF"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
    (b"{\\rtf", "an RTF file; save it as DOCX or PDF"),
)

_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|article)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|body|article|main)[\s>]|</(?:p|div|html|body)>", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    declared = archive.read(info).decode("ascii", "replace").strip()
                    if declared == ODT:
                        return ODT
                    raise IntakeError(f"an OpenDocument file of type {declared!r}, not a text document")
            if "word/document.xml" in names:
                return DOCX
    except zipfile.BadZipFile:
        raise IntakeError("a damaged ZIP container (not a readable DOCX or ODT)") from None
    except (RuntimeError, NotImplementedError, OSError, EOFError):
        raise IntakeError("an encrypted or unreadable ZIP container") from None
    raise IntakeError("a ZIP archive, not a DOCX or ODT document")


def sniff_media_type(data: bytes) -> str:
    """The media type of release bytes, one of ``MEDIA_TYPES``; ``IntakeError`` says
    what the bytes are when they are none of them."""
    if not data.strip():
        raise IntakeError("the file is empty")
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    for magic, what in _OTHER_MAGIC:
        if data.startswith(magic):
            raise IntakeError(f"{what}, not a release")
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 text (Notepad's "Unicode"): judge it decoded.
        sample = sample.decode("utf-16", "replace").encode("utf-8")
        data = sample
    elif b"\x00" in sample:
        raise IntakeError("binary data, not a release (NUL bytes)")
    if len(_CONTROL.findall(sample)) > max(2, len(sample) // 200):
        raise IntakeError("binary data, not a release (control characters)")
    for bom in _BOMS:
        if sample.startswith(bom):
            sample = sample[len(bom) :]
            break
    if _HTML_START.match(sample) or _HTML_ANYWHERE.search(sample):
        return HTML
    return TEXT
