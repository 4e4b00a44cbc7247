"""What a new record is before any rule touches it: a number starts unverified, unreviewed, unrated."""

from __future__ import annotations

from wanumbers.server.domain.lifecycle import (
    AccountMode,
    MessagingTier,
    NameStatus,
    NumberState,
    Quality,
    Throughput,
)
from wanumbers.server.domain.records import Automation, BusinessProfile, PhoneNumber, Routing, Waba


def test_a_new_number_starts_unverified_with_metas_starting_values() -> None:
    number = PhoneNumber(1, 2, "+919876543210", "IN", "91", "Acme")
    assert (number.state, number.name_status, number.quality) == (
        NumberState.UNVERIFIED,
        NameStatus.PENDING_REVIEW,
        Quality.NA,
    )
    assert (number.throughput, number.tier, number.account_mode) == (
        Throughput.STANDARD,
        MessagingTier.TIER_250,
        AccountMode.LIVE,
    )
    assert (number.sip_enabled, number.sip_server_configured, number.is_official_business_account) == (
        False,
        False,
        False,
    )
    assert (number.pin_digest, number.verification_failures, number.display) == (None, 0, "")
    assert (number.created_at, number.last_onboarded_at) == (None, None)
    assert (number.profile, number.routing, number.automation) == (BusinessProfile(), Routing(), Automation())


def test_mutable_parts_are_not_shared_between_records() -> None:
    first, second = PhoneNumber(1, 2, "+1", "US", "1", "A"), PhoneNumber(2, 2, "+1", "US", "1", "B")
    first.profile.websites.append("https://x.io")
    first.automation.prompts.append("Hi")
    assert second.profile.websites == [] and second.automation.prompts == []


def test_a_waba_starts_unrestricted() -> None:
    assert Waba(1, 2, "v2").restricted is False
