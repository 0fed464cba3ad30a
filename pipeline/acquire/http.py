"""A polite HTTP client on the standard library: User-Agent, time-outs, retries, Retry-After.

Why urllib and not httpx or requests: synthwatch needs GET requests, one at a time, with a
time-out, a few retries and a pace per host. That is ~200 lines over ``urllib.request``; a new
default dependency (and its own retry layer) would cost every user an install for what a few
users of ``fetch`` need. See docs/acquire.md, "The HTTP stack".
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import json
import os
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import FetchError, NetworkUnreachable, ServiceFormatError
from pipeline.version import __version__

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_RETRIES = 4
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0
# A service asking us to wait longer than this is refused rather than obeyed for hours.
MAX_RETRY_AFTER_S = 600.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 1 << 16
# Multiplies every wait (pace between requests, back-off, Retry-After): the tests set it small
# so that a replayed 429 costs milliseconds. Never below 0.
DELAY_SCALE_ENV = "SYNTHWATCH_FETCH_DELAY_SCALE"
PROJECT_URL = "https://github.com/synthwatch/synthwatch"


def user_agent(mailto: str | None) -> str:
    """``synthwatch/0.2.0 (+project URL; mailto:you@example.org)``: who is asking, and whom
    to write to when the tool misbehaves (what arXiv, Europe PMC and OpenAlex ask for)."""
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"synthwatch/{__version__} (+{PROJECT_URL}{contact})"


def delay_scale() -> float:
    raw = os.environ.get(DELAY_SCALE_ENV, "")
    try:
        return max(0.0, float(raw)) if raw else 1.0
    except ValueError:
        return 1.0


@dataclass(frozen=True)
class Response:
    """A finished response: the final URL, status, headers (lower-case names) and the body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ServiceFormatError(
                f"the service answered with malformed JSON ({exc}); it may have changed its "
                "API, or a proxy answered in its place",
                url=self.url,
                status=self.status,
            ) from None


@dataclass(frozen=True)
class Download:
    """A body saved to a file: where, how many bytes, its sha256 and the media type."""

    path: Path
    n_bytes: int
    sha256: str
    content_type: str


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class Client:
    """GET with a pace per host, a time-out on every request and retries with back-off.

    ``min_interval_s`` maps a host to the least time between two requests to it (arXiv asks
    for 3 s); ``default_interval_s`` applies to the others.
    """

    mailto: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    retries: int = DEFAULT_RETRIES
    min_interval_s: dict[str, float] = field(default_factory=dict)
    default_interval_s: float = 0.1
    scale: float = field(default_factory=delay_scale)
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    on_retry: Callable[[str, str, float], None] | None = None  # (url, why, wait_s)
    _last: dict[str, float] = field(default_factory=dict)

    def _pace(self, url: str) -> None:
        host = urllib.parse.urlsplit(url).netloc
        interval = self.min_interval_s.get(host, self.default_interval_s) * self.scale
        last = self._last.get(host)
        if last is not None:
            wait = last + interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
        self._last[host] = time.monotonic()

    def _backoff(self, attempt: int) -> float:
        base = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2**attempt)
        return (base + self.rng.uniform(0, base / 2)) * self.scale

    def get(
        self,
        url: str,
        params: Mapping[str, object] | None = None,
        *,
        accept: str = "*/*",
        dest: Path | None = None,
        max_bytes: int | None = None,
    ) -> Response | Download:
        """GET ``url`` (with ``params`` in the query string), retrying what may pass.

        With ``dest`` the body is streamed into that file and a Download is returned.
        Raises FetchError (with ``status``) for an answer that is final (404, 403, a 5xx that
        did not pass), NetworkUnreachable when no connection could ever be made.
        """
        if params:
            query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
            url = f"{url}{'&' if '?' in url else '?'}{query}"
        headers = {"User-Agent": user_agent(self.mailto), "Accept": accept}
        last_error: FetchError | None = None
        connected = False
        for attempt in range(self.retries + 1):
            self._pace(url)
            try:
                result = self._once(url, headers, dest, max_bytes)
                return result
            except _Retry as exc:
                connected = connected or exc.connected
                last_error = exc.error
                if attempt == self.retries:
                    break
                if exc.wait_s is not None and exc.wait_s > MAX_RETRY_AFTER_S:
                    raise FetchError(
                        f"{exc.error.reason}; the service asks to wait {exc.wait_s:.0f} s "
                        "(Retry-After): try again later",
                        url=url,
                        status=exc.error.status,
                    ) from None
                wait = self._backoff(attempt) if exc.wait_s is None else exc.wait_s * self.scale
                if self.on_retry is not None:
                    self.on_retry(url, exc.error.reason, wait)
                self.sleep(wait)
        assert last_error is not None
        if not connected:
            raise NetworkUnreachable(
                f"cannot reach {urllib.parse.urlsplit(url).netloc}: {last_error.reason} "
                f"(after {self.retries + 1} attempts); check the network or --api-url",
                url=url,
            )
        raise FetchError(
            f"{last_error.reason} (after {self.retries + 1} attempts)",
            url=url,
            status=last_error.status,
        )

    def get_json(self, url: str, params: Mapping[str, object] | None = None) -> Any:
        response = self.get(url, params, accept="application/json")
        assert isinstance(response, Response)
        return response.json()

    def _once(
        self, url: str, headers: dict[str, str], dest: Path | None, max_bytes: int | None
    ) -> Response | Download:
        request = urllib.request.Request(url, headers=headers)
        try:
            resp = urllib.request.urlopen(request, timeout=self.timeout_s)
        except urllib.error.HTTPError as exc:
            status = exc.code
            wait = retry_after_s(exc.headers.get("Retry-After")) if status in (429, 503) else None
            exc.close()
            error = FetchError(f"HTTP {status} {exc.reason}", url=url, status=status)
            if status in RETRY_STATUSES:
                raise _Retry(error, wait, connected=True) from None
            raise error from None
        except TimeoutError:
            raise _Retry(
                FetchError(f"no answer within {self.timeout_s:g} s (time-out)", url=url),
                None,
                connected=True,
            ) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError | socket.timeout):
                raise _Retry(
                    FetchError(f"no answer within {self.timeout_s:g} s (time-out)", url=url),
                    None,
                    connected=True,
                ) from None
            raise _Retry(FetchError(f"connection failed: {reason}", url=url), None) from None
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            raise _Retry(FetchError(f"connection failed: {exc}", url=url), None) from None
        with resp:
            final_url = resp.geturl()
            header_map = {k.lower(): v for k, v in resp.headers.items()}
            expected = header_map.get("content-length")
            try:
                if dest is None:
                    body = self._read_all(resp, url, max_bytes)
                    _check_length(len(body), expected, url)
                    return Response(final_url, resp.status, header_map, body)
                n, digest = self._read_to(resp, dest, url, max_bytes)
                _check_length(n, expected, url)
                return Download(dest, n, digest, header_map.get("content-type", ""))
            except TimeoutError:
                raise _Retry(
                    FetchError(f"body not finished within {self.timeout_s:g} s", url=url),
                    None,
                    connected=True,
                ) from None
            except (http.client.IncompleteRead, ConnectionError) as exc:
                raise _Retry(
                    FetchError(f"truncated body: the connection closed early ({exc})", url=url),
                    None,
                    connected=True,
                ) from None

    def _read_all(self, resp: Any, url: str, max_bytes: int | None) -> bytes:
        chunks: list[bytes] = []
        n = 0
        deadline = time.monotonic() + self.timeout_s * 4
        while chunk := resp.read1(CHUNK):
            chunks.append(chunk)
            n += len(chunk)
            _check_limits(n, max_bytes, deadline, url)
        return b"".join(chunks)

    def _read_to(self, resp: Any, dest: Path, url: str, max_bytes: int | None) -> tuple[int, str]:
        digest = hashlib.sha256()
        n = 0
        deadline = time.monotonic() + self.timeout_s * 4
        with open(dest, "wb") as fh:
            while chunk := resp.read1(CHUNK):
                fh.write(chunk)
                digest.update(chunk)
                n += len(chunk)
                _check_limits(n, max_bytes, deadline, url)
            fh.flush()
            os.fsync(fh.fileno())
        return n, digest.hexdigest()


class _Retry(Exception):
    """An attempt failed in a way another attempt may not: the error, and how long the
    service asked us to wait (None: back off)."""

    def __init__(self, error: FetchError, wait_s: float | None, *, connected: bool = False):
        super().__init__(error.reason)
        self.error = error
        self.wait_s = wait_s
        self.connected = connected


def _check_length(n: int, expected: str | None, url: str) -> None:
    if expected and expected.isdigit() and int(expected) != n:
        raise _Retry(
            FetchError(f"truncated body: {n} of {expected} bytes", url=url), None, connected=True
        )


def _check_limits(n: int, max_bytes: int | None, deadline: float, url: str) -> None:
    if max_bytes is not None and n > max_bytes:
        raise FetchError(f"larger than {max_bytes // (1 << 20)} MB: not downloaded", url=url)
    if time.monotonic() > deadline:
        raise TimeoutError("body too slow")
