"""The WhatsApp Business phone-number node (Graph) and Kaleyra's phone-number details document.

Reference: https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account-to-number-current-status/
"""

from __future__ import annotations

from ._base import WanumbersModel
from .conversational_automation import ConversationalAutomation
from .enums import (
    AccountMode,
    CodeVerificationStatus,
    MessagingLimitTier,
    NameStatus,
    PhoneNumberStatus,
    PlatformType,
    QualityRating,
    ThroughputLevel,
)
from .health_status import HealthStatus

__all__ = ["PhoneNumber", "PhoneNumberDetails", "QualityScore", "Throughput"]


class Throughput(WanumbersModel):
    """``throughput`` object: ``NOT_APPLICABLE`` until the number is registered."""

    level: ThroughputLevel


class QualityScore(WanumbersModel):
    score: QualityRating


class PhoneNumber(WanumbersModel):
    """A phone number as Graph returns it; only the requested ``fields`` are set.

    Every field but ``id`` is optional because Graph projects the node onto ``fields``.
    """

    id: str
    display_phone_number: str | None = None
    verified_name: str | None = None
    quality_rating: QualityRating | None = None
    quality_score: QualityScore | None = None
    code_verification_status: CodeVerificationStatus | None = None
    name_status: NameStatus | None = None
    new_name_status: NameStatus | None = None
    status: PhoneNumberStatus | None = None
    platform_type: PlatformType | None = None
    throughput: Throughput | None = None
    # Deprecated by Meta (now null); whatsapp_business_manager_messaging_limit replaces it.
    messaging_limit_tier: MessagingLimitTier | None = None
    whatsapp_business_manager_messaging_limit: MessagingLimitTier | None = None
    account_mode: AccountMode | None = None
    health_status: HealthStatus | None = None
    certificate: str | None = None
    new_certificate: str | None = None
    is_official_business_account: bool | None = None
    is_pin_enabled: bool | None = None
    is_preverified_number: bool | None = None
    last_onboarded_time: str | None = None
    search_visibility: str | None = None
    country_code: str | None = None
    country_dial_code: str | None = None
    conversational_automation: ConversationalAutomation | None = None


class PhoneNumberDetails(PhoneNumber):
    """Kaleyra's ``phone_number_details``: the Graph node plus ``health_status`` (seed 000)."""
