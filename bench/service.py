"""Every assumption the harness makes about wanumbers, in one place.

The harness never imports wanumbers at module import time: scenarios ask
``missing_piece()`` first and skip with its message while that piece is not there yet.
Names relied on (keep in sync with the service):

- CLI ``wanumbers serve --host H --port P --database-url URL [--workers N]``
- CLI ``wanumbers accounts create --name N --json`` → ``{"sid", "api_key"}``
- CLI ``wanumbers wabas create --sid SID --json`` → ``{"waba_id"}``
- CLI ``wanumbers tokens create --sid SID --json`` → ``{"access_token"}``
- CLI ``wanumbers sim token --json`` → ``{"admin_token"}``; ``wanumbers apps secret --sid SID --json``
  → ``{"app_id", "app_secret"}`` (S10)
- modules ``wanumbers.server.storage.models`` / ``.repositories.numbers`` (see bench/seed.py)
- HTTP paths below (Kaleyra v2 BSP surface, Graph surface and its webhook subscriptions, the
  control plane's ``/sim/numbers/{id}/tier``)
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.model import Skip
from bench.procs import child_env

GRAPH_VERSION = "v23.0"
# Fields a real Graph client asks for on a phone-number node (S2).
GRAPH_FIELDS = (
    "id,display_phone_number,verified_name,quality_rating,code_verification_status,"
    "name_status,status,throughput,messaging_limit_tier,health_status"
)


class ServiceMissing(Skip):
    """A piece of wanumbers the scenario needs is not importable / does not answer yet."""


@dataclass(frozen=True)
class Tenant:
    sid: str
    api_key: str
    waba_id: str
    access_token: str | None


def missing_piece(*specs: str) -> str | None:
    """The first of ``specs`` (``"module"`` or ``"module:attribute"``) that cannot be imported,
    as a skip message; ``None`` when all are there. An empty directory imports as a namespace
    package, hence the attribute form for packages still being written."""
    for spec in specs:
        module_name, _, attribute = spec.partition(":")
        try:
            module = importlib.import_module(module_name)
            if attribute:
                getattr(module, attribute)
        except Exception as exc:  # any failure means "not usable yet", whatever its kind
            return f"`{spec}` is not importable yet ({type(exc).__name__}: {exc})"
    return None


def wanumbers_argv() -> list[str]:
    """The console script when installed (what users run), else the same entry point via -c."""
    script = Path(sys.executable).with_name("wanumbers")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from wanumbers.cli import main; sys.exit(main())"]


def serve_argv(port: int, database_url: str, workers: int = 1) -> list[str]:
    argv = [*wanumbers_argv(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--database-url", database_url]
    if workers != 1:
        argv += ["--workers", str(workers)]
    return argv


def cli_json(database_url: str, *args: str) -> Any:
    argv = [*wanumbers_argv(), *args, "--json", "--database-url", database_url]
    done = subprocess.run(argv, capture_output=True, text=True, env=child_env(), timeout=120)
    if done.returncode != 0:
        raise ServiceMissing(f"`wanumbers {' '.join(args)}` failed: {done.stderr.strip()[-400:]}")
    return json.loads(done.stdout)


def provision(database_url: str, *, with_token: bool = True) -> Tenant:
    """One account, one WABA and (for the Graph scenarios) one access token, via the CLI, so
    that credentials are hashed exactly the way the service expects them."""
    account = cli_json(database_url, "accounts", "create", "--name", "bench")
    waba = cli_json(database_url, "wabas", "create", "--sid", account["sid"])
    token: str | None = None
    if with_token:
        try:
            token = cli_json(database_url, "tokens", "create", "--sid", account["sid"])["access_token"]
        except ServiceMissing:
            token = None  # Graph scenarios skip; BSP scenarios still run
    return Tenant(account["sid"], account["api_key"], str(waba["waba_id"]), token)


def bsp_headers(tenant: Tenant) -> dict[str, str]:
    return {"api-key": tenant.api_key, "Content-Type": "application/json"}


def graph_headers(tenant: Tenant) -> dict[str, str]:
    return {"Authorization": f"Bearer {tenant.access_token}"}


def details_path(sid: str, e164: str) -> str:
    # The seeds write the number as digits with the country code and no "+".
    return f"/v2/{sid}/whatsapp/{e164.lstrip('+')}/phone_number_details"


def graph_node_path(number_id: int) -> str:
    return f"/{GRAPH_VERSION}/{number_id}?fields={quote(GRAPH_FIELDS, safe=',')}"


def graph_list_path(waba_id: str, limit: int, after: str | None = None) -> str:
    path = f"/{GRAPH_VERSION}/{waba_id}/phone_numbers?limit={limit}"
    return path + (f"&after={quote(after, safe='')}" if after else "")


def bsp_add_path(sid: str, waba_id: str) -> str:
    return f"/v2/{sid}/whatsapp/{waba_id}/number/add"


def bsp_verify_path(sid: str, waba_id: str) -> str:
    return f"/v2/{sid}/whatsapp/{waba_id}/number/verify"


def admin_token(database_url: str) -> str:
    """A control-plane (``/sim/…``) token, issued the way operators get one."""
    token: str = cli_json(database_url, "sim", "token")["admin_token"]
    return token


def app_credentials(database_url: str, sid: str) -> tuple[str, str]:
    """(app id, app secret) of the account's app: what webhooks are signed with."""
    creds = cli_json(database_url, "apps", "secret", "--sid", sid)
    return str(creds["app_id"]), str(creds["app_secret"])


def graph_oauth_path(query: str) -> str:
    return f"/{GRAPH_VERSION}/oauth/access_token?{query}"


def graph_subscriptions_path(app_id: str) -> str:
    return f"/{GRAPH_VERSION}/{app_id}/subscriptions"


def graph_subscribed_apps_path(waba_id: str) -> str:
    return f"/{GRAPH_VERSION}/{waba_id}/subscribed_apps"


def sim_tier_path(number_id: int) -> str:
    return f"/sim/numbers/{number_id}/tier"
