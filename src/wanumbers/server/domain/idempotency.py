"""``Idempotency-Key`` rules: which requests take part, how long a key is remembered, how a repeat is
recognised, and what happens to a key whose first request is still running.

A key is scoped to (owner, method, path), the owner being the account the credential acts for: two
accounts, or two endpoints, never share one, and the keys of one account are one set.
The same key with the same request within 24 h replays the first answer; with a different request it
is refused; while the first is in flight a duplicate is refused as a conflict. Answers that report a
server fault (5xx) or a rejected credential (401) are not remembered, so a retry runs again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

HEADER = "idempotency-key"
REPLAYED_HEADER = "idempotent-replayed"
TTL = timedelta(hours=24)
# A claim whose request never finished (its worker died) is abandoned after this long.
IN_FLIGHT_LEASE = timedelta(seconds=60)
METHODS = frozenset({"POST"})
_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def is_valid_key(key: str) -> bool:
    """1-255 visible ASCII characters (a UUID is the usual choice)."""
    return bool(_KEY.fullmatch(key))


def scope(owner: str, method: str, path: str) -> str:
    return hashlib.sha256(f"{owner}\n{method}\n{path}".encode()).hexdigest()


def fingerprint(query: bytes, body: bytes, key: bytes) -> str:
    """What "the same request" means: same query string and byte-identical body. Keyed (HMAC with the
    OTP key): a body carrying a 6-digit PIN or code must not be recoverable from the stored digest by
    trying all million of them."""
    return hmac.new(key, query + b"\0" + body, hashlib.sha256).hexdigest()


def is_remembered(status: int) -> bool:
    return status < 500 and status != 401


class Outcome(StrEnum):
    CLAIMED = "claimed"  # first time: run the request
    REPLAY = "replay"  # done before with the same request: answer as then
    MISMATCH = "mismatch"  # done before with a different request: 422
    IN_FLIGHT = "in_flight"  # the first is still running: 409


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Claim:
    outcome: Outcome
    response: StoredResponse | None = None
