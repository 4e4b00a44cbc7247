"""Every exception the SDK raises.

The tree (categories in brackets are what most callers catch; each concrete error is a contract
class plus one category, so ``except NotFoundError`` works for both APIs)::

    WanumbersError
    ├── [TransientError]            retrying later may succeed
    │   └── APIConnectionError      no HTTP response (DNS, refused, reset) -- .request
    │       └── APITimeoutError     the timeout elapsed first
    └── APIError                    an HTTP error response -- .status_code .request .response
        │                           .body .message .retry_after .retryable
        ├── [AuthenticationError]   bad SID / API key / token (RBC001, RBC201; Graph 190, 104)
        ├── [NotFoundError]         unknown, or not the caller's (WA401, E112; Graph 100/33)
        ├── [ValidationError]       the request was refused as invalid (WA400; Graph 100)
        │   └── [VerificationError] wrong / expired / malformed OTP (WA400 on OTP; 136025)
        ├── [RateLimitError]        throttled, also transient (HTTP 429; 4, 80007, 133016)
        ├── APIResponseValidationError  a 2xx body that does not have the documented shape
        ├── KaleyraError            Kaleyra envelope -- .code ("WA400") .error (the "error" dict)
        │   ├── KaleyraAuthenticationError, KaleyraNotFoundError, KaleyraValidationError,
        │   └── KaleyraVerificationError, KaleyraRateLimitError, KaleyraTransientError
        └── GraphError              Graph envelope -- .code .error_subcode .type
            │                       .fbtrace_id .is_transient .error_data
            ├── GraphAuthenticationError, GraphNotFoundError, GraphValidationError,
            └── GraphVerificationError, GraphRateLimitError, GraphTransientError

``retryable`` says whether the SDK itself retried (or would retry) the error; a ``RateLimitError``
such as Graph 133016 (10 registrations a week) is not retryable even though it is transient in time.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
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
]


class WanumbersError(Exception):
    """Base of every error raised by the SDK."""


class TransientError(WanumbersError):
    """Category: the failure is probably temporary (outage, overload, throttling)."""


class APIConnectionError(TransientError):
    """The request got no HTTP response."""

    def __init__(self, request: httpx.Request, message: str = "Connection error.") -> None:
        super().__init__(message)
        self.request = request
        self.message = message


class APITimeoutError(APIConnectionError):
    """The request timed out before a response arrived."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(request, "Request timed out.")


class APIError(WanumbersError):
    """An HTTP response that carries an error; keeps the request, response and decoded body."""

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.response = response
        self.request = response.request
        self.status_code = response.status_code
        self.body = body
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.status_code}: {self.message}"


class APIResponseValidationError(APIError):
    """A successful status whose body does not have the documented shape."""


class AuthenticationError(APIError):
    """Category: credentials are missing, wrong or expired."""


class NotFoundError(APIError):
    """Category: the object does not exist or does not belong to the caller."""


class ValidationError(APIError):
    """Category: the request was refused as invalid; retrying it unchanged will fail again."""


class VerificationError(ValidationError):
    """Category: a verification code (OTP) or two-step PIN is wrong, expired or malformed."""


class RateLimitError(APIError, TransientError):
    """Category: throttled. ``retry_after`` (seconds) is set when the server said how long."""


class KaleyraError(APIError):
    """An error in Kaleyra's envelope: ``code`` such as "WA400", ``error`` the per-field dict."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any,
        code: str | None,
        error: dict[str, Any],
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, response=response, body=body, retry_after=retry_after)
        self.code = code
        self.error = error

    def __str__(self) -> str:
        return f"{self.code} ({self.status_code}): {self.message}"


class GraphError(APIError):
    """An error in Graph's envelope ``{"error": {"message", "type", "code", ...}}``."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any,
        code: int | None,
        error_subcode: int | None = None,
        type: str | None = None,
        fbtrace_id: str | None = None,
        is_transient: bool = False,
        error_data: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, response=response, body=body, retry_after=retry_after)
        self.code = code
        self.error_subcode = error_subcode
        self.type = type
        self.fbtrace_id = fbtrace_id
        self.is_transient = is_transient
        self.error_data = error_data

    def __str__(self) -> str:
        subcode = f"/{self.error_subcode}" if self.error_subcode is not None else ""
        return f"{self.code}{subcode} ({self.status_code}): {self.message}"


class KaleyraAuthenticationError(KaleyraError, AuthenticationError): ...


class KaleyraNotFoundError(KaleyraError, NotFoundError): ...


class KaleyraValidationError(KaleyraError, ValidationError): ...


class KaleyraVerificationError(KaleyraError, VerificationError): ...


class KaleyraRateLimitError(KaleyraError, RateLimitError): ...


class KaleyraTransientError(KaleyraError, TransientError): ...


class GraphAuthenticationError(GraphError, AuthenticationError): ...


class GraphNotFoundError(GraphError, NotFoundError): ...


class GraphValidationError(GraphError, ValidationError): ...


class GraphVerificationError(GraphError, VerificationError): ...


class GraphRateLimitError(GraphError, RateLimitError): ...


class GraphTransientError(GraphError, TransientError): ...
