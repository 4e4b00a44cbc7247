"""The delivery queue's rules: the retry schedule (capped, jittered, Retry-After honoured), the dead
window, success, and the app credentials deliveries are signed with."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from tests.server.domain.refusals import refused
from wanumbers.server.domain.delivery import (
    FIRST_RETRY,
    LEASE,
    MAX_RETRY,
    MAX_RETRY_AFTER,
    RETRY_WINDOW,
    Schedule,
    Status,
    app_secret,
    check_app_secret,
    is_success,
    parse_app_token,
    retry_after_seconds,
)
from wanumbers.server.domain.errors import Reason

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_the_defaults_are_meta_s_window_and_a_capped_doubling() -> None:
    assert (5.0, 3600.0, timedelta(days=7)) == (FIRST_RETRY, MAX_RETRY, RETRY_WINDOW)
    assert (86400.0, timedelta(seconds=30)) == (MAX_RETRY_AFTER, LEASE)
    assert Schedule() == Schedule(first=5.0, cap=3600.0, window=timedelta(days=7))


@pytest.mark.parametrize(
    ("attempts", "jitter", "wait"),
    [
        (1, 0.0, 2.5),  # half the first step, at the least
        (1, 0.5, 3.75),
        (1, 0.999, 2.5 + 2.5 * 0.999),
        (2, 0.0, 5.0),
        (3, 0.0, 10.0),
        (4, 0.5, 30.0),  # step 40: 20 + 10
        (11, 0.0, 1800.0),  # 5 * 2**10 = 5120, capped at 3600
        (12, 0.0, 1800.0),
        (34, 0.0, 1800.0),
        (1000, 0.0, 1800.0),  # no overflow however many tries
    ],
)
def test_the_wait_doubles_up_to_the_cap_with_equal_jitter(attempts: int, jitter: float, wait: float) -> None:
    assert Schedule().delay(attempts, jitter) == pytest.approx(wait)


def test_a_configured_schedule_is_used() -> None:
    schedule = Schedule(first=1.0, cap=4.0, window=timedelta(seconds=10))
    assert [schedule.delay(n, 0.0) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 2.0]
    assert schedule.delay(3, 0.5) == 3.0


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [
        (None, 2.5),
        (0.0, 2.5),  # asks for less than the schedule: the schedule wins
        (2.5, 2.5),
        (120.0, 120.0),
        (MAX_RETRY_AFTER, MAX_RETRY_AFTER),
        (MAX_RETRY_AFTER + 1, MAX_RETRY_AFTER),  # bounded: a day at most
    ],
)
def test_retry_after_wins_when_it_asks_for_more(retry_after: float | None, wait: float) -> None:
    assert Schedule().delay(1, 0.0, retry_after) == wait


@pytest.mark.parametrize(("attempts", "jitter"), [(0, 0.0), (-1, 0.0), (1, 1.0), (1, -0.1), (1, 1.5)])
def test_delay_takes_tries_made_and_jitter_in_the_unit_interval(attempts: int, jitter: float) -> None:
    with pytest.raises(ValueError, match=r"attempts|jitter"):
        Schedule().delay(attempts, jitter)


def test_delay_messages() -> None:
    with pytest.raises(ValueError, match=r"^attempts counts the tries made, at least 1$"):
        Schedule().delay(0, 0.0)
    with pytest.raises(ValueError, match=r"^jitter is drawn from \[0, 1\)$"):
        Schedule().delay(1, 1.0)


@pytest.mark.parametrize(
    ("retry_in", "status"),
    [
        (timedelta(days=7) - timedelta(seconds=1), Status.PENDING),
        (timedelta(days=7), Status.PENDING),  # exactly at the window's end: still tried
        (timedelta(days=7, seconds=1), Status.DEAD),
        (timedelta(0), Status.PENDING),
    ],
)
def test_a_retry_past_the_window_is_not_made(retry_in: timedelta, status: Status) -> None:
    assert Schedule().next_status(T0, T0 + retry_in) is status


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("", None),
        ("-5", None),
        ("1.5", None),
        ("Wed, 21 Oct 2026 07:28:00 GMT", None),
        ("١٢", None),  # Arabic-Indic digits are not a delta
    ],
)
def test_retry_after_is_read_in_its_delta_form(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header) == seconds


@pytest.mark.parametrize(
    ("status", "ok"),
    [(199, False), (200, True), (204, True), (299, True), (300, False), (301, False), (500, False)],
)
def test_any_2xx_is_delivered_and_a_redirect_is_not(status: int, ok: bool) -> None:
    assert is_success(status) is ok


def test_statuses() -> None:
    assert [status.value for status in Status] == ["pending", "delivered", "dead"]


# --- app credentials -----------------------------------------------------------------------------


def test_the_app_secret_is_derived_from_the_key_the_app_and_the_generation() -> None:
    key = b"k" * 32
    expected = hmac.new(key, b"wanumbers app secret v1:42:0", hashlib.sha256).hexdigest()[:32]
    assert app_secret(key, 42, 0) == expected
    assert len(expected) == 32
    assert app_secret(key, 42, 1) != expected  # a rotation changes it
    assert app_secret(key, 43, 0) != expected
    assert app_secret(b"other", 42, 0) != expected


@pytest.mark.parametrize(
    ("token", "parts"),
    [("123|abc", (123, "abc")), ("123|a|b", (123, "a|b")), ("0|x", (0, "x"))],
)
def test_an_app_token_is_the_app_id_and_the_secret(token: str, parts: tuple[int, str]) -> None:
    assert parse_app_token(token) == parts


@pytest.mark.parametrize("token", ["", "123", "123|", "|abc", "abc|def", "12a|x", "١٢|x", " 12|x"])
def test_anything_else_is_not_an_app_token(token: str) -> None:
    with refused(Reason.UNAUTHENTICATED, "Invalid OAuth access token - Cannot parse access token"):
        parse_app_token(token)


def test_the_secret_must_match() -> None:
    check_app_secret("abc", "abc")
    with refused(Reason.UNAUTHENTICATED, "Error validating client secret."):
        check_app_secret("abc", "abd")
    with refused(Reason.UNAUTHENTICATED, "Error validating client secret."):
        check_app_secret("abc", "")
