"""The per-credential rate limit: shared by every worker through the store, 429 + Retry-After in the
contract's envelope, configurable and off with 0."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant, make_tenant
from tests.server.guarantees.support import CONTRACTS, GRAPH_VERSION, add_number, assert_envelope
from wanumbers.server.app import create_app
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.domain.ratelimit import DEFAULT, RateLimit, RateLimitSpecError
from wanumbers.server.services import admin
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings, SettingsError

LIMITED = {"kaleyra": "WA429", "graph": 4}


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def two_workers(database_url: str, runtime: Runtime) -> Iterator[tuple[TestClient, TestClient, FakeTime]]:
    """Two apps with their own stores and limiters on one database: what two worker processes share."""
    settings = Settings(database_url=database_url, rate_limit="3/3")
    other = build_runtime(settings)
    clock = FakeTime()
    apps: list[Starlette] = [create_app(settings, runtime=runtime), create_app(settings, runtime=other)]
    for app in apps:
        app.state.rate_limiter.clock = clock
        # Exactness across workers is what is under test, not the fallback of a stalled store
        # (tests/server/guarantees/test_stalls.py): let a slow, busy test machine take its time.
        app.state.rate_limiter.lease_wait = 10.0
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        yield first, second, clock
    sync(other.close())


def _details(contract: str, tenant: Tenant, rt: Runtime, client: TestClient) -> tuple[str, dict[str, str]]:
    if contract == "kaleyra":
        return f"/v2/{tenant.sid}/whatsapp/919800000000/phone_number_details", {"api-key": tenant.api_key}
    number_id, _ = add_number(client, tenant)
    token = sync(admin.create_access_token(rt, tenant.sid))
    return f"{GRAPH_VERSION}/{number_id}", {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("contract", CONTRACTS)
def test_the_limit_is_shared_by_workers_and_answered_429_with_retry_after(
    contract: str, two_workers: tuple[TestClient, TestClient, FakeTime], runtime: Runtime, tenant: Tenant
) -> None:
    first, second, clock = two_workers
    path, headers = _details(contract, tenant, runtime, first)
    clock.now += 10  # a fresh bucket: the set-up request above spent a token
    answers = [(first if i % 2 else second).get(path, headers=headers) for i in range(4)]
    assert [r.status_code != 429 for r in answers] == [True, True, True, False]
    assert_envelope(contract, answers[3], 429, LIMITED[contract])
    assert answers[3].headers["retry-after"] == "1"
    clock.now += 1 / 3  # one token back
    assert second.get(path, headers=headers).status_code != 429
    assert first.get(path, headers=headers).status_code == 429


def test_each_credential_has_its_own_bucket(
    two_workers: tuple[TestClient, TestClient, FakeTime], runtime: Runtime, tenant: Tenant
) -> None:
    first, _, _ = two_workers
    other = make_tenant(runtime, "Other")
    path = "/v2/{sid}/whatsapp/919800000000/phone_number_details"
    for _ in range(3):
        first.get(path.format(sid=tenant.sid), headers={"api-key": tenant.api_key})
    assert first.get(path.format(sid=tenant.sid), headers={"api-key": tenant.api_key}).status_code == 429
    assert first.get(path.format(sid=other.sid), headers={"api-key": other.api_key}).status_code != 429


def test_the_default_does_not_throttle_a_busy_client(app_client: TestClient, tenant: Tenant) -> None:
    path = f"/v2/{tenant.sid}/whatsapp/919800000000/phone_number_details"
    codes = {app_client.get(path, headers={"api-key": tenant.api_key}).status_code for _ in range(150)}
    assert 429 not in codes


def test_zero_turns_it_off(database_url: str, runtime: Runtime) -> None:
    assert (
        create_app(Settings(database_url=database_url, rate_limit="0"), runtime=runtime).state.rate_limiter
        is None
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("50/100", RateLimit(50, 100)),
        ("50", RateLimit(50, 100)),
        ("0", None),
        (DEFAULT, RateLimit(50000, 100000)),
    ],
)
def test_spec_parsing(spec: str, expected: RateLimit | None) -> None:
    assert RateLimit.parse(spec) == expected


@pytest.mark.parametrize("spec", ["fast", "-1/3", "5/0", "nan", "inf"])
def test_a_bad_spec_is_refused_at_start(spec: str) -> None:
    with pytest.raises(RateLimitSpecError):
        RateLimit.parse(spec)
    with pytest.raises(SettingsError):
        Settings(rate_limit=spec).validate()


def test_env_sets_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANUMBERS_RATE_LIMIT", "50/100")
    assert Settings.from_env().rate_limit == "50/100"


def test_retry_after_counts_whole_seconds_to_the_next_token() -> None:
    limit = RateLimit(0.1, 1)  # one request per 10 s
    assert limit.retry_after(tat=110.0, now=100.0) == 10  # the bucket is one token over: 10 s
    assert limit.retry_after(tat=110.0, now=95.5) == 15
    assert limit.retry_after(tat=100.0, now=100.0) == 1  # never less than a second


def test_a_slow_store_costs_one_request_a_wait_not_every_request_in_flight(
    runtime: Runtime, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S9's finding: with a generous limit, every request that arrived while a refill was slow waited out
    the lease wait (250 ms) together. Now one waits; the others are counted locally meanwhile."""
    import asyncio
    import time

    from wanumbers.server.services.ratelimit import Limiter
    from wanumbers.server.storage.repositories.accounts import CredentialRepository

    slow_check = CredentialRepository.any_live

    async def slow_any_live(self: CredentialRepository, digest: str) -> bool:
        await asyncio.sleep(1.0)  # a store held up by another session's lock
        return await slow_check(self, digest)

    monkeypatch.setattr(CredentialRepository, "any_live", slow_any_live)
    limiter = Limiter(RateLimit.parse(DEFAULT))
    assert limiter.limit.lease_size > 1  # the default limit leases in batches

    async def timed() -> float:
        start = time.monotonic()
        assert await limiter.acquire(runtime, "digest-of-a-key") is None
        return time.monotonic() - start

    async def burst() -> list[float]:
        return await asyncio.gather(*(timed() for _ in range(20)))

    waits = sorted(sync(burst()))
    assert waits[-1] >= limiter.lease_wait * 0.9  # the first request waited for the store, in bounds
    assert waits[-2] < limiter.lease_wait / 2  # and no other did
