"""The polite client against the replay server: User-Agent, retries, Retry-After, time-outs."""

from __future__ import annotations

import socket
import time
from email.utils import formatdate
from pathlib import Path

import pytest

from pipeline import __version__
from pipeline.acquire.http import Client, Download, Response, retry_after_s
from pipeline.errors import FetchError, NetworkUnreachable, ServiceFormatError
from tests.acquire.replay import Fault, Replay

SEARCH = "/epmc/search"


def test_client_names_synthwatch_and_the_contact_in_the_user_agent(replay: Replay) -> None:
    Client(mailto="me@uni.example").get_json(f"{replay.base}{SEARCH}", {"query": "x"})
    agent = replay.requests[-1][2]["User-Agent"]
    assert agent.startswith(f"synthwatch/{__version__} (")
    assert "mailto:me@uni.example" in agent


def test_client_waits_as_retry_after_says_on_429(replay: Replay) -> None:
    replay.fail(SEARCH, Fault("status", 429, {"Retry-After": "1"}))
    client = Client(scale=1.0, default_interval_s=0)
    started = time.monotonic()
    data = client.get_json(f"{replay.base}{SEARCH}")
    assert time.monotonic() - started >= 1.0
    assert data["hitCount"] == 6
    assert replay.counts[SEARCH] == 2


def test_client_retries_503_with_an_http_date_retry_after(replay: Replay) -> None:
    replay.fail(SEARCH, Fault("status", 503, {"Retry-After": formatdate(time.time() + 30)}))
    slept: list[float] = []
    client = Client(scale=1.0, default_interval_s=0, sleep=slept.append)
    client.get_json(f"{replay.base}{SEARCH}")
    assert replay.counts[SEARCH] == 2
    assert slept and 25 <= slept[-1] <= 31  # the date's wait, not a back-off of 1-1.5 s


def test_client_backs_off_with_jitter_on_500s_then_succeeds(replay: Replay) -> None:
    replay.fail(SEARCH, Fault("status", 500), Fault("status", 502))
    reasons: list[str] = []
    client = Client(on_retry=lambda url, why, wait: reasons.append(why))
    assert client.get_json(f"{replay.base}{SEARCH}")["hitCount"] == 6
    assert reasons == ["HTTP 500 Internal Server Error", "HTTP 502 Bad Gateway"]
    waits = [Client(scale=1.0)._backoff(0) for _ in range(20)]
    assert min(waits) >= 1.0 and max(waits) <= 1.5 and len(set(waits)) > 1  # jitter


def test_client_gives_up_after_its_retries_with_the_status(replay: Replay) -> None:
    replay.fail(SEARCH, *[Fault("status", 500)] * 3)
    with pytest.raises(FetchError, match=r"HTTP 500 .*after 3 attempts") as caught:
        Client(retries=2).get_json(f"{replay.base}{SEARCH}")
    assert caught.value.status == 500
    assert replay.counts[SEARCH] == 3


def test_client_does_not_retry_a_404(replay: Replay) -> None:
    with pytest.raises(FetchError, match="HTTP 404") as caught:
        Client().get(f"{replay.base}/epmc/PMC9000005/fullTextXML")
    assert caught.value.status == 404
    assert replay.counts["/epmc/PMC9000005/fullTextXML"] == 1


def test_client_times_out_a_slow_answer_and_tries_again(replay: Replay) -> None:
    replay.fail(SEARCH, Fault("slow", seconds=1.5))
    reasons: list[str] = []
    client = Client(timeout_s=0.3, on_retry=lambda url, why, wait: reasons.append(why))
    assert client.get_json(f"{replay.base}{SEARCH}")["hitCount"] == 6
    assert reasons == ["no answer within 0.3 s (time-out)"]


def test_client_retries_a_truncated_body_then_reports_it(replay: Replay, tmp_path: Path) -> None:
    path = "/files/W4000000001.pdf"
    replay.fail(path, Fault("truncate"))
    result = Client().get(f"{replay.base}{path}", dest=tmp_path / "a.pdf")
    assert isinstance(result, Download) and result.n_bytes == (tmp_path / "a.pdf").stat().st_size
    replay.fail(path, Fault("truncate"), Fault("truncate"))
    with pytest.raises(FetchError, match="truncated body"):
        Client(retries=1).get(f"{replay.base}{path}", dest=tmp_path / "b.pdf")


def test_malformed_json_is_a_service_format_error(replay: Replay) -> None:
    replay.fail(SEARCH, Fault("malformed"))
    with pytest.raises(ServiceFormatError, match="malformed JSON"):
        Client().get_json(f"{replay.base}{SEARCH}")


def test_an_unreachable_service_is_network_unreachable() -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(NetworkUnreachable, match=r"cannot reach 127\.0\.0\.1.*--api-url"):
        Client(retries=1).get(f"http://127.0.0.1:{port}/works")


def test_client_refuses_a_retry_after_of_hours(replay: Replay) -> None:
    replay.fail(SEARCH, Fault("status", 429, {"Retry-After": "86400"}))
    with pytest.raises(FetchError, match="asks to wait 86400 s"):
        Client(scale=1.0).get(f"{replay.base}{SEARCH}")


def test_client_keeps_its_pace_per_host(replay: Replay) -> None:
    client = Client(scale=1.0, default_interval_s=0.3)
    started = time.monotonic()
    for _ in range(3):
        response = client.get(f"{replay.base}{SEARCH}")
        assert isinstance(response, Response)
    assert time.monotonic() - started >= 0.6


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after_s("120") == 120.0
    assert retry_after_s(formatdate(1_000_060), now=1_000_000) == pytest.approx(60)
    assert retry_after_s("soon") is None and retry_after_s(None) is None
