"""Whether a credential may act: unknown, revoked and expired are refused, each with its own reason
(Graph tells revoked and expired apart), and lifetimes end at their exact second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.server.domain.refusals import invalid, refused
from wanumbers.server.domain.credentials import MAX_LIFETIME, CredentialExpired, Issued, check_live, expiry
from wanumbers.server.domain.errors import Reason

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_an_unknown_credential_is_unauthenticated() -> None:
    with refused(Reason.UNAUTHENTICATED, "Incorrect SID or API key."):
        check_live(None, NOW)


def test_a_revoked_credential_says_so() -> None:
    with refused(Reason.CREDENTIAL_REVOKED, "the credential has been revoked"):
        check_live(Issued(revoked_at=NOW - timedelta(days=1), expires_at=None), NOW)


def test_revocation_wins_over_expiry() -> None:
    with refused(Reason.CREDENTIAL_REVOKED, "the credential has been revoked"):
        check_live(Issued(revoked_at=NOW, expires_at=NOW - timedelta(seconds=1)), NOW)


@pytest.mark.parametrize("left", [timedelta(0), -timedelta(seconds=1)])
def test_a_credential_stops_at_its_expiry_to_the_microsecond(left: timedelta) -> None:
    with pytest.raises(CredentialExpired) as caught:
        check_live(Issued(revoked_at=None, expires_at=NOW + left), NOW)
    error = caught.value
    assert (error.reason, error.detail, error.field) == (
        Reason.CREDENTIAL_EXPIRED,
        "the credential has expired",
        None,
    )
    assert (error.expired_at, error.now) == (NOW + left, NOW)


@pytest.mark.parametrize("issued", [Issued(None, None), Issued(None, NOW + timedelta(microseconds=1))])
def test_a_live_credential_passes(issued: Issued) -> None:
    check_live(issued, NOW)


def test_no_lifetime_is_never() -> None:
    assert expiry(NOW, None) is None


@pytest.mark.parametrize("seconds", [1, int(MAX_LIFETIME.total_seconds())])
def test_a_lifetime_ends_that_many_seconds_later(seconds: int) -> None:
    assert expiry(NOW, seconds) == NOW + timedelta(seconds=seconds)


def test_the_longest_lifetime_is_ten_years() -> None:
    assert timedelta(days=3650) == MAX_LIFETIME


@pytest.mark.parametrize("seconds", [0, -1, int(MAX_LIFETIME.total_seconds()) + 1])
def test_a_lifetime_outside_the_range_is_refused(seconds: int) -> None:
    with invalid("expires_in must be from 1 to 315360000 seconds", "expires_in"):
        expiry(NOW, seconds)
