"""The console's session cookie and CSRF tokens.

The cookie is a signed token, not a server-side row: ``base64url(json) "." base64url(hmac)``, the JSON
holding the credential's kind and SHA-256 digest (what the store keeps, never the secret), a random
nonce and the time it was issued. The key is derived from the service's OTP key (kept in the store, so
every worker shares it); a forged or altered cookie fails the HMAC. Every request re-checks the
credential the digest names, so revoking it ends the session at once; a session also ends after
``LIFETIME``.

CSRF: every form carries ``HMAC(key, "csrf" nonce)`` for the session's nonce; the sign-in form, before
any session exists, carries the same of a nonce held in a short-lived cookie of its own. The cookies are
``HttpOnly``, ``SameSite=Strict``, ``Path=/console``, and ``Secure`` when the request came over TLS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import orjson

COOKIE = "wanumbers_console"
SIGN_IN_COOKIE = "wanumbers_console_sign_in"
PATH = "/console"
LIFETIME = 12 * 3600  # seconds a session lasts
SIGN_IN_LIFETIME = 3600


def derive_key(otp_key: bytes) -> bytes:
    return hmac.new(otp_key, b"wanumbers console session v1", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, purpose: str, message: str) -> str:
    return _b64(hmac.new(key, f"{purpose}\n{message}".encode(), hashlib.sha256).digest())


@dataclass(frozen=True, slots=True)
class Session:
    kind: str
    digest: str
    nonce: str
    issued: float


def issue(key: bytes, kind: str, digest: str, now: float | None = None) -> tuple[str, Session]:
    session = Session(kind, digest, secrets.token_urlsafe(16), time.time() if now is None else now)
    payload = _b64(orjson.dumps({"k": kind, "d": digest, "n": session.nonce, "t": session.issued}))
    return f"{payload}.{_mac(key, 'session', payload)}", session


def read(key: bytes, cookie: str | None, now: float | None = None) -> Session | None:
    """The session ``cookie`` holds, if it is ours, unaltered and not past its lifetime."""
    if not cookie or cookie.count(".") != 1:
        return None
    payload, mac = cookie.split(".")
    if not hmac.compare_digest(mac, _mac(key, "session", payload)):
        return None
    try:
        data = orjson.loads(_unb64(payload))
        session = Session(str(data["k"]), str(data["d"]), str(data["n"]), float(data["t"]))
    except (ValueError, KeyError, TypeError):
        return None
    age = (time.time() if now is None else now) - session.issued
    return session if 0 <= age < LIFETIME else None


def csrf_token(key: bytes, nonce: str) -> str:
    return _mac(key, "csrf", nonce)


def csrf_ok(key: bytes, nonce: str | None, presented: str | None) -> bool:
    return bool(nonce and presented) and hmac.compare_digest(csrf_token(key, nonce or ""), presented or "")


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def cookie_header(name: str, value: str, *, secure: bool, max_age: int) -> str:
    flags = f"; Path={PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict"
    return f"{name}={value}{flags}{'; Secure' if secure else ''}"
