"""One typed settings object, from flags or ``WANUMBERS_*`` environment variables, with safe defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

from wanumbers.server.domain import ratelimit
from wanumbers.server.storage.bounds import DEFAULT_BOUNDS, StoreBounds

DEFAULT_DATABASE_URL = "sqlite:///./wanumbers.db"
_PLACEHOLDERS = {"", "changeme", "secret", "change-me", "xxx"}


class SettingsError(ValueError):
    """A setting that would make the service unsafe or unusable; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    upstream: Literal["emulator", "graph"] = "emulator"
    graph_base_url: str | None = None
    graph_token: str | None = field(default=None, repr=False)
    otp_key: str | None = field(default=None, repr=False)
    allow_private_urls: bool = False
    max_body_bytes: int = 64 * 1024
    # Per-credential limit shared by all workers: "RATE/BURST" requests per second, "0" = off.
    rate_limit: str = ratelimit.DEFAULT
    store_bounds: StoreBounds = DEFAULT_BOUNDS
    # Whole seconds a contract request may take (store, DNS and upstream waits together): past it the
    # caller gets its contract's server fault, within the 5 s docs/guarantees.md promises.
    request_timeout: float = 4.5
    pool_size: int = 10  # PostgreSQL connections per worker
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
            "otp_key": env.get("WANUMBERS_OTP_KEY"),
            "allow_private_urls": env.get("WANUMBERS_ALLOW_PRIVATE_URLS", "") in ("1", "true"),
            "rate_limit": env.get("WANUMBERS_RATE_LIMIT", ratelimit.DEFAULT),
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
        if self.console not in ("auto", "on", "off"):
            raise SettingsError(f"console must be 'auto', 'on' or 'off', not {self.console!r}")
        if self.otp_key is not None and self.otp_key.lower() in _PLACEHOLDERS:
            raise SettingsError("WANUMBERS_OTP_KEY is a placeholder; set a long random value")
        try:
            ratelimit.RateLimit.parse(self.rate_limit)
        except ratelimit.RateLimitSpecError as error:
            raise SettingsError(str(error)) from error
        if self.workers > 1 and self.database_url.startswith("sqlite"):
            raise SettingsError(
                "SQLite serves one worker process; use PostgreSQL for --workers > 1 "
                "(several processes writing one SQLite file would fail with 'database is locked')"
            )
