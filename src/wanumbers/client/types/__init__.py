"""Typed response models of the SDK (one concern per module)."""

from .business_profile import BusinessProfile
from .callback_profile import CallbackProfile
from .conversational_automation import Command, ConversationalAutomation
from .enums import (
    AccountMode,
    BusinessCategory,
    BusinessVertical,
    CanReceiveCall,
    CanSendMessage,
    CodeMethod,
    CodeVerificationStatus,
    HealthEntityType,
    MessagingLimitTier,
    NameStatus,
    PhoneNumberStatus,
    PlatformType,
    QualityRating,
    ThroughputLevel,
)
from .health_status import HealthEntity, HealthError, HealthStatus
from .kaleyra_envelope import KaleyraEnvelope
from .page import Cursors, Page, Paging
from .phone_number import PhoneNumber, PhoneNumberDetails, QualityScore, Throughput
from .settings import (
    CallingSettings,
    PayloadEncryptionSettings,
    PhoneNumberSettings,
    SipServer,
    SipSettings,
    StorageConfiguration,
)
from .success import SuccessResponse
from .throughput_info import ThroughputInfo

__all__ = [
    "AccountMode",
    "BusinessCategory",
    "BusinessProfile",
    "BusinessVertical",
    "CallbackProfile",
    "CallingSettings",
    "CanReceiveCall",
    "CanSendMessage",
    "CodeMethod",
    "CodeVerificationStatus",
    "Command",
    "ConversationalAutomation",
    "Cursors",
    "HealthEntity",
    "HealthEntityType",
    "HealthError",
    "HealthStatus",
    "KaleyraEnvelope",
    "MessagingLimitTier",
    "NameStatus",
    "Page",
    "Paging",
    "PayloadEncryptionSettings",
    "PhoneNumber",
    "PhoneNumberDetails",
    "PhoneNumberSettings",
    "PhoneNumberStatus",
    "PlatformType",
    "QualityRating",
    "QualityScore",
    "SipServer",
    "SipSettings",
    "StorageConfiguration",
    "SuccessResponse",
    "Throughput",
    "ThroughputInfo",
    "ThroughputLevel",
]
