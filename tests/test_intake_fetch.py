"""Fetching releases over http(s): only those schemes, bounded in time, size and redirects.

Every request goes to a server the test starts on 127.0.0.1 and stops at the end.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from release_formats import to_html, to_pdf

from eufunds.errors import FetchError
from eufunds.intake.fetch import FetchLimits, fetch_url
from eufunds.intake.ingest import read_item

RELEASE = """Comunicat de presă

Lansarea proiectului „Centru comunitar în comuna Dealu Mare”, cod SMIS 165432, finanțat prin Programul Operațional Regional 2014-2020.

Valoarea totală a proiectului este de 2.400.000,00 lei.
"""
PAGE = to_html(RELEASE)
BOMB = gzip.compress(b" " * (64 * 1024 * 1024))  # 64 MB of spaces in about 64 KB


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/comunicat":
            self._send(200, PAGE, Content_Type="text/html; charset=utf-8")
        elif path == "/comunicat.pdf":
            self._send(200, to_pdf(RELEASE), Content_Type="application/pdf")
        elif path == "/moved":
            self._send(301, b"", Location="/comunicat")
        elif path == "/to-file":
            self._send(302, b"", Location="file:///etc/passwd")
        elif path.startswith("/loop"):
            self._send(302, b"", Location=f"/loop{len(path)}")
        elif path == "/missing":
            self._send(404, b"not here")
        elif path == "/bomb":
            self._send(200, BOMB, Content_Type="text/html", Content_Encoding="gzip")
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
        elif path == "/silent":
            time.sleep(3)
            self._send(200, PAGE)
        elif path == "/drip":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"<p>x</p>")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        else:
            self._send(404, b"")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


FAST = FetchLimits(connect_timeout=2, read_timeout=1, total_seconds=2, max_bytes=1024 * 1024, max_redirects=3)


def test_a_page_is_fetched_with_what_the_server_said(server: str) -> None:
    page = fetch_url(f"{server}/comunicat")
    assert page.data == PAGE
    assert page.charset == "utf-8"
    assert page.fetched_at.tzinfo is not None


def test_a_fetched_page_is_read_as_a_release_with_its_url_as_origin(server: str) -> None:
    source = read_item(f"{server}/moved")
    assert source.media_type == "text/html"
    assert source.origin == f"{server}/moved"
    assert source.final_url == f"{server}/comunicat"
    assert source.text.startswith("Comunicat de presă\n\nLansarea proiectului")


def test_a_pdf_url_is_read_by_its_bytes(server: str) -> None:
    source = read_item(f"{server}/comunicat.pdf")
    assert source.media_type == "application/pdf"
    assert source.page_starts == [0]


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/x.txt", "data:text/html,<p>hi</p>", "javascript:alert(1)"],
)
def test_other_schemes_are_refused_before_any_connection(url: str) -> None:
    scheme = url.split(":", 1)[0]
    with pytest.raises(FetchError, match=f"only http and https URLs are fetched, not {scheme}:"):
        fetch_url(url)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-file", "redirected to a file: URL"),
        ("/loop", "more than 3 redirects"),
        ("/missing", "answered 404"),
        ("/bomb", "more than 1048576 bytes"),
        ("/big", "1000000000 bytes; the limit is"),
        ("/silent", "no answer within 1 s"),
        ("/drip", "took over 2 s"),
    ],
)
def test_hostile_servers_are_refused_within_the_limits(server: str, path: str, reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=reason):
        fetch_url(f"{server}{path}", FAST)
    assert time.monotonic() - started < 4


def test_a_url_that_never_answers_is_refused_after_the_connect_timeout() -> None:
    import socket

    # A listening socket that never accepts: the connection waits in the backlog.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        with pytest.raises(FetchError, match=r"no answer within 1 s|no connection within"):
            fetch_url(f"http://127.0.0.1:{port}/", FAST)
