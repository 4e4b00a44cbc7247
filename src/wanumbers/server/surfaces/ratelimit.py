"""Pipeline stage: the per-credential rate limit, shared by every worker through the store.

A refusal is 429 with ``Retry-After`` in the contract's envelope. Requests without one credential (none,
or two that conflict) are not counted: the endpoint refuses them as unauthenticated anyway.
Configured by ``WANUMBERS_RATE_LIMIT``; see services/ratelimit.py for how leases keep it cheap.
"""

from __future__ import annotations

from starlette.types import Scope

from wanumbers.server.services.ratelimit import Limiter
from wanumbers.server.surfaces.asgi import runtime_of
from wanumbers.server.surfaces.credentials import RequestCredential


async def rate_limited(scope: Scope, credential: RequestCredential) -> int | None:
    """``None`` when the request may go on; otherwise the seconds to wait."""
    limiter: Limiter | None = scope["app"].state.rate_limiter
    presented = credential.presented
    if limiter is None or presented is None:
        return None
    return await limiter.acquire(runtime_of(scope), presented.digest)
