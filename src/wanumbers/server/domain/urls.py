"""Which URLs the service may be told to call (``incoming_url``, callback targets).

Pure: the caller resolves the host and passes the addresses. A URL must be http(s) with a host, and
every address it resolves to must be public (globally routable): one private, shared (CGNAT),
loopback, link-local, multicast, reserved or unspecified address refuses it (a name resolving to both
is the classic rebinding trick), unless the operator allows private targets
(``WANUMBERS_ALLOW_PRIVATE_URLS``).

IPv6 transition forms carry an IPv4 address inside; it is that address a packet reaches, so it is the
one judged (``embedded_ipv4``): IPv4-mapped ``::ffff:0:0/96``, NAT64's well-known prefix
``64:ff9b::/96`` and 6to4 ``2002::/16`` are as public as the IPv4 address they wrap
(``2002:7f00:1::`` is 127.0.0.1). Forms that are never a service's address are refused outright:
IPv4-compatible ``::/96`` (deprecated, RFC 4291; ``::`` and ``::1`` included), Teredo ``2001::/32``
(a NAT-traversal tunnel) and local-use NAT64 ``64:ff9b:1::/48`` (RFC 8215, a private translator).

The address judged here is the one the caller connects to later (``services/urls.py`` returns it):
resolving again at delivery time would let a rebinding DNS answer a private address the second time.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from wanumbers.server.domain.errors import DomainError, Reason

MAX_URL_LENGTH = 2048


@dataclass(frozen=True, slots=True)
class Target:
    host: str
    port: int


def parse_target(url: str, field: str) -> Target:
    """The host and port to resolve, or UNSAFE_URL when the URL is not a usable http(s) URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _unsafe(field, "is not a valid URL") from exc
    if len(url) > MAX_URL_LENGTH:
        raise _unsafe(field, f"exceeds {MAX_URL_LENGTH} characters")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _unsafe(field, "must be an http or https URL with a host")
    if parts.username is not None or parts.password is not None:
        raise _unsafe(field, "must not carry credentials")
    return Target(parts.hostname, port or (443 if parts.scheme == "https" else 80))


def check_addresses(addresses: Sequence[str], field: str, *, allow_private: bool) -> None:
    if not addresses:
        raise _unsafe(field, "host cannot be resolved")
    if allow_private:
        return
    for text in addresses:
        if not is_public(text):
            raise _unsafe(field, "must not point to a private, loopback or link-local address")


_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_TEREDO = ipaddress.IPv6Network("2001::/32")
_SIXTOFOUR = ipaddress.IPv6Network("2002::/16")
NEVER_PUBLIC = (_IPV4_COMPATIBLE, _TEREDO, _NAT64_LOCAL)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a transition form wraps (mapped, NAT64 well-known prefix, 6to4), else None."""
    if address in _IPV4_MAPPED or address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIXTOFOUR:
        return ipaddress.IPv4Address((int(address) >> 80) & 0xFFFFFFFF)
    return None


def is_public(text: str) -> bool:
    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in network for network in NEVER_PUBLIC):
            return False
        wrapped = embedded_ipv4(address)
        if wrapped is not None:
            address = wrapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _unsafe(field: str, why: str) -> DomainError:
    return DomainError(Reason.UNSAFE_URL, f"{field} {why}", field=field)
