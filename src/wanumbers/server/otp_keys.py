"""Where the OTP/PIN HMAC key lives: outside the store, so a dump of the database alone cannot recover
6-digit codes (10⁶ HMACs each) — the digests and the key are never in one place.

Sources, first that applies:

1. ``WANUMBERS_OTP_KEY`` (the same value on every worker);
2. a key file: ``WANUMBERS_OTP_KEY_FILE``, or by default ``<the SQLite file>.otp-key`` beside a SQLite
   store. A missing file is made (``O_EXCL``, mode 0600) with a new random key; a file group or others
   may read is refused at start, as ssh refuses such a private key. The first line is the key; further
   lines are earlier keys that still check codes and PINs (rotation);
3. nothing: PostgreSQL deployments must set 1 or 2, and start refuses with a message saying so. An
   in-memory store (the sandbox, tests) gets a random key of its own.

Stores from before this kept their key in ``sim_settings`` (``otp_key``). On the first start with a key
file that does not exist yet, that key is written to the file and deleted from the store, so codes
pending and PINs set keep matching. When the configured key is another one, start refuses: the store's
key would be lost with the codes and PINs made with it (the message says how to move it out).
``WANUMBERS_OTP_KEY_PREVIOUS`` (comma-separated) lists earlier keys when the key comes from the
environment.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wanumbers.server.settings import POSTGRES_NEEDS_A_KEY, Settings, SettingsError

if TYPE_CHECKING:
    from sqlalchemy import Engine

LEGACY_ROW = "otp_key"  # sim_settings.key of the key stores kept before
FILE_SUFFIX = ".otp-key"


@dataclass(frozen=True, slots=True)
class OtpKeys:
    current: bytes
    previous: tuple[bytes, ...] = ()

    @property
    def all(self) -> tuple[bytes, ...]:
        return (self.current, *self.previous)


def key_file_of(settings: Settings) -> Path | None:
    """The key file to use: the configured one, else the default beside a SQLite file store."""
    if settings.otp_key_file:
        return Path(settings.otp_key_file)
    url = settings.database_url
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :].split("?", 1)[0]
        if path and path != ":memory:":
            return Path(path + FILE_SUFFIX)
    return None


def resolve(settings: Settings, engine: Engine | None) -> OtpKeys:
    """The keys for a persistent store (called once at start, under the start-up lock). ``engine``
    None: a store known to hold no legacy key (``migrate.sqlite_settled``), not opened again here."""
    stored = None if engine is None else _stored(engine)
    path = None if settings.otp_key else key_file_of(settings)
    if settings.otp_key:
        keys = OtpKeys(settings.otp_key.encode(), tuple(k.encode() for k in settings.otp_previous_keys))
    elif path is not None:
        keys = _from_file(path, stored)
    else:
        raise SettingsError(POSTGRES_NEEDS_A_KEY)
    if stored is not None and engine is not None:
        if stored.encode() not in keys.all:
            raise SettingsError(
                "this store holds the OTP key earlier versions kept in it, and it is not the configured "
                "one (codes pending and PINs set were made with it): start once with "
                "WANUMBERS_OTP_KEY_FILE set to a new path and WANUMBERS_OTP_KEY unset, which moves it "
                "there, then rotate as docs/guarantees.md says"
            )
        _forget_stored(engine)
    return keys


def _from_file(path: Path, stored: str | None) -> OtpKeys:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(descriptor, "w") as file:
        file.write((stored or secrets.token_hex(32)) + "\n")
    return _read(path)


def _read(path: Path) -> OtpKeys:
    if os.name != "nt":
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise SettingsError(
                f"the OTP key file {path} may be read by others (mode {mode:04o}); chmod 600 it"
            )
    lines = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if not lines:
        raise SettingsError(f"the OTP key file {path} is empty")
    return OtpKeys(lines[0].encode(), tuple(line.encode() for line in lines[1:]))


def _stored(engine: Engine) -> str | None:
    from sqlalchemy import text

    with engine.connect() as connection:
        value = connection.execute(
            text("SELECT value FROM sim_settings WHERE key = :key"), {"key": LEGACY_ROW}
        ).scalar()
    return None if value is None else str(value)


def _forget_stored(engine: Engine) -> None:
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(text("DELETE FROM sim_settings WHERE key = :key"), {"key": LEGACY_ROW})
