"""Check a URL we will be asked to call: resolve its host here, judge the addresses in the domain.

Resolution runs in a thread of its own pool (the resolver blocks), bounded by ``DNS_TIMEOUT``: a slow
resolver costs the request that asked for the lookup a clear refusal, and no one else anything.

``check_callable`` returns the address it vetted (``Vetted``). Whatever calls the URL (the events
delivery) must connect to that address and not resolve the name again: a rebinding DNS answers a
public address to the check and a private one a moment later. With httpx::

    vetted = await urls.check_callable(url, "callback_url", allow_private=rt.allow_private_urls)
    await client.post(vetted.connect_url, headers={"Host": vetted.host_header},
                      extensions=vetted.extensions, content=body)

``connect_url`` is the URL with the vetted address in place of the host; the ``Host`` header and, for
https, the TLS server name (``sni_hostname``, which httpx also checks the certificate against) stay the
original host, so virtual hosting and certificate checks work as if the name had been resolved.
Redirects must not be followed (each hop would need its own check); a delivery that needs the name
again later (a retry minutes on) checks it again and pins what that check returns.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

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


@dataclass(frozen=True, slots=True)
class Vetted:
    """A URL that passed the check, with the address that was judged: connect to that one."""

    url: str
    host: str
    port: int
    address: str

    @property
    def connect_url(self) -> str:
        """``url`` with the vetted address (and the port) in place of the host."""
        parts = urlsplit(self.url)
        address = self.address.split("%", 1)[0]
        shown = f"[{address}]" if ipaddress.ip_address(address).version == 6 else address
        return urlunsplit((parts.scheme, f"{shown}:{self.port}", parts.path or "/", parts.query, ""))

    @property
    def host_header(self) -> str:
        """The ``Host`` header the URL's own host would have carried (no userinfo: the check refuses it)."""
        return urlsplit(self.url).netloc

    @property
    def extensions(self) -> dict[str, str]:
        """httpx request extensions: the TLS server name (and certificate name) is the original host."""
        return {"sni_hostname": self.host} if urlsplit(self.url).scheme.lower() == "https" else {}


async def check_callable(url: str, field: str, *, allow_private: bool) -> Vetted:
    """Raise UNSAFE_URL unless ``url`` is http(s) and (unless allowed) reaches only public addresses;
    return the address to connect to (the first of those checked, every one of which passed)."""
    target = urls.parse_target(url, field)
    try:
        addresses = await resolve(target.host, target.port)
    except TimeoutError:
        why = f"{field} host did not resolve within {DNS_TIMEOUT:g} s"
        raise DomainError(Reason.UNSAFE_URL, why, field=field) from None
    urls.check_addresses(addresses, field, allow_private=allow_private)
    return Vetted(url, target.host, target.port, addresses[0])
