"""Per-credential rate limit for the contract surfaces, shared by every worker through the store.

Answered in the contract's envelope with 429 and ``Retry-After``. Requests without a credential are
not counted (they are refused as unauthenticated anyway). Configured by ``WANUMBERS_RATE_LIMIT``.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Receive, Scope, Send

from wanumbers.server.services.ratelimit import Limiter
from wanumbers.server.surfaces.asgi import runtime_of
from wanumbers.server.surfaces.contracts import (
    Refusal,
    contract_of,
    credential_digest,
    refuse,
    server_fault,
)

log = logging.getLogger("wanumbers")


class RateLimitGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        contract = contract_of(scope.get("path", "")) if scope["type"] == "http" else None
        limiter: Limiter | None = scope["app"].state.rate_limiter if contract else None
        digest = credential_digest(contract, scope) if contract and limiter else None
        if contract is None or limiter is None or digest is None:
            await self.app(scope, receive, send)
            return
        try:
            wait = await limiter.acquire(runtime_of(scope), digest)
        except Exception:
            log.exception("rate limit check failed on %s", contract)
            await server_fault(contract)(scope, receive, send)
            return
        if wait is not None:
            await refuse(contract, Refusal.RATE_LIMITED, scope["path"], wait)(scope, receive, send)
            return
        await self.app(scope, receive, send)
