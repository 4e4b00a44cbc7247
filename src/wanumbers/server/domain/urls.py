"""Which URLs the service may be told to call (``incoming_url``, callback targets).

Pure: the caller resolves the host and passes the addresses. A URL must be http(s) with a host, and
every address it resolves to must be public (globally routable): one private, shared (CGNAT),
loopback, link-local, multicast, reserved or unspecified address refuses it (a name resolving to both
is the classic rebinding trick), unless the operator allows private targets
(``WANUMBERS_ALLOW_PRIVATE_URLS``). Whatever delivers to the URL later must resolve and check again
at connect time.
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


def is_public(text: str) -> bool:
    address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
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
