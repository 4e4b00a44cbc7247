"""Identifiers and credentials: Graph-style numeric ids, Kaleyra-style SIDs, and secrets that can be
recognised when leaked (prefix + checksum) yet are stored only as digests."""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
import zlib
from typing import Literal

Pod = Literal["IN", "SG", "EU", "NA"]
PODS: tuple[Pod, ...] = ("IN", "SG", "EU", "NA")
CredentialKind = Literal["api_key", "access_token", "admin"]

# Ids are stored as signed 64-bit integers (SQLite INTEGER, PostgreSQL BIGINT): a larger one names
# nothing, and must be answered as not found before it reaches a query.
MAX_ID = 2**63 - 1

_PREFIXES: dict[CredentialKind, str] = {"api_key": "wnk", "access_token": "wnt", "admin": "wna"}
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts characters such as ``²`` that ``int`` refuses."""
    return text.isascii() and text.isdigit()


def parse_id(raw: str) -> int | None:
    """The id ``raw`` spells in digits, or ``None`` when it cannot name a stored object."""
    if not is_digits(raw) or len(raw) > 20:
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


class IdGenerator:
    """Random numeric ids of Graph's length. Seedable so emulator runs can be replayed."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed) if seed is not None else random.SystemRandom()

    def numeric(self, digits: int = 15) -> int:
        return self._rng.randrange(10 ** (digits - 1), 10**digits)

    def sid(self, pod: Pod) -> str:
        """Shaped like the seeds' ``HXAP16XXXXXX97IN``: HX, 12 alphanumerics, the pod."""
        body = "".join(self._rng.choice(_ALPHABET[:36]) for _ in range(12))
        return f"HX{body}{pod}"


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_secret(kind: CredentialKind) -> str:
    """``wnk_`` + 43 base62 chars (256 bits) + 6-char CRC32 checksum, so scanners can spot leaked keys
    and reject typos offline."""
    body = _base62(secrets.randbits(256), 43)
    return f"{_PREFIXES[kind]}_{body}{_checksum(body)}"


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), 6)


def looks_like_secret(value: str, kind: CredentialKind) -> bool:
    prefix = _PREFIXES[kind] + "_"
    if not value.startswith(prefix) or len(value) != len(prefix) + 49:
        return False
    body, check = value[len(prefix) : -6], value[-6:]
    return hmac.compare_digest(_checksum(body), check)


def digest_secret(value: str) -> str:
    """Secrets carry 256 random bits, so a plain SHA-256 is a safe at-rest form (no stretching needed)."""
    return hashlib.sha256(value.encode()).hexdigest()


def digest_code(code: str, key: bytes, subject: str) -> str:
    """OTPs have only 20 bits of entropy: key the hash with the server secret and bind it to its number."""
    return hmac.new(key, f"{subject}:{code}".encode(), hashlib.sha256).hexdigest()
