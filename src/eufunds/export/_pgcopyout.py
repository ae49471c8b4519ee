"""The client's side of ``COPY … TO STDOUT``: the records a COPY sends, written
to a text stream. It needs psycopg alone, so that the PostgreSQL export
workers (``_pgpool``) start without SQLAlchemy; ``_pgcopy`` makes the SQL."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import Any, TextIO

import psycopg
from psycopg import pq

# Bytes gathered from COPY's messages (one a record) before they are written.
_WRITE_BYTES = 1 << 20


def copy_out(dbapi: Any, sql: str, stream: TextIO, *, untranslated: bool = False) -> int:
    """Run ``sql`` (a ``COPY … TO STDOUT``) on psycopg's connection ``dbapi``,
    in a transaction that has set ``extra_float_digits`` already, and write what
    it gives to ``stream`` (``untranslated``: opened with ``newline=""``); the
    number of records. A refusal is raised as psycopg's error."""
    pgconn = dbapi.pgconn
    write = _writer(stream, dbapi.info.encoding, untranslated)
    pgconn.send_query(sql.encode("utf-8"))
    started = pgconn.get_result()
    if started is None or started.status != pq.ExecStatus.COPY_OUT:
        _drain(pgconn)
        raise _error(started, pgconn)
    try:
        # libpq's own loop, as psql's: the server sends a message a record,
        # and psycopg's ``Copy`` iteration spends more on each (a generator
        # step and a wait) than the server does writing it.
        pending: list[Any] = []
        size = 0
        while True:
            length, data = pgconn.get_copy_data(0)
            if length < 0:
                break
            pending.append(data)
            size += length
            if size >= _WRITE_BYTES:
                write(b"".join(pending), False)
                pending, size = [], 0
        write(b"".join(pending), True)
    except BaseException:
        _drain(pgconn)  # the connection stays usable for the rollback that follows
        raise
    finished = pgconn.get_result()
    _drain(pgconn)
    if finished is None or finished.status != pq.ExecStatus.COMMAND_OK:
        raise _error(finished, pgconn)
    return int(finished.command_tuples or 0)


def _writer(stream: TextIO, encoding: str, untranslated: bool) -> Callable[[bytes, bool], object]:
    """How to write COPY's bytes (in the connection's ``encoding``) to ``stream``:
    when the caller knows the stream writes ``\\n`` as it is (``untranslated``)
    and both are UTF-8, as they are to the file under it, which spares decoding
    and encoding again every byte; else decoded."""
    buffer = getattr(stream, "buffer", None)
    if untranslated and buffer is not None and _is_utf8(encoding) and _is_utf8(stream.encoding):
        stream.flush()  # what the stream holds (the header) goes first
        return lambda data, final: buffer.write(data)
    decoder = codecs.getincrementaldecoder(encoding)()
    return lambda data, final: stream.write(decoder.decode(data, final))


def _is_utf8(encoding: str | None) -> bool:
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _drain(pgconn: Any) -> None:
    """Read what is left of a COPY, if one is in progress, and of its results."""
    try:
        while pgconn.get_copy_data(0)[0] >= 0:
            pass
    except psycopg.OperationalError:  # no COPY in progress (any more)
        pass
    while pgconn.get_result() is not None:
        pass


def _error(result: Any, pgconn: Any) -> psycopg.Error:
    if result is not None and result.status == pq.ExecStatus.FATAL_ERROR:
        error: psycopg.Error = psycopg.errors.error_from_result(result, encoding="utf-8")
        return error
    return psycopg.OperationalError(pgconn.error_message.decode("utf-8", "replace"))
