"""One typed settings object, from flags or ``WANUMBERS_*`` environment variables, with safe defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

from wanumbers.server.domain import claims, ratelimit
from wanumbers.server.storage.bounds import DEFAULT_BOUNDS, StoreBounds

DEFAULT_DATABASE_URL = "sqlite:///./wanumbers.db"
_PLACEHOLDERS = {"", "changeme", "secret", "change-me", "xxx"}


POSTGRES_NEEDS_A_KEY = (
    "PostgreSQL needs an OTP key outside the database: set WANUMBERS_OTP_KEY (a long random value, the "
    "same for every worker) or WANUMBERS_OTP_KEY_FILE (a file only its owner may read; made if missing)"
)


class SettingsError(ValueError):
    """A setting that would make the service unsafe or unusable; the message says which and why."""


def _count(value: str | None, name: str) -> int:
    if value is None or not value.strip():
        return claims.PENDING_CAP
    if not value.strip().isascii() or not value.strip().isdigit() or int(value) < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def _keys(text: str) -> tuple[str, ...]:
    return tuple(key.strip() for key in text.split(",") if key.strip())


def on_off(value: str | None, name: str) -> bool | None:
    """``on``/``off`` (also 1/0, true/false, yes/no); unset or empty → ``None`` (the default)."""
    if value is None or not value.strip():
        return None
    lowered = value.strip().lower()
    if lowered in ("on", "1", "true", "yes"):
        return True
    if lowered in ("off", "0", "false", "no"):
        return False
    raise SettingsError(f"{name} must be 'on' or 'off', not {value!r}")


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    upstream: Literal["emulator", "graph"] = "emulator"
    graph_base_url: str | None = None
    graph_token: str | None = field(default=None, repr=False)
    # Live mode's webhook callback (/webhooks/graph): the Meta app's secret that signs notifications,
    # and the verify token of the subscription handshake.
    graph_app_secret: str | None = field(default=None, repr=False)
    graph_verify_token: str | None = field(default=None, repr=False)
    # Read from the environment even when Settings is built in code (operator commands, tests, the
    # sandbox): the key never has a flag, and a PostgreSQL store cannot start without one (otp_keys.py).
    otp_key: str | None = field(default_factory=lambda: os.environ.get("WANUMBERS_OTP_KEY"), repr=False)
    otp_key_file: str | None = field(default_factory=lambda: os.environ.get("WANUMBERS_OTP_KEY_FILE"))
    otp_previous_keys: tuple[str, ...] = field(
        default_factory=lambda: _keys(os.environ.get("WANUMBERS_OTP_KEY_PREVIOUS", "")), repr=False
    )
    allow_private_urls: bool = False
    max_body_bytes: int = 64 * 1024
    # Per-credential limit shared by all workers: "RATE/BURST" requests per second, "0" = off.
    rate_limit: str = ratelimit.DEFAULT
    store_bounds: StoreBounds = DEFAULT_BOUNDS
    # Whole seconds a contract request may take (store, DNS and upstream waits together): past it the
    # caller gets its contract's server fault, within the 5 s docs/guarantees.md promises.
    request_timeout: float = 4.5
    pool_size: int = 10  # PostgreSQL connections per worker
    # Unverified numbers one account may hold at once in the emulator (domain/claims.py);
    # WANUMBERS_UNVERIFIED_NUMBER_CAP (load tests that add without verifying raise it).
    claim_cap: int = claims.PENDING_CAP
    # The /sim/… HTTP API: None = on with the emulator, off in live mode (where /sim answers 404).
    control_plane: bool | None = None

    @property
    def control_plane_on(self) -> bool:
        return self.upstream == "emulator" if self.control_plane is None else self.control_plane

    # The console at /console/ (surfaces/console/): "auto" serves it when the control plane is on.
    console: Literal["auto", "on", "off"] = "auto"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "database_url": env.get("WANUMBERS_DATABASE_URL", DEFAULT_DATABASE_URL),
            "host": env.get("WANUMBERS_HOST", "127.0.0.1"),
            "port": int(env.get("WANUMBERS_PORT", "8080")),
            "workers": int(env.get("WANUMBERS_WORKERS", "1")),
            "upstream": env.get("WANUMBERS_UPSTREAM", "emulator"),
            "graph_base_url": env.get("WANUMBERS_GRAPH_BASE_URL"),
            "graph_token": env.get("WANUMBERS_GRAPH_TOKEN"),
            "graph_app_secret": env.get("WANUMBERS_GRAPH_APP_SECRET"),
            "graph_verify_token": env.get("WANUMBERS_GRAPH_VERIFY_TOKEN"),
            "allow_private_urls": env.get("WANUMBERS_ALLOW_PRIVATE_URLS", "") in ("1", "true"),
            "rate_limit": env.get("WANUMBERS_RATE_LIMIT", ratelimit.DEFAULT),
            "claim_cap": _count(
                env.get("WANUMBERS_UNVERIFIED_NUMBER_CAP"), "WANUMBERS_UNVERIFIED_NUMBER_CAP"
            ),
            "control_plane": on_off(env.get("WANUMBERS_CONTROL_PLANE"), "WANUMBERS_CONTROL_PLANE"),
            "console": env.get("WANUMBERS_CONSOLE", "auto"),
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.upstream not in ("emulator", "graph"):
            raise SettingsError(f"upstream must be 'emulator' or 'graph', not {self.upstream!r}")
        if self.upstream == "graph":
            if not self.graph_base_url:
                raise SettingsError("live mode needs --graph-base-url (WANUMBERS_GRAPH_BASE_URL)")
            if (self.graph_token or "").lower() in _PLACEHOLDERS:
                raise SettingsError("live mode needs a real --graph-token (WANUMBERS_GRAPH_TOKEN)")
        for name in ("graph_app_secret", "graph_verify_token"):
            value = getattr(self, name)
            if value is not None and value.lower() in _PLACEHOLDERS:
                raise SettingsError(f"WANUMBERS_{name.upper()} is a placeholder; set the real value")
        if self.console not in ("auto", "on", "off"):
            raise SettingsError(f"console must be 'auto', 'on' or 'off', not {self.console!r}")
        if self.otp_key is not None and self.otp_key.lower() in _PLACEHOLDERS:
            raise SettingsError("WANUMBERS_OTP_KEY is a placeholder; set a long random value")
        if self.database_url.startswith("postgres") and not (self.otp_key or self.otp_key_file):
            raise SettingsError(POSTGRES_NEEDS_A_KEY)
        try:
            ratelimit.RateLimit.parse(self.rate_limit)
        except ratelimit.RateLimitSpecError as error:
            raise SettingsError(str(error)) from error
        if self.workers > 1 and self.database_url.startswith("sqlite"):
            raise SettingsError(
                "SQLite serves one worker process; use PostgreSQL for --workers > 1 "
                "(several processes writing one SQLite file would fail with 'database is locked')"
            )
