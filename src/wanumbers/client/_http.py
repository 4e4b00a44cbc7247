"""The sync and async halves of the client: sending, sleeping, retrying and resource cleanup.

Only this module knows about blocking vs awaiting; everything else lives in ``ClientCore``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self, TypeVar

import anyio
import httpx

from ._base import AsyncClientOptions, Call, ClientCore, ClientOptions, Contract, RequestOptions
from ._exceptions import APIError, WanumbersError

__all__ = ["AsyncHTTPClient", "SyncHTTPClient"]

T = TypeVar("T")


def _copy_options(options: Any, http: Any, overrides: dict[str, Any]) -> dict[str, Any]:
    """Options for ``with_options``: the copy shares our pool (and so never closes it)."""
    merged = {**options, "http_client": http, **overrides}
    if "transport" in overrides and "http_client" not in overrides:
        del merged["http_client"]  # a new transport needs a pool of its own
    return merged


class SyncHTTPClient:
    """Base of the blocking clients."""

    _sleep: Callable[[float], None]

    def __init__(self, contract: Contract, options: ClientOptions) -> None:
        self._core = ClientCore(contract, options)
        self._options = options
        self._owns_http = "http_client" not in options
        self._http = options.get("http_client") or httpx.Client(
            transport=options.get("transport"), timeout=self._core.timeout
        )
        self._sleep = options.get("sleep", time.sleep)

    def _request(self, call: Call[T], request_options: RequestOptions | None = None) -> T:
        options = request_options or {}
        request = self._core.build_request(call, options)
        policy = self._core.policy(options)
        attempt = 0
        while True:
            error: WanumbersError
            try:
                return self._core.parse(call, self._http.send(request))
            except httpx.TransportError as exc:
                error = self._core.connection_error(request, exc)
            except APIError as exc:
                error = exc
            delay = self._core.retry_delay(error, attempt, policy)
            if delay is None:
                raise error
            self._sleep(delay)
            attempt += 1

    def _copy_options(self, overrides: dict[str, Any]) -> dict[str, Any]:
        return _copy_options(self._options, self._http, overrides)

    def close(self) -> None:
        """Close the connection pool, unless it belongs to a caller-supplied ``http_client``."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncHTTPClient:
    """Base of the async clients (asyncio or trio, through anyio)."""

    _sleep: Callable[[float], Awaitable[None]]

    def __init__(self, contract: Contract, options: AsyncClientOptions) -> None:
        self._core = ClientCore(contract, options)
        self._options = options
        self._owns_http = "http_client" not in options
        self._http = options.get("http_client") or httpx.AsyncClient(
            transport=options.get("transport"), timeout=self._core.timeout
        )
        self._sleep = options.get("sleep", anyio.sleep)

    async def _request(self, call: Call[T], request_options: RequestOptions | None = None) -> T:
        options = request_options or {}
        request = self._core.build_request(call, options)
        policy = self._core.policy(options)
        attempt = 0
        while True:
            error: WanumbersError
            try:
                return self._core.parse(call, await self._http.send(request))
            except httpx.TransportError as exc:
                error = self._core.connection_error(request, exc)
            except APIError as exc:
                error = exc
            delay = self._core.retry_delay(error, attempt, policy)
            if delay is None:
                raise error
            await self._sleep(delay)
            attempt += 1

    def _copy_options(self, overrides: dict[str, Any]) -> dict[str, Any]:
        return _copy_options(self._options, self._http, overrides)

    async def close(self) -> None:
        """Close the connection pool, unless it belongs to a caller-supplied ``http_client``."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
