"""Optional OCR of scanned PDF pages with the Tesseract program and its Romanian data.

Tesseract is a program, not a Python package (Debian: ``tesseract-ocr`` and
``tesseract-ocr-ron``; Apache-2.0); without it ``--ocr`` says what to install.
A page is rendered by PDFium at 300 dpi in grey and handed over as a PGM
image, so no imaging library is needed. ``OMP_THREAD_LIMIT=1`` keeps one
Tesseract to one core: the folder ingest already runs one per core, and
Tesseract's own threads only slow that down (about 4 s a page either way).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import IntakeError

__all__ = ["OCR_LANGUAGE", "ocr_available", "ocr_page"]

OCR_LANGUAGE = "ron"
_TIMEOUT_S = 120


def ocr_available() -> str | None:
    """None when Tesseract with Romanian data can run, else what is missing."""
    program = shutil.which("tesseract")
    if program is None:
        return "OCR needs the tesseract program (Debian: apt-get install tesseract-ocr tesseract-ocr-ron)"
    try:
        listed = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "the tesseract program does not run"
    if OCR_LANGUAGE not in listed.stdout.split():
        return "OCR needs Tesseract's Romanian data (Debian: apt-get install tesseract-ocr-ron)"
    return None


def ocr_page(document: object, number: int) -> str:
    """The text Tesseract reads on page ``number`` (0-based) of a pypdfium2 document."""
    missing = ocr_available()
    if missing:
        raise IntakeError(f"the PDF has no text layer (a scan?); {missing}")
    page = document[number]  # type: ignore[index]
    bitmap = page.render(scale=300 / 72, grayscale=True)
    try:
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        buffer = bytes(bitmap.buffer)
    finally:
        bitmap.close()
        page.close()
    rows = b"".join(buffer[row * stride : row * stride + width] for row in range(height))
    with tempfile.TemporaryDirectory(prefix="eufunds-ocr-") as scratch:
        image = Path(scratch) / "page.pgm"
        image.write_bytes(b"P5\n%d %d\n255\n" % (width, height) + rows)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        try:
            done = subprocess.run(
                ["tesseract", str(image), "stdout", "-l", OCR_LANGUAGE],
                capture_output=True, timeout=_TIMEOUT_S, env=env, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise IntakeError(f"OCR of page {number + 1} took over {_TIMEOUT_S} s") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no reason given"]
        raise IntakeError(f"OCR of page {number + 1} failed: {reason[0]}")
    text = done.stdout.decode("utf-8", "replace").replace("\f", "")
    # Tesseract ends a wrapped line like the printed page; paragraphs are blank-line separated.
    paragraphs = [" ".join(part.split()) for part in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
