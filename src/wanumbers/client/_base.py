"""Request building, response parsing and the retry loop, shared by every client.

Each API operation is described once as a :class:`Call` (method, path, query, body, parser) by the
functions in ``resources/``. :class:`ClientCore` turns a call into an ``httpx.Request`` and a
response into a model or an exception. The sync and async bases below differ only in how they
send and sleep, so the two client flavours cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypedDict, TypeVar
from urllib.parse import quote

import httpx

from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    WanumbersError,
)
from ._retry import RetryPolicy
from ._version import __version__

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncClientOptions",
    "Call",
    "ClientCore",
    "ClientOptions",
    "RequestOptions",
    "join_path",
]

log = logging.getLogger("wanumbers.client")

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class RequestOptions(TypedDict, total=False):
    """Per-call overrides, passed as ``request_options=`` to any client method."""

    timeout: float | httpx.Timeout
    max_retries: int
    idempotency_key: str
    extra_headers: Mapping[str, str]


class _SharedOptions(TypedDict, total=False):
    timeout: float | httpx.Timeout
    max_retries: int
    backoff_base: float
    backoff_cap: float
    max_retry_after: float
    jitter: Callable[[], float]
    default_headers: Mapping[str, str]


class ClientOptions(_SharedOptions, total=False):
    """Transport knobs of the sync clients (all optional keyword arguments).

    ``timeout`` (seconds or ``httpx.Timeout``), ``max_retries``, ``backoff_base``/``backoff_cap``
    (seconds), ``max_retry_after`` (longest ``Retry-After`` honoured), ``jitter`` (a ``random()``
    replacement), ``default_headers``, and either ``http_client`` (yours; not closed by us) or
    ``transport`` (e.g. ``httpx.MockTransport``); ``sleep`` replaces ``time.sleep`` in tests.
    """

    http_client: httpx.Client
    transport: httpx.BaseTransport
    sleep: Callable[[float], None]


class AsyncClientOptions(_SharedOptions, total=False):
    """The async twin of :class:`ClientOptions` (``sleep`` is awaited; default ``anyio.sleep``)."""

    http_client: httpx.AsyncClient
    transport: httpx.AsyncBaseTransport
    sleep: Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One API operation, independent of how it is sent.

    ``parse`` receives the decoded JSON body of a successful response and raises ``ValueError``
    (pydantic's ``ValidationError`` is one) when the body does not have the documented shape.
    """

    method: str
    path: str
    parse: Callable[[Any], T]
    params: Mapping[str, str] | None = None
    json: Any = None


def join_path(*segments: str) -> str:
    """``/a/b/c`` with every segment percent-encoded, so an id can never change the route."""
    return "".join("/" + quote(str(segment), safe="") for segment in segments)


@dataclass(frozen=True, slots=True)
class Contract:
    """What differs between Kaleyra and Graph: where, how to authenticate, how errors look."""

    base_url: str
    auth_headers: Mapping[str, str]
    is_error_body: Callable[[Any], bool]
    error_for: Callable[[httpx.Response], APIError]


class ClientCore:
    """Everything about a request except sending it and sleeping between attempts."""

    def __init__(self, contract: Contract, options: _SharedOptions) -> None:
        self.contract = contract
        self.base_url = contract.base_url.rstrip("/")
        self.headers = {
            "User-Agent": f"wanumbers-python/{__version__}",
            "Accept": "application/json",
            "Content-Type": "application/json",
            **contract.auth_headers,
            **options.get("default_headers", {}),
        }
        self.timeout = httpx.Timeout(options.get("timeout", DEFAULT_TIMEOUT))
        defaults = RetryPolicy()
        self.retry = RetryPolicy(
            max_retries=options.get("max_retries", defaults.max_retries),
            backoff_base=options.get("backoff_base", defaults.backoff_base),
            backoff_cap=options.get("backoff_cap", defaults.backoff_cap),
            max_retry_after=options.get("max_retry_after", defaults.max_retry_after),
            jitter=options.get("jitter", defaults.jitter),
        )

    def build_request(self, call: Call[Any], options: RequestOptions) -> httpx.Request:
        """The request, built once per call so every retry resends the same Idempotency-Key."""
        headers = dict(self.headers)
        if call.method == "POST":
            # Lets a server drop a duplicate when a retry follows a response that was lost.
            headers["Idempotency-Key"] = options.get("idempotency_key") or str(uuid.uuid4())
        headers.update(options.get("extra_headers", {}))
        timeout = httpx.Timeout(options["timeout"]) if "timeout" in options else self.timeout
        return httpx.Request(
            call.method,
            self.base_url + call.path,
            params=dict(call.params) if call.params else None,
            json=call.json,
            headers=headers,
            extensions={"timeout": timeout.as_dict()},
        )

    def policy(self, options: RequestOptions) -> RetryPolicy:
        if "max_retries" not in options:
            return self.retry
        return dataclasses.replace(self.retry, max_retries=options["max_retries"])

    def parse(self, call: Call[T], response: httpx.Response) -> T:
        """The call's result, or the contract's exception for an error response."""
        if response.is_error:
            raise self.contract.error_for(response)
        try:
            body = response.json() if response.content else None
        except ValueError as exc:
            raise _shape_error(response, response.text, exc) from exc
        if self.contract.is_error_body(body):
            raise self.contract.error_for(response)
        try:
            return call.parse(body)
        except ValueError as exc:
            raise _shape_error(response, body, exc) from exc

    @staticmethod
    def connection_error(request: httpx.Request, exc: httpx.TransportError) -> APIConnectionError:
        error = (
            APITimeoutError(request)
            if isinstance(exc, httpx.TimeoutException)
            else APIConnectionError(request, f"Connection error: {exc}")
        )
        error.__cause__ = exc
        return error

    @staticmethod
    def retry_delay(error: WanumbersError, attempt: int, policy: RetryPolicy) -> float | None:
        """Seconds to wait before retrying after ``error``, or ``None`` to raise it."""
        if isinstance(error, APIConnectionError):
            delay = policy.delay(attempt, None)
        elif isinstance(error, APIError) and error.retryable:
            delay = policy.delay(attempt, error.retry_after)
        else:
            return None
        if delay is not None:
            log.info("Retrying in %.2fs (retry %d): %s", delay, attempt + 1, error)
        return delay


def _shape_error(response: httpx.Response, body: Any, exc: ValueError) -> APIResponseValidationError:
    return APIResponseValidationError(
        f"Unexpected response body: {exc}".splitlines()[0], response=response, body=body
    )
