"""Check a URL we will be asked to call: resolve its host here, judge the addresses in the domain.

Resolution runs in a thread of its own pool (the resolver blocks), bounded by ``DNS_TIMEOUT``: a slow
resolver costs the request that asked for the lookup a clear refusal, and no one else anything.
"""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from wanumbers.server.domain import urls
from wanumbers.server.domain.errors import DomainError, Reason

DNS_TIMEOUT = 2.0  # seconds
_RESOLVERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="wanumbers-dns")


def _lookup(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


async def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to; empty when it does not resolve; ``TimeoutError`` past
    ``DNS_TIMEOUT``. Tests replace this."""
    loop = asyncio.get_running_loop()
    return await asyncio.wait_for(loop.run_in_executor(_RESOLVERS, _lookup, host, port), DNS_TIMEOUT)


async def check_callable(url: str, field: str, *, allow_private: bool) -> None:
    """Raise UNSAFE_URL unless ``url`` is http(s) and (unless allowed) reaches only public addresses."""
    target = urls.parse_target(url, field)
    try:
        addresses = await resolve(target.host, target.port)
    except TimeoutError:
        why = f"{field} host did not resolve within {DNS_TIMEOUT:g} s"
        raise DomainError(Reason.UNSAFE_URL, why, field=field) from None
    urls.check_addresses(addresses, field, allow_private=allow_private)
