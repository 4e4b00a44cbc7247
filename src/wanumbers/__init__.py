"""wanumbers: WhatsApp Business phone numbers over Kaleyra's BSP API and Meta's Cloud API.

The SDK's clients, models and errors are re-exported here but imported lazily, so that
``import wanumbers.server`` (the service) does not pay for httpx and the SDK models.

>>> from wanumbers import Kaleyra, CloudAPI  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .client import (
        DEFAULT_GRAPH_URL,
        DEFAULT_GRAPH_VERSION,
        KALEYRA_PODS,
        AccountMode,
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APITimeoutError,
        AsyncClientOptions,
        AsyncCloudAPI,
        AsyncKaleyra,
        AuthenticationError,
        BusinessCategory,
        BusinessProfile,
        BusinessVertical,
        CallingSettings,
        CanReceiveCall,
        CanSendMessage,
        ClientOptions,
        CloudAPI,
        CodeMethod,
        CodeVerificationStatus,
        Command,
        ConversationalAutomation,
        Cursors,
        GraphAuthenticationError,
        GraphError,
        GraphNotFoundError,
        GraphRateLimitError,
        GraphTransientError,
        GraphValidationError,
        GraphVerificationError,
        HealthEntity,
        HealthEntityType,
        HealthError,
        HealthStatus,
        Kaleyra,
        KaleyraAuthenticationError,
        KaleyraEnvelope,
        KaleyraError,
        KaleyraNotFoundError,
        KaleyraRateLimitError,
        KaleyraTransientError,
        KaleyraValidationError,
        KaleyraVerificationError,
        MessagingLimitTier,
        NameStatus,
        NotFoundError,
        Page,
        Paging,
        PayloadEncryptionSettings,
        PhoneNumber,
        PhoneNumberDetails,
        PhoneNumberSettings,
        PhoneNumberStatus,
        PlatformType,
        Pod,
        QualityRating,
        QualityScore,
        RateLimitError,
        RequestOptions,
        RetryPolicy,
        SipServer,
        SipSettings,
        StorageConfiguration,
        SuccessResponse,
        Throughput,
        ThroughputInfo,
        ThroughputLevel,
        TransientError,
        ValidationError,
        VerificationError,
        WanumbersError,
    )

__all__ = [
    "DEFAULT_GRAPH_URL",
    "DEFAULT_GRAPH_VERSION",
    "KALEYRA_PODS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AccountMode",
    "AsyncClientOptions",
    "AsyncCloudAPI",
    "AsyncKaleyra",
    "AuthenticationError",
    "BusinessCategory",
    "BusinessProfile",
    "BusinessVertical",
    "CallingSettings",
    "CanReceiveCall",
    "CanSendMessage",
    "ClientOptions",
    "CloudAPI",
    "CodeMethod",
    "CodeVerificationStatus",
    "Command",
    "ConversationalAutomation",
    "Cursors",
    "GraphAuthenticationError",
    "GraphError",
    "GraphNotFoundError",
    "GraphRateLimitError",
    "GraphTransientError",
    "GraphValidationError",
    "GraphVerificationError",
    "HealthEntity",
    "HealthEntityType",
    "HealthError",
    "HealthStatus",
    "Kaleyra",
    "KaleyraAuthenticationError",
    "KaleyraEnvelope",
    "KaleyraError",
    "KaleyraNotFoundError",
    "KaleyraRateLimitError",
    "KaleyraTransientError",
    "KaleyraValidationError",
    "KaleyraVerificationError",
    "MessagingLimitTier",
    "NameStatus",
    "NotFoundError",
    "Page",
    "Paging",
    "PayloadEncryptionSettings",
    "PhoneNumber",
    "PhoneNumberDetails",
    "PhoneNumberSettings",
    "PhoneNumberStatus",
    "PlatformType",
    "Pod",
    "QualityRating",
    "QualityScore",
    "RateLimitError",
    "RequestOptions",
    "RetryPolicy",
    "SipServer",
    "SipSettings",
    "StorageConfiguration",
    "SuccessResponse",
    "Throughput",
    "ThroughputInfo",
    "ThroughputLevel",
    "TransientError",
    "ValidationError",
    "VerificationError",
    "WanumbersError",
    "__version__",
]

_LAZY = frozenset(__all__) - {"__version__"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import client

        value = getattr(client, name)
        globals()[name] = value  # cache: later lookups skip __getattr__
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
