"""Check a URL we will be asked to call: resolve its host here, judge the addresses in the domain."""

from __future__ import annotations

import socket

from wanumbers.server.domain import urls


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to; empty when it does not resolve. Tests replace this."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def check_callable(url: str, field: str, *, allow_private: bool) -> None:
    """Raise UNSAFE_URL unless ``url`` is http(s) and (unless allowed) reaches only public addresses."""
    target = urls.parse_target(url, field)
    urls.check_addresses(resolve(target.host, target.port), field, allow_private=allow_private)
