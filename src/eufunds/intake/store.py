"""Source files in the archive: the original bytes and what they are, beside the loaded text.

The loader keeps the text a seed names (``documents``); this module keeps what
that text was read from (``source_files``, ``source_pages`` and the bytes in
``source_contents``), matched to the document by the text's SHA-256. It also
answers the question a rerun asks first: which originals are already in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Column, Engine, LargeBinary, MetaData, String, Table, delete, insert, select

from ..models import SourceFile as SourceFileRow
from ..models import SourcePage
from .sources import SourceFile

__all__ = ["known_sources", "record_sources", "source_contents"]

# Not in the models' metadata on purpose: exports walk the models, and the
# original bytes (a PDF, a DOCX) belong in no CSV or workbook.
_metadata = MetaData()
source_contents = Table(
    "source_contents",
    _metadata,
    Column("sha256", String(64), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)


def known_sources(engine: Engine, sha256s: Iterable[str]) -> set[str]:
    """Which of these SHA-256s of original bytes the archive already holds."""
    wanted = list(dict.fromkeys(sha256s))
    found: set[str] = set()
    with engine.connect() as connection:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = connection.execute(select(SourceFileRow.sha256).where(SourceFileRow.sha256.in_(chunk)))
            found.update(row[0] for row in rows)
    return found


def record_sources(engine: Engine, sources: Sequence[tuple[SourceFile, str]]) -> int:
    """Store each (source, sha256 of the text file its seed names); replaces an earlier
    row for the same original bytes. Returns how many were stored."""
    if not sources:
        return 0
    with engine.begin() as connection:
        hashes = [source.sha256 for source, _ in sources]
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            connection.execute(delete(SourceFileRow).where(SourceFileRow.sha256.in_(chunk)))
            connection.execute(delete(source_contents).where(source_contents.c.sha256.in_(chunk)))
        now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        rows = []
        for source, document_sha256 in sources:
            fetched = source.fetched_at.astimezone(dt.UTC).replace(tzinfo=None) if source.fetched_at else now
            rows.append({
                "sha256": source.sha256, "media_type": source.media_type, "size": source.size,
                "file_name": source.name, "origin": source.origin, "final_url": source.final_url,
                "charset": source.charset, "fetched_at": fetched, "document_sha256": document_sha256,
                "pages": len(source.page_starts) or None, "ocr_pages": source.ocr_pages,
            })  # fmt: skip
        # One statement per table for the batch, not three per source: building
        # a one-row statement per source was most of what keeping them cost.
        ids = connection.execute(
            insert(SourceFileRow).returning(SourceFileRow.id, sort_by_parameter_order=True), rows
        ).scalars()
        pages = []
        for row_id, (source, _) in zip(ids, sources, strict=True):
            if not source.page_starts:
                continue
            ends = [*source.page_starts[1:], len(source.text)]
            pages += [
                {"source_file_id": row_id, "page": number, "char_start": start, "char_end": end}
                for number, (start, end) in enumerate(zip(source.page_starts, ends, strict=True), 1)
            ]
        if pages:
            connection.execute(insert(SourcePage), pages)
        connection.execute(
            insert(source_contents),
            [{"sha256": source.sha256, "content": source.data} for source, _ in sources],
        )
    return len(sources)
