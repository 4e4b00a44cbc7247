"""S10's webhook receiver and change driver: ``python -m bench.events_probe PHASE …``, run pinned to
the load core (docs/benchmarks.md, S10).

One process, one event loop, so the receiver and the driver read the same clock:

- the **receiver**, a raw ASGI app on uvicorn on a free loopback port: answers Meta's subscription
  handshake (``hub.verify_token`` checked, ``hub.challenge`` echoed), and for every delivery notes
  ``time.monotonic()`` once the body is in, checks ``X-Hub-Signature-256`` against the app secret,
  parses Meta's envelope and answers 200 (403 for a bad signature, 400 for a body it cannot parse);
- the **driver**, subscribing the receiver the way a user's setup code does (``GET /oauth/access_token``,
  ``POST /{app-id}/subscriptions``, ``POST /{waba-id}/subscribed_apps``), then steering seeded numbers
  through the control plane (``POST /sim/numbers/{id}/tier``: TIER_10K, then back to TIER_1K, which
  Meta reports as ``phone_number_quality_update`` UPGRADE / DOWNGRADE), and unsubscribing the WABA at
  the end so nothing is left to deliver to a receiver that is gone.

Phases: ``latency`` (one change at a time, each waiting for its webhook), ``burst`` (every change at
once over ``--connections``), ``stream`` (``--rate`` changes a second for ``--duration`` s, beside
another load; with ``--no-deliveries`` the same changes with the WABA unsubscribed, so their cost can
be told from the deliveries'). Prints ``ready`` once subscribed, then one JSON object. Secrets come from the
environment (``BENCH_EVENTS_APP_SECRET``, ``BENCH_EVENTS_ADMIN_TOKEN``, ``BENCH_EVENTS_ACCESS_TOKEN``),
never from the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from bench import seed, service
from bench.event_tally import EVENTS, MAX_CHANGES_PER_NUMBER, TIERS, Arrival, Sent, account, changes_of
from bench.httpconn import HttpConn
from bench.stats import percentile

VERIFY_TOKEN = "bench-verify"
FIELDS = "phone_number_quality_update"
SECRET_ENV = ("BENCH_EVENTS_APP_SECRET", "BENCH_EVENTS_ADMIN_TOKEN", "BENCH_EVENTS_ACCESS_TOKEN")
WAIT_ONE_S = 5.0  # latency phase: a change whose webhook takes longer is counted lost


@dataclass
class Receiver:
    """The ASGI app: records what arrives, as it arrives."""

    secret: bytes
    arrivals: list[Arrival] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    rejected: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        at = time.monotonic()
        if scope["method"] == "GET":
            status, answer = _handshake(scope.get("query_string", b"").decode())
        else:
            status, answer = self._delivery(body, _header(scope, b"x-hub-signature-256"), at)
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": answer})

    def _delivery(self, body: bytes, signature: str, at: float) -> tuple[int, bytes]:
        expected = "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature, expected):
            self.rejected += 1
            return 403, b"bad signature"
        try:
            changes = changes_of(json.loads(body))
        except (ValueError, KeyError, TypeError):
            self.rejected += 1
            return 400, b"not Meta's envelope"
        for display, event in changes:
            self.arrivals.append(Arrival(display, event, at))
            self.seen.add((display, event))
        self._changed.set()
        return 200, b"ok"

    async def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not condition():
            self._changed.clear()  # no await since the check: nothing can arrive in between
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return True


def _header(scope: Any, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope["headers"] if k.lower() == name), "")


def _handshake(query: str) -> tuple[int, bytes]:
    params = {key: values[0] for key, values in parse_qs(query).items()}
    if params.get("hub.mode") != "subscribe" or params.get("hub.verify_token") != VERIFY_TOKEN:
        return 403, b"bad verify token"
    return 200, params.get("hub.challenge", "").encode()


@dataclass
class Driver:
    """Talks to the server under test: Graph for the subscription, the control plane for changes."""

    port: int
    app_id: str
    waba_id: str
    secrets: dict[str, str]
    failed: int = 0
    first_error: str | None = None
    answers_ms: list[float] = field(default_factory=list)

    def conn(self) -> HttpConn:
        return HttpConn(self.port, {})

    async def subscribe(self, callback_url: str) -> None:
        conn = self.conn()
        try:
            query = {
                "grant_type": "client_credentials",
                "client_id": self.app_id,
                "client_secret": self.secrets["BENCH_EVENTS_APP_SECRET"],
            }
            token = json.loads(await _ok(conn, "GET", service.graph_oauth_path(urlencode(query))))
            form = {
                "object": "whatsapp_business_account",
                "callback_url": callback_url,
                "verify_token": VERIFY_TOKEN,
                "fields": FIELDS,
            }
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            path = service.graph_subscriptions_path(self.app_id)
            await _ok(conn, "POST", path, urlencode(form).encode(), headers)
            await _ok(conn, "POST", service.graph_subscribed_apps_path(self.waba_id), b"", self._user())
        finally:
            await conn.close()

    async def unsubscribe(self) -> None:
        conn = self.conn()
        try:
            await _ok(conn, "DELETE", service.graph_subscribed_apps_path(self.waba_id), b"", self._user())
        finally:
            await conn.close()

    def _user(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets['BENCH_EVENTS_ACCESS_TOKEN']}"}

    async def change(self, conn: HttpConn, index: int, step: int) -> Sent | None:
        """Change ``step`` (0 or 1) of seeded number ``index``; the Sent it should produce, or None."""
        path = service.sim_tier_path(seed.number_id(index))
        body = json.dumps({"tier": TIERS[step]}).encode()
        headers = {"Authorization": f"Bearer {self.secrets['BENCH_EVENTS_ADMIN_TOKEN']}"}
        headers["Content-Type"] = "application/json"
        at = time.monotonic()
        try:
            status, answer = await conn.request("POST", path, body, headers)
        except (OSError, asyncio.IncompleteReadError) as exc:
            status, answer = 0, f"{type(exc).__name__}: {exc}".encode()
        self.answers_ms.append((time.monotonic() - at) * 1000)
        if status != 200:
            self.failed += 1
            self.first_error = self.first_error or f"{status}: {answer[:200]!r}"
            return None
        return Sent(seed.e164(index).lstrip("+"), EVENTS[step], at)


async def _ok(
    conn: HttpConn, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    status, answer = await conn.request(method, path, body, headers)
    if status != 200:
        raise RuntimeError(f"{method} {path.split('?')[0]} answered {status}: {answer[:300]!r}")
    return answer


async def latency(driver: Driver, receiver: Receiver, args: argparse.Namespace) -> list[Sent]:
    conn, sent = driver.conn(), []
    for index in range(args.first, args.first + args.numbers):
        for step in range(args.changes):
            done = await driver.change(conn, index, step)
            if done is not None:
                sent.append(done)
                key = (done.display, done.event)
                await receiver.wait_until(lambda key=key: key in receiver.seen, WAIT_ONE_S)  # type: ignore[misc]
    await conn.close()
    return sent


async def burst(driver: Driver, _receiver: Receiver, args: argparse.Namespace) -> list[Sent]:
    """Every change at once: number i goes over connection i % C, so each number's two changes are
    sent (and committed) in order; its second comes after every other number's first."""
    lanes = [
        list(range(args.first + c, args.first + args.numbers, args.connections))
        for c in range(args.connections)
    ]

    async def lane(indexes: list[int]) -> list[Sent]:
        conn, sent = driver.conn(), []
        for step in range(args.changes):
            for index in indexes:
                done = await driver.change(conn, index, step)
                sent += [done] if done is not None else []
        await conn.close()
        return sent

    return [s for part in await asyncio.gather(*(lane(ix) for ix in lanes)) for s in part]


async def stream(driver: Driver, _receiver: Receiver, args: argparse.Namespace) -> list[Sent]:
    """``--rate`` changes a second, one per number, on a fixed schedule for ``--duration`` s."""
    conn, sent = driver.conn(), []
    started = time.monotonic()
    for n, index in enumerate(range(args.first, args.first + args.numbers)):
        due = started + n / args.rate
        if due - started >= args.duration:
            break
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        done = await driver.change(conn, index, 0)
        sent += [done] if done is not None else []
    await conn.close()
    return sent


PHASES = {"latency": latency, "burst": burst, "stream": stream}


async def run(args: argparse.Namespace, secrets: dict[str, str]) -> dict[str, Any]:
    import uvicorn

    receiver = Receiver(secrets["BENCH_EVENTS_APP_SECRET"].encode())
    port = args.receiver_port
    config = uvicorn.Config(receiver, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()  # raises why it could not start
        await asyncio.sleep(0.01)
    driver = Driver(args.port, args.app_id, args.waba_id, secrets)
    subscribed = not args.no_deliveries
    try:
        if subscribed:
            await driver.subscribe(f"http://127.0.0.1:{port}/hook")
        print("ready", flush=True)
        started = time.monotonic()
        sent = await PHASES[args.phase](driver, receiver, args)
        sent_s = time.monotonic() - started
        wanted = {(s.display, s.event) for s in sent}
        if subscribed:
            await receiver.wait_until(lambda: wanted <= receiver.seen, args.settle)
    finally:
        if subscribed:
            with contextlib.suppress(Exception):
                await driver.unsubscribe()
        server.should_exit = True
        await serving
    return {**_result(args.phase, sent, receiver, driver, sent_s), "deliveries": subscribed}


def _result(
    phase: str, sent: list[Sent], receiver: Receiver, driver: Driver, sent_s: float
) -> dict[str, Any]:
    tally = account(sent, receiver.arrivals)
    answers = driver.answers_ms
    return {
        "phase": phase,
        **tally.summary(),
        "rejected": receiver.rejected,
        "changes_failed": driver.failed,
        "first_error": driver.first_error,
        "changes_per_s": round(len(sent) / sent_s, 1) if sent_s > 0 else None,
        "answer_p50_ms": round(percentile(answers, 50), 2) if answers else None,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.events_probe", description=__doc__)
    parser.add_argument("phase", choices=sorted(PHASES))
    parser.add_argument("--port", type=int, required=True, help="the wanumbers server")
    parser.add_argument("--receiver-port", type=int, required=True)
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--waba-id", required=True)
    parser.add_argument("--first", type=int, required=True, help="first seeded number index to change")
    parser.add_argument("--numbers", type=int, required=True, help="numbers changed (stream: at most)")
    parser.add_argument("--changes", type=int, default=1, choices=range(1, MAX_CHANGES_PER_NUMBER + 1))
    parser.add_argument("--connections", type=int, default=8, help="burst: concurrent connections")
    parser.add_argument("--rate", type=float, default=20.0, help="stream: changes per second")
    parser.add_argument("--duration", type=float, default=5.0, help="stream: seconds")
    parser.add_argument("--settle", type=float, default=30.0, help="seconds to wait for the last webhooks")
    parser.add_argument(
        "--no-deliveries",
        action="store_true",
        help="do not subscribe: the same changes, recorded as events with nobody to deliver them to",
    )
    return parser


def main() -> None:
    args = _parser().parse_args()
    missing = [name for name in SECRET_ENV if not os.environ.get(name)]
    if missing:
        raise SystemExit(f"set {', '.join(missing)} in the environment")
    result = asyncio.run(run(args, {name: os.environ[name] for name in SECRET_ENV}))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
