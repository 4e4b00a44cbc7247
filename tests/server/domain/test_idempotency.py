"""``Idempotency-Key`` rules: the key's shape, the scope and fingerprint that decide "the same request",
and which answers are remembered."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest

from wanumbers.server.domain.idempotency import (
    HEADER,
    IN_FLIGHT_LEASE,
    METHODS,
    REPLAYED_HEADER,
    TTL,
    Claim,
    Outcome,
    StoredResponse,
    fingerprint,
    is_remembered,
    is_valid_key,
    scope,
)


def test_the_protocol_constants() -> None:
    assert (HEADER, REPLAYED_HEADER) == ("idempotency-key", "idempotent-replayed")
    assert (timedelta(hours=24), timedelta(seconds=60)) == (TTL, IN_FLIGHT_LEASE)
    assert frozenset({"POST"}) == METHODS
    assert [outcome.value for outcome in Outcome] == ["claimed", "replay", "mismatch", "in_flight"]


@pytest.mark.parametrize(
    "key",
    ["a", "k" * 255, "8c1e7b1e-5a3f-4c43-9d1e-0f6b7f1b2c3d", "!~", "".join(map(chr, range(0x21, 0x7F)))],
)
def test_valid_keys_are_1_to_255_visible_ascii_characters(key: str) -> None:
    assert is_valid_key(key) is True


@pytest.mark.parametrize("key", ["", "k" * 256, "with space", "tab\t", "é", "\x7f", "new\nline"])
def test_other_keys_are_invalid(key: str) -> None:
    assert is_valid_key(key) is False


def test_scope_is_a_digest_of_credential_method_and_path() -> None:
    expected = hashlib.sha256(b"cred\nPOST\n/v2/x").hexdigest()
    assert scope("cred", "POST", "/v2/x") == expected
    assert len({scope("cred", "POST", "/a"), scope("other", "POST", "/a"), scope("cred", "POST", "/b")}) == 3
    # The separator keeps the parts apart: moving a character across a boundary is another scope.
    assert scope("ab", "POST", "/c") != scope("a", "bPOST", "/c")


def test_fingerprint_is_a_keyed_digest_of_query_and_exact_body() -> None:
    assert fingerprint(b"a=1", b"{}", b"k") == hmac.new(b"k", b"a=1\0{}", hashlib.sha256).hexdigest()
    assert fingerprint(b"a=1", b"{}", b"k") != fingerprint(b"a=1", b"{}", b"other key")
    assert fingerprint(b"a=1", b"{}", b"k") != fingerprint(b"a=2", b"{}", b"k")
    assert fingerprint(b"", b'{"a": 1}', b"k") != fingerprint(b"", b'{"a":1}', b"k")
    assert fingerprint(b"a", b"b", b"k") != fingerprint(b"ab", b"", b"k")


@pytest.mark.parametrize(
    ("status", "remembered"),
    [
        (200, True),
        (201, True),
        (400, True),
        (401, False),
        (402, True),
        (403, True),
        (404, True),
        (409, True),
        (422, True),
        (429, True),
        (499, True),
        (500, False),
        (502, False),
        (503, False),
    ],
)
def test_server_faults_and_rejected_credentials_are_not_remembered(status: int, remembered: bool) -> None:
    assert is_remembered(status) is remembered


def test_a_claim_carries_the_stored_answer_to_replay() -> None:
    stored = StoredResponse(201, {"content-type": "application/json"}, b"{}")
    assert Claim(Outcome.REPLAY, stored).response == stored
    assert Claim(Outcome.CLAIMED).response is None
