"""The in-process sandbox for users' test suites: the whole service on a fresh in-memory store, no
sockets, no subprocess, about a millisecond to set up.

    from wanumbers.testing import sandbox

    with sandbox() as sb:
        number_id = sb.kaleyra.add_number(sb.waba_id, "9876543210", "Acme", "SMS", "+91")
        sb.kaleyra.verify_number(sb.waba_id, number_id, "+919876543210", sb.sim.last_code("+919876543210"))
        sb.sim.set_quality(number_id, "YELLOW")
        assert sb.cloud.get_phone_number_by_id(["quality_rating"], number_id).quality_rating == "YELLOW"

Clients: ``sb.kaleyra`` / ``sb.cloud`` (sync) and ``sb.async_kaleyra`` / ``sb.async_cloud``, already
holding the sandbox account's credentials. Any other httpx-based client can be routed in with
``sb.transport`` (sync), ``sb.async_transport`` or ``sb.http_client()``. ``sb.sim`` is the control
plane: outbox, display-name review, quality, tier, enforcement, faults and the clock.

Also a pytest plugin (registered through the ``pytest11`` entry point): request the
``wanumbers_sandbox`` fixture in a test to get a fresh sandbox per test.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx
    from starlette.applications import Starlette

    from wanumbers._sandbox.control import ControlPlane
    from wanumbers._sandbox.events import Events
    from wanumbers.client import AsyncCloudAPI, AsyncKaleyra, CloudAPI, Kaleyra
    from wanumbers.server.domain.records import Delivery
    from wanumbers.server.services.runtime import Runtime

__all__ = ["SANDBOX_URL", "Credentials", "Sandbox", "sandbox", "wanumbers_sandbox"]

#: The base URL the sandbox's clients use; any host works, nothing leaves the process.
SANDBOX_URL = "http://wanumbers.sandbox"


@dataclass(frozen=True, slots=True)
class Credentials:
    """One account of the sandbox: Kaleyra SID and API key, its WABA, and a Graph access token."""

    sid: str
    api_key: str
    waba_id: str
    access_token: str


class Sandbox:
    """A running service in this process, with one account and WABA ready to use."""

    def __init__(self, app: Starlette, runtime: Runtime, credentials: Credentials) -> None:
        self.app = app
        self.runtime = runtime
        self.credentials = credentials
        self.base_url = SANDBOX_URL
        self._closers: list[Any] = []

    @property
    def sid(self) -> str:
        return self.credentials.sid

    @property
    def api_key(self) -> str:
        return self.credentials.api_key

    @property
    def waba_id(self) -> str:
        return self.credentials.waba_id

    @property
    def access_token(self) -> str:
        return self.credentials.access_token

    # --- transports, for the SDK's clients and anyone else's ------------------------------------

    @cached_property
    def transport(self) -> httpx.BaseTransport:
        """A blocking httpx transport into the app (runs it on a helper event loop)."""
        from wanumbers._sandbox.bridge import SyncASGITransport

        return SyncASGITransport(self.app)

    @cached_property
    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An async httpx transport into the app (runs it on the caller's event loop)."""
        from wanumbers._sandbox.bridge import ASGITransport

        return ASGITransport(app=self.app)

    def http_client(self, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` on the sandbox (base URL set, Graph bearer token sent), for third-party
        Graph clients that accept one. Closed with the sandbox."""
        import httpx

        headers = {"Authorization": f"Bearer {self.access_token}", **kwargs.pop("headers", {})}
        client = httpx.Client(transport=self.transport, base_url=self.base_url, headers=headers, **kwargs)
        self._closers.append(client.close)
        return client

    def async_http_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """The async twin of :meth:`http_client` (close it yourself, or let it be collected)."""
        import httpx

        headers = {"Authorization": f"Bearer {self.access_token}", **kwargs.pop("headers", {})}
        return httpx.AsyncClient(
            transport=self.async_transport, base_url=self.base_url, headers=headers, **kwargs
        )

    # --- the SDK's clients ------------------------------------------------------------------------

    def kaleyra_client(self, credentials: Credentials | None = None, **options: Any) -> Kaleyra:
        from wanumbers.client import Kaleyra

        creds = credentials or self.credentials
        client = Kaleyra(
            creds.sid, creds.api_key, base_url=self.base_url, transport=self.transport, **options
        )
        self._closers.append(client.close)
        return client

    def cloud_client(self, credentials: Credentials | None = None, **options: Any) -> CloudAPI:
        from wanumbers.client import CloudAPI

        creds = credentials or self.credentials
        client = CloudAPI(
            creds.access_token,
            waba_id=creds.waba_id,
            base_url=self.base_url,
            transport=self.transport,
            **options,
        )
        self._closers.append(client.close)
        return client

    @cached_property
    def kaleyra(self) -> Kaleyra:
        return self.kaleyra_client()

    @cached_property
    def cloud(self) -> CloudAPI:
        return self.cloud_client()

    @cached_property
    def async_kaleyra(self) -> AsyncKaleyra:
        from wanumbers.client import AsyncKaleyra

        creds = self.credentials
        return AsyncKaleyra(creds.sid, creds.api_key, base_url=self.base_url, transport=self.async_transport)

    @cached_property
    def async_cloud(self) -> AsyncCloudAPI:
        from wanumbers.client import AsyncCloudAPI

        creds = self.credentials
        return AsyncCloudAPI(
            creds.access_token, waba_id=creds.waba_id, base_url=self.base_url, transport=self.async_transport
        )

    # --- control plane and accounts -------------------------------------------------------------

    @cached_property
    def sim(self) -> ControlPlane:
        from wanumbers._sandbox.control import ControlPlane
        from wanumbers.server.surfaces.sim.catalog import contract_routes

        return ControlPlane(self.runtime, lambda: contract_routes(self.app.routes))

    @cached_property
    def events(self) -> Events:
        """Webhooks: what was emitted and delivered, the app secret, ``deliver()`` (docs/events.md)."""
        from wanumbers._sandbox.events import Events

        return Events(self.runtime, self.sid)

    def outbox(self, phone: str | None = None) -> list[Delivery]:
        """Shortcut for ``sb.sim.outbox``."""
        return self.sim.outbox(phone)

    def last_code(self, phone: str) -> str:
        """Shortcut for ``sb.sim.last_code``: the newest OTP the emulator sent to ``phone``."""
        return self.sim.last_code(phone)

    def create_account(self, name: str = "other", api_version: str = "v2") -> Credentials:
        """Another account with its own WABA and credentials (e.g. to test ownership checks)."""
        return _new_account(self.runtime, name, api_version)

    @cached_property
    def admin_token(self) -> str:
        """A token for the ``/sim/…`` HTTP control plane (``Authorization: Bearer …``)."""
        from wanumbers._sandbox.bridge import run_on_helper_loop
        from wanumbers.server.services import admin

        return run_on_helper_loop(admin.create_admin_token(self.runtime))

    def close(self) -> None:
        for close in reversed(self._closers):
            close()
        self._closers.clear()
        from wanumbers._sandbox.bridge import run_on_helper_loop

        run_on_helper_loop(self.runtime.close())


def _new_account(runtime: Runtime, name: str, api_version: str) -> Credentials:
    from wanumbers._sandbox.bridge import run_on_helper_loop
    from wanumbers.server.services import admin

    async def create() -> Credentials:
        account, api_key = await admin.create_account(runtime, name)
        waba = await admin.create_waba(runtime, account.sid, api_version)
        token = await admin.create_access_token(runtime, account.sid)
        return Credentials(account.sid, api_key, str(waba.id), token)

    return run_on_helper_loop(create())


@contextmanager
def sandbox(*, account_name: str = "sandbox", api_version: str = "v2") -> Iterator[Sandbox]:
    """Start the service in-process on a fresh in-memory store with one account (``api_version`` is
    the Kaleyra API version of its WABA: "v2", or "v1" for ``incoming_url`` routing)."""
    from wanumbers._sandbox.bridge import run_on_helper_loop
    from wanumbers.server.app import create_app
    from wanumbers.server.bootstrap import build_runtime
    from wanumbers.server.settings import Settings
    from wanumbers.server.storage.memory import MEMORY_URL

    settings = Settings(database_url=MEMORY_URL, otp_key=secrets.token_hex(32))
    runtime = build_runtime(settings)
    try:
        credentials = _new_account(runtime, account_name, api_version)
        box = Sandbox(create_app(settings, runtime), runtime, credentials)
    except BaseException:
        run_on_helper_loop(runtime.close())
        raise
    try:
        yield box
    finally:
        box.close()


try:
    import pytest
except ImportError:  # pragma: no cover - the sandbox itself works without pytest
    pass
else:

    @pytest.fixture
    def wanumbers_sandbox() -> Iterator[Sandbox]:
        """A fresh in-process wanumbers service for this test (see :func:`sandbox`)."""
        with sandbox() as sb:
            yield sb
