"""The rate limit's arithmetic: parsing ``RATE[/BURST]`` with its exact refusals, the GCRA interval and
capacity, the lease size at each of its caps, and ``Retry-After`` rounding."""

from __future__ import annotations

import math

import pytest

from wanumbers.server.domain.ratelimit import (
    DEFAULT,
    LEASE_SECONDS,
    LEASE_WAIT,
    REFILL_BELOW,
    LocalBucket,
    RateLimit,
    RateLimitSpecError,
    refill_due,
)

FORMAT = "WANUMBERS_RATE_LIMIT must be RATE[/BURST] or 0, not {!r}"
POSITIVE = "WANUMBERS_RATE_LIMIT needs a positive rate and burst, not {!r}"


def test_the_default_is_a_safety_valve() -> None:
    assert DEFAULT == "50000/100000"
    assert LEASE_SECONDS == 1.0
    assert RateLimit.parse(DEFAULT) == RateLimit(50000.0, 100000)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("50/100", RateLimit(50.0, 100)),
        (" 50/100 ", RateLimit(50.0, 100)),
        ("50", RateLimit(50.0, 100)),
        ("2.5", RateLimit(2.5, 5)),
        ("0.6", RateLimit(0.6, 2)),  # burst = ceil(2 * rate)
        ("0.2", RateLimit(0.2, 1)),  # at least one token
        ("0.5/1", RateLimit(0.5, 1)),
        ("1e3/7", RateLimit(1000.0, 7)),
        ("0", None),
        ("0.0", None),
        ("0/5", None),
    ],
)
def test_spec_parsing(spec: str, expected: RateLimit | None) -> None:
    assert RateLimit.parse(spec) == expected


@pytest.mark.parametrize("spec", ["fast", "", "/5", "50/x", "50/1.5", "50/100/2", "nan"])
def test_a_spec_that_is_not_rate_slash_burst_is_refused(spec: str) -> None:
    with pytest.raises(RateLimitSpecError) as caught:
        RateLimit.parse(spec)
    assert str(caught.value) == FORMAT.format(spec)


@pytest.mark.parametrize("spec", ["inf", "-inf", "1e400"])
def test_an_infinite_rate_without_a_burst_is_refused_cleanly(spec: str) -> None:
    with pytest.raises(RateLimitSpecError) as caught:
        RateLimit.parse(spec)
    assert str(caught.value) == FORMAT.format(spec)


@pytest.mark.parametrize("spec", ["-1/3", "-0.5", "5/0", "5/-1", "inf/10", "-inf/10"])
def test_a_negative_or_infinite_rate_or_a_burst_below_one_is_refused(spec: str) -> None:
    with pytest.raises(RateLimitSpecError) as caught:
        RateLimit.parse(spec)
    assert str(caught.value) == POSITIVE.format(spec)
    assert isinstance(caught.value, ValueError)


def test_interval_and_capacity() -> None:
    limit = RateLimit(4.0, 10)
    assert limit.interval == 0.25
    assert limit.capacity == 2.5


@pytest.mark.parametrize(
    ("rate", "burst", "lease"),
    [
        (50000.0, 100000, 1000),  # capped at 1,000
        (100000.0, 10**6, 1000),
        (10000.0, 100000, 200),  # rate / 50
        (10000.0, 40, 10),  # a quarter of the burst
        (10000.0, 3, 1),  # a quarter rounds to nothing: one
        (50.0, 100, 1),  # modest limits stay exact
        (99.0, 1000, 1),
        (100.0, 1000, 2),
        (1.0, 1, 1),
    ],
)
def test_lease_size(rate: float, burst: int, lease: int) -> None:
    assert RateLimit(rate, burst).lease_size == lease


@pytest.mark.parametrize(
    ("tat", "now", "wait"),
    [
        (110.0, 100.0, 10),  # one token over the bucket: 10 s
        (110.0, 95.5, 15),  # rounded up
        (110.0, 99.0, 11),
        (100.0, 100.0, 1),  # never less than a second
        (50.0, 100.0, 1),
    ],
)
def test_retry_after_counts_whole_seconds_to_the_next_token(tat: float, now: float, wait: int) -> None:
    limit = RateLimit(0.1, 1)  # one request per 10 s, capacity 10 s
    assert limit.retry_after(tat=tat, now=now) == wait


def test_retry_after_with_a_larger_bucket() -> None:
    limit = RateLimit(2.0, 4)  # interval 0.5 s, capacity 2 s
    assert limit.retry_after(tat=103.0, now=100.0) == math.ceil(103.0 + 0.5 - 100.0 - 2.0)
    assert limit.retry_after(tat=103.0, now=100.0) == 2


def test_a_lease_refills_below_a_quarter_of_its_size() -> None:
    assert (REFILL_BELOW, LEASE_WAIT) == (0.25, 0.25)
    assert refill_due(249, 1000) and not refill_due(250, 1000)
    assert refill_due(0, 2) and not refill_due(0, 1)  # one-token leases (tight limits) stay exact


def test_a_local_bucket_takes_the_burst_then_paces() -> None:
    bucket = LocalBucket(RateLimit(2, 3))
    assert [bucket.take(100.0) for _ in range(3)] == [None, None, None]
    assert bucket.take(100.0) == 1
    assert bucket.tat == pytest.approx(101.5)
    assert bucket.take(100.5) is None  # half a second is one token at 2/s
    assert bucket.take(100.5) == 1


def test_a_local_bucket_refuses_with_the_wait_until_a_token_fits() -> None:
    bucket = LocalBucket(RateLimit(0.5, 1))  # one token every 2 s
    assert bucket.take(0.0) is None
    assert bucket.take(0.0) == 2
    assert bucket.take(1.9) == 1 and bucket.take(2.0) is None
