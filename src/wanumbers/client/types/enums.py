"""String enums of the phone-number APIs.

Values come from the seeds and Meta's OpenAPI (see ``docs``/contract notes). Each enum has an
``UNKNOWN`` member that absorbs values added upstream later.
"""

from __future__ import annotations

import enum

from ._base import OpenStrEnum

__all__ = [
    "AccountMode",
    "BusinessCategory",
    "BusinessVertical",
    "CanReceiveCall",
    "CanSendMessage",
    "CodeMethod",
    "CodeVerificationStatus",
    "HealthEntityType",
    "MessagingLimitTier",
    "NameStatus",
    "PhoneNumberStatus",
    "PlatformType",
    "QualityRating",
    "ThroughputLevel",
]


class QualityRating(OpenStrEnum):
    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"
    NA = "NA"
    UNKNOWN = "UNKNOWN"


class NameStatus(OpenStrEnum):
    APPROVED = "APPROVED"
    AVAILABLE_WITHOUT_REVIEW = "AVAILABLE_WITHOUT_REVIEW"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"
    PENDING_REVIEW = "PENDING_REVIEW"
    NONE = "NONE"
    UNKNOWN = "UNKNOWN"


class CodeVerificationStatus(OpenStrEnum):
    # Meta's docs say NOT_VERIFIED/VERIFIED/EXPIRED; the OpenAPI says UNVERIFIED. Accept both.
    VERIFIED = "VERIFIED"
    NOT_VERIFIED = "NOT_VERIFIED"
    UNVERIFIED = "UNVERIFIED"
    EXPIRED = "EXPIRED"
    UNKNOWN = "UNKNOWN"


class PhoneNumberStatus(OpenStrEnum):
    """Connection status; ``CONNECTED`` is what live numbers report (seed 000)."""

    CONNECTED = "CONNECTED"
    DISCONNECTED = "DISCONNECTED"
    PENDING = "PENDING"
    FLAGGED = "FLAGGED"
    RESTRICTED = "RESTRICTED"
    RATE_LIMITED = "RATE_LIMITED"
    LINKED = "LINKED"
    UNLINKED = "UNLINKED"
    DELETED = "DELETED"
    MIGRATED = "MIGRATED"
    BANNED = "BANNED"
    UNKNOWN = "UNKNOWN"


class PlatformType(OpenStrEnum):
    CLOUD_API = "CLOUD_API"
    ON_PREMISE = "ON_PREMISE"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    UNKNOWN = "UNKNOWN"


class ThroughputLevel(OpenStrEnum):
    """``throughput.level``; the TIER_* values of seed 004 are messaging limits, not throughput."""

    STANDARD = "STANDARD"
    HIGH = "HIGH"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    UNKNOWN = "UNKNOWN"


class MessagingLimitTier(OpenStrEnum):
    TIER_50 = "TIER_50"
    TIER_250 = "TIER_250"
    TIER_1K = "TIER_1K"
    TIER_2K = "TIER_2K"
    TIER_10K = "TIER_10K"
    TIER_100K = "TIER_100K"
    TIER_UNLIMITED = "TIER_UNLIMITED"
    TIER_NOT_SET = "TIER_NOT_SET"
    UNKNOWN = "UNKNOWN"


class AccountMode(OpenStrEnum):
    LIVE = "LIVE"
    SANDBOX = "SANDBOX"
    UNKNOWN = "UNKNOWN"


class CanSendMessage(OpenStrEnum):
    AVAILABLE = "AVAILABLE"
    LIMITED = "LIMITED"
    BLOCKED = "BLOCKED"
    UNKNOWN = "UNKNOWN"


# Calling availability uses the same three values as messaging.
CanReceiveCall = CanSendMessage


class HealthEntityType(OpenStrEnum):
    PHONE_NUMBER = "PHONE_NUMBER"
    MESSAGE_TEMPLATE = "MESSAGE_TEMPLATE"
    WABA = "WABA"
    BUSINESS = "BUSINESS"
    APP = "APP"
    UNKNOWN = "UNKNOWN"


class CodeMethod(enum.StrEnum):
    """How a code is delivered (Graph ``code_method``, Kaleyra ``verification_type``)."""

    SMS = "SMS"
    VOICE = "VOICE"


class BusinessCategory(OpenStrEnum):
    """Kaleyra's ``category`` values for the update API (seed 003)."""

    AUTOMOTIVE = "AUTOMOTIVE"
    BEAUTY_SPA_SALON = "BEAUTY_SPA_SALON"
    CLOTHING_APPAREL = "CLOTHING_APPAREL"
    EDUCATION = "EDUCATION"
    ENTERTAINMENT = "ENTERTAINMENT"
    EVENT_PLANNING_SERVICE = "EVENT_PLANNING_SERVICE"
    FINANCE_AND_BANKING = "FINANCE_AND_BANKING"
    FOOD_GROCERY = "FOOD_GROCERY"
    PUBLIC_SERVICE = "PUBLIC_SERVICE"
    HOTEL_LODGING = "HOTEL_LODGING"
    MEDICAL_HEALTH = "MEDICAL_HEALTH"
    NON_PROFIT = "NON_PROFIT"
    PROFESSIONAL_SERVICES = "PROFESSIONAL_SERVICES"
    SHOPPING_RETAIL = "SHOPPING_RETAIL"
    TRAVEL_TRANSPORTATION = "TRAVEL_TRANSPORTATION"
    RESTAURANT = "RESTAURANT"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"


class BusinessVertical(OpenStrEnum):
    """Meta's business-profile ``vertical`` (docs set plus the OpenAPI additions)."""

    UNDEFINED = "UNDEFINED"
    OTHER = "OTHER"
    AUTO = "AUTO"
    BEAUTY = "BEAUTY"
    APPAREL = "APPAREL"
    EDU = "EDU"
    ENTERTAIN = "ENTERTAIN"
    EVENT_PLAN = "EVENT_PLAN"
    FINANCE = "FINANCE"
    GROCERY = "GROCERY"
    GOVT = "GOVT"
    HOTEL = "HOTEL"
    HEALTH = "HEALTH"
    NONPROFIT = "NONPROFIT"
    PROF_SERVICES = "PROF_SERVICES"
    RETAIL = "RETAIL"
    TRAVEL = "TRAVEL"
    RESTAURANT = "RESTAURANT"
    NOT_A_BIZ = "NOT_A_BIZ"
    ALCOHOL = "ALCOHOL"
    ONLINE_GAMBLING = "ONLINE_GAMBLING"
    PHYSICAL_GAMBLING = "PHYSICAL_GAMBLING"
    OTC_DRUGS = "OTC_DRUGS"
    UNKNOWN = "UNKNOWN"
