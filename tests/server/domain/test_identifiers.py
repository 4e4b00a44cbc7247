"""Identifiers and credentials: id parsing at the store's bounds, id and SID shapes, where randomness
comes from, and secrets that are recognisable yet stored only as digests."""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import zlib

import pytest

from wanumbers.server.domain.identifiers import (
    MAX_ID,
    PODS,
    IdGenerator,
    digest_code,
    digest_secret,
    is_digits,
    looks_like_secret,
    new_secret,
    parse_id,
)

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def test_ids_fit_a_signed_64_bit_column() -> None:
    assert MAX_ID == 9_223_372_036_854_775_807
    assert PODS == ("IN", "SG", "EU", "NA")


@pytest.mark.parametrize(
    ("text", "digits"), [("0123456789", True), ("", False), ("12a", False), ("²", False)]
)
def test_is_digits_means_ascii_digits(text: str, digits: bool) -> None:
    assert is_digits(text) is digits


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("0", 0),
        ("123456789012345", 123456789012345),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 20, None),
        ("0" * 19 + "7", 7),  # 20 characters, still read
        ("0" * 20 + "7", None),  # 21 characters are never read
        ("", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1e3", None),
        ("١٢٣", None),  # Arabic-Indic digits that int() would accept
    ],
)
def test_parse_id_accepts_only_ids_the_store_can_hold(raw: str, parsed: int | None) -> None:
    assert parse_id(raw) == parsed


def test_seeded_id_generator_replays_the_same_sequence() -> None:
    first, second = IdGenerator(seed=7), IdGenerator(seed=7)
    assert [first.numeric() for _ in range(5)] == [second.numeric() for _ in range(5)]
    assert first.sid("IN") == second.sid("IN")
    expected = random.Random(7)
    assert IdGenerator(seed=7).numeric() == expected.randrange(10**14, 10**15)


def test_numeric_ids_have_graphs_15_digits_by_default() -> None:
    generator = IdGenerator(seed=3)
    lengths = {len(str(generator.numeric())) for _ in range(500)}
    assert lengths == {15}
    assert {len(str(generator.numeric(4))) for _ in range(500)} == {4}


def test_numeric_ids_span_their_whole_range() -> None:
    generator = IdGenerator(seed=11)
    draws = [generator.numeric(2) for _ in range(2000)]
    assert (min(draws), max(draws)) == (10, 99)


def test_unseeded_ids_come_from_the_operating_systems_random_source(monkeypatch: pytest.MonkeyPatch) -> None:
    # A predictable generator (random.Random) would make ids guessable; SystemRandom reads os.urandom.
    monkeypatch.setattr(random, "_urandom", lambda size: b"\x00" * size)
    generator = IdGenerator()
    assert generator.numeric() == 10**14
    assert generator.sid("EU") == "HX000000000000EU"


@pytest.mark.parametrize("pod", PODS)
def test_sid_is_shaped_like_the_seeds_and_ends_with_the_pod(pod: str) -> None:
    generator = IdGenerator(seed=1)
    sids = {generator.sid(pod) for _ in range(50)}  # type: ignore[arg-type]
    assert all(re.fullmatch(rf"HX[0-9A-Z]{{12}}{pod}", sid) for sid in sids)
    assert len(sids) == 50
    assert len(set("".join(sid[2:14] for sid in sids))) == 36, "all of 0-9 and A-Z are drawn"


@pytest.mark.parametrize(
    ("kind", "prefix"), [("api_key", "wnk_"), ("access_token", "wnt_"), ("admin", "wna_")]
)
def test_secrets_carry_their_kinds_prefix_and_a_checksum(kind: str, prefix: str) -> None:
    secret = new_secret(kind)  # type: ignore[arg-type]
    body, check = secret[4:-6], secret[-6:]
    assert secret.startswith(prefix) and len(secret) == 4 + 43 + 6
    assert set(body + check) <= set(BASE62)
    crc = zlib.crc32(body.encode())
    expected = ""
    for _ in range(6):
        crc, digit = divmod(crc, 62)
        expected = BASE62[digit] + expected
    assert check == expected
    assert looks_like_secret(secret, kind)  # type: ignore[arg-type]


def test_the_checksum_catches_typos_and_the_prefix_the_kind() -> None:
    key = new_secret("api_key")
    typo = key[:10] + ("A" if key[10] != "A" else "B") + key[11:]
    assert not looks_like_secret(typo, "api_key")
    assert not looks_like_secret(key, "access_token")
    assert not looks_like_secret(key + "0", "api_key")
    assert not looks_like_secret(key[:-1], "api_key")
    assert not looks_like_secret("wnk_", "api_key")


def test_a_secret_of_the_right_shape_with_a_wrong_checksum_is_refused() -> None:
    good = new_secret("admin")
    assert not looks_like_secret(good[:-6] + ("000000" if good[-6:] != "000000" else "000001"), "admin")


def test_secret_bodies_use_the_whole_base62_alphabet_and_are_unique() -> None:
    keys = {new_secret("access_token") for _ in range(200)}
    assert len(keys) == 200
    assert set("".join(key[4:-6] for key in keys)) == set(BASE62)


def test_secret_digests_are_sha256_and_do_not_contain_the_secret() -> None:
    key = new_secret("access_token")
    assert digest_secret(key) == hashlib.sha256(key.encode()).hexdigest()
    assert key not in digest_secret(key) and len(digest_secret(key)) == 64


def test_code_digests_are_keyed_and_bound_to_their_subject() -> None:
    key = b"k" * 32
    expected = hmac.new(key, b"+919876543210:123456", hashlib.sha256).hexdigest()
    assert digest_code("123456", key, "+919876543210") == expected
    assert digest_code("123456", b"j" * 32, "+919876543210") != expected
    assert digest_code("123456", key, "+14155550100") != expected
