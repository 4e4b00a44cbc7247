"""The public surface: ``wanumbers.__all__`` is pinned, and importing it stays cheap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import wanumbers
import wanumbers.client

SRC = Path(__file__).resolve().parents[2] / "src"

CLIENTS = {"AsyncCloudAPI", "AsyncKaleyra", "CloudAPI", "Kaleyra"}
ERRORS = {
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AuthenticationError",
    "GraphAuthenticationError",
    "GraphError",
    "GraphNotFoundError",
    "GraphRateLimitError",
    "GraphTransientError",
    "GraphValidationError",
    "GraphVerificationError",
    "KaleyraAuthenticationError",
    "KaleyraError",
    "KaleyraNotFoundError",
    "KaleyraRateLimitError",
    "KaleyraTransientError",
    "KaleyraValidationError",
    "KaleyraVerificationError",
    "NotFoundError",
    "RateLimitError",
    "TransientError",
    "ValidationError",
    "VerificationError",
    "WanumbersError",
}
MODELS = {
    "AccountMode",
    "BusinessCategory",
    "BusinessProfile",
    "BusinessVertical",
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
}
CONFIG = {
    "DEFAULT_GRAPH_URL",
    "DEFAULT_GRAPH_VERSION",
    "KALEYRA_PODS",
    "AsyncClientOptions",
    "ClientOptions",
    "Pod",
    "RequestOptions",
    "RetryPolicy",
}


def test_top_level_all_is_pinned() -> None:
    assert set(wanumbers.__all__) == CLIENTS | ERRORS | MODELS | CONFIG | {"__version__"}
    assert len(wanumbers.__all__) == len(set(wanumbers.__all__))


def test_client_package_exports_the_same_names() -> None:
    assert set(wanumbers.client.__all__) == set(wanumbers.__all__)


def test_every_exported_name_resolves_to_the_sdk_object() -> None:
    for name in set(wanumbers.__all__) - {"__version__"}:
        assert getattr(wanumbers, name) is getattr(wanumbers.client, name), name


def test_versions_agree() -> None:
    assert wanumbers.__version__ == wanumbers.client.__version__ == "0.1.0"


def test_unknown_attribute_raises_attribute_error() -> None:
    try:
        wanumbers.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_importing_the_package_does_not_load_the_sdk() -> None:
    # The server imports wanumbers.server...; it must not pay for httpx and the SDK models.
    code = "import sys, wanumbers; print('httpx' in sys.modules, 'wanumbers.client' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC)},
    )
    assert result.stdout.split() == ["False", "False"]
