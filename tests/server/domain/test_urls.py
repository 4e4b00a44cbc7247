"""Which URLs the service may call: the parse (scheme, host, credentials, length, default ports) and the
address rule (every resolved address public), each refusal with its exact text and field."""

from __future__ import annotations

import ipaddress
from contextlib import AbstractContextManager

import pytest

from tests.server.domain.refusals import refused
from wanumbers.server.domain.errors import Reason
from wanumbers.server.domain.urls import (
    MAX_URL_LENGTH,
    Target,
    check_addresses,
    embedded_ipv4,
    is_public,
    parse_target,
)

FIELD = "incoming_url"


def unsafe(why: str, field: str = FIELD) -> AbstractContextManager[None]:
    return refused(Reason.UNSAFE_URL, f"{field} {why}", field=field)


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("http://example.com/hook", Target("example.com", 80)),
        ("https://example.com/hook", Target("example.com", 443)),
        ("HTTPS://Example.COM/", Target("example.com", 443)),
        ("http://example.com:8080/x?y=1", Target("example.com", 8080)),
        ("https://example.com:80/", Target("example.com", 80)),
        ("http://93.184.216.34/", Target("93.184.216.34", 80)),
        ("https://[2606:2800:220:1::1]:8443/", Target("2606:2800:220:1::1", 8443)),
    ],
)
def test_the_host_and_port_to_resolve(url: str, target: Target) -> None:
    assert parse_target(url, FIELD) == target


def test_a_url_of_exactly_the_maximum_length_is_usable() -> None:
    assert MAX_URL_LENGTH == 2048
    url = "https://example.com/" + "p" * (MAX_URL_LENGTH - len("https://example.com/"))
    assert parse_target(url, FIELD) == Target("example.com", 443)
    with unsafe("exceeds 2048 characters"):
        parse_target(url + "p", FIELD)


@pytest.mark.parametrize("url", ["http://example.com:99999/", "http://[::1/", "http://example.com:port/"])
def test_a_url_that_does_not_parse_is_refused(url: str) -> None:
    with unsafe("is not a valid URL"):
        parse_target(url, FIELD)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "gopher://a",
        "http://",
        "//example.com",
        "example.com",
        "",
    ],
)
def test_only_http_urls_with_a_host_are_usable(url: str) -> None:
    with unsafe("must be an http or https URL with a host"):
        parse_target(url, FIELD)


@pytest.mark.parametrize(
    "url",
    ["http://u:p@example.com/", "http://u@example.com/", "http://:p@example.com/", "http://@example.com/"],
)
def test_credentials_of_any_kind_are_refused(url: str) -> None:
    with unsafe("must not carry credentials"):
        parse_target(url, FIELD)


def test_the_field_is_named_in_the_message() -> None:
    with unsafe("must be an http or https URL with a host", field="callback_url"):
        parse_target("ftp://x", "callback_url")


PRIVATE = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",
    "100.64.0.1",
    "192.0.2.1",
    "198.18.0.1",
    "240.0.0.1",
    "224.0.0.1",
    "239.255.255.250",
    "::",
    "::1",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "ff02::1",
    "ff0e::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:0.0.0.0",
    "::ffff:169.254.169.254",
    # 6to4 (2002::/16) is judged by the IPv4 address it wraps
    "2002:7f00:1::",
    "2002:a00:1::1",
    "2002:a9fe:a9fe::1",
    "2002::1",
    # NAT64, well-known prefix: judged by the IPv4 address in its last 32 bits
    "64:ff9b::7f00:1",
    "64:ff9b::a00:1",
    # never a service's address: IPv4-compatible ::/96, Teredo 2001::/32, local-use NAT64 64:ff9b:1::/48
    "::8.8.8.8",
    "::127.0.0.1",
    "::ffff:ffff",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001::1",
    "2001:0:ffff:ffff:ffff:ffff:ffff:ffff",
    "64:ff9b:1::808:808",
    "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
    # reserved, and global by Python's reckoning: only the reserved test refuses these
    "::1:0:0:1",
    "64:ff9b:2::1",
    "400::1",
]
PUBLIC = [
    "93.184.216.34",
    "8.8.8.8",
    "2606:2800:220:1::1",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "2002:808:808::1",
    "2002:5db8:d822:ffff:ffff:ffff:ffff:ffff",
    "64:ff9b::808:808",
    "2003:7f00:1::",
    "2003::1",
]


@pytest.mark.parametrize(
    ("address", "wrapped"),
    [
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("::ffff:8.8.8.8", "8.8.8.8"),
        ("::ffff:0:0", "0.0.0.0"),
        ("::ffff:ffff:ffff", "255.255.255.255"),
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("64:ff9b::808:808", "8.8.8.8"),
        ("64:ff9b::ffff:ffff", "255.255.255.255"),
        ("2002:7f00:1::", "127.0.0.1"),
        ("2002:808:808:ffff:ffff:ffff:ffff:ffff", "8.8.8.8"),
        ("2002:ffff:ffff::", "255.255.255.255"),
        ("2002::", "0.0.0.0"),
        ("2003:7f00:1::", None),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", None),
        ("64:ff9b:1::808:808", None),
        ("::8.8.8.8", None),
        ("2606:2800:220:1::1", None),
    ],
)
def test_the_ipv4_address_a_transition_form_wraps(address: str, wrapped: str | None) -> None:
    found = embedded_ipv4(ipaddress.IPv6Address(address))
    assert (None if found is None else str(found)) == wrapped


@pytest.mark.parametrize("address", PRIVATE)
def test_non_public_addresses(address: str) -> None:
    assert is_public(address) is False


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address: str) -> None:
    assert is_public(address) is True


@pytest.mark.parametrize(
    ("address", "public"), [("10.0.0.1%eth0", False), ("8.8.8.8%eth0", True), ("10.0.0.1%eth0%1", False)]
)
def test_a_zone_suffix_is_ignored(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize("address", PRIVATE)
def test_a_private_address_is_refused_unless_allowed(address: str) -> None:
    with unsafe("must not point to a private, loopback or link-local address"):
        check_addresses([address], FIELD, allow_private=False)
    check_addresses([address], FIELD, allow_private=True)


def test_one_private_address_among_public_ones_refuses_the_name() -> None:
    with unsafe("must not point to a private, loopback or link-local address"):
        check_addresses(["93.184.216.34", "10.0.0.7"], FIELD, allow_private=False)
    check_addresses(PUBLIC, FIELD, allow_private=False)


@pytest.mark.parametrize("allow_private", [False, True])
def test_an_unresolvable_host_is_refused_even_when_private_targets_are_allowed(allow_private: bool) -> None:
    with unsafe("host cannot be resolved"):
        check_addresses([], FIELD, allow_private=allow_private)
