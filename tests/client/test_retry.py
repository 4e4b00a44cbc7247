"""Retries: only transient failures, capped exponential backoff with full jitter, Retry-After,
and one Idempotency-Key per call that survives its retries."""

from __future__ import annotations

import email.utils
import uuid
from typing import Any

import httpx
import pytest

from wanumbers.client import (
    APIConnectionError,
    APITimeoutError,
    AsyncCloudAPI,
    AsyncKaleyra,
    CloudAPI,
    Kaleyra,
    RateLimitError,
    RetryPolicy,
    TransientError,
    ValidationError,
)
from wanumbers.client._retry import parse_retry_after

from ._support import Recorder, Sleeps, load_seed, reply

ADD = load_seed("001")
TRY_AGAIN = reply(500, ADD["wa500_try_again"])
ADD_OK = reply(200, ADD["add_ok"])


def kaleyra(recorder: Recorder, sleeps: Sleeps, **options: Any) -> Kaleyra:
    return Kaleyra("SID", "KEY", transport=recorder.transport, sleep=sleeps, **options)


def add(client: Kaleyra, **kwargs: Any) -> str:
    return client.add_number("766", "976XXXXXXX", "KALEYRA", "SMS", "+91", **kwargs)


@pytest.mark.parametrize("attempt", range(8))
def test_full_jitter_stays_within_the_capped_exponential_window(attempt: int) -> None:
    policy_hi = RetryPolicy(backoff_base=0.5, backoff_cap=4.0, jitter=lambda: 0.999999)
    policy_lo = RetryPolicy(backoff_base=0.5, backoff_cap=4.0, jitter=lambda: 0.0)
    ceiling = min(4.0, 0.5 * 2**attempt)
    assert policy_lo.backoff(attempt) == 0.0
    assert ceiling * 0.999 <= policy_hi.backoff(attempt) < ceiling


def test_default_jitter_is_random_within_bounds() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=2.0)
    delays = {policy.backoff(3) for _ in range(50)}
    assert all(0.0 <= d < 2.0 for d in delays)
    assert len(delays) > 1  # jittered, not a fixed schedule


def test_wa500_try_again_is_retried_until_success(sleeps: Sleeps) -> None:
    recorder = Recorder([TRY_AGAIN, TRY_AGAIN, ADD_OK])
    client = kaleyra(recorder, sleeps, max_retries=2, backoff_base=1.0, jitter=lambda: 0.5)
    assert add(client) == "7654XXXXXXXXXX"
    assert len(recorder.requests) == 3
    assert sleeps.delays == [0.5, 1.0]  # 0.5 * min(cap, 1 * 2**n)


def test_retries_stop_at_max_retries_and_raise_the_last_error(sleeps: Sleeps) -> None:
    recorder = Recorder([TRY_AGAIN])
    with pytest.raises(TransientError) as caught:
        add(kaleyra(recorder, sleeps, max_retries=3))
    assert len(recorder.requests) == 4
    assert len(sleeps.delays) == 3
    assert caught.value.message == "Please try again later"  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["wa400_phone_exists", "wa400_name_too_long", "wa500_too_short"])
def test_validation_errors_are_never_retried(name: str, sleeps: Sleeps) -> None:
    recorder = Recorder([reply(400, ADD[name]), ADD_OK])
    with pytest.raises(ValidationError):
        add(kaleyra(recorder, sleeps, max_retries=5))
    assert len(recorder.requests) == 1
    assert sleeps.delays == []


def test_auth_errors_are_never_retried(sleeps: Sleeps) -> None:
    recorder = Recorder([reply(401, ADD["rbc001_auth"]), ADD_OK])
    with pytest.raises(Exception, match="Incorrect SID"):
        add(kaleyra(recorder, sleeps))
    assert len(recorder.requests) == 1


def test_429_honours_retry_after_seconds(sleeps: Sleeps) -> None:
    recorder = Recorder([reply(429, {}, {"Retry-After": "7"}), ADD_OK])
    assert add(kaleyra(recorder, sleeps)) == "7654XXXXXXXXXX"
    assert sleeps.delays == [7.0]


def test_retry_after_http_date_is_understood() -> None:
    date = email.utils.formatdate(1_000_030.0, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=lambda: 1_000_000.0) == 30.0
    assert parse_retry_after({"retry-after": "garbage"}) is None
    assert parse_retry_after({}) is None
    assert parse_retry_after({"retry-after": "-5"}) == 0.0


def test_retry_after_beyond_the_limit_is_raised_not_waited(sleeps: Sleeps) -> None:
    recorder = Recorder([reply(429, {}, {"Retry-After": "3600"}), ADD_OK])
    with pytest.raises(RateLimitError) as caught:
        add(kaleyra(recorder, sleeps, max_retry_after=60))
    assert caught.value.retry_after == 3600.0
    assert sleeps.delays == []


def test_connection_errors_are_retried(sleeps: Sleeps) -> None:
    recorder = Recorder([httpx.ConnectError("refused"), ADD_OK])
    assert add(kaleyra(recorder, sleeps)) == "7654XXXXXXXXXX"
    assert len(sleeps.delays) == 1


def test_exhausted_timeouts_raise_api_timeout_error(sleeps: Sleeps) -> None:
    recorder = Recorder([httpx.ReadTimeout("slow")])
    with pytest.raises(APITimeoutError) as caught:
        add(kaleyra(recorder, sleeps, max_retries=1))
    assert isinstance(caught.value, APIConnectionError)
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert len(recorder.requests) == 2


def test_per_call_max_retries_overrides_the_client(sleeps: Sleeps) -> None:
    recorder = Recorder([TRY_AGAIN])
    with pytest.raises(TransientError):
        add(kaleyra(recorder, sleeps, max_retries=5), request_options={"max_retries": 0})
    assert len(recorder.requests) == 1


def test_with_options_changes_knobs_and_shares_the_pool(sleeps: Sleeps) -> None:
    recorder = Recorder([TRY_AGAIN])
    client = kaleyra(recorder, sleeps, max_retries=5)
    quiet = client.with_options(max_retries=1)
    with pytest.raises(TransientError):
        add(quiet)
    assert len(recorder.requests) == 2
    assert quiet._http is client._http
    quiet.close()
    assert not client._http.is_closed


def test_idempotency_key_is_stable_across_retries_and_new_per_call(sleeps: Sleeps) -> None:
    recorder = Recorder([TRY_AGAIN, httpx.ConnectError("reset"), ADD_OK])
    client = kaleyra(recorder, sleeps)
    add(client)
    keys = {r.headers["idempotency-key"] for r in recorder.requests}
    assert len(keys) == 1
    uuid.UUID(keys.pop(), version=4)

    add(client)
    assert recorder.last.headers["idempotency-key"] != recorder.requests[0].headers["idempotency-key"]


def test_caller_supplied_idempotency_key_is_used(sleeps: Sleeps) -> None:
    recorder = Recorder([ADD_OK])
    add(kaleyra(recorder, sleeps), request_options={"idempotency_key": "import-row-17"})
    assert recorder.last.headers["idempotency-key"] == "import-row-17"


def test_get_requests_carry_no_idempotency_key(sleeps: Sleeps) -> None:
    recorder = Recorder([reply(200, load_seed("000")["details_v2"])])
    kaleyra(recorder, sleeps).get_number_details("914XXXXXX139")
    assert "idempotency-key" not in recorder.last.headers


def test_per_call_timeout_reaches_the_transport(sleeps: Sleeps) -> None:
    recorder = Recorder([ADD_OK])
    add(kaleyra(recorder, sleeps, timeout=30.0), request_options={"timeout": 1.5})
    assert recorder.last.extensions["timeout"]["read"] == 1.5


def _graph(code: int, **extra: Any) -> dict[str, Any]:
    return {"error": {"message": "m", "type": "OAuthException", "code": code, "fbtrace_id": "F", **extra}}


def test_graph_is_transient_and_131000_are_retried_but_133016_is_not(sleeps: Sleeps) -> None:
    ok = reply(200, {"success": True})
    recorder = Recorder([reply(400, _graph(2, is_transient=True)), reply(500, _graph(131000)), ok])
    client = CloudAPI("T", phone_number_id="1", transport=recorder.transport, sleep=sleeps)
    assert client.deregister().success is True
    assert len(recorder.requests) == 3

    limited = Recorder([reply(400, _graph(133016)), ok])
    client = CloudAPI("T", phone_number_id="1", transport=limited.transport, sleep=sleeps)
    with pytest.raises(RateLimitError):
        client.register("123456")
    assert len(limited.requests) == 1


@pytest.mark.anyio
async def test_async_client_retries_with_the_injected_sleep(sleeps: Sleeps) -> None:
    recorder = Recorder([TRY_AGAIN, httpx.ConnectError("x"), ADD_OK])
    client = AsyncKaleyra(
        "SID", "KEY", transport=recorder.transport, sleep=sleeps.async_sleep, jitter=lambda: 1.0
    )
    assert await client.add_number("766", "976", "K", "SMS", "+91") == "7654XXXXXXXXXX"
    assert sleeps.delays == [0.5, 1.0]
    assert len({r.headers["idempotency-key"] for r in recorder.requests}) == 1
    await client.close()


@pytest.mark.anyio
async def test_async_client_does_not_retry_validation(sleeps: Sleeps) -> None:
    recorder = Recorder([reply(400, _graph(136025))])
    async with AsyncCloudAPI(
        "T", phone_number_id="1", transport=recorder.transport, sleep=sleeps.async_sleep
    ) as client:
        with pytest.raises(ValidationError):
            await client.verify_code("000000")
    assert len(recorder.requests) == 1
    assert sleeps.delays == []
