"""Fetching a release from an http(s) URL, with every limit a hostile server could test.

Only ``http`` and ``https`` are fetched; every other scheme (``file:``,
``ftp:``, ``data:``, ``javascript:``…) is refused before any connection, and
so is a redirect to one. urllib3 (MIT) does the HTTP; the guards are ours:
redirects followed by hand up to ``max_redirects``, a connect and a per-read
timeout plus a deadline for the whole transfer (a server that drips one byte a
second never trips a read timeout), and a cap on the bytes kept that counts
*decoded* bytes, so a small gzip body that inflates to gigabytes stops at the
cap. Fetching is its own step: ``fetch_url`` returns the bytes and what the
server said about them; reading them as a release is ``eufunds.intake.sources``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import FetchError

__all__ = ["FetchLimits", "FetchedPage", "check_url", "fetch_url", "is_url"]

_ALLOWED = ("http", "https")
_HEADERS = {
    "User-Agent": "eufunds-intake/0.1 (+archive of EU-funded projects' press releases)",
    "Accept-Encoding": "gzip, deflate",
}


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_seconds: float = 60.0
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5


@dataclass
class FetchedPage:
    url: str
    final_url: str
    data: bytes
    content_type: str | None
    charset: str | None
    fetched_at: dt.datetime


def is_url(value: str) -> bool:
    """Whether a command-line argument is meant as a URL rather than a path."""
    scheme = urlsplit(value).scheme.lower()
    return len(scheme) > 1 and value.lower().startswith(f"{scheme}:")


def check_url(url: str) -> str:
    """The URL if it may be fetched; ``FetchError`` naming the refused scheme otherwise."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _ALLOWED:
        raise FetchError(f"{url}: only http and https URLs are fetched, not {scheme or 'a bare'}: URLs")
    if not parts.hostname:
        raise FetchError(f"{url}: the URL names no host")
    return url.strip()


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def fetch_url(url: str, limits: FetchLimits | None = None) -> FetchedPage:
    """GET ``url`` within ``limits``; the body as received (content-encoding undone)."""
    import urllib3

    limits = limits or FetchLimits()
    current = check_url(url)
    deadline = time.monotonic() + limits.total_seconds
    timeout = urllib3.Timeout(connect=limits.connect_timeout, read=limits.read_timeout)
    with urllib3.PoolManager(timeout=timeout, retries=False, headers=_HEADERS) as pool:
        for _hop in range(limits.max_redirects + 1):
            try:
                response = pool.request(
                    "GET", current, redirect=False, preload_content=False, decode_content=True
                )
            except urllib3.exceptions.ConnectTimeoutError:
                raise FetchError(f"{url}: no connection within {limits.connect_timeout:g} s") from None
            except urllib3.exceptions.ReadTimeoutError:
                raise FetchError(f"{url}: no answer within {limits.read_timeout:g} s") from None
            except urllib3.exceptions.HTTPError as exc:
                raise FetchError(f"{url}: cannot fetch ({_reason(exc)})") from None
            try:
                if response.status in (301, 302, 303, 307, 308):
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError(f"{url}: redirect ({response.status}) without a Location")
                    target = urljoin(current, location)
                    scheme = urlsplit(target).scheme.lower()
                    if scheme not in _ALLOWED:
                        raise FetchError(f"{url}: redirected to a {scheme}: URL, which is not fetched")
                    current = check_url(target)
                    continue
                if response.status != 200:
                    answer = f"{response.status} {response.reason or ''}".rstrip()
                    raise FetchError(f"{url}: the server answered {answer}")
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                    raise FetchError(f"{url}: {declared} bytes; the limit is {limits.max_bytes}")
                data = _read_capped(response, url, limits, deadline)
                content_type = response.headers.get("Content-Type")
                return FetchedPage(
                    url=url, final_url=current, data=data, content_type=content_type,
                    charset=_charset(content_type), fetched_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                )  # fmt: skip
            finally:
                response.release_conn()
                response.close()
    raise FetchError(f"{url}: more than {limits.max_redirects} redirects")


def _read_capped(response: object, url: str, limits: FetchLimits, deadline: float) -> bytes:
    import urllib3

    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            # read1 returns what one read of the socket decodes to, never waiting
            # for a full buffer, so the deadline and the cap are checked often.
            chunk = response.read1(64 * 1024)  # type: ignore[attr-defined]
            if not chunk:
                break
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchError(f"{url}: more than {limits.max_bytes} bytes (decoded); not kept")
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise FetchError(f"{url}: the transfer took over {limits.total_seconds:g} s")
    except urllib3.exceptions.ReadTimeoutError:
        raise FetchError(f"{url}: no answer within {limits.read_timeout:g} s") from None
    except urllib3.exceptions.DecodeError:
        raise FetchError(f"{url}: the body does not decode as its Content-Encoding says") from None
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(f"{url}: the transfer broke off ({_reason(exc)})") from None
    return b"".join(chunks)


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or exc
    text = str(reason)
    # urllib3 wraps the OS error in the pool's repr; the last clause is the useful one.
    return text.rsplit(": ", 1)[-1].strip("')\"") or type(exc).__name__
